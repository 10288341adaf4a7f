// Package daemon is the event loop: it connects wpa_supplicant's control
// sockets, the p2p session state machine, hooks, DHCP and the control API.
// One goroutine (the loop) owns all session state; everything else talks to
// it through channels, and readers get an immutable snapshot.
package daemon

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/internal/hooks"
	"github.com/hostp2pd/hostp2pd/internal/mdns"
	"github.com/hostp2pd/hostp2pd/internal/p2p"
	"github.com/hostp2pd/hostp2pd/internal/radio"
	"github.com/hostp2pd/hostp2pd/internal/redact"
	"github.com/hostp2pd/hostp2pd/internal/status"
	"github.com/hostp2pd/hostp2pd/wpactrl"
	"github.com/hostp2pd/hostp2pd/wpaevent"
)

// Options are the non-config inputs of a Daemon.
type Options struct {
	Logger  *slog.Logger
	Version string
	// Load reads a configuration file for Reload ("" = the current file,
	// "reset" = defaults). Nil means config.Load.
	Load func(path string) (*config.Config, error)
	// OnReady is called each time the session is up.
	OnReady func()
	// Net configures addresses and DHCP on group interfaces; nil disables
	// it (tests). The daemon command passes the Linux implementation.
	Net GroupNet
	// CommandTimeout bounds each wpa_supplicant request (default 4 s,
	// under half of the 10 s the systemd watchdog allows the loop).
	CommandTimeout time.Duration
	// PingInterval is how often the monitor PINGs wpa_supplicant (default
	// 1 s). A PING that finds the socket gone ends the session at once.
	// When the monitor can watch wpa_supplicant's process (a pidfd: its
	// exit, SIGKILL included, is noticed at once), PINGs go out only every
	// watchedPing, to notice a hang.
	PingInterval time.Duration
	// StallTimeout is how long wpa_supplicant may leave PINGs unanswered
	// before it is taken for dead (default 6 s): a stall shorter than this
	// (a slow driver call, a loaded host) tears nothing down.
	StallTimeout time.Duration
	// StopTimeout bounds the final hooks after ctx is cancelled
	// ("disconnect", "stop_group", "start"): they run to completion, each
	// with the hook timeout, within StopTimeout in all (default 10 s). The
	// supplicant commands of the stop take at most 3 s before them.
	StopTimeout time.Duration
	// LocalDir is where our client sockets are bound; wpa_supplicant sends
	// its replies there, so it must be visible in wpa_supplicant's mount
	// namespace (systemd's PrivateTmp hides /tmp). Default /run/hostp2pd
	// as root, the temporary directory otherwise.
	LocalDir string
	// StateDir holds the state file (state-<iface>.json: the P2P device
	// address and the persistent group's network id and frequency, see
	// boxes.go); "" keeps no state. The daemon command passes
	// /var/lib/hostp2pd as root.
	StateDir string
	// Iw runs the iw tool for the radio facts of the channel policy; nil
	// means radio.Exec. It is called from several goroutines at once.
	Iw radio.Runner
	// DBusAddress is the bus of backend dbus/auto; "" is the system bus
	// (DBUS_SYSTEM_BUS_ADDRESS, else wpadbus.DefaultSystemBus).
	DBusAddress string
}

// GroupNet brings up the IP side of a group interface (address + DHCP) and
// tears it down. Up returns when the service is running; the returned stop
// function blocks until it has ended. leases reports (client MAC, IP).
type GroupNet interface {
	Up(ctx context.Context, dev, group string, cfg *config.Config, leases func(mac wpaevent.MAC, ip string)) (stop func(), err error)
}

// Daemon is one managed P2P device.
type Daemon struct {
	o   Options
	log *slog.Logger

	cfgMu sync.Mutex
	cfg   *config.Config // replaced only by the loop; read under cfgMu

	reqs  chan func(*loop)
	wake  chan struct{} // Pause/Resume: the loop looks at paused again
	done  chan struct{} // closed when Run has returned
	ran   atomic.Bool
	snap  atomic.Pointer[status.Status]
	stale atomic.Bool // snap predates the loop's last turn (see changed)
	// mdnsLive is the running mDNS responder's counters: it answers on
	// its own goroutine, so Status adds them to the snapshot when read.
	mdnsLive atomic.Pointer[mdns.Stats]
	builds   atomic.Uint64 // snapshots built (tests)
	inReady  atomic.Bool   // Options.OnReady runs (on the loop)
	conn     atomic.Pointer[link]
	started  time.Time
	paused   atomic.Bool
	tick     atomic.Int64 // unix nanoseconds of the loop's last turn
}

var _ status.Controller = (*Daemon)(nil)

