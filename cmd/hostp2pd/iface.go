package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/internal/pidfile"
	"github.com/hostp2pd/hostp2pd/wpactrl"
)

// autoWait is how long the daemon waits at start for wpa_supplicant to
// show a P2P device when the interface is auto (systemd may start us
// first); SIGTERM ends the wait at once.
const autoWait = 30 * time.Second

// errNoP2PDevice means auto found no P2P device interface.
var errNoP2PDevice = errors.New("no P2P device interface")

// findP2PDevice returns the first P2P device interface wpa_supplicant
// serves, as hostp2pd's auto did: when ctrlDir is wpa_supplicant's global
// control socket, the first p2p-dev-* line of its INTERFACES reply;
// otherwise the first p2p-dev-* socket in the directory. Drivers without a
// dedicated P2P device run P2P on the station interface: then the first
// socket that is not a P2P group (as the daemon does).
func findP2PDevice(ctx context.Context, ctrlDir string) (string, error) {
	fi, err := os.Stat(ctrlDir)
	if err != nil {
		return "", fmt.Errorf("%w: %v", errNoP2PDevice, err)
	}
	var names []string
	if fi.Mode()&fs.ModeSocket != 0 {
		c, err := wpactrl.Dial(ctx, ctrlDir)
		if err != nil {
			return "", fmt.Errorf("%w: %v", errNoP2PDevice, err)
		}
		defer func() { _ = c.Close() }()
		reply, err := c.Request(ctx, "INTERFACES")
		if err != nil {
			return "", fmt.Errorf("%w: %s: INTERFACES: %v", errNoP2PDevice, ctrlDir, err)
		}
		names = strings.Fields(reply)
		slices.Sort(names)
	} else {
		entries, err := os.ReadDir(ctrlDir)
		if err != nil {
			return "", fmt.Errorf("%w: %v", errNoP2PDevice, err)
		}
		for _, e := range entries { // sorted by name
			if e.Type()&fs.ModeSocket != 0 {
				names = append(names, e.Name())
			}
		}
	}
	for _, n := range names {
		if strings.HasPrefix(n, "p2p-dev-") && config.CheckInterface(n) == nil {
			return n, nil
		}
	}
	for _, n := range names {
		if !strings.HasPrefix(n, "p2p-") && !strings.HasPrefix(n, ".") && config.CheckInterface(n) == nil {
			return n, nil
		}
	}
	return "", fmt.Errorf("%w in %s (is wpa_supplicant running? -i names one)", errNoP2PDevice, ctrlDir)
}

// waitP2PDevice calls findP2PDevice until it succeeds, ctx is done or
// wait has passed.
func waitP2PDevice(ctx context.Context, ctrlDir string, wait time.Duration) (string, error) {
	deadline := time.Now().Add(wait)
	for {
		qctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		name, err := findP2PDevice(qctx, ctrlDir)
		cancel()
		if err == nil || time.Now().After(deadline) {
			return name, err
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// The run directory also holds, for each running daemon, the record
// hostp2pd-<iface>.config: the absolute path of the configuration file it
// runs with. -t, -r and the subcommands use it to find the daemon of a
// file whose interface is auto, or that no longer loads.

func recordPath(s sys, iface string) string {
	return filepath.Join(runDir(s), "hostp2pd-"+iface+".config")
}

func writeRecord(s sys, iface, cfgPath string) error {
	return pidfile.WriteFile(recordPath(s, iface), []byte(cfgPath+"\n"))
}

func removeRecord(s sys, iface string) { _ = os.Remove(recordPath(s, iface)) }

// liveDaemons returns the interfaces whose pidfile in the run directory is
// held by a live process, sorted.
func liveDaemons(s sys) []string {
	paths, _ := filepath.Glob(filepath.Join(runDir(s), "hostp2pd-*.pid"))
	var out []string
	for _, p := range paths {
		iface := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(p), "hostp2pd-"), ".pid")
		if config.CheckInterface(iface) != nil || iface == config.AutoInterface || pidPath(s, iface) != p {
			continue
		}
		if _, err := pidfile.Lookup(p); err == nil {
			out = append(out, iface)
		}
	}
	slices.Sort(out)
	return out
}

// recordedInterface returns the interface of the live daemon that runs
// with the configuration file cfgPath (absolute).
func recordedInterface(s sys, cfgPath string) (string, bool) {
	for _, iface := range liveDaemons(s) {
		b, err := pidfile.ReadFile(recordPath(s, iface))
		if err == nil && strings.TrimSpace(string(b)) == cfgPath {
			return iface, true
		}
	}
	return "", false
}

// clientTarget is what a client command (-t, -r, a subcommand) acts on.
type clientTarget struct {
	cfg    *config.Config // nil: none given, or it did not load
	iface  string
	cfgErr error // the configuration given did not load
}

// findTarget finds the daemon a client command is for: -i when it names
// an interface; else the file's concrete interface; else the live daemon
// recorded for that file; else auto: the only live daemon in the run
// directory, or among several the one on the P2P device wpa_supplicant
// reports first (with none, that device names the message). It never falls
// back to a default interface silently: with nothing found, the error
// says why (and with a broken file, the file's own errors are in cfgErr).
func findTarget(o *options, s sys) (clientTarget, error) {
	var t clientTarget
	cfgPath := o.config
	if cfgPath == "" {
		cfgPath = s.getenv(config.EnvVar)
	}
	if cfgPath != "" {
		cfg, abs, err := loadConfig(o, s)
		if err != nil {
			t.cfgErr = err
		} else {
			t.cfg = cfg
		}
		cfgPath = abs
	}
	switch {
	case o.ifaceSet && o.iface != config.AutoInterface:
		t.iface = o.iface
		return t, nil
	case t.cfg != nil && t.cfg.Interface != config.AutoInterface:
		t.iface = t.cfg.Interface
		return t, nil
	}
	if cfgPath != "" && cfgPath != "-" {
		if iface, ok := recordedInterface(s, cfgPath); ok {
			t.iface = iface
			return t, nil
		}
	}
	if t.cfgErr != nil {
		return t, t.cfgErr
	}
	ctrl := config.DefaultCtrlInterface
	if t.cfg != nil {
		ctrl = t.cfg.CtrlInterface
	}
	live := liveDaemons(s)
	if len(live) == 1 {
		t.iface = live[0]
		return t, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	dev, derr := findP2PDevice(ctx, ctrl)
	switch {
	case len(live) == 0 && derr == nil:
		t.iface = dev // "no hostp2pd running on <dev>" follows
		return t, nil
	case len(live) == 0:
		return t, fmt.Errorf("no hostp2pd running (interface auto: no P2P device in %s, and no live pidfile hostp2pd-*.pid in %s)", ctrl, runDir(s))
	case derr == nil && slices.Contains(live, dev):
		t.iface = dev
		return t, nil
	}
	return t, fmt.Errorf("several hostp2pd are running (%s); choose one with -i", strings.Join(live, ", "))
}
