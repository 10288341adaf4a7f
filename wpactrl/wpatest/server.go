package wpatest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// HandlerFunc computes the reply to one command received on iface. cmd has
// no "IFNAME=" prefix. It may call the Server's methods (Emit, AddIface,
// Kill, ...) except Close. Returning NoReply sends nothing.
type HandlerFunc func(iface, cmd string) (reply string)

// NoReply, returned by a HandlerFunc, makes the Server send no reply at
// all, as wpa_supplicant does for a command longer than 8192 bytes.
const NoReply = "\x00wpatest: no reply\x00"

// Values of the default P2P model.
const (
	// DeviceAddress is the P2P device address of the fake GO.
	DeviceAddress = "42:00:00:00:00:00"
	// SSID is the SSID of every group the model starts (persistent=<id>
	// takes the SSID of that network instead).
	SSID = "DIRECT-xy"
	// Passphrase is the passphrase of every group.
	Passphrase = "abcdefgh"
	// GeneratedPIN is the reply of WPS_PIN and P2P_CONNECT when they are
	// asked to generate a PIN.
	GeneratedPIN = "12345670"
	// DefaultFreq is the operating frequency of a group without freq=.
	DefaultFreq = 2437
	uuid        = "362db47b-a53a-5191-88fb-5458b986b2e4"
	// maxCommandLen is CTRL_IFACE_MAX_LEN: longer commands are dropped.
	maxCommandLen = 8192
)

// Command is a command the Server received.
type Command struct {
	// Time is when it was received.
	Time time.Time
	// Iface is the interface that executed it: the socket's interface, the
	// x of "IFNAME=x " on the global socket, the P2P device for P2P
	// commands sent to the global socket without IFNAME=, and the global
	// socket's name for global commands.
	Iface string
	// Cmd is the command without any "IFNAME=" prefix.
	Cmd string
	// Socket is the name of the socket it arrived on.
	Socket string
}

// Network is one row of LIST_NETWORKS.
type Network struct {
	ID    int
	SSID  string
	BSSID string // empty shows as "any"
	Flags string // e.g. "[DISABLED][P2P-PERSISTENT]"
	// Mode is 3 for a P2P GO network.
	Mode int
	// Disabled is 2 for a persistent P2P group.
	Disabled int
}

type serverState uint8

const (
	stateRunning serverState = iota
	stateKilled
	stateTerminated
	stateClosed
)

// Server is a fake wpa_supplicant: real unixgram control sockets in a
// directory, speaking the wire protocol byte for byte. Create it with
// NewServer. All methods are safe for concurrent use.
type Server struct {
	dir string

	// procMu serialises command processing across all sockets, like
	// wpa_supplicant's single event loop, so HandlerFuncs need no locks.
	procMu sync.Mutex
	wg     sync.WaitGroup

	mu         sync.Mutex
	state      serverState
	base       []string // interfaces given to NewServer, recreated by Restart
	dev        string   // the P2P device interface
	ifaces     []*iface // in creation order
	globalName string
	global     *sock
	created    map[string]bool // every socket path ever bound, for Close

	handlers  []handler
	vars      map[string]string
	networks  []Network
	groupSeq  int
	finding   bool
	services  []string // P2P_SERVICE_ADD registrations ("bonjour <query>", "upnp <ver> <service>"), in order
	cmds      []Command
	consumed  []bool
	cmdSignal chan struct{} // closed and replaced on every new command

	stallUntil  time.Time     // commands and events wait until then
	closedC     chan struct{} // closed by Close: ends a stall
	groupSockIn time.Duration // group sockets appear this long after P2P_GROUP_ADD
	groupUpIn   time.Duration // P2P-GROUP-STARTED comes this long after the OK
}

type iface struct {
	name  string
	group bool
	freq  int
	ssid  string
	index int // group number, for addresses
	sock  *sock
}

type sock struct {
	name     string
	path     string
	global   bool
	uc       *net.UnixConn
	monitors []*monitor
}

type monitor struct {
	addr   string
	level  int
	errors int
}

type handler struct {
	iface  string
	prefix string
	fn     HandlerFunc
}