// New returns a daemon for cfg.
func New(cfg *config.Config, o Options) (*Daemon, error) {
	if cfg == nil {
		return nil, errors.New("daemon: nil config")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Load == nil {
		o.Load = func(path string) (*config.Config, error) {
			if path == "reset" {
				return config.Default(), nil
			}
			c, _, err := config.Load(path)
			return c, err
		}
	}
	if o.CommandTimeout <= 0 {
		o.CommandTimeout = 4 * time.Second
	}
	if o.PingInterval <= 0 {
		o.PingInterval = time.Second
	}
	if o.StallTimeout <= 0 {
		o.StallTimeout = 6 * time.Second
	}
	if o.StopTimeout <= 0 {
		o.StopTimeout = 10 * time.Second
	}
	if o.Iw == nil {
		o.Iw = radio.Exec
	}
	if o.LocalDir == "" {
		o.LocalDir = os.TempDir()
		if os.Geteuid() == 0 && os.MkdirAll("/run/hostp2pd", 0o700) == nil {
			o.LocalDir = "/run/hostp2pd"
		}
	}
	d := &Daemon{o: o, log: o.Logger, cfg: cfg, reqs: make(chan func(*loop)), wake: make(chan struct{}, 1),
		done: make(chan struct{}), started: time.Now()}
	d.snap.Store(&status.Status{Version: o.Version, Interface: cfg.Interface, ConfigFile: cfg.File, Mode: cfg.Mode.String(),
		State: "offline", Supplicant: "lost", Started: d.started})
	d.tick.Store(time.Now().UnixNano())
	return d, nil
}

func (d *Daemon) config() *config.Config {
	d.cfgMu.Lock()
	defer d.cfgMu.Unlock()
	return d.cfg
}

func (d *Daemon) wpaOpts() []wpactrl.Option {
	return []wpactrl.Option{wpactrl.WithLogger(d.log.With("component", "wpactrl")), wpactrl.WithLocalDir(d.o.LocalDir)}
}

// aliveProbe bounds how long Alive waits for an idle loop to answer.
const aliveProbe = time.Second

// Alive reports whether the event loop turned within the last d, or
// answers now (an idle loop sleeps: no ticker wakes it to prove it is
// alive): a wedged loop stops petting the systemd watchdog. It waits at
// most aliveProbe.
func (d *Daemon) Alive(within time.Duration) bool {
	if time.Since(time.Unix(0, d.tick.Load())) < within {
		return true
	}
	ctx, cancel := context.WithTimeout(context.Background(), aliveProbe)
	defer cancel()
	return d.do(ctx, func(l *loop) error { l.fresh = true; return nil }) == nil
}

// errLost means wpa_supplicant went away; the loop reconnects.
var errLost = errors.New("wpa_supplicant connection lost")

// errResync ends a session so that the next one re-reads wpa_supplicant's
// state (the actions held while paused overflowed).
var errResync = errors.New("session resynchronisation")

// ErrStopped is returned by the controller's calls once Run has returned;
// it matches status.ErrNotRunning.
var ErrStopped = status.Errorf(status.ErrNotRunning, "daemon: not running")

// fatalError marks an error that reconnecting cannot cure: Run returns it.
type fatalError struct{ err error }

func (e fatalError) Error() string { return e.err.Error() }
func (e fatalError) Unwrap() error { return e.err }

// Run runs until ctx is done: it connects to wpa_supplicant, runs the
// session, and reconnects with backoff whenever wpa_supplicant goes away
// or does not answer.
//
// When ctx is cancelled Run stops in order (the group this daemon created
// is removed, the final run_program hooks run to completion within
// Options.StopTimeout) and returns nil. It returns an error when it cannot
// go on: a control socket owned by another user, a client socket directory
// it cannot create, an internal fault (logged with its stack), or a second
// call. Controller calls made after Run has returned fail with ErrStopped.
func (d *Daemon) Run(ctx context.Context) (err error) {
	if !d.ran.CompareAndSwap(false, true) {
		return errors.New("daemon: Run called twice")
	}
	defer close(d.done)
	hookCtx, stopHooks := context.WithCancel(context.Background())
	runner := hooks.New(d.log.With("component", "hooks"), config.Seconds(d.config().HookTimeoutSecs))
	var wg sync.WaitGroup
	wg.Go(func() { runner.Run(hookCtx, d.o.StopTimeout) })
	defer func() { stopHooks(); wg.Wait() }()
	defer func() {
		if r := recover(); r != nil {
			d.log.Error("internal error in the event loop; stopping", "panic", r, "stack", string(debug.Stack()))
			err = fmt.Errorf("daemon: internal error: %v", r)
		}
	}()

	hold := &holdLog{}
	defer hold.release() // a panic's records first, then the internal error
	l := &loop{d: d, hooks: runner, hold: hold,
		sess:   p2p.New(d.config(), slog.New(hold.handler(d.log.With("component", "session").Handler())), cryptoRand),
		timers: map[p2p.Timer]*time.Timer{}, fired: make(chan timerFire, 16), leases: map[wpaevent.MAC]string{},
		hookDone: make(chan struct{}, 1), maxHeld: maxPending, warn: newRepeatLog(time.Now, 2*time.Second, 5*time.Minute)}
	l.hook(nil, "started")
	delay := 100 * time.Millisecond
	for {
		err := l.session(ctx)
		l.conn, l.mon = nil, nil // closed: operator commands answer errOffline
		if ctx.Err() != nil {
			return nil
		}
		_ = l.applyHeld(ctx) // offline: only the configuration changes
		if fe := (fatalError{}); errors.As(err, &fe) {
			d.log.Error("cannot go on", "err", fe.err)
			return fe.err
		}
		if errors.Is(err, errResync) {
			continue
		}
		if errors.Is(err, errLost) {
			delay = 100 * time.Millisecond
		}
		if ok, repeats := l.warn.allow(err.Error()); ok {
			args := []any{"err", err, "retry_in", delay.String()}
			if repeats > 0 {
				args = append(args, "repeated", repeats)
			}
			d.log.Warn("waiting for wpa_supplicant", args...)
		}
		// Serve control requests while waiting, so status works.
		t := time.NewTimer(delay)
		service, stopWait := l.waitForService(ctx, err)
		if service != nil {
			t.Stop() // the bus says when wpa_supplicant is back
		}
	wait:
		for {
			d.tick.Store(time.Now().UnixNano())
			select {
			case <-ctx.Done():
				t.Stop()
				stopWait()
				return nil
			case f := <-d.reqs:
				f(l)
			case <-l.hookDone:
			case <-d.wake:
				d.publish(l, "lost")
			case werr := <-service:
				service = nil
				if werr == nil {
					break wait
				}
				d.log.Debug("cannot wait for wpa_supplicant on the bus", "err", werr)
				t.Reset(delay)
			case <-t.C:
				break wait
			}
		}
		stopWait()
		delay = min(delay*2, 2*time.Second)
	}
}

type timerFire struct {
	name p2p.Timer
	gen  uint64
}

// loop is the state owned by the Run goroutine.
type loop struct {
	d     *Daemon
	hooks *hooks.Runner
	sess  *p2p.Session
	hold  *holdLog // the session's records while an event is turned into its command

	conn       wpaRequests
	mon        wpaEvents
	global     bool
	backend    string // of the last dial: config.BackendCtrl or BackendDBus
	dev        string // P2P device interface
	gconn      *wpactrl.Conn
	gmon       *wpactrl.Monitor
	gevents    <-chan wpactrl.Message
	gname      string
	attach     chan groupAttach
	attachStop context.CancelFunc
	attachWG   sync.WaitGroup
	netStop    func()

	timers map[p2p.Timer]*time.Timer
	gens   map[p2p.Timer]uint64
	fired  chan timerFire
	leases map[wpaevent.MAC]string // client interface MAC → IP
	leaseC chan leaseNote
	addr   addrWatch // see ipevents.go
	pinC   chan pinNote
	join   joinFacts // see join.go
	// staSeen are the AP-STA-* events taken from the device socket while
	// the group monitor was not the loop's yet.
	staSeen staCopies

	// pending are actions not yet executed, in order: those behind a
	// waiting hook, and those the session asked for while paused.
	pending  []p2p.Action
	waiting  bool           // a waiting hook (Wait) runs; pending waits for it
	waitSeq  uint64         // number of the latest waiting hook
	hookDone chan struct{}  // a waiting hook ended: see doneSeq
	doneSeq  atomic.Uint64  // number of the latest waiting hook that ended
	resync   bool           // pending overflowed while paused
	maxHeld  int            // maxPending (tests lower it)
	stopping bool           // the final stop runs: pause no longer holds
	held     *config.Config // a reload that waits for the session to settle
	warn     *repeatLog     // "waiting for wpa_supplicant"
	box      boxes          // see boxes.go
	// supplicant is the connection state of the last snapshot
	// ("connected", "lost"); fresh: the turn was a Status rebuild.
	supplicant string
	fresh      bool
	svc        svcState // advertised services, see services.go
}

// watchedPing is the PING interval while the monitor watches
// wpa_supplicant's process (wpactrl.WithExitWatch): an exit is noticed at
// once without it, so PINGs only look for a hang (noticed within
// watchedPing + StallTimeout). 6 wake-ups a minute instead of 60.
const watchedPing = 10 * time.Second

// maxPending bounds the actions held while paused; beyond it they are
// dropped and the session is re-read from wpa_supplicant on resume.
const maxPending = 4096

type groupAttach struct {
	iface   string
	conn    *wpactrl.Conn
	mon     *wpactrl.Monitor
	join    *joinFacts // with mon
	netStop func()
}

type leaseNote struct {
	mac wpaevent.MAC
	ip  string
}

type pinNote struct {
	peer wpaevent.MAC
	pin  string
}

func cryptoRand() uint32 {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return binary.LittleEndian.Uint32(b[:])
}

// resolveIface picks the P2P device interface ("auto" = the first p2p-dev-*
// socket in the control directory).
func resolveIface(cfg *config.Config) (string, error) {
	if cfg.Interface != "" && cfg.Interface != "auto" {
		return cfg.Interface, nil
	}
	m, _ := filepath.Glob(filepath.Join(cfg.CtrlInterface, "p2p-dev-*"))
	sort.Strings(m)
	if len(m) > 0 {
		return filepath.Base(m[0]), nil
	}
	// Drivers without a dedicated P2P device run P2P on the station
	// interface: take the first socket that is not a P2P group.
	all, _ := filepath.Glob(filepath.Join(cfg.CtrlInterface, "*"))
	sort.Strings(all)
	for _, p := range all {
		if b := filepath.Base(p); !strings.HasPrefix(b, "p2p-") && !strings.HasPrefix(b, ".") {
			return b, nil
		}
	}
	return "", fmt.Errorf("interface auto: no control socket in %s: %w", cfg.CtrlInterface, fs.ErrNotExist)
}

func (l *loop) session(ctx context.Context) (err error) {
	d := l.d
	cfg := d.config()
	if cfg.Backend == config.BackendDBus && (cfg.Interface == "" || cfg.Interface == config.AutoInterface) {
		return fatalError{errors.New("interface: auto looks for control sockets and needs the control-socket backend; with backend: dbus name the P2P device interface (interface: or -i, like p2p-dev-wlan0)")}
	}
	dev, err := resolveIface(cfg)
	if err != nil {
		return err
	}
	l.dev = dev
	dctx, cancel := context.WithTimeout(ctx, d.o.CommandTimeout)
	defer cancel()
	c, err := l.dial(dctx, cfg, dev)
	if err != nil {
		return err
	}
	defer c.conn.Close()
	defer c.mon.Close()
	conn, mon := c.conn, c.mon
	l.global = c.global
	l.conn, l.mon = conn, mon
	d.conn.Store(&link{wpaRequests: conn, dbus: c.via == config.BackendDBus})
	defer d.conn.Store(nil)
	l.attach = make(chan groupAttach, 4)
	l.leaseC = make(chan leaseNote, 64)
	l.pinC = make(chan pinNote, 4)
	l.gens = map[p2p.Timer]uint64{}
	at := "socket"
	if c.via == config.BackendDBus {
		at = "bus"
	}
	d.log.Info("connected to wpa_supplicant", "iface", dev, "backend", c.via, at, c.where, "configured", cfg.Backend)
	l.warn.reset()
	d.publish(l, "connected")
	if err := l.checkBox(ctx); err != nil {
		return err
	}

	defer func() {
		l.dropPending()
		l.closeGroup()
		l.attachWG.Wait()
		for {
			select {
			case ga := <-l.attach:
				ga.close()
				continue
			default:
			}
			break
		}
		for name, t := range l.timers {
			t.Stop()
			delete(l.timers, name)
		}
		l.conn, l.mon = nil, nil
	}()
	l.setupEAPOL(ctx)
	l.registerServices(ctx)
	if err := l.exec(ctx, l.sess.Start(time.Now())); err != nil {
		return l.lost(ctx, err)
	}
	d.publish(l, "connected")

	events := mon.Events()
	// No ticker: an idle loop sleeps until an input comes. The systemd
	// watchdog asks the loop itself (Alive), and the address check is
	// armed only while a client has no address.
	addrCheck := time.NewTimer(time.Hour)
	addrCheck.Stop()
	defer addrCheck.Stop()
	for {
		var err error
		now := time.Now()
		d.tick.Store(now.UnixNano())
		if in, ok := l.addrCheckIn(now); ok {
			addrCheck.Reset(in)
		} else {
			addrCheck.Stop()
		}
		select {
		case <-addrCheck.C:
			if !l.checkAddresses(time.Now()) {
				continue
			}
		case <-ctx.Done():
			l.stop()
			return ctx.Err()
		case m, ok := <-events:
			if !ok {
				return l.lost(ctx, fmt.Errorf("%w: %v", errLost, mon.Err()))
			}
			err = l.event(ctx, dev, m)
		case m, ok := <-l.gevents:
			if !ok {
				l.gevents = nil
				continue
			}
			src := l.gname
			if m.Iface != "" {
				src = m.Iface
			}
			err = l.event(ctx, src, m)
		case ga := <-l.attach:
			l.groupAttached(ga)
		case tf := <-l.fired:
			if l.gens[tf.name] != tf.gen {
				continue
			}
			delete(l.timers, tf.name)
			err = l.exec(ctx, l.sess.HandleTimer(tf.name, time.Now()))
		case ln := <-l.leaseC:
			l.leased(ctx, ln)
		case pn := <-l.pinC:
			acts, perr := l.sess.EnterPIN(pn.peer, pn.pin, time.Now())
			if perr != nil {
				d.log.Warn("pin_program answer not used", "err", perr)
			}
			err = l.exec(ctx, acts)
		case <-l.hookDone:
			if l.waiting && l.doneSeq.Load() == l.waitSeq {
				l.waiting = false
				err = l.run(ctx)
			}
		case <-d.wake:
			err = l.run(ctx)
		case f := <-d.reqs:
			f(l)
		}
		if err == nil {
			err = l.applyHeld(ctx)
		}
		if err != nil {
			return l.lost(ctx, err)
		}
		l.changed()
	}
}

// stopCommandsFor bounds the supplicant commands of the final stop.
const stopCommandsFor = 3 * time.Second

// stop runs the session's stop sequence after ctx was cancelled, with its
// own deadline. A group creation waiting for its "stop" hook is abandoned;
// hooks held while paused still run.
func (l *loop) stop() {
	l.stopping = true
	l.dropPending()
	sctx, cancel := context.WithTimeout(context.Background(), stopCommandsFor)
	defer cancel()
	_ = l.exec(sctx, l.sess.Stop(time.Now()))
}

// dropPending forgets the actions not yet executed, except the hooks that
// report what happened (they are queued now, so none is lost).
func (l *loop) dropPending() {
	for _, a := range l.pending {
		if h, ok := a.(p2p.RunHook); ok && !h.Wait {
			l.hook(nil, h.Args...)
		}
	}
	l.pending, l.waiting = nil, false
}

func (l *loop) lost(ctx context.Context, err error) error {
	l.d.log.Warn("wpa_supplicant lost", "err", err)
	l.dropPending()
	l.stopping = true // Lost's actions run even while paused
	_ = l.exec(ctx, l.sess.Lost(time.Now()))
	l.stopping = false
	l.d.publish(l, "lost")
	if errors.Is(err, errResync) {
		return err
	}
	if errors.Is(err, wpactrl.ErrGone) || errors.Is(err, errLost) {
		return fmt.Errorf("%w: %v", errLost, err)
	}
	return err
}

// stateEvent reports the events that change what exists (groups, clients):
// the session follows them even while paused.
func stateEvent(k wpaevent.Kind) bool {
	switch k {
	case wpaevent.GroupStarted, wpaevent.GroupRemoved, wpaevent.APStaConnected, wpaevent.APStaDisconnected:
		return true
	}
	return false
}

func (l *loop) event(ctx context.Context, src string, m wpactrl.Message) error {
	ev := wpaevent.Parse(m.Text)
	if m.Iface != "" && !strings.HasPrefix(m.Iface, "p2p-dev-") {
		src = m.Iface
	}
	if l.d.log.Enabled(ctx, slog.LevelDebug) {
		// Redacting costs four regular expressions per line: only for a
		// record written (this is on the way from an event to its command).
		l.d.log.Debug("event", "iface", src, "event", redact.Line(m.Text))
	}
	if strings.Contains(m.Text, "P2P-SERV-DISC-REQ ") {
		l.serviceEvent(m.Text)
	}
	if ev.Kind == wpaevent.Terminating && (src == l.dev || l.global) {
		return fmt.Errorf("%w: CTRL-EVENT-TERMINATING", errLost)
	}
	if l.d.paused.Load() && !stateEvent(ev.Kind) {
		return nil
	}
	// AP-STA-CONNECTED/DISCONNECTED come on both the group and the P2P
	// device socket, in either order: take them from the group socket once
	// it is attached (it can take seconds), from the device socket before.
	if (ev.Kind == wpaevent.APStaConnected || ev.Kind == wpaevent.APStaDisconnected) && !l.global {
		switch {
		case src == l.dev && l.gmon != nil:
			return nil
		case src == l.dev && l.gname != "":
			l.staSeen.taken(ev, m.Time)
		case src == l.gname && l.staSeen.copyOf(ev, m.Time):
			// wpa_supplicant registered the group monitor before the
			// loop took it over: its copy of an event already taken
			// from the device socket (a second connect, or a phantom
			// one after the disconnect) is dropped.
			return nil
		}
	}
	l.checkGroupFreq(ctx, ev)
	eapolIP := ev.Kind == wpaevent.APStaConnected && ev.IPAddr != "" && l.handshakeAddr(ev)
	// The session's records are written after the first command (do1),
	// or at the end, when the event asks for none.
	l.hold.start()
	err := l.exec(ctx, l.sess.HandleEvent(src, ev, m.Time))
	l.hold.release()
	if eapolIP && err == nil {
		l.ipHook(ctx, ev.Addr, ev.IPAddr)
	}
	return err
}

// exec performs actions in order (see run). While paused, only the group's
// own side (GroupUp, GroupDown: monitor, address, DHCP) is done at once;
// the rest waits for Resume.
//
// Once the held actions have overflowed (resync), what the session asks
// for is dropped as well until Resume: the resynchronisation replaces that
// history, and the first turn of the loop after Resume ends the session
// (see run), whichever of its inputs comes first.
func (l *loop) exec(ctx context.Context, acts []p2p.Action) error {
	if l.d.paused.Load() && !l.stopping {
		for _, a := range acts {
			switch a.(type) {
			case p2p.GroupUp, p2p.GroupDown:
				if err := l.do1(ctx, a); err != nil {
					return err
				}
			default:
				if !l.resync {
					l.pending = append(l.pending, a)
				}
			}
		}
		if len(l.pending) > l.maxHeld {
			// Dropped, hooks included: they would report a history that
			// the resynchronisation replaces.
			l.d.log.Warn("too many actions held while paused; dropped, and the session will be re-read from wpa_supplicant on resume",
				"dropped", len(l.pending))
			l.pending = nil
			l.resync = true
		}
		return nil
	}
	l.pending = append(l.pending, acts...)
	return l.run(ctx)
}

// run executes pending actions from the front: a command's reply is fed
// back at once and its follow-up actions run before the rest. A waiting
// hook (RunHook.Wait) runs off the loop: run stops there, and the rest
// continues when its completion comes back (hookDone).
func (l *loop) run(ctx context.Context) error {
	if l.resync && !l.d.paused.Load() && !l.stopping {
		// Resumed after an overflow: nothing held may run, whether the
		// loop learns of the Resume by its wake-up or by an event, a
		// timer or a hook's end that comes first.
		l.resync, l.pending, l.waiting = false, nil, false
		l.d.log.Info("resumed: re-reading wpa_supplicant's state")
		return errResync // through lost: the group's hooks pair up
	}
	for len(l.pending) > 0 && !l.waiting && (!l.d.paused.Load() || l.stopping) {
		a := l.pending[0]
		l.pending = l.pending[1:]
		if err := l.do1(ctx, a); err != nil {
			return err
		}
	}
	if len(l.pending) == 0 {
		l.pending = nil // let the array go
	}
	return nil
}

// do1 performs one action.
func (l *loop) do1(ctx context.Context, act p2p.Action) error {
	switch a := act.(type) {
	case p2p.Cmd:
		reply, err := l.request(ctx, a.Iface, a.Text)
		l.hold.release()
		// Each command is bounded by CommandTimeout; the loop is turning.
		l.d.tick.Store(time.Now().UnixNano())
		if err != nil && (errors.Is(err, wpactrl.ErrGone) || errors.Is(err, wpactrl.ErrClosed)) && a.Iface == "" {
			return err
		}
		if l.d.log.Enabled(ctx, slog.LevelDebug) {
			l.d.log.Debug("command", "iface", a.Iface, "cmd", redact.Line(a.Text), "reply", strings.TrimSpace(redact.Reply(a.Text, reply)), "err", err)
		}
		if more := l.sess.HandleReply(a, reply, err, time.Now()); len(more) > 0 {
			l.pending = append(more, l.pending...)
		}
	case p2p.ArmTimer:
		l.arm(a.Name, a.After)
	case p2p.StopTimer:
		if t := l.timers[a.Name]; t != nil {
			t.Stop()
			delete(l.timers, a.Name)
		}
		l.gens[a.Name]++
	case p2p.RunHook:
		if !a.Wait {
			l.hook(nil, a.Args...)
			break
		}
		l.waitSeq++
		seq, done := l.waitSeq, l.hookDone
		l.waiting = l.hook(func(error) {
			// Hooks end in queue order, so seq only grows; the signal is
			// never lost (a full channel already holds one).
			l.doneSeq.Store(seq)
			select {
			case done <- struct{}{}:
			default:
			}
		}, a.Args...)
	case p2p.GroupUp:
		l.openGroup(ctx, a.Iface)
	case p2p.GroupDown:
		if a.Iface == "" || a.Iface == l.gname {
			l.closeGroup()
		}
	case p2p.AskPIN:
		l.askPIN(ctx, a)
	case p2p.ShowPIN:
		l.showPIN(a)
	case p2p.Ready:
		l.d.log.Info("session ready", "iface", l.dev, "mode", l.d.config().Mode.String(), "state", l.sess.State())
		if l.d.o.OnReady != nil {
			l.d.inReady.Store(true)
			l.d.o.OnReady()
			l.d.inReady.Store(false)
		}
	}
	return nil
}

func (l *loop) request(ctx context.Context, iface, cmd string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, l.d.o.CommandTimeout)
	defer cancel()
	switch {
	case iface == "" || iface == l.dev:
		if l.global {
			return l.conn.RequestIface(ctx, l.dev, cmd)
		}
		return l.conn.Request(ctx, cmd)
	case l.global:
		return l.conn.RequestIface(ctx, iface, cmd)
	case iface == l.gname && l.gconn != nil:
		return l.gconn.Request(ctx, cmd)
	default:
		c, err := wpactrl.Dial(ctx, filepath.Join(l.d.config().CtrlInterface, iface), l.d.wpaOpts()...)
		if err != nil {
			return "", err
		}
		defer c.Close()
		return c.Request(ctx, cmd)
	}
}

