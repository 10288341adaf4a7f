package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/hostp2pd/hostp2pd/internal/metrics"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/internal/console"
	"github.com/hostp2pd/hostp2pd/internal/ctl"
	"github.com/hostp2pd/hostp2pd/internal/daemon"
	"github.com/hostp2pd/hostp2pd/internal/logging"
	"github.com/hostp2pd/hostp2pd/internal/pidfile"
	"github.com/hostp2pd/hostp2pd/internal/sdnotify"
	"github.com/hostp2pd/hostp2pd/internal/status"
)

// stopTimeout is how long the daemon gets to stop in order after SIGTERM.
// It covers the daemon's own stop: at most 3 s of commands, then up to
// 10 s for the final hooks (daemon.Options.StopTimeout), under the unit's
// TimeoutStopSec=15.
const stopTimeout = 14 * time.Second

// aliveWithin is how long the event loop may go without a turn before the
// systemd watchdog stops being petted.
const aliveWithin = 10 * time.Second

// app holds what the running process shares between its goroutines.
type app struct {
	o     *options
	s     sys
	iface string
	logs  *logging.Logs
	log   *slog.Logger

	mu      sync.Mutex
	cfgPath string         // the latest valid configuration file ("" = defaults, "-" = stdin)
	cfg     *config.Config // the configuration in force
}

// serve runs the daemon in interactive, batch or daemon mode.
func serve(o *options, s sys) int {
	var thpErr error
	if s.noHugePages != nil {
		thpErr = s.noHugePages() // returns when not executed again
	}
	// Signals first: a SIGHUP or SIGTERM during start-up must not kill us
	// with the default action (systemd may reload at any time).
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	// Reading the configuration may block (standard input); a signal
	// must still stop us then.
	type loaded struct {
		cfg  *config.Config
		path string
		err  error
	}
	got := make(chan loaded, 1)
	go func() {
		cfg, path, err := loadConfig(o, s)
		got <- loaded{cfg, path, err}
	}()
	var l loaded
	select {
	case l = <-got:
	case <-ctx.Done():
		fmt.Fprintln(s.stderr, "hostp2pd: interrupted while reading the configuration")
		return exitFailure
	}
	cfg, path := l.cfg, l.path
	if l.err != nil {
		printConfigError(s.stderr, l.err)
		return exitUsage
	}
	iface := resolveInterface(o, cfg)
	autoIface := iface == config.AutoInterface
	if autoIface {
		var err error
		iface, err = waitP2PDevice(ctx, cfg.CtrlInterface, autoWait)
		if err != nil {
			if ctx.Err() != nil {
				err = errors.New("interrupted while waiting for wpa_supplicant")
			}
			fmt.Fprintf(s.stderr, "hostp2pd: interface auto: %v\n", err)
			return exitFailure
		}
	}
	applyFlags(o, cfg, iface)

	child := s.getenv(envDaemonChild)
	if o.daemon && child == "" {
		return daemonize(o, s, path, iface, autoIface)
	}

	report := func(string) {}
	if child != "" {
		report = childReporter(child)
		// Hooks must not inherit the markers.
		_ = os.Unsetenv(envDaemonChild)
		_ = os.Unsetenv(envConfigFD)
	}

	pf, err := pidfile.Acquire(pidPath(s, iface))
	if err != nil {
		var held *pidfile.HeldError
		msg := err.Error()
		if errors.As(err, &held) {
			msg = fmt.Sprintf("hostp2pd is already running on %s (pid %d, pidfile %s)", iface, held.PID, held.Path)
		}
		fmt.Fprintf(s.stderr, "hostp2pd: %s\n", msg)
		report("error: " + msg)
		return exitFailure
	}
	defer func() { _ = pf.Release() }()
	recordErr := writeRecord(s, iface, path)
	defer removeRecord(s, iface)

	a := &app{o: o, s: s, iface: iface, cfgPath: path, cfg: cfg}
	level := new(slog.LevelVar)
	a.setLevel(level, cfg)

	// Destinations by mode.
	var con *console.Console
	var restore func()
	lo := logging.Options{
		Level: level, File: cfg.LogFile, MaxSizeMB: cfg.LogMaxSizeMB, Backups: cfg.LogBackups,
		Fallback: s.stderr,
	}
	if fl, ok := cfg.FileLevel(); ok {
		lo.FileLevel = fl
	}
	switch {
	case o.daemon:
	case o.batchSet:
		lo.File = ""
		if o.batch == "-" {
			lo.Stream = s.stdout
		} else {
			lo.File = o.batch
		}
	default: // interactive
		var tty bool
		con, restore, tty = newConsole(s, level, path == "-")
		if tty {
			lo.Console = con // records print above the prompt
		} else {
			lo.Stream = s.stderr
		}
		lo.Fallback = io.Discard // records are shown already
	}
	if restore != nil {
		defer restore()
	}
	if lo.File != "" {
		// The -d child moves to /; lumberjack opens the file lazily.
		if abs, err := filepath.Abs(lo.File); err == nil {
			lo.File = abs
		}
	}
	a.logs = logging.New(lo)
	defer func() { _ = a.logs.Close() }()
	a.log = a.logs.Logger
	if recordErr != nil {
		a.log.Warn("cannot record the configuration file in the run directory; -t/-r need -i then", "err", recordErr)
	}
	if thpErr != nil {
		a.log.Info("transparent huge pages stay on: the heap takes whole 2 MB pages", "err", thpErr)
	}

	if child != "" {
		report("ok")
		_ = os.Chdir("/")
	}
	return a.run(ctx, hup, s, con, level)
}