// NewServer starts a fake wpa_supplicant with one control socket per
// interface at dir/<iface>. Without ifaces it has the single interface
// "p2p-dev-wlan0". Names like p2p-wlan0-0 are group interfaces. The P2P device interface is the first one named
// "p2p-dev-*" (else the first one); P2P events go there, and group
// interfaces are named after it: p2p-dev-wlan0 → p2p-wlan0-0, p2p-wlan0-1...
func NewServer(dir string, ifaces ...string) (*Server, error) {
	if len(ifaces) == 0 {
		ifaces = []string{"p2p-dev-wlan0"}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("wpatest: %w", err)
	}
	s := &Server{
		dir:       dir,
		base:      slices.Clone(ifaces),
		dev:       ifaces[0],
		created:   map[string]bool{},
		vars:      map[string]string{"config_methods": "virtual_push_button keypad display"},
		cmdSignal: make(chan struct{}),
		closedC:   make(chan struct{}),
	}
	for _, name := range ifaces {
		if strings.HasPrefix(name, "p2p-dev-") {
			s.dev = name
			break
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, name := range ifaces {
		if err := s.addIfaceLocked(name, isGroupName(name)); err != nil {
			s.closeSocketsLocked(true)
			return nil, err
		}
	}
	return s, nil
}

// isGroupName reports names of P2P group interfaces: p2p-<x>-<n>.
func isGroupName(name string) bool {
	rest, ok := strings.CutPrefix(name, "p2p-")
	if !ok || strings.HasPrefix(rest, "dev-") {
		return false
	}
	i := strings.LastIndexByte(rest, '-')
	_, err := strconv.Atoi(rest[i+1:])
	return i > 0 && err == nil
}

// Dir returns the socket directory.
func (s *Server) Dir() string { return s.dir }

// Path returns the socket path of an interface (or of the global socket).
func (s *Server) Path(iface string) string { return filepath.Join(s.dir, iface) }

// P2PDevice returns the name of the P2P device interface.
func (s *Server) P2PDevice() string { return s.dev }

// AddGlobal opens a global control socket at dir/name, like
// wpa_supplicant -g. Commands "IFNAME=x CMD" are routed to interface x
// ("FAIL-NO-IFNAME-MATCH\n" if there is none); P2P and network commands
// without IFNAME= go to the P2P device. Events of every interface are
// forwarded as "IFNAME=x <3>TEXT", except P2P-* events of the P2P device,
// which come without a prefix (and its AP-STA-* copies, which are not
// forwarded), as in wpa_supplicant.
func (s *Server) AddGlobal(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != stateRunning {
		return errors.New("wpatest: server not running")
	}
	if s.global != nil || s.findLocked(name) != nil {
		return fmt.Errorf("wpatest: %s: already exists", name)
	}
	sk, err := s.openLocked(name, true)
	if err != nil {
		return err
	}
	s.globalName, s.global = name, sk
	return nil
}

// AddIface makes a group interface appear, with its socket.
func (s *Server) AddIface(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addIfaceLocked(name, true)
}

func (s *Server) addIfaceLocked(name string, group bool) error {
	return s.addIfaceSockLocked(name, group, true)
}

// addIfaceSockLocked adds an interface, with its socket when withSock.
func (s *Server) addIfaceSockLocked(name string, group, withSock bool) error {
	if s.state != stateRunning {
		return errors.New("wpatest: server not running")
	}
	if name == "" || strings.ContainsAny(name, "/ \t\n") {
		return fmt.Errorf("wpatest: invalid interface name %q", name)
	}
	if s.findLocked(name) != nil || name == s.globalName {
		return fmt.Errorf("wpatest: %s: already exists", name)
	}
	var sk *sock
	if withSock {
		var err error
		if sk, err = s.openLocked(name, false); err != nil {
			return err
		}
	}
	s.ifaces = append(s.ifaces, &iface{name: name, group: group, freq: DefaultFreq, ssid: SSID, sock: sk})
	return nil
}

// RemoveIface makes an interface disappear: its socket is closed and its
// file removed.
func (s *Server) RemoveIface(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.ifaces, func(f *iface) bool { return f.name == name })
	if i < 0 {
		return fmt.Errorf("wpatest: %s: %w", name, fs.ErrNotExist)
	}
	if sk := s.ifaces[i].sock; sk != nil {
		_ = sk.uc.Close()
		_ = os.Remove(sk.path)
	}
	s.ifaces = slices.Delete(s.ifaces, i, i+1)
	return nil
}

// Handle installs a handler for commands starting with cmdPrefix on iface
// ("" = any interface). Handlers take precedence over the default model.
// Among matching handlers the longest prefix wins, then one for a specific
// interface, then the one installed last.
func (s *Server) Handle(iface, cmdPrefix string, fn HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handlers = append(s.handlers, handler{iface: iface, prefix: cmdPrefix, fn: fn})
}

// Reply installs a fixed reply for commands starting with cmdPrefix on
// iface ("" = any). Remember the newline: Reply("", "P2P_FIND", "FAIL\n").
func (s *Server) Reply(iface, cmdPrefix, reply string) {
	s.Handle(iface, cmdPrefix, func(string, string) string { return reply })
}

// SetVar sets the value that "GET name" returns (SET changes it too).
func (s *Server) SetVar(name, value string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.vars[name] = value
}

// AddNetwork adds a network, or replaces the one with the same ID.
func (s *Server) AddNetwork(n Network) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addNetworkLocked(n)
}