func (l *loop) arm(name p2p.Timer, after time.Duration) {
	if t := l.timers[name]; t != nil {
		t.Stop()
	}
	l.gens[name]++
	gen := l.gens[name]
	fired := l.fired
	l.timers[name] = time.AfterFunc(after, func() { fired <- timerFire{name: name, gen: gen} })
}

// hook queues run_program with args; done (may be nil) is called when it
// has ended. It reports whether a hook was queued.
func (l *loop) hook(done func(error), args ...string) bool {
	cfg := l.d.config()
	if cfg.RunProgram == "" {
		return false
	}
	env := []string{"HOSTP2PD_INTERFACE=" + cfg.Interface}
	if l.gname != "" {
		env = append(env, "HOSTP2PD_GROUP="+l.gname)
	}
	if len(args) > 1 && args[0] == "connect" {
		if ip := l.ipOfDev(args[1]); ip != "" {
			env = append(env, "HOSTP2PD_CLIENT_IP="+ip)
		}
	}
	l.d.log.Info("run_program", "args", args)
	return l.hooks.Queue(cfg.RunProgram, args, env, done)
}

// Retry schedule of the group interface's setup: its netdev and control
// socket can appear seconds after P2P-GROUP-STARTED.
const (
	groupRetryFirst = 200 * time.Millisecond
	groupRetryMax   = 2 * time.Second
	groupRetryFor   = 30 * time.Second
)

