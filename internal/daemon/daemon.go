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
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/internal/hooks"
	"github.com/hostp2pd/hostp2pd/internal/p2p"
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
	// CommandTimeout bounds each wpa_supplicant request (default 5 s).
	CommandTimeout time.Duration
	// PingInterval is the monitor liveness period (default 1 s).
	PingInterval time.Duration
	// LocalDir is where our client sockets are bound; wpa_supplicant sends
	// its replies there, so it must be visible in wpa_supplicant's mount
	// namespace (systemd's PrivateTmp hides /tmp). Default /run/hostp2pd
	// as root, the temporary directory otherwise.
	LocalDir string
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

	reqs    chan func(*loop)
	snap    atomic.Pointer[status.Status]
	conn    atomic.Pointer[wpactrl.Conn]
	started time.Time
	paused  atomic.Bool
	tick    atomic.Int64 // unix nanoseconds of the loop's last turn
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
		o.CommandTimeout = 5 * time.Second
	}
	if o.PingInterval <= 0 {
		o.PingInterval = time.Second
	}
	if o.LocalDir == "" {
		o.LocalDir = os.TempDir()
		if os.Geteuid() == 0 && os.MkdirAll("/run/hostp2pd", 0o700) == nil {
			o.LocalDir = "/run/hostp2pd"
		}
	}
	d := &Daemon{o: o, log: o.Logger, cfg: cfg, reqs: make(chan func(*loop)), started: time.Now()}
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

// heartbeatEvery is how often an idle loop proves it is alive (systemd
// watchdog).
const heartbeatEvery = 2 * time.Second

// Alive reports whether the event loop turned within the last d: a wedged
// loop stops petting the systemd watchdog.
func (d *Daemon) Alive(within time.Duration) bool {
	return time.Since(time.Unix(0, d.tick.Load())) < within
}

// errLost means wpa_supplicant went away; the loop reconnects.
var errLost = errors.New("wpa_supplicant connection lost")

// Run runs until ctx is done: it connects to wpa_supplicant, runs the
// session, and reconnects with backoff whenever wpa_supplicant goes away.
func (d *Daemon) Run(ctx context.Context) error {
	hookCtx, stopHooks := context.WithCancel(context.Background())
	runner := hooks.New(d.log.With("component", "hooks"), config.Seconds(d.config().HookTimeoutSecs))
	var wg sync.WaitGroup
	wg.Go(func() { runner.Run(hookCtx) })
	defer func() { stopHooks(); wg.Wait() }()

	l := &loop{d: d, hooks: runner, sess: p2p.New(d.config(), d.log.With("component", "session"), cryptoRand),
		timers: map[p2p.Timer]*time.Timer{}, fired: make(chan timerFire, 16), leases: map[wpaevent.MAC]string{}}
	l.hook(ctx, false, "started")
	delay := 100 * time.Millisecond
	announced := false
	for {
		err := l.session(ctx)
		l.conn, l.mon = nil, nil // closed: operator commands answer errOffline
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, errLost) {
			delay = 100 * time.Millisecond
		}
		if !announced || !errors.Is(err, fs.ErrNotExist) {
			d.log.Warn("waiting for wpa_supplicant", "err", err, "retry_in", delay.String())
			announced = true
		}
		// Serve control requests while waiting, so status works.
		t := time.NewTimer(delay)
	wait:
		for {
			d.tick.Store(time.Now().UnixNano())
			select {
			case <-ctx.Done():
				t.Stop()
				return nil
			case f := <-d.reqs:
				f(l)
			case <-t.C:
				break wait
			}
		}
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

	conn       *wpactrl.Conn
	mon        *wpactrl.Monitor
	global     bool
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
}

