package daemon

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/internal/radio"
	"github.com/hostp2pd/hostp2pd/internal/wpadbus"
	"github.com/hostp2pd/hostp2pd/wpactrl"
	"github.com/hostp2pd/hostp2pd/wpaevent"
)

// wpaRequests sends commands to wpa_supplicant: a *wpactrl.Conn, or the
// D-Bus link (dbusLink), which takes the same command lines.
type wpaRequests interface {
	Request(ctx context.Context, cmd string) (string, error)
	RequestIface(ctx context.Context, iface, cmd string) (string, error)
	Close() error
}

// wpaEvents delivers wpa_supplicant's event lines: a *wpactrl.Monitor, or
// the D-Bus link. Events is closed when the connection ends; Err says why
// (wrapping wpactrl.ErrGone when wpa_supplicant went away).
type wpaEvents interface {
	Events() <-chan wpactrl.Message
	Err() error
	Close() error
}

// link is the loop's request connection as the controller sees it (WPA).
type link struct {
	wpaRequests
	dbus bool // one connection for every interface (RequestIface)
}

// connected is what dialling wpa_supplicant gave the session.
type connected struct {
	conn   wpaRequests
	mon    wpaEvents
	global bool   // one connection for all interfaces, events tagged with Iface
	via    string // config.BackendCtrl or config.BackendDBus
	where  string // the socket path or the bus address, for the log
}

// errAutoNeedsCtrl: backend auto found wpa_supplicant only on D-Bus, but
// the configuration needs the control socket. It is not fatal: the socket
// may appear (wpa_supplicant restarting).
var errAutoNeedsCtrl = errors.New("wpa_supplicant has no control socket and the configuration needs one")

// ctrlPath returns the control socket for dev under cfg.CtrlInterface (the
// global control interface when ctrl_interface is itself a socket), and
// whether it exists.
func ctrlPath(cfg *config.Config, dev string) (path string, global, exists bool) {
	if fi, err := os.Stat(cfg.CtrlInterface); err == nil && fi.Mode()&fs.ModeSocket != 0 {
		return cfg.CtrlInterface, true, true
	}
	path = filepath.Join(cfg.CtrlInterface, dev)
	_, err := os.Stat(path)
	return path, false, err == nil
}

// dial connects to wpa_supplicant for the P2P device dev by cfg.Backend.
func (l *loop) dial(ctx context.Context, cfg *config.Config, dev string) (connected, error) {
	path, global, exists := ctrlPath(cfg, dev)
	backend := cfg.Backend
	var ctrlErr error
	if backend == config.BackendAuto || backend == "" {
		if exists {
			backend = config.BackendCtrl
		} else {
			ctrlErr = fmt.Errorf("no control socket %s: %w", path, fs.ErrNotExist)
			backend = config.BackendDBus
		}
	}
	l.backend = backend
	if backend == config.BackendCtrl {
		return l.dialCtrl(ctx, path, global)
	}
	c, err := l.dialDBus(ctx, cfg, dev)
	if err != nil && ctrlErr != nil {
		// backend auto: neither way is open (yet). Nothing is fatal here:
		// the socket may still come (wpa_supplicant starting).
		if fe := (fatalError{}); errors.As(err, &fe) {
			err = fe.err
		}
		return c, fmt.Errorf("backend auto: %w; D-Bus: %w", ctrlErr, err)
	}
	return c, err
}

func (l *loop) dialCtrl(ctx context.Context, path string, global bool) (connected, error) {
	d := l.d
	// wpactrl refuses a socket owned by another non-root user (every
	// Dial/Attach, group interfaces included): that, like any permission
	// error, does not heal by retrying.
	if err := os.MkdirAll(d.o.LocalDir, 0o700); err != nil {
		return connected{}, fatalError{fmt.Errorf("client socket directory: %w", err)}
	}
	opts := d.wpaOpts()
	conn, err := wpactrl.Dial(ctx, path, opts...)
	if errors.Is(err, fs.ErrPermission) {
		return connected{}, fatalError{err}
	}
	if err != nil {
		return connected{}, err
	}
	if _, err := conn.Request(ctx, "PING"); err != nil {
		conn.Close()
		return connected{}, err
	}
	mon, err := wpactrl.Attach(ctx, path, append(opts, wpactrl.WithPingInterval(d.o.PingInterval),
		wpactrl.WithPingTimeout(d.o.StallTimeout), wpactrl.WithQueueLen(1024), wpactrl.WithExitWatch(watchedPing))...)
	if err != nil {
		conn.Close()
		return connected{}, err
	}
	return connected{conn: conn, mon: mon, global: global, via: config.BackendCtrl, where: path}, nil
}