// openGroup sets the group interface up aside from the loop: its control
// connection, its monitor (ATTACH can take seconds) and, with DHCP, the GO
// address and the DHCP server. Each part is retried with a bounded backoff
// until it works or groupRetryFor has passed, and is handed to the loop
// (l.attach) as soon as it is up.
func (l *loop) openGroup(ctx context.Context, iface string) {
	l.closeGroup()
	l.gname = iface
	cfg := l.d.config()
	attach, opts, log := l.attach, l.d.wpaOpts(), l.d.log.With("group", iface)
	needPass := l.needPassphrase()
	if l.global {
		l.join = askJoin(ctx, l.request, iface, needPass)
	}
	needConn := !l.global
	needNet := l.d.o.Net != nil && cfg.DHCP.Enabled
	if !needConn && !needNet {
		return
	}
	if cfg.DHCP.EAPOLIP && !l.addr.eapol {
		cfg = cfg.Clone()
		cfg.DHCP.EAPOLIP = false // wpa_supplicant refused: DHCP serves the whole range
	}
	path := filepath.Join(cfg.CtrlInterface, iface)
	gctx, cancel := context.WithTimeout(context.Background(), groupRetryFor)
	l.attachStop = cancel
	net, dev, leaseC := l.d.o.Net, l.dev, l.leaseC
	l.attachWG.Go(func() {
		defer cancel()
		give := func(ga groupAttach) {
			select {
			case attach <- ga:
			case <-gctx.Done():
				ga.close()
			}
		}
		haveConn, haveMon, haveNet := !needConn, !needConn, !needNet
		delay := groupRetryFirst
		for try := 1; ; try++ {
			var errs []error
			if !haveConn {
				if c, err := wpactrl.Dial(gctx, path, opts...); err == nil {
					haveConn = true
					give(groupAttach{iface: iface, conn: c})
				} else {
					errs = append(errs, fmt.Errorf("control socket: %w", err))
				}
			}
			if haveConn && !haveMon {
				// No PING: the device's monitor watches the same process
				// (12 wake-ups a minute fewer when idle).
				m, err := wpactrl.Attach(gctx, path, append(opts, wpactrl.WithQueueLen(1024), wpactrl.WithoutPing())...)
				if err == nil {
					haveMon = true
					join := askJoin(gctx, dialRequest(path, opts), iface, needPass)
					give(groupAttach{iface: iface, mon: m, join: &join})
				} else {
					errs = append(errs, fmt.Errorf("attach: %w", err))
				}
			}
			if !haveNet {
				stop, err := net.Up(gctx, dev, iface, cfg, func(mac wpaevent.MAC, ip string) {
					select {
					case leaseC <- leaseNote{mac, ip}:
					default:
					}
				})
				if err == nil {
					haveNet = true
					give(groupAttach{iface: iface, netStop: stop})
				} else {
					errs = append(errs, fmt.Errorf("IP service: %w", err))
				}
			}
			if len(errs) == 0 || gctx.Err() != nil {
				if len(errs) > 0 && errors.Is(gctx.Err(), context.DeadlineExceeded) {
					log.Warn("group interface not set up; giving up", "tries", try, "after", groupRetryFor.String(), "err", errors.Join(errs...))
				}
				return
			}
			log.Debug("group interface not ready; retrying", "try", try, "retry_in", delay.String(), "err", errors.Join(errs...))
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-gctx.Done():
				t.Stop()
			}
			delay = min(delay*2, groupRetryMax)
		}
	})
}

