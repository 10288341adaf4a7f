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

// Status returns the latest snapshot. Safe for concurrent use.
func (d *Daemon) Status() status.Status { return *d.snap.Load() }

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

// ReloadConfig applies cfg.
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
		d.cfgMu.Lock()
		d.cfg = cfg
		d.cfgMu.Unlock()
		now := time.Now()
		acts := l.sess.Reload(cfg, now)
		if l.conn == nil {
			return nil
		}
		return l.exec(ctx, acts)
	})
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
		gc, err := wpactrl.Dial(ctx, filepath.Join(d.config().CtrlInterface, iface), d.wpaOpts()...)
		if err != nil {
			return conn.RequestIface(ctx, iface, c) // global control interface
		}
		defer gc.Close()
		return gc.Request(ctx, c)
	}
	return conn.Request(ctx, cmd)
}

// ResetStats clears the counters.
func (d *Daemon) ResetStats() {
	_ = d.do(context.Background(), func(l *loop) error { l.sess.ResetStats(); d.publish(l, d.snap.Load().Supplicant); return nil })
}

// Pause stops reacting to events (hostp2pd's pause).
func (d *Daemon) Pause() { d.paused.Store(true) }

// Resume reacts to events again.
func (d *Daemon) Resume() { d.paused.Store(false) }

// Config returns the configuration in force as YAML.
func (d *Daemon) Config() string { return d.config().YAML() }
