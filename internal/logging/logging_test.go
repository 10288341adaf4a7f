package logging_test

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/hostp2pd/hostp2pd/internal/logging"
)

// lumberjack starts a mill goroutine on its first write and never stops it
// (natefinch/lumberjack#56); it is the one documented exception.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("gopkg.in/natefinch/lumberjack%2ev2.(*Logger).millRun"))
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of slog.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestParseLevel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want slog.Level
	}{
		{"10", slog.LevelDebug}, {"20", slog.LevelInfo}, {"30", slog.LevelWarn},
		{"40", slog.LevelError}, {"50", logging.LevelCritical}, {"25", slog.LevelInfo},
		{"0", slog.LevelDebug}, {"debug", slog.LevelDebug}, {"WARNING", slog.LevelWarn},
		{"warn", slog.LevelWarn}, {"Critical", logging.LevelCritical}, {" info ", slog.LevelInfo},
	}
	for _, tt := range tests {
		got, err := logging.ParseLevel(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseLevel(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if back := logging.FromPython(logging.ToPython(got)); back != got {
			t.Errorf("round trip of %v gave %v", got, back)
		}
	}
	if _, err := logging.ParseLevel("loud"); err == nil {
		t.Error(`ParseLevel("loud") succeeded`)
	}
}

func TestFromVerbosity_MatchesHostp2pd(t *testing.T) {
	t.Parallel()
	for v, want := range []string{"WARNING", "INFO", "DEBUG", "DEBUG"} {
		if got := logging.LevelName(logging.FromVerbosity(v)); got != want {
			t.Errorf("-v×%d = %s, want %s", v, got, want)
		}
	}
}

func TestNew_FileGetsRecordsWithPythonLevelNames(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "log", "hostp2pd.log")
	var stderr syncBuffer
	l := logging.New(logging.Options{File: path, Fallback: &stderr})
	defer func() { _ = l.Close() }()
	l.Level.Set(slog.LevelDebug)
	l.Logger.Warn("group started", "group", "p2p-wlan0-0")
	l.Logger.Log(t.Context(), logging.LevelCritical, "giving up")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"level=WARNING msg=\"group started\" group=p2p-wlan0-0", "level=CRITICAL msg=\"giving up\""} {
		if !strings.Contains(string(b), want) {
			t.Errorf("log file lacks %q:\n%s", want, b)
		}
	}
	if stderr.String() != "" {
		t.Errorf("fallback written: %q", stderr.String())
	}
}

func TestNew_UnopenableFileFallsBackToStderrWithOneWarning(t *testing.T) {
	t.Parallel()
	// A path below a regular file cannot be created, even by root (the
	// tests may run as root, so a read-only mode would not stop them).
	dir := t.TempDir()
	notDir := filepath.Join(dir, "file")
	if err := os.WriteFile(notDir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr syncBuffer
	l := logging.New(logging.Options{File: filepath.Join(notDir, "hostp2pd.log"), Fallback: &stderr})
	l.Logger.Warn("first")
	l.Logger.Warn("second")
	out := stderr.String()
	if n := strings.Count(out, "cannot open log file"); n != 1 {
		t.Errorf("%d warnings, want 1:\n%s", n, out)
	}
	for _, want := range []string{"msg=first", "msg=second", "not a directory"} {
		if !strings.Contains(out, want) {
			t.Errorf("stderr lacks %q:\n%s", want, out)
		}
	}
}

func TestNew_FullDiskFallsBackToStderr(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	var stderr syncBuffer
	l := logging.New(logging.Options{File: "/dev/full", Fallback: &stderr})
	defer func() { _ = l.Close() }()
	l.Logger.Warn("one")
	l.Logger.Warn("two")
	out := stderr.String()
	if n := strings.Count(out, "logging to stderr"); n != 1 {
		t.Errorf("%d warnings, want 1:\n%s", n, out)
	}
	if !strings.Contains(out, "msg=one") || !strings.Contains(out, "msg=two") {
		t.Errorf("records lost:\n%s", out)
	}
}

func TestReopen_RetriesTheFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "hostp2pd.log")
	// Block the directory with a file, then remove it and reopen.
	if err := os.WriteFile(filepath.Join(dir, "sub"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr syncBuffer
	l := logging.New(logging.Options{File: path, Fallback: &stderr})
	defer func() { _ = l.Close() }()
	l.Logger.Warn("to stderr")
	if err := os.Remove(filepath.Join(dir, "sub")); err != nil {
		t.Fatal(err)
	}
	if err := l.Reopen(); err != nil {
		t.Fatalf("Reopen: %v", err)
	}
	l.Logger.Warn("to file")
	b, _ := os.ReadFile(path)
	if !strings.Contains(string(b), "msg=\"to file\"") {
		t.Errorf("file after reopen: %q", b)
	}
	if strings.Contains(stderr.String(), "to file") {
		t.Error("record went to stderr after a successful reopen")
	}
}

func TestNew_ConsoleOmitsTimeAndHonoursLevel(t *testing.T) {
	t.Parallel()
	var console syncBuffer
	lv := new(slog.LevelVar)
	lv.Set(slog.LevelInfo)
	l := logging.New(logging.Options{Console: &console, Level: lv})
	l.Logger.Debug("hidden")
	l.Logger.Info("shown", "peer", "42:00:00:00:01:00")
	lv.Set(slog.LevelDebug)
	l.Logger.Debug("now shown")
	want := "level=INFO msg=shown peer=42:00:00:00:01:00\nlevel=DEBUG msg=\"now shown\"\n"
	if got := console.String(); got != want {
		t.Errorf("console = %q, want %q", got, want)
	}
}

func TestNew_NoDestinationDiscards(t *testing.T) {
	t.Parallel()
	l := logging.New(logging.Options{})
	l.Logger.Error("nowhere")
	if err := l.Reopen(); err != nil {
		t.Error(err)
	}
}

func TestNew_FileLevelIsIndependent(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "hostp2pd.log")
	var console syncBuffer
	l := logging.New(logging.Options{Console: &console, File: path, FileLevel: slog.LevelDebug})
	defer func() { _ = l.Close() }()
	l.Logger.Debug("wpa line", "event", "P2P-DEVICE-FOUND")
	b, _ := os.ReadFile(path)
	if !strings.Contains(string(b), "msg=\"wpa line\"") {
		t.Errorf("debug record missing from the file: %q", b)
	}
	if console.String() != "" {
		t.Errorf("console at WARNING printed %q", console.String())
	}
}