type groupAttach struct {
	iface string
	mon   *wpactrl.Monitor
	err   error
	join  joinFacts
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
	dev, err := resolveIface(cfg)
	if err != nil {
		return err
	}
	l.dev = dev
	path := filepath.Join(cfg.CtrlInterface, dev)
	if fi, serr := os.Stat(cfg.CtrlInterface); serr == nil && fi.Mode()&fs.ModeSocket != 0 {
		path, l.global = cfg.CtrlInterface, true // the global control interface
	} else {
		l.global = false
	}
	// wpactrl refuses a socket owned by another non-root user (every
	// Dial/Attach, group interfaces included).
	dctx, cancel := context.WithTimeout(ctx, d.o.CommandTimeout)
	defer cancel()
	if err := os.MkdirAll(d.o.LocalDir, 0o700); err != nil {
		return fmt.Errorf("client socket directory: %w", err)
	}
	opts := d.wpaOpts()
	conn, err := wpactrl.Dial(dctx, path, opts...)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.Request(dctx, "PING"); err != nil {
		return err
	}
	mon, err := wpactrl.Attach(dctx, path, append(opts, wpactrl.WithPingInterval(d.o.PingInterval), wpactrl.WithQueueLen(1024))...)
	if err != nil {
		return err
	}
	defer mon.Close()
	l.conn, l.mon = conn, mon
	d.conn.Store(conn)
	defer d.conn.Store(nil)
	l.attach = make(chan groupAttach, 1)
	l.leaseC = make(chan leaseNote, 64)
	l.pinC = make(chan pinNote, 4)
	l.gens = map[p2p.Timer]uint64{}
	d.log.Info("connected to wpa_supplicant", "iface", dev, "socket", path)
	d.publish(l, "connected")

	defer func() {
		l.closeGroup()
		l.attachWG.Wait()
		select {
		case ga := <-l.attach:
			if ga.mon != nil {
				ga.mon.Close()
			}
		default:
		}
		for name, t := range l.timers {
			t.Stop()
			delete(l.timers, name)
		}
	}()
	l.setupEAPOL(ctx)
	if err := l.exec(ctx, l.sess.Start(time.Now())); err != nil {
		return l.lost(ctx, err)
	}
	d.publish(l, "connected")

	events := mon.Events()
	heartbeat := time.NewTicker(heartbeatEvery)
	defer heartbeat.Stop()
	for {
		var err error
		d.tick.Store(time.Now().UnixNano())
		select {
		case <-heartbeat.C:
			if !l.checkAddresses(time.Now()) {
				continue
			}
		case <-ctx.Done():
			sctx, c := context.WithTimeout(context.Background(), 4*time.Second)
			_ = l.exec(sctx, l.sess.Stop(time.Now()))
			c()
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
		case f := <-d.reqs:
			f(l)
		}
		if err != nil {
			return l.lost(ctx, err)
		}
		d.publish(l, "connected")
	}
}

func (l *loop) lost(ctx context.Context, err error) error {
	l.d.log.Warn("wpa_supplicant lost", "err", err)
	_ = l.exec(ctx, l.sess.Lost(time.Now()))
	l.d.publish(l, "lost")
	if errors.Is(err, wpactrl.ErrGone) || errors.Is(err, errLost) {
		return fmt.Errorf("%w: %v", errLost, err)
	}
	return err
}

func (l *loop) event(ctx context.Context, src string, m wpactrl.Message) error {
	ev := wpaevent.Parse(m.Text)
	if m.Iface != "" && !strings.HasPrefix(m.Iface, "p2p-dev-") {
		src = m.Iface
	}
	l.d.log.Debug("event", "iface", src, "event", redact.Line(m.Text))
	if ev.Kind == wpaevent.Terminating && (src == l.dev || l.global) {
		return fmt.Errorf("%w: CTRL-EVENT-TERMINATING", errLost)
	}
	if l.d.paused.Load() {
		return nil
	}
	// AP-STA-CONNECTED/DISCONNECTED come on both the group and the P2P
	// device socket, in either order: take them from the group socket once
	// it is attached (it can take seconds), from the device socket before.
	if (ev.Kind == wpaevent.APStaConnected || ev.Kind == wpaevent.APStaDisconnected) && !l.global &&
		src == l.dev && l.gmon != nil {
		return nil
	}
	eapolIP := ev.Kind == wpaevent.APStaConnected && ev.IPAddr != "" && l.handshakeAddr(ev)
	err := l.exec(ctx, l.sess.HandleEvent(src, ev, m.Time))
	if eapolIP && err == nil {
		l.ipHook(ctx, ev.Addr, ev.IPAddr)
	}
	return err
}

