package wpadbus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/hostp2pd/hostp2pd/internal/redact"
	"github.com/hostp2pd/hostp2pd/wpactrl"
	"github.com/hostp2pd/hostp2pd/wpaevent"
)

// DefaultSystemBus is the system bus address when DBUS_SYSTEM_BUS_ADDRESS
// is not set (the D-Bus specification's default).
const DefaultSystemBus = "unix:path=/var/run/dbus/system_bus_socket"

// SystemBusAddress returns the address of the system bus: the
// DBUS_SYSTEM_BUS_ADDRESS environment variable, else [DefaultSystemBus].
func SystemBusAddress() string {
	if a := os.Getenv("DBUS_SYSTEM_BUS_ADDRESS"); a != "" {
		return a
	}
	return DefaultSystemBus
}

// Option configures Dial.
type Option func(*options)

type options struct {
	addr     string
	log      *slog.Logger
	queueLen int
	lookupTO time.Duration
}

// WithAddress dials the bus at addr ("unix:path=…") instead of the system bus.
func WithAddress(addr string) Option { return func(o *options) { o.addr = addr } }

// WithLogger sets the logger (nil discards).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// WithQueueLen sets how many translated events wait for the reader before
// the connection gives up with an overflow error (default 1024).
func WithQueueLen(n int) Option { return func(o *options) { o.queueLen = n } }

// Conn is a connection to wpa_supplicant's D-Bus service for one P2P
// device interface. Its methods are safe for concurrent use.
type Conn struct {
	bus     *dbus.Conn
	log     *slog.Logger
	dev     string
	devPath dbus.ObjectPath
	owner   string
	o       options

	sigs   chan *dbus.Signal
	events chan wpactrl.Message
	done   chan struct{}
	wg     sync.WaitGroup
	once   sync.Once

	mu     sync.Mutex
	err    error
	groups map[dbus.ObjectPath]string          // group interface object → ifname, from GroupStarted
	gobjs  map[dbus.ObjectPath]dbus.ObjectPath // group interface object → its Group object
	member map[dbus.ObjectPath]*memberTracker  // group interface object → its P2P clients
}

// Dial connects to the bus, checks that fi.w1.wpa_supplicant1 is there and
// manages ifname (the P2P device interface, e.g. "p2p-dev-wlan0", or the
// station interface on drivers without a P2P device), and subscribes to its
// signals. Errors wrap fs.ErrNotExist (no bus socket), [ErrNoService],
// [ErrAccessDenied] or [ErrUnknownInterface].
func Dial(ctx context.Context, ifname string, opts ...Option) (*Conn, error) {
	o := options{queueLen: 1024, lookupTO: 2 * time.Second}
	for _, f := range opts {
		f(&o)
	}
	if o.addr == "" {
		o.addr = SystemBusAddress()
	}
	if o.log == nil {
		o.log = slog.New(slog.DiscardHandler)
	}
	bus, err := connect(ctx, o.addr)
	if err != nil {
		// A missing socket stays errors.Is(err, fs.ErrNotExist).
		return nil, fmt.Errorf("wpadbus: bus %s: %w", o.addr, err)
	}
	c := &Conn{bus: bus, log: o.log, dev: ifname, o: o,
		sigs: make(chan *dbus.Signal, 256), events: make(chan wpactrl.Message, o.queueLen),
		done: make(chan struct{}), groups: map[dbus.ObjectPath]string{},
		gobjs: map[dbus.ObjectPath]dbus.ObjectPath{}, member: map[dbus.ObjectPath]*memberTracker{}}
	if err := c.setup(ctx); err != nil {
		_ = bus.Close()
		return nil, err
	}
	c.wg.Add(1)
	go c.run()
	return c, nil
}

// connect opens the bus at addr, bounding the handshake by ctx.
// godbus's WithContext would tie the connection's whole life to ctx, so a
// unix:path= address is dialled here and its deadline lifted after Hello;
// other transports use dbus.Connect, without a handshake deadline.
func connect(ctx context.Context, addr string) (*dbus.Conn, error) {
	path, ok := strings.CutPrefix(addr, "unix:path=")
	if !ok {
		return dbus.Connect(addr)
	}
	path, _, _ = strings.Cut(path, ",")
	var d net.Dialer
	nc, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		return nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = nc.SetDeadline(dl)
	}
	c, err := dbus.NewConn(nc)
	if err != nil {
		_ = nc.Close()
		return nil, err
	}
	if err := c.Auth(nil); err != nil {
		_ = c.Close()
		return nil, err
	}
	if err := c.Hello(); err != nil {
		_ = c.Close()
		return nil, err
	}
	_ = nc.SetDeadline(time.Time{})
	return c, nil
}