func (ga groupAttach) close() {
	if ga.conn != nil {
		ga.conn.Close()
	}
	if ga.mon != nil {
		ga.mon.Close()
	}
	if ga.netStop != nil {
		ga.netStop()
	}
}

func (l *loop) groupAttached(ga groupAttach) {
	if ga.iface != l.gname {
		ga.close()
		return
	}
	switch {
	case ga.conn != nil:
		l.gconn = ga.conn
	case ga.mon != nil:
		if ga.join != nil {
			l.join = *ga.join
		}
		l.gmon = ga.mon
		l.gevents = ga.mon.Events()
		l.d.log.Debug("attached to group interface", "group", ga.iface)
	case ga.netStop != nil:
		l.netStop = ga.netStop
		l.startMDNS(ga.iface)
	}
}

func (l *loop) closeGroup() {
	if l.attachStop != nil {
		l.attachStop()
		l.attachStop = nil
	}
	if l.gmon != nil {
		l.gmon.Close()
		l.gmon, l.gevents = nil, nil
	}
	if l.gconn != nil {
		l.gconn.Close()
		l.gconn = nil
	}
	l.stopMDNS()
	if l.netStop != nil {
		l.netStop()
		l.netStop = nil
	}
	l.gname = ""
	l.join = joinFacts{}
	l.staSeen = staCopies{}
	clear(l.leases)
}