func (s *Server) addNetworkLocked(n Network) {
	if i := slices.IndexFunc(s.networks, func(o Network) bool { return o.ID == n.ID }); i >= 0 {
		s.networks[i] = n
		return
	}
	s.networks = append(s.networks, n)
	slices.SortFunc(s.networks, func(a, b Network) int { return a.ID - b.ID })
}

// Services returns the local service table (P2P_SERVICE_ADD/DEL/FLUSH),
// in order: "bonjour <query hex> <rdata hex>" and "upnp <version> <service>".
func (s *Server) Services() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.services)
}

// Networks returns the current network list.
func (s *Server) Networks() []Network {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.networks)
}

// Emit sends "<3>"+text to every monitor attached on iface, and forwards
// it to the global socket's monitors (see AddGlobal). iface may also name
// the global socket. It does nothing for an unknown interface or while
// the server is not running.
func (s *Server) Emit(iface, text string) { s.emit(iface, 3, text) }

type delivery struct {
	sk   *sock
	data []byte
	mons []*monitor
}

func (s *Server) emit(name string, level int, text string) {
	s.waitStall()
	payload := "<" + strconv.Itoa(level) + ">" + text
	var ds []delivery
	s.mu.Lock()
	if s.state != stateRunning {
		s.mu.Unlock()
		return
	}
	add := func(sk *sock, data string) {
		var mons []*monitor
		for _, m := range sk.monitors {
			if level >= m.level {
				mons = append(mons, m)
			}
		}
		if len(mons) > 0 {
			ds = append(ds, delivery{sk: sk, data: []byte(data), mons: mons})
		}
	}
	if f := s.findLocked(name); f != nil {
		if f.sock != nil {
			add(f.sock, payload)
		}
		if s.global != nil {
			switch {
			case name == s.dev && strings.HasPrefix(text, "AP-STA-"):
				// wpa_msg_no_global copy: not forwarded.
			case name == s.dev && strings.HasPrefix(text, "P2P-") && !strings.HasPrefix(text, "P2P-SERV-DISC-REQ"):
				add(s.global, payload)
			default:
				add(s.global, "IFNAME="+name+" "+payload)
			}
		}
	} else if s.global != nil && name == s.globalName {
		add(s.global, payload)
	}
	s.mu.Unlock()

	for _, d := range ds {
		for _, m := range d.mons {
			err := sendTo(d.sk.uc, m.addr, d.data)
			s.mu.Lock()
			switch {
			case err == nil:
				m.errors = 0
			case errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.EPERM):
				d.sk.detachLocked(m.addr)
			default:
				if m.errors++; m.errors > 10 {
					d.sk.detachLocked(m.addr)
				}
			}
			s.mu.Unlock()
		}
	}
}

// Monitors returns how many monitors are attached on iface (or on the
// global socket).
func (s *Server) Monitors(iface string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sk := s.sockLocked(iface); sk != nil {
		return len(sk.monitors)
	}
	return 0
}