// setLevel applies -v/-vv, else force_logging, else WARNING.
func (a *app) setLevel(level *slog.LevelVar, cfg *config.Config) {
	if a.o.level() > 0 {
		level.Set(logging.FromVerbosity(a.o.level()))
		return
	}
	if l, ok := cfg.ForceLevel(); ok {
		level.Set(l)
		return
	}
	level.Set(logging.FromVerbosity(0))
}

func (a *app) run(ctx context.Context, hup <-chan os.Signal, s sys, con *console.Console, level *slog.LevelVar) int {
	notify := sdnotify.New()
	cfg := a.current()
	d, err := daemon.New(cfg, daemon.Options{
		Logger:  a.log,
		Version: versionString(),
		Load:    a.load,
		OnReady: func() {
			_ = notify.Ready()
			_ = notify.Status("running on " + a.iface)
		},
		Net:      daemon.NewIPService(a.log),
		StateDir: stateDir(s),
	})
	if err != nil {
		printConfigError(s.stderr, err)
		a.log.Error("cannot start", "err", err)
		return exitUsage
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	a.log.Info("hostp2pd starting", "version", versionString(), "iface", a.iface, "pid", os.Getpid(),
		"config", displayPath(a.cfgPath), "mode", cfg.Mode.String())

	var wg sync.WaitGroup
	daemonDone := make(chan error, 1)
	go func() { daemonDone <- d.Run(ctx) }()

	// Control socket.
	dropped := map[string]func() uint64{} // connection caps, for /metrics
	if path, err := ctlPath(s, cfg, a.iface); err != nil {
		a.log.Info("control socket disabled")
	} else if l, err := ctl.Listen(path, cfg.CtlGroup); err != nil {
		a.log.Warn("control socket not available", "path", path, "err", err)
	} else {
		cl := ctl.LimitListener(l, ctl.MaxConns)
		dropped["ctl"] = cl.Dropped
		wg.Go(func() {
			if err := ctl.Serve(ctx, cl, d, a.log); err != nil {
				a.log.Warn("control socket stopped", "err", err)
			}
		})
		a.log.Info("control socket listening", "path", path)
	}

	// SIGHUP: reload (one received during start-up is pending in hup).
	wg.Go(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				a.reload(d, notify, level)
			}
		}
	})

	// systemd watchdog and status.
	wg.Go(func() { notify.RunWatchdog(ctx, func() bool { return d.Alive(aliveWithin) }) })

	// Optional Prometheus endpoint.
	if cfg.MetricsListen != "" {
		if ml, err := net.Listen("tcp", cfg.MetricsListen); err != nil {
			a.log.Warn("metrics listener not available", "addr", cfg.MetricsListen, "err", err)
		} else {
			lim := ctl.LimitListener(ml, metrics.MaxConns)
			dropped["metrics"] = lim.Dropped
			mux := http.NewServeMux()
			mux.Handle("GET /metrics", metrics.Handler(d.Status, dropped))
			mlog := a.log.With("component", "metrics")
			wg.Go(func() {
				if err := ctl.ServeHTTP(ctx, lim, mux, mlog); err != nil {
					mlog.Warn("metrics listener stopped", "err", err)
				}
			})
			a.log.Info("metrics listening", "addr", ml.Addr().String())
		}
	}
	if s.getenv("NOTIFY_SOCKET") != "" {
		wg.Go(func() { systemdStatus(ctx, statusEvery, d.Status, notify.Status) })
	}

	// Interactive console.
	if con != nil {
		wg.Go(func() {
			if err := con.Run(ctx, d); err == nil {
				a.log.Info("console: quit")
				cancel()
			}
		})
	}

	code := exitOK
	var deadline time.Time
	select {
	case err := <-daemonDone:
		// The daemon gave up on its own.
		if err != nil {
			a.log.Error("daemon stopped", "err", err)
			_ = notify.Status("failed: " + err.Error())
			code = exitFailure
			if errors.Is(err, daemon.ErrNoP2P) {
				code = exitUsage // restarting cannot help (the unit's RestartPreventExitStatus=2)
			}
		}
		cancel()
	case <-ctx.Done():
		a.log.Info("stopping")
		_ = notify.Stopping()
		deadline = time.Now().Add(stopTimeout)
		select {
		case err := <-daemonDone:
			if err != nil && !errors.Is(err, context.Canceled) {
				a.log.Error("daemon stopped with an error", "err", err)
				code = exitFailure
			}
		case <-time.After(stopTimeout):
			a.log.Error("daemon did not stop in time; exiting anyway", "timeout", stopTimeout)
			code = exitFailure
		}
	}
	_ = notify.Stopping()
	// The other parts (control socket, console, watchdog) get what is left
	// of the 5 s, plus a moment for the control socket's own shutdown.
	if deadline.IsZero() {
		deadline = time.Now().Add(stopTimeout)
	}
	waitTimeout(&wg, max(time.Until(deadline), 0)+time.Second)
	a.log.Info("hostp2pd stopped")
	return code
}