func (l *loop) askPIN(ctx context.Context, a p2p.AskPIN) {
	cfg := l.d.config()
	l.d.log.Warn("a phone displays a PIN: enter it with the console command `pin <peer> <PIN>` or `hostp2pd pin <peer> <PIN>`",
		"peer", a.Peer, "dev_name", a.Name, "timeout_secs", cfg.PINTimeoutSecs)
	if cfg.PINProgram == "" {
		return
	}
	prog, timeout, pinC := cfg.PINProgram, config.Seconds(max(cfg.PINTimeoutSecs, 1)), l.pinC
	go func() {
		pin, err := hooks.Output(ctx, timeout, prog, []string{a.Peer.String(), a.Name},
			[]string{"HOSTP2PD_PEER=" + a.Peer.String(), "HOSTP2PD_PEER_NAME=" + a.Name})
		if err != nil {
			l.d.log.Warn("pin_program failed", "err", err)
			return
		}
		select {
		case pinC <- pinNote{peer: a.Peer, pin: pin}:
		case <-ctx.Done():
		}
	}()
}

func (l *loop) showPIN(a p2p.ShowPIN) {
	cfg := l.d.config()
	if cfg.DisplayProgram == "" {
		l.d.log.Warn("generated a PIN but no display_program is set; the phone cannot know it", "peer", a.Peer)
		return
	}
	l.d.log.Info("showing generated PIN", "peer", a.Peer, "dev_name", a.Name)
	l.hooks.QueueSecret(cfg.DisplayProgram, []string{a.PIN, a.Peer.String(), a.Name},
		[]string{"HOSTP2PD_PIN=" + a.PIN, "HOSTP2PD_PEER=" + a.Peer.String(), "HOSTP2PD_PEER_NAME=" + a.Name}, []string{a.PIN}, nil)
}