// Commands returns every command received so far, in order, except PING,
// ATTACH, DETACH and LEVEL.
func (s *Server) Commands() []Command {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.cmds)
}

// WaitCommand returns the oldest command that matches and that no earlier
// WaitCommand has returned, waiting for one to arrive if needed. It matches
// when its Iface equals iface ("" = any) and its Cmd starts with prefix.
// In other words, each WaitCommand consumes one command; commands that
// were never waited for stay available, whatever their age.
func (s *Server) WaitCommand(ctx context.Context, iface, prefix string) (Command, error) {
	for {
		s.mu.Lock()
		for i, c := range s.cmds {
			if !s.consumed[i] && (iface == "" || c.Iface == iface) && strings.HasPrefix(c.Cmd, prefix) {
				s.consumed[i] = true
				s.mu.Unlock()
				return c, nil
			}
		}
		signal := s.cmdSignal
		s.mu.Unlock()
		select {
		case <-signal:
		case <-ctx.Done():
			return Command{}, fmt.Errorf("wpatest: waiting for %q on %q: %w", prefix, iface, ctx.Err())
		}
	}
}

// Kill stops the server like SIGKILL: no event, no more replies, and the
// socket files stay behind, stale (a send to them gets ECONNREFUSED).
func (s *Server) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != stateRunning {
		return
	}
	s.state = stateKilled
	s.closeSocketsLocked(false)
}

// Terminate stops the server like SIGTERM: each group is removed with
// "P2P-GROUP-REMOVED <group> GO reason=REQUESTED" on the P2P device, then
// "CTRL-EVENT-TERMINATING " goes to every remaining interface (a group
// socket gets none, as in wpa_supplicant 2.10), and all socket files are
// removed.
func (s *Server) Terminate() {
	s.mu.Lock()
	if s.state != stateRunning {
		s.mu.Unlock()
		return
	}
	var groups, others []string
	for _, f := range slices.Backward(s.ifaces) {
		if f.group {
			groups = append(groups, f.name)
		}
	}
	for _, f := range s.ifaces {
		if !f.group {
			others = append(others, f.name)
		}
	}
	s.mu.Unlock()
	for _, g := range groups {
		s.Emit(s.dev, "P2P-GROUP-REMOVED "+g+" GO reason=REQUESTED")
		_ = s.RemoveIface(g)
	}
	for _, name := range others {
		s.Emit(name, "CTRL-EVENT-TERMINATING ")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state == stateRunning {
		s.state = stateTerminated
		s.closeSocketsLocked(true)
	}
}

// Restart brings the server back (after Kill or Terminate, or while
// running, which acts as Kill first) with fresh sockets for the interfaces
// given to NewServer and the global socket: new inodes, so old connections
// never recover, and no monitors. Group interfaces are gone and their
// numbering restarts at 0; a group socket file left stale by Kill stays
// until a new group of the same name replaces it, as with the real one.
// Settings, networks and recorded commands are kept; the local services
// (P2P_SERVICE_ADD) are not, as with the real one.
func (s *Server) Restart() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch s.state {
	case stateClosed:
		return errors.New("wpatest: server closed")
	case stateRunning:
		s.closeSocketsLocked(false)
	}
	s.ifaces = nil
	s.groupSeq = 0
	s.finding = false
	s.services = nil // a new process has no local services
	s.global = nil
	s.state = stateRunning
	for _, name := range s.base {
		if err := s.addIfaceLocked(name, isGroupName(name)); err != nil {
			return err
		}
	}
	if s.globalName != "" {
		sk, err := s.openLocked(s.globalName, true)
		if err != nil {
			return err
		}
		s.global = sk
	}
	return nil
}

// Stall makes the server hang for d, like a wpa_supplicant busy in a slow
// driver call or starved on a loaded host: commands (PING included) queue
// up unanswered and events are held, then everything is processed in
// order. The sockets stay open, so a send still succeeds. Close ends a
// stall.
func (s *Server) Stall(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stallUntil = time.Now().Add(d)
}