// exec performs actions in order; a command's reply is fed back at once
// and its follow-up actions run before the rest.
func (l *loop) exec(ctx context.Context, acts []p2p.Action) error {
	for i := 0; i < len(acts); i++ {
		switch a := acts[i].(type) {
		case p2p.Cmd:
			reply, err := l.request(ctx, a.Iface, a.Text)
			if err != nil && (errors.Is(err, wpactrl.ErrGone) || errors.Is(err, wpactrl.ErrClosed)) && a.Iface == "" {
				return err
			}
			l.d.log.Debug("command", "iface", a.Iface, "cmd", redact.Line(a.Text), "reply", strings.TrimSpace(redact.Reply(a.Text, reply)), "err", err)
			if more := l.sess.HandleReply(a, reply, err, time.Now()); len(more) > 0 {
				acts = append(acts[:i+1], append(more, acts[i+1:]...)...)
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
			l.hook(ctx, a.Wait, a.Args...)
		case p2p.GroupUp:
			l.openGroup(ctx, a.Iface)
		case p2p.GroupDown:
			l.closeGroup()
		case p2p.AskPIN:
			l.askPIN(ctx, a)
		case p2p.ShowPIN:
			l.showPIN(ctx, a)
		case p2p.Ready:
			l.d.log.Info("session ready", "iface", l.dev, "mode", l.d.config().Mode.String(), "state", l.sess.State())
			if l.d.o.OnReady != nil {
				l.d.o.OnReady()
			}
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

func (l *loop) hook(ctx context.Context, wait bool, args ...string) {
	cfg := l.d.config()
	if cfg.RunProgram == "" {
		return
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
	l.hooks.Queue(ctx, cfg.RunProgram, args, env, wait)
}

func (l *loop) openGroup(ctx context.Context, iface string) {
	l.closeGroup()
	l.gname = iface
	cfg := l.d.config()
	if !l.global {
		path := filepath.Join(cfg.CtrlInterface, iface)
		if c, err := wpactrl.Dial(ctx, path, l.d.wpaOpts()...); err == nil {
			l.gconn = c
		} else {
			l.d.log.Warn("cannot open group control socket", "group", iface, "err", err)
		}
		// ATTACH on a new group socket can take seconds: do it aside.
		attach, opts, needPass := l.attach, l.d.wpaOpts(), l.needPassphrase()
		actx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		l.attachStop = cancel
		l.attachWG.Go(func() {
			m, err := wpactrl.Attach(actx, path, append(opts, wpactrl.WithQueueLen(1024), wpactrl.WithPingInterval(5*time.Second))...)
			join := askJoin(actx, dialRequest(path, opts), iface, needPass)
			select {
			case attach <- groupAttach{iface: iface, mon: m, err: err, join: join}:
			case <-actx.Done():
				if m != nil {
					m.Close()
				}
			}
		})
	} else {
		l.join = askJoin(ctx, l.request, iface, l.needPassphrase())
	}
	if l.d.o.Net != nil && cfg.DHCP.Enabled {
		if cfg.DHCP.EAPOLIP && !l.addr.eapol {
			cfg = cfg.Clone()
			cfg.DHCP.EAPOLIP = false // wpa_supplicant refused: DHCP serves the whole range
		}
		leaseC := l.leaseC
		stop, err := l.d.o.Net.Up(ctx, l.dev, iface, cfg, func(mac wpaevent.MAC, ip string) {
			select {
			case leaseC <- leaseNote{mac, ip}:
			default:
			}
		})
		if err != nil {
			l.d.log.Warn("cannot start IP service on the group", "group", iface, "err", err)
		} else {
			l.netStop = stop
		}
	}
}

func (l *loop) groupAttached(ga groupAttach) {
	if ga.iface == l.gname {
		l.join = ga.join
	}
	if ga.err != nil {
		l.d.log.Warn("cannot attach to group interface", "group", ga.iface, "err", ga.err)
		return
	}
	if ga.iface != l.gname {
		ga.mon.Close()
		return
	}
	l.gmon = ga.mon
	l.gevents = ga.mon.Events()
	l.d.log.Debug("attached to group interface", "group", ga.iface)
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
	if l.netStop != nil {
		l.netStop()
		l.netStop = nil
	}
	l.gname = ""
	l.join = joinFacts{}
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

func (l *loop) showPIN(ctx context.Context, a p2p.ShowPIN) {
	cfg := l.d.config()
	if cfg.DisplayProgram == "" {
		l.d.log.Warn("generated a PIN but no display_program is set; the phone cannot know it", "peer", a.Peer)
		return
	}
	l.d.log.Info("showing generated PIN", "peer", a.Peer, "dev_name", a.Name)
	l.hooks.Queue(ctx, cfg.DisplayProgram, []string{a.PIN, a.Peer.String(), a.Name},
		[]string{"HOSTP2PD_PIN=" + a.PIN, "HOSTP2PD_PEER=" + a.Peer.String(), "HOSTP2PD_PEER_NAME=" + a.Name}, false)
}

// publish stores a fresh immutable snapshot.
func (d *Daemon) publish(l *loop, supplicant string) {
	cfg := d.config()
	st := &status.Status{Version: d.o.Version, Interface: l.dev, ConfigFile: cfg.File, Supplicant: supplicant, Paused: d.paused.Load(), Started: d.started}
	if st.Interface == "" {
		st.Interface = cfg.Interface
	}
	l.sess.Snapshot(st, func(mac wpaevent.MAC) string { return l.leases[mac] })
	l.addCounters(st)
	if st.Group != nil && cfg.DHCP.Enabled && d.o.Net != nil {
		st.Group.GOIP, _, _ = strings.Cut(cfg.DHCP.Subnet, "/")
	}
	l.fillJoin(st.Group)
	d.snap.Store(st)
}

// do runs f on the loop goroutine and waits for it.
func (d *Daemon) do(ctx context.Context, f func(*loop) error) error {
	errc := make(chan error, 1)
	select {
	case d.reqs <- func(l *loop) { errc <- f(l) }:
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