// statusWait bounds how long Status waits for the loop to rebuild a stale
// snapshot; a loop busy for longer (a slow wpa_supplicant command) gives
// the previous snapshot.
const statusWait = time.Second

// changed ends a loop turn that may have changed the session: the snapshot
// is marked stale instead of rebuilt (a rebuild with 8 clients and 30
// peers costs more than the event did, and makes garbage on the way from
// one event to the next); the first Status call after it has the loop
// rebuild it. What publish does besides the snapshot is done here.
func (l *loop) changed() {
	if l.fresh {
		l.fresh = false // this turn was a Status call's rebuild
		return
	}
	var g status.Group
	if l.sess.FillGroup(&g) {
		l.rememberGroup(&g)
	}
	l.d.stale.Store(true)
}

// refresh rebuilds a stale snapshot; on the loop. The turn changed
// nothing else, whether another reader's refresh came first or not.
func (d *Daemon) refresh(l *loop) {
	if d.stale.Load() {
		d.publish(l, l.supplicant)
	}
	l.fresh = true
}

// publish stores a fresh immutable snapshot.
func (d *Daemon) publish(l *loop, supplicant string) {
	l.supplicant = supplicant
	d.stale.Store(false)
	d.builds.Add(1)
	cfg := d.config()
	st := &status.Status{Version: d.o.Version, Interface: l.dev, ConfigFile: cfg.File, Supplicant: supplicant, Paused: d.paused.Load(), Started: d.started}
	if st.Interface == "" {
		st.Interface = cfg.Interface
	}
	l.sess.Snapshot(st, func(mac wpaevent.MAC) string { return l.leases[mac] })
	l.addCounters(st)
	l.rememberGroup(st.Group)
	l.publishBox(st)
	l.addServices(st)
	if st.Group != nil && cfg.DHCP.Enabled && d.o.Net != nil {
		st.Group.GOIP, _, _ = strings.Cut(cfg.DHCP.Subnet, "/")
	}
	l.fillJoin(st.Group)
	d.snap.Store(st)
}

// do runs f on the loop goroutine and waits for it. After Run has
// returned it fails at once with ErrStopped.
func (d *Daemon) do(ctx context.Context, f func(*loop) error) error {
	errc := make(chan error, 1)
	select {
	case d.reqs <- func(l *loop) { errc <- f(l) }:
	case <-d.done:
		return ErrStopped
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
