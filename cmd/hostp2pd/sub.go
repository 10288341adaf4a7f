package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/hostp2pd/hostp2pd/internal/doctor"
	"path/filepath"
	"syscall"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/internal/console"
	"github.com/hostp2pd/hostp2pd/internal/ctl"
	"github.com/hostp2pd/hostp2pd/internal/pidfile"
)

// ctlPath returns the control socket of iface: ctl_socket from the
// configuration, else the default in the run directory.
func ctlPath(s sys, cfg *config.Config, iface string) (string, error) {
	if cfg != nil && cfg.CtlSocket != "" {
		p := cfg.CtlSocketPath(iface)
		if p == "" {
			return "", errCtlOff
		}
		return p, nil
	}
	if d := s.getenv(envRunDir); d != "" {
		return filepath.Join(d, "hostp2pd-"+iface+".sock"), nil
	}
	return ctl.DefaultPath(iface), nil
}

// target finds the daemon of a client command (see findTarget) and
// reports what stops it. A configuration that does not load is printed
// (file:line: key: problem); with strict (-r) it is fatal, because the
// daemon would refuse the file too, otherwise the daemon recorded for the
// file is still found. ok is false when the command must exit with code.
func target(o *options, s sys, strict bool) (t clientTarget, code int, ok bool) {
	t, err := findTarget(o, s)
	if t.cfgErr != nil {
		printConfigError(s.stderr, t.cfgErr)
		if strict {
			fmt.Fprintln(s.stderr, "hostp2pd: not reloading: the daemon would refuse this configuration and keep its own")
			return t, exitUsage, false
		}
		if err == nil {
			fmt.Fprintf(s.stderr, "hostp2pd: warning: the configuration does not load; using the running daemon's interface %s\n", t.iface)
		}
	}
	if err != nil {
		if t.cfgErr != nil {
			fmt.Fprintln(s.stderr, "hostp2pd: cannot tell which hostp2pd uses this configuration: no running daemon recorded it; give -i")
			return t, exitUsage, false
		}
		fmt.Fprintf(s.stderr, "hostp2pd: %v\n", err)
		return t, exitFailure, false
	}
	return t, exitOK, true
}

// signalDaemon implements -t and -r: SIGTERM or SIGHUP to the process that
// holds the pidfile lock of the interface.
func signalDaemon(o *options, s sys) int {
	t, code, ok := target(o, s, o.reload)
	if !ok {
		return code
	}
	iface := t.iface
	path := pidPath(s, iface)
	sig, what := syscall.SIGHUP, "reload"
	if o.terminate {
		sig, what = syscall.SIGTERM, "terminate"
	}
	pid, err := pidfile.Signal(path, sig)
	if errors.Is(err, pidfile.ErrNotRunning) {
		fmt.Fprintf(s.stderr, "hostp2pd: no hostp2pd running on %s (pidfile %s)\n", iface, path)
		return exitFailure
	}
	var imp *pidfile.ImpostorError
	if errors.As(err, &imp) {
		fmt.Fprintf(s.stderr, "hostp2pd: %s: not signalling pid %d from %s: %s\n", what, imp.PID, path, imp.Reason)
		return exitFailure
	}
	if err != nil {
		fmt.Fprintf(s.stderr, "hostp2pd: %s: %v\n", what, err)
		return exitFailure
	}
	if !o.terminate {
		fmt.Fprintf(s.stdout, "hostp2pd: sent SIGHUP (reload) to pid %d on %s\n", pid, iface)
		return exitOK
	}
	fmt.Fprintf(s.stdout, "hostp2pd: sent SIGTERM to pid %d on %s\n", pid, iface)
	// Wait for the lock to go, so "hostp2pd -t; hostp2pd -d" works.
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := pidfile.Lookup(path); errors.Is(err, pidfile.ErrNotRunning) {
			return exitOK
		}
		time.Sleep(50 * time.Millisecond)
	}
	fmt.Fprintf(s.stderr, "hostp2pd: pid %d still running after 10 s\n", pid)
	return exitFailure
}

// runSubcommand implements status, clients, pin, disconnect, forget and reload.
func runSubcommand(o *options, s sys) int {
	if o.sub == "doctor" {
		cfg, _, err := loadConfig(o, s)
		if err != nil {
			fmt.Fprintf(s.stderr, "hostp2pd: warning: ignoring the configuration: %v\n", err)
			cfg = nil
		}
		return runDoctor(cfg, resolveInterface(o, cfg), s)
	}
	path := o.socket
	iface := "(--socket)"
	if path == "" {
		t, code, ok := target(o, s, false)
		if !ok {
			return code
		}
		iface = t.iface
		var err error
		if path, err = ctlPath(s, t.cfg, iface); err != nil {
			fmt.Fprintf(s.stderr, "hostp2pd: %v\n", err)
			return exitFailure
		}
	}
	c := ctl.NewClient(path)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	err := func() error {
		switch o.sub {
		case "status":
			if o.json {
				b, err := c.StatusJSON(ctx)
				if err == nil {
					_, err = fmt.Fprintf(s.stdout, "%s\n", b)
				}
				return err
			}
			st, err := c.Status(ctx)
			if err == nil {
				console.WriteStatus(s.stdout, st, time.Now())
			}
			return err
		case "clients":
			cl, err := c.Clients(ctx)
			if err != nil {
				return err
			}
			if o.json {
				b, _ := json.MarshalIndent(cl, "", "  ")
				_, err = fmt.Fprintf(s.stdout, "%s\n", b)
				return err
			}
			if len(cl) == 0 {
				fmt.Fprintln(s.stdout, "no stations connected")
				return nil
			}
			console.WriteClients(s.stdout, cl, time.Now())
			return nil
		case "pin":
			peer, pin := "", o.args[0]
			if len(o.args) == 2 {
				peer, pin = o.args[0], o.args[1]
			}
			return c.EnterPIN(ctx, peer, pin)
		case "disconnect":
			if err := c.Disconnect(ctx, o.args[0]); err != nil || !o.rotate {
				return err
			}
			// A legacy station shares the group passphrase: only a new
			// one keeps it out.
			return runRotate(ctx, c, s)
		case "qr":
			return runQR(ctx, c, o.png, s)
		case "rotate":
			return runRotate(ctx, c, s)
		case "forget":
			return c.Forget(ctx, o.args[0])
		case "reload":
			file := ""
			if len(o.args) == 1 {
				file = o.args[0]
				if file != "reset" {
					// The daemon runs in /; name the file absolutely.
					if abs, err := filepath.Abs(file); err == nil {
						file = abs
					}
				}
			}
			return c.Reload(ctx, file)
		}
		return nil
	}()
	if errors.Is(err, ctl.ErrNoServer) {
		fmt.Fprintf(s.stderr, "hostp2pd: no hostp2pd running on %s (no control socket at %s)\n", iface, path)
		return exitFailure
	}
	if err != nil {
		fmt.Fprintf(s.stderr, "hostp2pd: %s: %v\n", o.sub, err)
		return exitFailure
	}
	return exitOK
}

// runDoctor implements `hostp2pd doctor`: a read-only preflight check.
func runDoctor(cfg *config.Config, iface string, s sys) int {
	if cfg == nil {
		cfg = config.Default()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if iface == config.AutoInterface {
		var err error
		if iface, err = findP2PDevice(ctx, cfg.CtrlInterface); err != nil {
			fmt.Fprintf(s.stdout, "FAIL interface auto: %v\n", err)
			return exitFailure
		}
	}
	if !doctor.Run(ctx, cfg, iface, s.stdout) {
		return exitFailure
	}
	return exitOK
}