func (c *Conn) setup(ctx context.Context) error {
	// Subscribe before looking the interface up, so that nothing between
	// the two is missed.
	c.bus.Signal(c.sigs)
	if err := c.bus.AddMatchSignalContext(ctx, dbus.WithMatchSender(busName), dbus.WithMatchInterface(busName),
		dbus.WithMatchMember("NameOwnerChanged"), dbus.WithMatchArg(0, Service)); err != nil {
		return c.classify("subscribe NameOwnerChanged", err)
	}
	if err := c.bus.AddMatchSignalContext(ctx, dbus.WithMatchSender(Service),
		dbus.WithMatchPathNamespace(rootPath)); err != nil {
		return c.classify("subscribe", err)
	}
	var owner string
	if err := c.bus.BusObject().CallWithContext(ctx, busName+".GetNameOwner", 0, Service).Store(&owner); err != nil {
		return c.classify("GetNameOwner", err)
	}
	c.owner = owner
	p, err := c.findDevice(ctx)
	if err != nil {
		return err
	}
	c.devPath = p
	// The P2P device object answers only with P2P compiled in.
	if _, err := c.property(ctx, p, p2pIface, "Role"); err != nil {
		return c.classify("P2PDevice.Role", err)
	}
	return nil
}

// p2pDevName is the name wpa_supplicant gives the dedicated P2P Device of
// interface parent: "p2p-dev-" + parent cut to IFNAMSIZ-1 bytes
// (wpas_p2p_add_p2pdev_interface).
func p2pDevName(parent string) string {
	n := "p2p-dev-" + parent
	if len(n) > 15 {
		n = n[:15]
	}
	return n
}

// findDevice returns the object that speaks for the P2P device c.dev.
// With a dedicated P2P Device (p2p-dev-wlan0), wpa_supplicant sends the
// P2P signals from the parent interface's object and registers peers and
// persistent groups under it (dbus_new.c: "if (wpa_s->p2p_mgmt) wpa_s =
// wpa_s->parent"), while P2PDevice methods on any interface object reach
// the P2P device (p2p_init_wpa_s). So for p2p-dev-<parent> the parent's
// object is used; otherwise the interface's own.
func (c *Conn) findDevice(ctx context.Context) (dbus.ObjectPath, error) {
	if strings.HasPrefix(c.dev, "p2p-dev-") {
		// Unreadable Interfaces: GetInterface below reports why.
		v, err := c.property(ctx, rootPath, Service, "Interfaces")
		ps, _ := v.Value().([]dbus.ObjectPath)
		if err != nil {
			ps = nil
		}
		for _, p := range ps {
			var n dbus.Variant
			if n, err = c.property(ctx, p, ifaceIface, "Ifname"); err != nil {
				continue
			}
			if s, _ := n.Value().(string); s != c.dev && p2pDevName(s) == c.dev {
				c.log.Debug("P2P device speaks through its parent", "iface", c.dev, "parent", s, "path", string(p))
				return p, nil
			}
		}
	}
	var p dbus.ObjectPath
	if err := c.bus.Object(Service, rootPath).CallWithContext(ctx, Service+".GetInterface", 0, c.dev).Store(&p); err != nil {
		return "", c.classify("GetInterface "+c.dev, err)
	}
	return p, nil
}

// classify maps D-Bus errors to the package's sentinels.
func (c *Conn) classify(op string, err error) error {
	var de dbus.Error
	if errors.As(err, &de) {
		switch de.Name {
		case "org.freedesktop.DBus.Error.AccessDenied":
			return accessDenied(op, errText(de))
		case "org.freedesktop.DBus.Error.NameHasNoOwner", "org.freedesktop.DBus.Error.ServiceUnknown":
			return fmt.Errorf("wpadbus: %s: %w (start wpa_supplicant with -u)", op, ErrNoService)
		case Service + ".InterfaceUnknown":
			return fmt.Errorf("wpadbus: %s: %w", op, ErrUnknownInterface)
		case "org.freedesktop.DBus.Error.UnknownInterface", "org.freedesktop.DBus.Error.UnknownMethod",
			"org.freedesktop.DBus.Error.InvalidArgs":
			if op == "P2PDevice.Role" {
				return fmt.Errorf("wpadbus: %s: wpa_supplicant has no P2P on %s: %s", op, c.dev, errText(de))
			}
		}
		return fmt.Errorf("wpadbus: %s: %s: %s", op, de.Name, errText(de))
	}
	return fmt.Errorf("wpadbus: %s: %w", op, err)
}