// waitTimeout waits for wg, at most d.
func waitTimeout(wg *sync.WaitGroup, d time.Duration) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
	}
}

func (a *app) current() *config.Config {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.cfg
}

// load reads a configuration for a reload: path "" is the latest valid
// file, "reset" the defaults, anything else a new file (which becomes the
// latest valid one). Command-line flags are applied on top, as at start.
// It is the daemon's loader (console and control socket reloads) too.
func (a *app) load(path string) (*config.Config, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	switch path {
	case "":
		path = a.cfgPath
	case "reset":
		path = ""
	}
	if path == "-" {
		return nil, errors.New("the configuration was read from standard input and cannot be re-read; give a file")
	}
	cfg, warns, err := config.Load(path)
	for _, w := range warns {
		a.log.Warn("configuration warning", "warning", w.String())
	}
	if err != nil {
		return nil, err
	}
	if cfg.Interface != "" && cfg.Interface != config.AutoInterface && cfg.Interface != a.iface && !a.o.ifaceSet {
		a.log.Warn("changing the interface needs a restart; keeping the current one", "iface", a.iface, "file_iface", cfg.Interface)
	}
	applyFlags(a.o, cfg, a.iface)
	a.log.Info("configuration read", "config", displayPath(path), "changed", config.Diff(a.cfg, cfg))
	if path != a.cfgPath {
		if err := writeRecord(a.s, a.iface, path); err != nil {
			a.log.Warn("cannot record the configuration file in the run directory", "err", err)
		}
	}
	a.cfgPath, a.cfg = path, cfg
	return cfg, nil
}

