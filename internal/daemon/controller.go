package daemon

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/internal/status"
	"github.com/hostp2pd/hostp2pd/wpactrl"
	"github.com/hostp2pd/hostp2pd/wpaevent"
)

// errOffline is returned by operator commands while wpa_supplicant is away.
var errOffline = status.Errorf(status.ErrNotRunning, "wpa_supplicant is not connected")

// Status returns the current snapshot. Safe for concurrent use. The loop
// only marks the snapshot stale when its state may have changed; Status
// then has the loop rebuild it, waiting at most statusWait (a loop busy
// for longer, or one not running, gives the previous snapshot). Called
// from Options.OnReady, which runs on the loop, it gives the previous one.
// The running mDNS responder's counters are read here: it answers on its
// own goroutine, which marks nothing stale.
func (d *Daemon) Status() status.Status {
	if d.stale.Load() && !d.inReady.Load() {
		ctx, cancel := context.WithTimeout(context.Background(), statusWait)
		_ = d.do(ctx, func(l *loop) error { d.refresh(l); return nil })
		cancel()
	}
	st := *d.snap.Load()
	if m := d.mdnsLive.Load(); m != nil {
		c := make(map[string]uint64, len(st.Counters)+3)
		for k, v := range st.Counters {
			c[k] = v
		}
		c["mdns_queries"] += m.Queries.Load()
		c["mdns_answers"] += m.Answered.Load()
		c["mdns_malformed"] += m.Bad.Load()
		st.Counters = c
	}
	return st
}

// EnterPIN supplies the PIN a phone displays (display method).
func (d *Daemon) EnterPIN(ctx context.Context, peer, pin string) error {
	var mac wpaevent.MAC
	if peer != "" {
		m, err := wpaevent.ParseMAC(peer)
		if err != nil {
			return status.Errorf(status.ErrInvalid, "peer %q: not a MAC address", peer)
		}
		mac = m
	}
	return d.do(ctx, func(l *loop) error {
		if l.conn == nil {
			return errOffline
		}
		acts, err := l.sess.EnterPIN(mac, pin, time.Now())
		if err != nil {
			return err
		}
		return l.exec(ctx, acts)
	})
}

// Disconnect removes a client from the group.
func (d *Daemon) Disconnect(ctx context.Context, peer string) error {
	mac, err := wpaevent.ParseMAC(peer)
	if err != nil {
		return status.Errorf(status.ErrInvalid, "peer %q: not a MAC address", peer)
	}
	return d.do(ctx, func(l *loop) error {
		if l.conn == nil {
			return errOffline
		}
		acts, err := l.sess.Disconnect(mac, time.Now())
		if err != nil {
			return err
		}
		return l.exec(ctx, acts)
	})
}

// Forget removes a phone from the known phones and the persistent group's
// client list.
func (d *Daemon) Forget(ctx context.Context, peer string) error {
	mac, err := wpaevent.ParseMAC(peer)
	if err != nil {
		return status.Errorf(status.ErrInvalid, "peer %q: not a MAC address", peer)
	}
	return d.do(ctx, func(l *loop) error {
		if l.conn == nil {
			return errOffline
		}
		acts, err := l.sess.Forget(mac, time.Now())
		if err != nil {
			return err
		}
		return l.exec(ctx, acts)
	})
}

// Reload re-reads the configuration ("" = current file, "reset" =
// defaults). A file that does not load leaves the current configuration in
// force and returns the error.
func (d *Daemon) Reload(ctx context.Context, path string) error {
	if path == "" {
		path = d.config().File
	}
	cfg, err := d.o.Load(path)
	if err != nil {
		d.log.Error("reload failed; keeping the current configuration", "file", path, "err", err)
		return err
	}
	return d.ReloadConfig(cfg)
}