func errText(de dbus.Error) string {
	if len(de.Body) > 0 {
		if s, ok := de.Body[0].(string); ok {
			return s
		}
	}
	return ""
}

// Role returns the P2P device's Role property: "device" when no group
// runs, else "GO" or "client".
func (c *Conn) Role(ctx context.Context) (string, error) {
	v, err := c.property(ctx, c.devPath, p2pIface, "Role")
	if err != nil {
		return "", c.classify("P2PDevice.Role", err)
	}
	s, _ := v.Value().(string)
	return s, nil
}

// Iface returns the P2P device interface name given to Dial.
func (c *Conn) Iface() string { return c.dev }

// DevicePath returns the object the P2P device speaks through: its own
// interface object, or its parent's for a dedicated P2P Device.
func (c *Conn) DevicePath() dbus.ObjectPath { return c.devPath }

// DeviceConfig returns the P2PDeviceConfig property of the P2P device
// (DeviceName, GOIntent, PersistentReconnect, …). It fails wrapping
// [ErrNoP2P] when wpa_supplicant has no P2P on the interface, so it is
// also the check that P2P works there.
func (c *Conn) DeviceConfig(ctx context.Context) (map[string]dbus.Variant, error) {
	v, err := c.property(ctx, c.devPath, p2pIface, "P2PDeviceConfig")
	if err != nil {
		var de dbus.Error
		if errors.As(err, &de) && strings.Contains(errText(de), "P2P is not available") {
			return nil, fmt.Errorf("wpadbus: P2PDeviceConfig of %s: %w (%s)", c.dev, ErrNoP2P, errText(de))
		}
		return nil, c.classify("P2PDeviceConfig", err)
	}
	m, ok := v.Value().(map[string]dbus.Variant)
	if !ok {
		return nil, fmt.Errorf("wpadbus: P2PDeviceConfig: unexpected type %s", v.Signature())
	}
	return m, nil
}

func (c *Conn) property(ctx context.Context, p dbus.ObjectPath, iface, name string) (dbus.Variant, error) {
	var v dbus.Variant
	err := c.bus.Object(Service, p).CallWithContext(ctx, propsIface+".Get", 0, iface, name).Store(&v)
	return v, err
}

func (c *Conn) properties(ctx context.Context, p dbus.ObjectPath, iface string) (map[string]dbus.Variant, error) {
	var m map[string]dbus.Variant
	err := c.bus.Object(Service, p).CallWithContext(ctx, propsIface+".GetAll", 0, iface).Store(&m)
	return m, err
}

// Events returns the translated events, as a monitor socket would deliver
// them (Level 3; Iface set for events of a group interface). The channel
// is closed when the connection ends; Err then says why. wpa_supplicant
// leaving the bus (a restart, a crash) first delivers a
// CTRL-EVENT-TERMINATING line and then ends with an error wrapping
// wpactrl.ErrGone, so a caller that reconnects on the control socket's
// ErrGone reconnects here too.
func (c *Conn) Events() <-chan wpactrl.Message { return c.events }

// Err returns why Events was closed (nil while it is open, or after Close).
func (c *Conn) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Close ends the connection and waits for its goroutine.
func (c *Conn) Close() error {
	var err error
	c.once.Do(func() {
		close(c.done)
		err = c.bus.Close()
		c.wg.Wait()
	})
	return err
}

func (c *Conn) fail(err error) {
	c.mu.Lock()
	if c.err == nil {
		c.err = err
	}
	c.mu.Unlock()
}

// run translates signals until the bus connection or Close ends it.
func (c *Conn) run() {
	defer c.wg.Done()
	defer close(c.events)
	for {
		var sig *dbus.Signal
		var ok bool
		select {
		case <-c.done:
			return
		case sig, ok = <-c.sigs:
		}
		if !ok {
			select {
			case <-c.done:
			default:
				c.fail(fmt.Errorf("wpadbus: bus connection lost: %w", wpactrl.ErrGone))
			}
			return
		}
		if sig.Name == busName+".NameOwnerChanged" {
			name, _ := arg[string](sig.Body, 0)
			newOwner, _ := arg[string](sig.Body, 2)
			if name != Service || newOwner == c.owner {
				continue
			}
			c.log.Warn("wpa_supplicant left the bus", "owner", c.owner, "new_owner", newOwner)
			ev := newEvent(wpaevent.Terminating)
			if !c.send(ev) {
				return
			}
			c.fail(fmt.Errorf("wpadbus: %s changed owner (%q → %q): %w", Service, c.owner, newOwner, wpactrl.ErrGone))
			return
		}
		if sig.Name == Service+".InterfaceRemoved" {
			if p, _ := arg[dbus.ObjectPath](sig.Body, 0); p == c.devPath {
				c.fail(fmt.Errorf("wpadbus: interface %s removed from wpa_supplicant: %w", c.dev, wpactrl.ErrGone))
				return
			}
		}
		evs, why := translate(sig, c.devPath, c)
		if why != "" {
			c.log.Debug("signal not translated", "path", string(sig.Path), "reason", why)
		}
		for _, ev := range evs {
			if !c.send(ev) {
				return
			}
		}
	}
}