// reload handles SIGHUP: reopen the log file, re-read the configuration
// file, keep the old configuration when the new one is broken.
func (a *app) reload(d *daemon.Daemon, notify *sdnotify.Notifier, level *slog.LevelVar) {
	_ = notify.Reloading()
	defer func() { _ = notify.Ready() }()
	if err := a.logs.Reopen(); err != nil {
		a.log.Warn("cannot reopen the log file", "err", err)
	}
	a.log.Info("SIGHUP: reloading the configuration", "config", displayPath(a.cfgPath))
	cfg, err := a.load("")
	if err != nil {
		a.log.Error("reload failed; keeping the current configuration", "err", err)
		return
	}
	a.setLevel(level, cfg)
	if err := d.ReloadConfig(cfg); err != nil {
		a.log.Error("reload failed; keeping the current configuration", "err", err)
		return
	}
	a.log.Info("configuration reloaded")
}

// statusEvery is how often systemdStatus looks at the daemon's state.
const statusEvery = 5 * time.Second

// systemdStatus keeps systemctl status's STATUS= line current. It runs
// only under systemd (NOTIFY_SOCKET set) and sends a line only when it
// changed: for an idle daemon it reads the status every statusEvery and
// sends nothing.
func systemdStatus(ctx context.Context, every time.Duration, status func() status.Status, send func(string) error) {
	t := time.NewTicker(every)
	defer t.Stop()
	last := ""
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if s := statusLine(status()); s != last {
				_ = send(s)
				last = s
			}
		}
	}
}

func statusLine(st status.Status) string {
	state := st.State
	if state == "" {
		state = "starting"
	}
	if st.Group == nil {
		return fmt.Sprintf("%s: %s, no group", st.Interface, state)
	}
	return fmt.Sprintf("%s: %s, group %s up, %d clients", st.Interface, state, st.Group.Iface, len(st.Clients))
}

func displayPath(p string) string {
	switch p {
	case "":
		return "(defaults)"
	case "-":
		return "<stdin>"
	}
	return p
}

// newConsole builds the interactive console. With a TTY it is put in raw
// mode (restore undoes it); when standard input already gave the YAML,
// the console reads /dev/tty, or there is none.
func newConsole(s sys, level *slog.LevelVar, stdinUsed bool) (con *console.Console, restore func(), tty bool) {
	in := s.stdin
	if stdinUsed {
		f, err := os.Open("/dev/tty")
		if err != nil {
			return nil, nil, false
		}
		in = f
	}
	hist, _ := console.LoadHistory(historyPath())
	o := console.Options{Level: level, Version: versionString(), History: hist}
	out, isFile := s.stdout.(*os.File)
	fd := int(in.Fd())
	if isFile && term.IsTerminal(fd) && term.IsTerminal(int(out.Fd())) {
		old, err := term.MakeRaw(fd)
		if err == nil {
			o.Terminal, o.Color = true, true
			o.Width, o.Height, _ = term.GetSize(int(out.Fd()))
			return console.New(in, s.stdout, o), func() { _ = term.Restore(fd, old) }, true
		}
	}
	return console.New(in, s.stdout, o), nil, false
}

func historyPath() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, console.HistoryFile)
}

// stateDir is where the daemon remembers the P2P device address and the
// persistent group's frequency: $HOSTP2PD_STATEDIR, else the run directory
// when $HOSTP2PD_RUNDIR moves it (tests, unprivileged setups), else
// /var/lib/hostp2pd as root (beside the lease files), else none.
func stateDir(s sys) string {
	switch {
	case s.getenv(envStateDir) != "":
		return s.getenv(envStateDir)
	case s.getenv(envRunDir) != "":
		return s.getenv(envRunDir)
	case os.Geteuid() == 0:
		return "/var/lib/hostp2pd"
	}
	return ""
}