// waitStall blocks while the server is stalled.
func (s *Server) waitStall() {
	s.mu.Lock()
	until, closed := s.stallUntil, s.closedC
	s.mu.Unlock()
	if d := time.Until(until); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-closed:
		}
	}
}

// SetGroupSocketDelay makes the control socket of each group started by
// P2P_GROUP_ADD appear only d after P2P-GROUP-STARTED, as when the group
// netdev comes up late (0, the default: the socket is there before the
// OK).
func (s *Server) SetGroupSocketDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.groupSockIn = d
}

// SetGroupStartDelay makes P2P-GROUP-STARTED come d after the OK to
// P2P_GROUP_ADD (0, the default: at once), as on a real radio, where the GO
// takes a few hundred milliseconds to come up while its interface is
// already listed by INTERFACES.
func (s *Server) SetGroupStartDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.groupUpIn = d
}

// openLateLocked gives interface name its socket if it still has none.
func (s *Server) openLateLocked(name string) {
	f := s.findLocked(name)
	if s.state != stateRunning || f == nil || f.sock != nil {
		return
	}
	if sk, err := s.openLocked(name, false); err == nil {
		f.sock = sk
	}
}

// Close stops the server, removes every socket file it created and waits
// for its goroutines. It must not be called from a HandlerFunc.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.state != stateClosed {
		close(s.closedC)
		s.closeSocketsLocked(true)
		s.state = stateClosed
		for p := range s.created {
			_ = os.Remove(p)
		}
	}
	s.mu.Unlock()
	s.wg.Wait()
	return nil
}

// closeSocketsLocked closes every socket, optionally removing the files.
func (s *Server) closeSocketsLocked(unlink bool) {
	for _, f := range s.ifaces {
		if f.sock != nil {
			_ = f.sock.uc.Close()
			if unlink {
				_ = os.Remove(f.sock.path)
			}
			f.sock = nil
		}
	}
	if s.global != nil {
		_ = s.global.uc.Close()
		if unlink {
			_ = os.Remove(s.global.path)
		}
		s.global = nil
	}
}

func (s *Server) findLocked(name string) *iface {
	for _, f := range s.ifaces {
		if f.name == name {
			return f
		}
	}
	return nil
}

func (s *Server) sockLocked(name string) *sock {
	if s.global != nil && name == s.globalName {
		return s.global
	}
	if f := s.findLocked(name); f != nil {
		return f.sock
	}
	return nil
}

// openLocked binds a fresh socket at dir/name, replacing any file there
// (a new inode), and starts serving it.
func (s *Server) openLocked(name string, global bool) (*sock, error) {
	path := filepath.Join(s.dir, name)
	bindPath := path
	if _, err := os.Lstat(path); err == nil {
		// Replace a stale file by rename, so that the new socket surely
		// gets a new inode (an unlink would free the old number for reuse).
		bindPath = filepath.Join(s.dir, "."+name+".new")
		_ = os.Remove(bindPath)
	}
	uc, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: bindPath, Net: "unixgram"})
	if err != nil {
		return nil, fmt.Errorf("wpatest: %w", err)
	}
	if bindPath != path {
		if err := os.Rename(bindPath, path); err != nil {
			_ = uc.Close()
			_ = os.Remove(bindPath)
			return nil, fmt.Errorf("wpatest: %w", err)
		}
	}
	s.created[path] = true
	sk := &sock{name: name, path: path, global: global, uc: uc}
	s.wg.Add(1)
	go s.serve(sk)
	return sk, nil
}

func (sk *sock) attachLocked(addr string) {
	if slices.ContainsFunc(sk.monitors, func(m *monitor) bool { return m.addr == addr }) {
		return
	}
	sk.monitors = append(sk.monitors, &monitor{addr: addr, level: 3})
}

func (sk *sock) detachLocked(addr string) bool {
	i := slices.IndexFunc(sk.monitors, func(m *monitor) bool { return m.addr == addr })
	if i < 0 {
		return false
	}
	sk.monitors = slices.Delete(sk.monitors, i, i+1)
	return true
}