// ReloadConfig applies cfg. A reload that arrives while the session is
// in transition (a group being created or removed, a hook it waits for)
// is held and applied once the session has settled; a later reload
// replaces a held one, so the last configuration always wins.
func (d *Daemon) ReloadConfig(cfg *config.Config) error {
	if cfg == nil {
		return errors.New("daemon: nil config")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return d.do(ctx, func(l *loop) error {
		old := d.config()
		if cfg.Interface != old.Interface && cfg.Interface != "auto" && old.Interface != "auto" {
			d.log.Warn("interface cannot change on reload; keeping it", "interface", old.Interface)
			cfg.Interface = old.Interface
		}
		if cfg.CtrlInterface != old.CtrlInterface {
			d.log.Warn("ctrl_interface cannot change on reload; keeping it", "ctrl_interface", old.CtrlInterface)
			cfg.CtrlInterface = old.CtrlInterface
		}
		if l.conn != nil && l.busy() {
			if l.held != nil {
				d.log.Info("a newer reload replaces the held one")
			}
			l.held = cfg
			d.log.Info("reload held until the session settles", "state", l.sess.State())
			return nil
		}
		l.held = nil
		return l.reload(ctx, cfg)
	})
}

// busy reports a session in transition: a reload now would race with
// what is under way (a P2P_GROUP_ADD whose group has not started yet would
// be adopted by the new mode).
func (l *loop) busy() bool {
	if l.waiting || len(l.pending) > 0 {
		return true
	}
	switch l.sess.State() {
	case "starting", "forming", "removing":
		return true
	}
	return false
}

// applyHeld applies a held reload once the session has settled.
func (l *loop) applyHeld(ctx context.Context) error {
	if l.held == nil || (l.conn != nil && l.busy()) {
		return nil
	}
	cfg := l.held
	l.held = nil
	l.d.log.Info("applying the held reload", "mode", cfg.Mode.String())
	return l.reload(ctx, cfg)
}

func (l *loop) reload(ctx context.Context, cfg *config.Config) error {
	d := l.d
	d.cfgMu.Lock()
	d.cfg = cfg
	d.cfgMu.Unlock()
	acts := l.sess.Reload(cfg, time.Now())
	if l.conn == nil {
		return nil
	}
	l.reloadServices(ctx, cfg)
	return l.exec(ctx, acts)
}

// WPA sends a raw command to wpa_supplicant ("IFNAME=<if> CMD" for another
// interface) and returns the reply.
func (d *Daemon) WPA(ctx context.Context, cmd string) (string, error) {
	conn := d.conn.Load()
	if conn == nil {
		return "", errOffline
	}
	cmd = strings.TrimSpace(cmd)
	if rest, ok := strings.CutPrefix(cmd, "IFNAME="); ok {
		iface, c, _ := strings.Cut(rest, " ")
		if strings.ContainsAny(iface, "/") || iface == "" {
			return "", status.Errorf(status.ErrInvalid, "bad interface name %q", iface)
		}
		if conn.dbus {
			return conn.RequestIface(ctx, iface, c)
		}
		gc, err := wpactrl.Dial(ctx, filepath.Join(d.config().CtrlInterface, iface), d.wpaOpts()...)
		if err != nil {
			return conn.RequestIface(ctx, iface, c) // global control interface
		}
		defer gc.Close()
		return gc.Request(ctx, c)
	}
	return conn.Request(ctx, cmd)
}

// ResetStats clears the counters, the session's and the services' (P2P
// service discovery requests, mDNS queries). It gives up after 5 s, and at
// once when Run has returned.
func (d *Daemon) ResetStats() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := d.do(ctx, func(l *loop) error {
		l.sess.ResetStats()
		l.svc.resetStats()
		d.publish(l, l.supplicant)
		return nil
	}); err != nil {
		d.log.Warn("counters not reset", "err", err)
	}
}

// Pause stops acting (hostp2pd's pause, so that wpa_cli can be used): no
// command is sent, no enrolment starts, no hook runs. The session still
// follows the state events (GROUP-STARTED, GROUP-REMOVED, AP-STA-*), so
// status and the group's address and DHCP stay true; what it asks for
// meanwhile is done, in order, on Resume.
func (d *Daemon) Pause() { d.paused.Store(true); d.nudge() }

// Resume acts again, starting with what was held while paused.
func (d *Daemon) Resume() { d.paused.Store(false); d.nudge() }

func (d *Daemon) nudge() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Config returns the configuration in force as YAML.
func (d *Daemon) Config() string { return d.config().YAML() }