// send queues ev for the reader; a full queue ends the connection (the
// reader resynchronises by reconnecting, as after a lost monitor).
func (c *Conn) send(ev wpaevent.Event) bool {
	m := wpactrl.Message{Level: ev.Level, Iface: ev.Iface, Text: ev.String(), Time: time.Now()}
	// the text carries the group passphrase (GroupStarted) and PINs: the
	// log at -vv is readable by others, as the daemon's own event line
	c.log.Debug("event", "iface", ev.Iface, "event", redact.Line(m.Text))
	select {
	case c.events <- m:
		return true
	case <-c.done:
		return false
	default:
		c.fail(fmt.Errorf("wpadbus: event queue of %d full: %w", cap(c.events), wpactrl.ErrGone))
		return false
	}
}

// lookup, answered by wpa_supplicant.

func (c *Conn) lctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), c.o.lookupTO)
}

func (c *Conn) peer(p dbus.ObjectPath) (peerInfo, bool) {
	ctx, cancel := c.lctx()
	defer cancel()
	m, err := c.properties(ctx, p, peerIface)
	if err != nil {
		c.log.Debug("peer properties", "path", string(p), "err", err)
		return peerInfo{}, false
	}
	return peerFromProps(m), true
}

func (c *Conn) ifname(p dbus.ObjectPath) (string, bool) {
	ctx, cancel := c.lctx()
	defer cancel()
	v, err := c.property(ctx, p, ifaceIface, "Ifname")
	if err != nil {
		return "", false
	}
	s, ok := v.Value().(string)
	return s, ok && s != ""
}

func (c *Conn) group(p dbus.ObjectPath) (groupInfo, bool) {
	ctx, cancel := c.lctx()
	defer cancel()
	m, err := c.properties(ctx, p, groupIface)
	if err != nil {
		c.log.Debug("group properties", "path", string(p), "err", err)
		return groupInfo{}, false
	}
	return groupFromProps(m), true
}

func (c *Conn) groupOf(p dbus.ObjectPath, forget bool) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, ok := c.groups[p]
	if forget {
		delete(c.groups, p)
		delete(c.gobjs, p)
		delete(c.member, p)
	}
	return n, ok
}

func (c *Conn) learn(p dbus.ObjectPath, ifname string, g dbus.ObjectPath) {
	c.mu.Lock()
	c.groups[p], c.gobjs[p], c.member[p] = ifname, g, newMemberTracker()
	c.mu.Unlock()
}

func (c *Conn) stationDev(p dbus.ObjectPath, sta wpaevent.MAC, connected bool) (wpaevent.MAC, bool) {
	c.mu.Lock()
	g, m := c.gobjs[p], c.member[p]
	c.mu.Unlock()
	if m == nil {
		return wpaevent.MAC{}, false
	}
	if !connected {
		return m.disconnected(sta) // the run goroutine is the only user of m
	}
	ctx, cancel := c.lctx()
	defer cancel()
	v, err := c.property(ctx, g, groupIface, "Members")
	if err != nil {
		c.log.Debug("group members", "path", string(g), "err", err)
		return wpaevent.MAC{}, false
	}
	ps, _ := v.Value().([]dbus.ObjectPath)
	ms := make([]wpaevent.MAC, 0, len(ps))
	for _, pp := range ps {
		if a, ok := peerAddr(pp); ok {
			ms = append(ms, a)
		}
	}
	return m.connected(sta, ms)
}

// ifacePath returns the object of interface name ("" = the P2P device).
func (c *Conn) ifacePath(ctx context.Context, name string) (dbus.ObjectPath, error) {
	if name == "" || name == c.dev {
		return c.devPath, nil
	}
	c.mu.Lock()
	for p, n := range c.groups {
		if n == name {
			c.mu.Unlock()
			return p, nil
		}
	}
	c.mu.Unlock()
	var p dbus.ObjectPath
	if err := c.bus.Object(Service, rootPath).CallWithContext(ctx, Service+".GetInterface", 0, name).Store(&p); err != nil {
		return "", c.classify("GetInterface "+name, err)
	}
	return p, nil
}