func (s *Server) serve(sk *sock) {
	defer s.wg.Done()
	buf := make([]byte, maxCommandLen+1)
	for {
		n, from, err := sk.uc.ReadFromUnix(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		if n > maxCommandLen {
			continue // "input truncated": dropped without a reply
		}
		addr := ""
		if from != nil {
			addr = from.Name
		}
		s.dispatch(sk, addr, string(buf[:n]))
	}
}

// dispatch processes one command datagram from addr.
func (s *Server) dispatch(sk *sock, addr, cmd string) {
	s.procMu.Lock()
	defer s.procMu.Unlock()
	s.waitStall()

	reply, after, ok := s.socketLevel(sk, addr, cmd)
	if !ok {
		name := sk.name
		if sk.global {
			var fail string
			name, cmd, fail = s.route(cmd)
			if fail != "" {
				s.send(sk, addr, fail)
				return
			}
		}
		if word, _, _ := strings.Cut(cmd, " "); word != "PING" {
			s.record(Command{Time: time.Now(), Iface: name, Cmd: cmd, Socket: sk.name})
		}
		reply, after = s.answer(name, cmd)
	}
	if reply != NoReply {
		s.send(sk, addr, reply)
	}
	if after != nil {
		after()
	}
}

// socketLevel handles ATTACH, DETACH and LEVEL, which act on the socket
// itself.
func (s *Server) socketLevel(sk *sock, addr, cmd string) (string, func(), bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case cmd == "ATTACH":
		if addr == "" {
			return "FAIL\n", nil, true
		}
		sk.attachLocked(addr)
		return "OK\n", nil, true
	case cmd == "DETACH":
		if sk.detachLocked(addr) {
			return "OK\n", nil, true
		}
		return "FAIL\n", nil, true
	case strings.HasPrefix(cmd, "LEVEL "):
		if sk.global {
			return "UNKNOWN COMMAND\n", nil, true
		}
		lvl, err := strconv.Atoi(strings.TrimSpace(cmd[len("LEVEL "):]))
		i := slices.IndexFunc(sk.monitors, func(m *monitor) bool { return m.addr == addr })
		if err != nil || i < 0 {
			return "FAIL\n", nil, true
		}
		sk.monitors[i].level = lvl
		return "OK\n", nil, true
	}
	return "", nil, false
}

// route decides which interface runs a command received on the global
// socket.
func (s *Server) route(cmd string) (name, rest, fail string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if after, ok := strings.CutPrefix(cmd, "IFNAME="); ok {
		name, rest, _ = strings.Cut(after, " ")
		if s.findLocked(name) == nil {
			return "", "", "FAIL-NO-IFNAME-MATCH\n"
		}
		return name, rest, ""
	}
	word, _, _ := strings.Cut(cmd, " ")
	switch {
	case strings.HasPrefix(word, "P2P_"), word == "LIST_NETWORKS", word == "GET_NETWORK",
		word == "REMOVE_NETWORK", word == "GET_CAPABILITY", word == "SET",
		word == "STA-FIRST", word == "STA", word == "STA-NEXT":
		if s.findLocked(s.dev) != nil {
			return s.dev, cmd, ""
		}
	}
	return s.globalName, cmd, ""
}

func (s *Server) record(c Command) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cmds = append(s.cmds, c)
	s.consumed = append(s.consumed, false)
	close(s.cmdSignal)
	s.cmdSignal = make(chan struct{})
}

func (s *Server) send(sk *sock, addr, reply string) {
	if addr == "" {
		return // an unbound client cannot get a reply
	}
	_ = sendTo(sk.uc, addr, []byte(reply))
}

// answer runs the installed handler for the command, or the default model.
func (s *Server) answer(name, cmd string) (string, func()) {
	s.mu.Lock()
	var best *handler
	for i := range s.handlers {
		h := &s.handlers[i]
		if (h.iface != "" && h.iface != name) || !strings.HasPrefix(cmd, h.prefix) {
			continue
		}
		if best == nil || len(h.prefix) > len(best.prefix) ||
			len(h.prefix) == len(best.prefix) && (h.iface != "" || best.iface == "") {
			best = h
		}
	}
	s.mu.Unlock()
	if best != nil {
		return best.fn(name, cmd), nil
	}
	return s.model(name, cmd)
}