func (d *Daemon) dbusOpts() []wpadbus.Option {
	o := []wpadbus.Option{wpadbus.WithLogger(d.log.With("component", "wpadbus")), wpadbus.WithQueueLen(1024)}
	if d.o.DBusAddress != "" {
		o = append(o, wpadbus.WithAddress(d.o.DBusAddress))
	}
	return o
}

func (l *loop) dialDBus(ctx context.Context, cfg *config.Config, dev string) (connected, error) {
	d := l.d
	if key, why := cfg.NeedsCtrl(); key != "" {
		err := fmt.Errorf("%s needs the control-socket backend: %s", key, why)
		if cfg.Backend == config.BackendDBus {
			return connected{}, fatalError{err}
		}
		return connected{}, fmt.Errorf("%w: %w", errAutoNeedsCtrl, err)
	}
	c, err := wpadbus.Dial(ctx, dev, d.dbusOpts()...)
	switch {
	case errors.Is(err, wpadbus.ErrAccessDenied):
		// The error names the policy files (see docs/dbus.md).
		return connected{}, fatalError{err}
	case errors.Is(err, wpadbus.ErrNoP2P):
		return connected{}, fatalError{fmt.Errorf("%w on %s: %w", ErrNoP2P, dev, err)}
	case err != nil:
		return connected{}, err
	}
	addr, err := p2pDeviceAddress(ctx, d.o.Iw, dev)
	if err != nil {
		c.Close()
		return connected{}, fatalError{fmt.Errorf("backend dbus: %w", err)}
	}
	if _, err := c.Request(ctx, "PING"); err != nil {
		c.Close()
		return connected{}, err
	}
	bl := &dbusLink{Conn: c, devAddr: addr}
	where := d.o.DBusAddress
	if where == "" {
		where = wpadbus.SystemBusAddress()
	}
	return connected{conn: bl, mon: bl, global: true, via: config.BackendDBus, where: where}, nil
}

// p2pDeviceAddress reads our P2P device address from nl80211 (`iw dev`):
// wpa_supplicant's D-Bus interface does not carry it (STATUS's
// p2p_device_address). It is the address of the radio's P2P-device wdev,
// or, for a driver without one (P2P on the netdev), the netdev's.
func p2pDeviceAddress(ctx context.Context, iw radio.Runner, dev string) (wpaevent.MAC, error) {
	pctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	f := radio.Probe(pctx, iw, dev)
	if f.IfacesErr != nil {
		return wpaevent.MAC{}, fmt.Errorf("our P2P device address (D-Bus has none) comes from `iw dev`: %w", f.IfacesErr)
	}
	for _, i := range f.Ifaces {
		if (strings.HasPrefix(dev, "p2p-dev-") && i.Type == radio.P2PDevice) || (!strings.HasPrefix(dev, "p2p-dev-") && i.Name == dev) {
			if m, err := wpaevent.ParseMAC(i.Addr); err == nil {
				return m, nil
			}
		}
	}
	return wpaevent.MAC{}, fmt.Errorf("our P2P device address (D-Bus has none): `iw dev` lists no P2P-device on the radio of %s", f.Netdev)
}

// dbusLink is wpadbus.Conn with what the daemon asks for and D-Bus does
// not carry, from another real source: the P2P device's STATUS, answered
// with our P2P device address (nl80211). A group interface's STATUS is
// wpadbus's (from its Group object).
type dbusLink struct {
	*wpadbus.Conn
	devAddr wpaevent.MAC
}

func (b *dbusLink) Request(ctx context.Context, cmd string) (string, error) {
	return b.RequestIface(ctx, "", cmd)
}

func (b *dbusLink) RequestIface(ctx context.Context, iface, cmd string) (string, error) {
	if cmd == "STATUS" && (iface == "" || iface == b.Iface()) {
		return "p2p_device_address=" + b.devAddr.String() + "\n", nil
	}
	return b.Conn.RequestIface(ctx, iface, cmd)
}

// waitForService starts waiting for wpa_supplicant to own its name on the
// bus again (wpadbus.WaitForService, no polling) when the session ended
// over backend: dbus because it left (a restart) or was not there. The
// channel gets nil once it is back, or why it cannot tell (no bus: the
// caller retries with its backoff); it is nil when there is nothing to
// wait for. stop ends the wait.
func (l *loop) waitForService(ctx context.Context, err error) (<-chan error, func()) {
	if l.d.config().Backend != config.BackendDBus || l.backend != config.BackendDBus ||
		!(errors.Is(err, errLost) || errors.Is(err, wpadbus.ErrNoService)) {
		return nil, func() {}
	}
	wctx, cancel := context.WithCancel(ctx)
	c, done := make(chan error, 1), make(chan struct{})
	opts := l.d.dbusOpts()
	go func() {
		defer close(done)
		c <- wpadbus.WaitForService(wctx, opts...)
	}()
	return c, func() { cancel(); <-done }
}
