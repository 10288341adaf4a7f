package logging

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"gopkg.in/natefinch/lumberjack.v2"
)

// Options selects the destinations of [New].
type Options struct {
	// Level is shared with the console's loglevel command; nil = a new
	// LevelVar at WARNING.
	Level *slog.LevelVar
	// Console, when set, receives records without timestamps, e.g. the
	// interactive terminal, which redraws the prompt below them.
	Console io.Writer
	// Stream, when set, receives full records (stderr, or stdout for -b -).
	Stream io.Writer
	// File, when not empty, is a log file rotated at MaxSizeMB (default 1)
	// keeping Backups old files (default 3).
	File string
	// FileLevel is the log file's own level (log_file_level); nil = Level.
	FileLevel slog.Leveler
	MaxSizeMB int
	Backups   int
	// Fallback receives the file's records when the file cannot be opened
	// or written; nil = os.Stderr.
	Fallback io.Writer
}

// Logs owns the logger and its file.
type Logs struct {
	// Logger is the root logger; components add .With("component", …).
	Logger *slog.Logger
	// Level is the level in force; set it to change verbosity at run time.
	Level *slog.LevelVar

	file *fallbackWriter // nil without a file
}

// New builds the logger. It never fails: a log file that cannot be opened
// is replaced by the fallback and reported with one warning.
func New(o Options) *Logs {
	l := &Logs{Level: o.Level}
	if l.Level == nil {
		l.Level = new(slog.LevelVar)
		l.Level.Set(slog.LevelWarn)
	}
	if o.Fallback == nil {
		o.Fallback = os.Stderr
	}
	var hs []slog.Handler
	if o.Console != nil {
		hs = append(hs, slog.NewTextHandler(o.Console, &slog.HandlerOptions{
			Level: l.Level, ReplaceAttr: consoleAttr,
		}))
	}
	if o.Stream != nil {
		hs = append(hs, slog.NewTextHandler(o.Stream, &slog.HandlerOptions{
			Level: l.Level, ReplaceAttr: levelAttr,
		}))
	}
	var openErr error
	if o.File != "" {
		size, backups := o.MaxSizeMB, o.Backups
		if size <= 0 {
			size = 1
		}
		if backups <= 0 {
			backups = 3
		}
		lj := &lumberjack.Logger{Filename: o.File, MaxSize: size, MaxBackups: backups}
		l.file = &fallbackWriter{primary: lj, closer: lj, fallback: o.Fallback, name: o.File}
		openErr = probe(o.File)
		if openErr != nil {
			l.file.failed = true
		}
		var fl slog.Leveler = l.Level
		if o.FileLevel != nil {
			fl = o.FileLevel
		}
		hs = append(hs, slog.NewTextHandler(l.file, &slog.HandlerOptions{
			Level: fl, ReplaceAttr: levelAttr,
		}))
	}
	switch len(hs) {
	case 0:
		l.Logger = slog.New(slog.DiscardHandler)
	case 1:
		l.Logger = slog.New(hs[0])
	default:
		l.Logger = slog.New(slog.NewMultiHandler(hs...))
	}
	if openErr != nil {
		l.Logger.Warn("cannot open log file, logging to stderr", "file", o.File, "err", openErr)
	}
	return l
}

// probe checks that the log file can be created and appended to, so that a
// broken destination is reported at start-up rather than at the first record.
func probe(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	return f.Close()
}

// Reopen closes the log file; the next record reopens it (or creates it
// when logrotate moved it away), and a file that failed before is tried
// again. Call it on SIGHUP.
func (l *Logs) Reopen() error {
	if l.file == nil {
		return nil
	}
	return l.file.reopen()
}

// Close closes the log file. Records logged afterwards reopen it.
func (l *Logs) Close() error {
	if l.file == nil {
		return nil
	}
	return l.file.closer.Close()
}

// fallbackWriter writes to primary until a write fails, then to fallback
// until reopen.
type fallbackWriter struct {
	mu       sync.Mutex
	primary  io.Writer
	closer   io.Closer
	fallback io.Writer
	name     string
	failed   bool
}

func (w *fallbackWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.failed {
		n, err := w.primary.Write(p)
		if err == nil {
			return n, nil
		}
		w.failed = true
		_, _ = fmt.Fprintf(w.fallback, "hostp2pd: log file %s: %v; logging to stderr\n", w.name, err)
	}
	return w.fallback.Write(p)
}

func (w *fallbackWriter) reopen() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	err := w.closer.Close()
	if perr := probe(w.name); perr != nil {
		if !w.failed {
			_, _ = fmt.Fprintf(w.fallback, "hostp2pd: log file %s: %v; logging to stderr\n", w.name, perr)
		}
		w.failed = true
		return perr
	}
	w.failed = false
	return err
}

func levelAttr(_ []string, a slog.Attr) slog.Attr {
	if a.Key == slog.LevelKey {
		if lv, ok := a.Value.Any().(slog.Level); ok {
			a.Value = slog.StringValue(LevelName(lv))
		}
	}
	return a
}

func consoleAttr(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return levelAttr(groups, a)
}
