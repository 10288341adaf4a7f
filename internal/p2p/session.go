// Package p2p is the group-owner session: a pure state machine that takes
// wpa_supplicant events, command replies, timers and operator requests, and
// returns the actions (commands, timers, hooks) the daemon loop executes.
// It does no I/O and is driven by exactly one goroutine.
package p2p

import (
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/internal/redact"
	"github.com/hostp2pd/hostp2pd/internal/status"
	"github.com/hostp2pd/hostp2pd/wpaevent"
)

// state is the session's top-level state.
//
//	offline --Start--> starting --activation done--> idle <-------------------------------+
//	                      |                           |  ^                                 |
//	                      |        request, always-on |  | failure, timeout                | GROUP-REMOVED
//	                      |    mode, P2P_CONNECT,     v  |                                 |
//	                      |    invitation accepted  forming --GROUP-STARTED--> group --remove--> removing
//	                      |                                                      ^   |
//	                      +---- a running GO group found (adopted) --------------+   +--GROUP-REMOVED (lost)--> idle
//
// Lost (supplicant gone) returns to offline from any state; Stop ends in
// stopped; Reload with another mode removes the group and starts again.
type state uint8

const (
	stateOffline state = iota
	stateStarting
	stateIdle
	stateForming
	stateGroup
	stateRemoving
	stateStopped
)

func (s state) String() string {
	return [...]string{"offline", "starting", "idle", "forming", "group", "removing", "stopped"}[s]
}

// Timing constants that are not configuration.
const (
	groupStartTimeout = 30 * time.Second
	findRestartDelay  = 2 * time.Second
	dupWindow         = 10 * time.Second
	pbcWalkTime       = 120 * time.Second
	pinArmTimeout     = 60 * time.Second
	maxBackoff        = 60 * time.Second
	negRetryDelay     = 2 * time.Second  // after a failed GO negotiation
	confirmWait       = 10 * time.Second // after WPS-REG-SUCCESS with a PIN for any enrollee: the AP-STA-CONNECTED that names it
	// Bounds of the enrolment queue: a flood of requests from made-up
	// addresses must not keep a real phone waiting past its WPS walk.
	maxQueue   = 32               // waiting enrolments; the oldest is dropped for a new one
	congested  = 4                // more waiting than this: the newest request is armed first
	minArmHold = 10 * time.Second // least time WPS stays armed for a phone
	pbcNoShow  = 15 * time.Second // a push-button phone sends WPS probes at once; without one it is released if others wait
	requestGap = time.Second      // per peer: one provision discovery / negotiation request per gap
	maxPeers   = 256
	// blockAfterDisconnect keeps a phone the operator disconnected out for
	// a while: it still knows the group passphrase and would re-associate
	// at once (per_sta_psk revokes it for good).
	blockAfterDisconnect = 10 * time.Minute
	// enrolleeGrace lets a phone's provision discovery (which names it)
	// win over its anonymous WPS probe seen on the group interface.
	enrolleeGrace = 500 * time.Millisecond
	// discoveryRenew re-issues a discovery command that never reported
	// its end (P2P_LISTEN without timeout lasts an hour).
	discoveryRenew = 30 * time.Minute
)

type group struct {
	iface      string
	ssid       string
	freq       int
	persistent bool
	netID      int
	passphrase string
	since      time.Time
}

type client struct {
	dev, iface wpaevent.MAC
	name       string
	method     string
	joined     time.Time
}

type peer struct {
	dev         wpaevent.MAC
	name        string
	devType     string
	first, last time.Time
	lookedUp    bool // P2P_PEER was asked for its name
}

// policy is what enrolment the session accepts.
type policy struct{ pbc, keypad, display, random bool }

// Session is the group-owner state machine. Create it with New; all methods
// must be called from one goroutine.
type Session struct {
	cfg  *config.Config
	log  *slog.Logger
	rand func() uint32

	st       state
	pol      policy
	polKnown bool
	netID    int   // persistent GO network in use, -1 if none
	cands    []int // persistent network candidates still to check

	grp         *group
	clients     map[wpaevent.MAC]*client // by interface address
	peers       map[wpaevent.MAC]*peer   // address register, by device address
	queue       []*enrol
	armed       *enrol
	riders      []*enrol                   // fixed-PIN enrolments in flight beside armed (parallel.go)
	rearmed     time.Time                  // last WPS_PIN re-arm for the riders
	inEAP       map[wpaevent.MAC]time.Time // enrollees whose EAP began and whose M1 outcome is not known (parallel.go)
	negotiating map[wpaevent.MAC]time.Time
	negMethod   map[wpaevent.MAC]method
	neg         *enrol                     // the phone of the last P2P_CONNECT request (negotiated modes)
	negFails    int                        // failed negotiations of neg's request (max_num_failures)
	connWait    bool                       // neg's P2P_CONNECT waits for timerConnect (min_conn_delay, retry)
	lastConnect map[wpaevent.MAC]time.Time // last P2P_CONNECT, by peer (min_conn_delay)
	lastReq     map[wpaevent.MAC]time.Time // last provision discovery / negotiation request, by peer (requestGap)
	invited     map[wpaevent.MAC]time.Time
	seen        map[wpaevent.MAC]time.Time    // WPS-ENROLLEE-SEEN rate limit
	enrolled    map[wpaevent.MAC]method       // method of a completed WPS run, by device address, until AP-STA-CONNECTED
	blocked     map[wpaevent.MAC]time.Time    // disconnected by the operator: refused until then (device and interface addresses)
	blockedBy   map[wpaevent.MAC]wpaevent.MAC // interface address → device address of a blocked client
	seenDPID    int                           // device password id of a WPS enrollee waiting for enrolleeGrace, -1 if none
	finding     bool
	findSince   time.Time
	listening   bool      // idle_discovery find: the discovery running is the listen between slow polls
	polls       int       // idle_discovery find: P2P_FIND polls since the last connection request
	lastPoll    time.Time // idle_discovery find: when the last poll started
	groupFails  int
	wantGroup   bool
	stopping    bool
	rotating    bool // Rotate removed the group: start it again (rotate.go)

	// docs/clients.md
	reform     *enrol                     // a GO negotiation answered once the running empty group is gone
	reformed   map[wpaevent.MAC]time.Time // last re-formed group, by peer (reformGap)
	inviting   wpaevent.MAC               // the invitation whose P2P-INVITATION-RESULT is awaited
	invitingAt time.Time                  // when it was sent
	refusals   map[wpaevent.MAC]*refusal  // invitations refused, by peer
	invRecv    map[wpaevent.MAC]time.Time // last P2P-INVITATION-RECEIVED acted upon, by peer
	preauth    map[wpaevent.MAC]time.Time // negotiations authorised ahead (P2P_CONNECT … auth)
	left       []wpaevent.MAC             // negotiated modes: the clients of the group being removed
	known      map[wpaevent.MAC]*known    // the persistent group's client list
	knownNext  int                        // round robin of the P2P_PEER lookups

	counters map[string]uint64
	ch       channelState // see channel.go
}

// New returns a session for cfg. rnd supplies random numbers for generated
// PINs (nil = a fixed sequence; the daemon passes a crypto source).
func New(cfg *config.Config, log *slog.Logger, rnd func() uint32) *Session {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if rnd == nil {
		var n uint32 = 12345
		rnd = func() uint32 { n = n*1103515245 + 12345; return n }
	}
	s := &Session{cfg: cfg, log: log, rand: rnd, netID: -1, counters: map[string]uint64{}, blocked: map[wpaevent.MAC]time.Time{}, blockedBy: map[wpaevent.MAC]wpaevent.MAC{},
		reformed: map[wpaevent.MAC]time.Time{}, refusals: map[wpaevent.MAC]*refusal{}, invRecv: map[wpaevent.MAC]time.Time{}, known: map[wpaevent.MAC]*known{}}
	s.ch.pastNetID = -1
	s.reset()
	return s
}

func (s *Session) reset() {
	s.grp = nil
	s.clients = map[wpaevent.MAC]*client{}
	if s.peers == nil {
		s.peers = map[wpaevent.MAC]*peer{}
	}
	s.queue = nil
	s.armed = nil
	s.riders = nil
	s.inEAP = map[wpaevent.MAC]time.Time{}
	s.negotiating = map[wpaevent.MAC]time.Time{}
	s.negMethod = map[wpaevent.MAC]method{}
	s.neg, s.negFails, s.connWait = nil, 0, false
	if s.lastConnect == nil {
		s.lastConnect = map[wpaevent.MAC]time.Time{}
		s.lastReq = map[wpaevent.MAC]time.Time{}
	}
	s.invited = map[wpaevent.MAC]time.Time{}
	s.seen = map[wpaevent.MAC]time.Time{}
	s.enrolled = map[wpaevent.MAC]method{}
	s.seenDPID = -1
	s.finding, s.listening, s.polls = false, false, 0
	s.wantGroup = false
	s.cands = nil
	s.reform, s.left = nil, nil
	s.inviting = wpaevent.MAC{}
	s.preauth = map[wpaevent.MAC]time.Time{}
}

// State returns the current state name.
func (s *Session) State() string { return s.st.String() }

func (s *Session) count(k string) { s.counters[k]++ }

func (s *Session) cmd(iface, text string, tag Tag) Cmd {
	w, _, _ := strings.Cut(text, " ")
	s.count("cmd:" + strings.ToUpper(w))
	return Cmd{Iface: iface, Text: text, Tag: tag}
}

// peerCmd is a command about one peer: the reply is routed back to it.
func (s *Session) peerCmd(iface, text string, tag Tag, peer wpaevent.MAC) Cmd {
	c := s.cmd(iface, text, tag)
	c.Peer = peer
	return c
}

func (s *Session) hook(wait bool, args ...string) []Action {
	if s.cfg.RunProgram == "" {
		return nil
	}
	return []Action{RunHook{Args: args, Wait: wait}}
}

// ---------------------------------------------------------------------------
// Activation

// Start is called when the control sockets are connected and the monitor is
// attached: it runs hostp2pd's activation sequence.
func (s *Session) Start(now time.Time) []Action {
	s.reset()
	s.st = stateStarting
	s.stopping = false
	a := s.settings(nil)
	s.polKnown = false
	switch s.cfg.WPSMethod {
	case config.WPSAuto:
		a = append(a, s.cmd("", "GET config_methods", TagConfigMethods))
	default:
		s.setPolicy("")
	}
	a = append(a, s.cmd("", "INTERFACES", TagInterfaces))
	return a
}

// settings sets wpa_supplicant's parameters from the configuration:
// config_parms, ssid_postfix and per_sta_psk. On a reload old is the
// previous configuration: a postfix or per_sta_psk it had and cfg drops is
// reset (a dropped config_parms key keeps its value: its default is not
// known).
func (s *Session) settings(old *config.Config) []Action {
	var a []Action
	keys := slices.Sorted(maps.Keys(s.cfg.ConfigParms))
	for _, k := range keys {
		a = append(a, s.cmd("", "SET "+k+" "+s.cfg.ConfigParms[k], TagNone))
	}
	if len(keys) > 0 && s.cfg.SaveConfigEnabled {
		a = append(a, s.cmd("", "SAVE_CONFIG", TagNone))
	}
	if s.cfg.SSIDPostfix != "" || (old != nil && old.SSIDPostfix != "") {
		a = append(a, s.cmd("", "P2P_SET ssid_postfix "+s.cfg.SSIDPostfix, TagNone))
	}
	if s.cfg.PerStaPSK {
		a = append(a, s.cmd("", "P2P_SET per_sta_psk 1", TagNone))
	} else if old != nil && old.PerStaPSK {
		a = append(a, s.cmd("", "P2P_SET per_sta_psk 0", TagNone))
	}
	return a
}

// setPolicy derives the accepted enrolment methods from the configuration
// and, in auto mode, wpa_supplicant's config_methods (never rewritten).
func (s *Session) setPolicy(configMethods string) {
	s.polKnown = true
	switch s.cfg.WPSMethod {
	case config.WPSPBC:
		s.pol = policy{pbc: true}
	case config.WPSKeypad:
		s.pol = policy{keypad: true}
	case config.WPSDisplay:
		s.pol = policy{display: true, random: s.cfg.DisplayProgram != ""}
	case config.WPSRandom:
		s.pol = policy{random: true}
	default:
		cm := strings.ToLower(configMethods)
		s.pol = policy{
			pbc:    strings.Contains(cm, "push_button") || strings.Contains(cm, "pbc"),
			keypad: strings.Contains(cm, "keypad") || strings.Contains(cm, "display"),
		}
		if !s.pol.pbc && !s.pol.keypad {
			s.pol.keypad = true
		}
	}
	s.log.Info("enrolment policy", "pbc", s.pol.pbc, "keypad", s.pol.keypad, "display", s.pol.display, "random", s.pol.random)
}

func (s *Session) persistentMode() bool {
	switch s.cfg.Mode {
	case config.ModePersistent, config.ModePersistentOnDemand, config.ModeNegotiatedPersistent:
		return true
	}
	return false
}

func (s *Session) alwaysOn() bool {
	return s.cfg.Mode == config.ModePersistent || s.cfg.Mode == config.ModeAutonomous
}

func (s *Session) negotiated() bool {
	return s.cfg.Mode == config.ModeNegotiatedOnDemand || s.cfg.Mode == config.ModeNegotiatedPersistent
}

// activate continues after an existing group was (not) adopted.
func (s *Session) activate(now time.Time) []Action {
	if s.persistentMode() {
		return []Action{s.cmd("", "LIST_NETWORKS", TagListNetworks)}
	}
	return s.networksKnown(now)
}

// networksKnown finishes activation once the persistent network is known.
func (s *Session) networksKnown(now time.Time) []Action {
	var a []Action
	if s.grp == nil && s.alwaysOn() {
		a = append(a, s.groupAdd(now)...)
	} else if s.grp == nil {
		s.st = stateIdle
	}
	a = append(a, s.find(now)...)
	a = append(a, s.clientListCmd()...)
	a = append(a, Ready{})
	return a
}

func (s *Session) groupAdd(now time.Time) []Action {
	var a []Action
	a = append(a, s.hook(true, "stop")...)
	args := []string{"P2P_GROUP_ADD"}
	if s.persistentMode() {
		if s.netID >= 0 {
			args = append(args, "persistent="+strconv.Itoa(s.netID))
		} else {
			args = append(args, "persistent")
		}
	}
	args = s.freqArg(args)
	if s.cfg.P2PGroupAddOpts != "" {
		args = append(args, s.cfg.P2PGroupAddOpts)
	}
	s.st = stateForming
	a = append(a, s.cmd("", strings.Join(args, " "), TagGroupAdd),
		ArmTimer{Name: timerGroupStart, After: groupStartTimeout})
	return a
}

func (s *Session) groupFailed(now time.Time, why string) []Action {
	s.groupFails++
	s.count("group_failures")
	d := backoff(s.groupFails)
	if s.grp == nil {
		s.st = stateIdle
	}
	if s.alwaysOn() || s.wantGroup {
		s.log.Warn("group creation failed; retrying", "reason", why, "attempt", s.groupFails, "retry_in", d.String(),
			"hint", "the driver may refuse a second AP/GO interface (EBUSY): check `iw dev` for another AP, and the interface combinations of the radio")
		return []Action{StopTimer{Name: timerGroupStart}, ArmTimer{Name: timerGroupRetry, After: d}}
	}
	s.log.Warn("group creation failed", "reason", why)
	return []Action{StopTimer{Name: timerGroupStart}}
}

func backoff(n int) time.Duration {
	d := time.Second << min(n-1, 6)
	return min(d, maxBackoff)
}

// ---------------------------------------------------------------------------
// Replies

// HandleReply routes the reply of a tagged command back into the session.
// err is the wpactrl error (FAIL, timeout…) or nil.
func (s *Session) HandleReply(c Cmd, reply string, err error, now time.Time) []Action {
	if err != nil {
		s.count("cmd_errors")
		s.log.Warn("command failed", "cmd", redact.Line(c.Text), "iface", c.Iface, "err", err)
	}
	switch c.Tag {
	case TagConfigMethods:
		if err != nil {
			reply = ""
		}
		s.setPolicy(reply)
	case TagInterfaces:
		if err == nil {
			for _, ifc := range wpaevent.ParseInterfaces(reply) {
				if strings.HasPrefix(ifc, "p2p-") && !strings.HasPrefix(ifc, "p2p-dev-") {
					return []Action{s.cmd(ifc, "STATUS", TagAdoptStatus)}
				}
			}
		}
		return s.activate(now)
	case TagAdoptStatus:
		if err == nil {
			st := wpaevent.ParseStatus(reply)
			if strings.HasPrefix(st.Mode, "P2P GO") {
				s.grp = &group{iface: c.Iface, ssid: st.SSID, freq: st.Freq, netID: -1, since: now}
				s.st = stateGroup
				s.log.Info("adopted running group", "group", c.Iface, "ssid", st.SSID, "freq", st.Freq)
				// The group-up hooks run again: a reconnect ran stop_group.
				a := []Action{GroupUp{Iface: c.Iface}}
				a = append(a, s.hook(false, "start_group", c.Iface)...)
				return append(a, s.activate(now)...)
			}
		}
		return s.activate(now)
	case TagLearnNetwork:
		return s.learnNetwork(c.SSID, reply, err)
	case TagListNetworks:
		s.cands = nil
		if err == nil {
			nets, perr := wpaevent.ParseListNetworks(reply)
			if perr != nil {
				s.log.Warn("cannot parse LIST_NETWORKS", "err", perr)
			}
			if id := s.cfg.PersistentNetworkID; id != nil {
				for _, n := range nets {
					if n.ID == *id {
						s.cands = []int{n.ID}
					}
				}
				if s.cands == nil {
					s.log.Warn("persistent_network_id not found in wpa_supplicant's networks; searching", "id", *id)
				}
			}
			if s.cands == nil {
				for _, n := range nets {
					if n.Persistent && strings.HasPrefix(n.SSID, "DIRECT-") {
						s.cands = append(s.cands, n.ID)
					}
				}
			}
		}
		return s.nextCandidate(now)
	case TagNetworkMode:
		if err == nil && strings.TrimSpace(reply) == "3" {
			s.netID = c.NetID
			s.log.Info("reusing persistent group", "network_id", s.netID)
			if s.grp != nil {
				s.grp.netID = s.netID
				s.grp.persistent = true
			}
			return s.checkBSSID(c.NetID)
		}
		return s.nextCandidate(now)
	case TagNetworkBSSID, TagOwnAddress:
		return s.bssidReply(c, reply, err, now)
	case TagAddNetwork:
		id, perr := strconv.Atoi(strings.TrimSpace(reply))
		if err != nil || perr != nil {
			s.log.Warn("cannot add the network_parms persistent group; wpa_supplicant will create one", "reply", reply)
			return s.networksKnown(now)
		}
		var a []Action
		for _, p := range s.cfg.NetworkParms {
			a = append(a, s.cmd("", "SET_NETWORK "+strconv.Itoa(id)+" "+p, TagNone))
		}
		a = append(a, s.cmd("", "SET_NETWORK "+strconv.Itoa(id)+" mode 3", TagNone),
			s.cmd("", "SET_NETWORK "+strconv.Itoa(id)+" disabled 2", TagNone))
		s.netID = id
		return append(a, s.ownAddress(id)) // bssid, then SAVE_CONFIG
	case TagGroupAdd:
		if err != nil {
			return s.groupFailed(now, "P2P_GROUP_ADD: "+err.Error())
		}
	case TagConnect:
		if err != nil && s.grp == nil && s.st == stateForming {
			s.count("negotiation_failures")
			return s.negFailed(now)
		}
	case TagGroupRemove:
		if err != nil && s.st == stateRemoving {
			// The group is already gone (or never was): go back to idle.
			return s.groupGone(now, true)
		}
	case TagWPS:
		// A refused WPS_PBC / WPS_PIN arms nothing: free the registrar
		// for the next phone now rather than at the enrolment timeout.
		if err != nil && s.armed != nil && s.armed.peer == c.Peer {
			s.count("enrol_failures")
			s.log.Warn("WPS could not be armed; enrolment abandoned", "peer", c.Peer, "method", s.armed.method.String())
			return s.release(now)
		}
	case TagInvite:
		if err != nil {
			// The phone that asked by GO negotiation is told nothing: it
			// will not join. Release its slot; a new request invites again.
			delete(s.invited, c.Peer)
			if s.armed != nil && s.armed.peer == c.Peer {
				s.count("enrol_failures")
				s.log.Warn("invitation refused by wpa_supplicant; enrolment abandoned", "peer", c.Peer)
				var a []Action
				if s.grp != nil {
					a = append(a, s.cmd(s.grp.iface, "WPS_CANCEL", TagNone))
				}
				return append(a, s.release(now)...)
			}
		}
	case TagFind:
		if err != nil {
			s.finding = false
		}
	case TagClientList:
		return s.clientList(c, reply, err, now)
	case TagKnownPeer:
		return s.knownPeer(c, reply, err, now)
	case TagPreauth:
		if err != nil {
			delete(s.preauth, c.Peer)
		}
	case TagPeer:
		// The name of a peer asking for push button, needed by the white
		// list: P2P_PEER knows what P2P-DEVICE-FOUND reported.
		dev := c.Peer
		if !usablePeer(dev) {
			return nil
		}
		if err == nil {
			if p, perr := wpaevent.ParsePeer(reply); perr == nil && p.DeviceName != "" {
				s.register(dev, p.DeviceName, p.PriDevType, now)
			}
		}
		s.register(dev, "", "", now)
		s.peers[dev].lookedUp = true
		return s.request(dev, methodPBC, c.ViaNeg, now)
	}
	return nil
}

// learnNetwork records the id of the persistent network wpa_supplicant
// stored for a group we started with plain "persistent", so the next
// P2P_GROUP_ADD / P2P_CONNECT reuses it instead of storing another one.
func (s *Session) learnNetwork(ssid, reply string, err error) []Action {
	if err != nil {
		return nil
	}
	nets, _ := wpaevent.ParseListNetworks(reply)
	for _, n := range nets {
		if n.Persistent && n.SSID == ssid {
			s.netID = n.ID
			if s.grp != nil && s.grp.ssid == ssid {
				s.grp.netID = n.ID
			}
			s.log.Info("persistent group stored", "network_id", n.ID, "ssid", ssid)
			return s.clientListCmd()
		}
	}
	return nil
}

func (s *Session) nextCandidate(now time.Time) []Action {
	if len(s.cands) > 0 {
		id := s.cands[0]
		s.cands = s.cands[1:]
		c := s.cmd("", "GET_NETWORK "+strconv.Itoa(id)+" mode", TagNetworkMode)
		c.NetID = id
		return []Action{c}
	}
	s.netID = -1
	if len(s.cfg.NetworkParms) > 0 && s.cfg.Mode != config.ModeNegotiatedPersistent {
		return []Action{s.cmd("", "ADD_NETWORK", TagAddNetwork)}
	}
	return s.networksKnown(now)
}

// ---------------------------------------------------------------------------
// Events

// HandleEvent processes one event received on socket src (the P2P device
// interface or a group interface).
func (s *Session) HandleEvent(src string, ev wpaevent.Event, now time.Time) []Action {
	s.count(ev.Kind.String())
	if s.st == stateOffline || s.st == stateStopped {
		return nil
	}
	switch ev.Kind {
	case wpaevent.DeviceFound:
		s.register(ev.PeerDev, ev.Name, ev.PriDevType, now)
		return s.preauthorise(ev.PeerDev, now)
	case wpaevent.DeviceLost:
		if p := s.peers[ev.PeerDev]; p != nil {
			p.last = now
		}
	case wpaevent.ProvDiscPBCReq, wpaevent.ProvDiscShowPIN, wpaevent.ProvDiscEnterPIN:
		dev := ev.PeerDev
		if dev.IsZero() {
			dev = ev.Addr
		}
		if !usablePeer(dev) {
			s.count("refused_address")
			s.log.Warn("provision discovery from an invalid address ignored", "peer", dev)
			return nil
		}
		if s.rateLimited(dev, now) {
			return nil
		}
		s.register(dev, ev.Name, ev.PriDevType, now)
		m := methodPBC
		switch ev.Kind {
		case wpaevent.ProvDiscShowPIN:
			m = methodKeypad // the phone is told our PIN (it types it)
		case wpaevent.ProvDiscEnterPIN:
			m = methodDisplay // the phone shows its PIN
		}
		return s.request(dev, m, false, now)
	case wpaevent.GONegRequest:
		if !usablePeer(ev.Addr) {
			s.count("refused_address")
			s.log.Warn("GO negotiation from an invalid address ignored", "peer", ev.Addr)
			return nil
		}
		if s.rateLimited(ev.Addr, now) {
			return nil
		}
		var m method
		switch ev.DevPasswdID {
		case wpaevent.DevPasswdPushButton:
			m = methodPBC
		case wpaevent.DevPasswdUserSpecified, wpaevent.DevPasswdDefault:
			m = methodKeypad
		case wpaevent.DevPasswdRegistrarSpecified:
			m = methodDisplay
		default:
			s.log.Warn("GO negotiation with an unsupported provisioning method refused", "peer", ev.Addr, "dev_passwd_id", ev.DevPasswdID)
			return nil
		}
		return s.request(ev.Addr, m, true, now)
	case wpaevent.GONegSuccess:
		s.log.Info("GO negotiation succeeded", "peer", ev.PeerDev, "role", ev.Role, "freq", ev.Freq)
		if ev.Role == "GO" && s.grp == nil && s.st == stateIdle && usablePeer(ev.PeerDev) {
			return s.negotiatedByItself(ev, now)
		}
	case wpaevent.GONegFailure, wpaevent.GroupFormationFailure:
		s.count("negotiation_failures")
		s.log.Warn("group formation failed", "event", ev.Kind.String(), "status", ev.Status, "reason", ev.Reason)
		if s.grp == nil && s.st == stateForming {
			return s.negFailed(now)
		}
		clear(s.negotiating)
	case wpaevent.GroupStarted:
		return s.groupStarted(ev, now)
	case wpaevent.GroupRemoved:
		if s.grp != nil && ev.Group == s.grp.iface {
			return s.groupGone(now, s.st == stateRemoving)
		}
	case wpaevent.ProvDiscFailure:
		s.dropEnrol(ev.PeerDev, "provision discovery failed")
	case wpaevent.InvitationAccepted:
		s.log.Info("invitation accepted", "peer", ev.Addr, "persistent_id", ev.PersistentID)
		if s.grp == nil && s.st == stateIdle {
			s.st = stateForming
			return []Action{ArmTimer{Name: timerGroupStart, After: groupStartTimeout}}
		}
	case wpaevent.InvitationReceived:
		return s.invitationReceived(ev, now)
	case wpaevent.InvitationResult:
		return s.invitationResult(ev, now)
	case wpaevent.FindStopped:
		s.finding = false
		if !s.stopping {
			return []Action{ArmTimer{Name: timerFind, After: findRestartDelay}}
		}
	case wpaevent.WPSRegSuccess:
		s.seen[ev.Addr] = now // its probes may still carry WPS for a while
		delete(s.inEAP, ev.Addr)
		if s.crowd() {
			// Several phones share the fixed PIN: the AP-STA-CONNECTED
			// says which one it was; the registrar removed a copy and
			// cleared selected_registrar (wps_registrar_complete).
			s.log.Info("WPS registration succeeded", "enrollee", ev.Addr, "in_flight", len(s.riders)+1)
			return s.rearm(now)
		}
		if e := s.armed; e != nil {
			s.log.Info("WPS registration succeeded", "peer", e.peer, "enrollee", ev.Addr)
			if len(s.enrolled) > maxPeers {
				clear(s.enrolled)
			}
			if e.method == methodPBC || e.peer.IsZero() {
				s.enrolled[e.peer] = e.method // only that phone could use it
				return s.release(now)
			}
			// A PIN is armed for any enrollee (and used up now): another
			// waiting phone that knows it may have used it (three phones,
			// one keypad PIN). Its AP-STA-CONNECTED names it; until then
			// the armed phone keeps its turn.
			s.enrolled[wpaevent.MAC{}] = e.method
			e.used = true
			return []Action{ArmTimer{Name: timerEnrol, After: confirmWait}}
		}
	case wpaevent.WPSFail:
		s.count("wps_failures")
		var who wpaevent.MAC
		if s.armed != nil {
			who = s.armed.peer
		}
		msg := "WPS failed"
		switch ev.ConfigError {
		case wpaevent.ConfigErrorPasswordAuthFail:
			msg = "WPS failed: wrong PIN"
		case wpaevent.ConfigErrorMultiplePBC:
			msg = "WPS failed: push-button overlap (only one phone at a time can use PBC)"
		}
		s.log.Warn(msg, "peer", who, "msg", ev.Msg, "config_error", ev.ConfigError)
		if s.crowd() {
			return s.rearm(now) // which phone failed is not known: each keeps its own deadline
		}
		if s.armed != nil && (ev.ConfigError == wpaevent.ConfigErrorPasswordAuthFail || s.armed.method != methodPBC) {
			return s.release(now)
		}
	case wpaevent.WPSTimeout:
		if s.armed != nil && s.armed.method == methodPBC {
			s.log.Warn("push-button window expired", "peer", s.armed.peer)
			return s.release(now)
		}
	case wpaevent.WPSOverlapDetected:
		s.log.Warn("WPS push-button overlap detected")
	case wpaevent.WPSEnrolleeSeen:
		if !usablePeer(ev.Addr) {
			return nil
		}
		if s.armed != nil && s.armed.method == methodPBC && ev.DevPasswdID == wpaevent.DevPasswdPushButton {
			s.armed.live = true
		}
		if s.crowd() && now.Sub(s.rearmed) >= rearmEvery {
			return s.rearm(now)
		}
		return s.enrolleeSeen(ev, now)
	case wpaevent.WPSPINNeeded:
		delete(s.inEAP, ev.Addr)
		if s.crowd() {
			s.count("wps_pin_locked")
			return s.rearm(now) // the copy is locked by another enrollee (wps_registrar_get_pin)
		}
		if a := s.sharePIN(now); a != nil {
			return a
		}
		if s.armed == nil && len(s.queue) == 0 && s.grp != nil && (s.pol.keypad || s.pol.random) && s.anonymousOK() {
			return s.request(wpaevent.MAC{}, methodKeypad, false, now)
		}
	case wpaevent.EAPStarted:
		return s.eapStarted(ev, now)
	case wpaevent.APStaConnected:
		delete(s.inEAP, ev.Addr)
		return s.staConnected(ev, now)
	case wpaevent.APStaDisconnected:
		return s.staDisconnected(ev, now)
	case wpaevent.APDisabled:
		if s.grp != nil && src == s.grp.iface {
			s.log.Warn("group access point disabled", "group", src)
		}
	}
	return nil
}

func (s *Session) register(dev wpaevent.MAC, name, devType string, now time.Time) {
	if !usablePeer(dev) {
		return
	}
	p := s.peers[dev]
	if p == nil {
		if len(s.peers) >= maxPeers {
			var oldest *peer
			for _, q := range s.peers {
				if oldest == nil || q.last.Before(oldest.last) {
					oldest = q
				}
			}
			delete(s.peers, oldest.dev)
		}
		p = &peer{dev: dev, first: now}
		s.peers[dev] = p
	}
	if name != "" {
		p.name = name
	}
	if devType != "" {
		p.devType = devType
	}
	p.last = now
}

func (s *Session) nameOf(dev wpaevent.MAC) string {
	if p := s.peers[dev]; p != nil {
		return p.name
	}
	return ""
}

func (s *Session) groupStarted(ev wpaevent.Event, now time.Time) []Action {
	if ev.Role != "GO" {
		s.log.Warn("joined a group as a client; hostp2pd only runs as group owner, removing it", "group", ev.Group)
		return []Action{s.cmd("", "P2P_GROUP_REMOVE "+ev.Group, TagNone)}
	}
	if s.grp != nil && s.grp.iface != ev.Group {
		s.log.Warn("a second group was started; keeping the first", "group", ev.Group, "running", s.grp.iface)
		return nil
	}
	if s.grp != nil {
		// A copy of the start of the running group (from a second socket):
		// its hooks ran, its clients stay.
		return nil
	}
	netID := -1
	if ev.Persistent {
		netID = s.netID
	}
	s.grp = &group{iface: ev.Group, ssid: ev.SSID, freq: ev.Freq, persistent: ev.Persistent, netID: netID,
		passphrase: ev.Passphrase, since: now}
	s.st = stateGroup
	s.groupFails = 0
	s.wantGroup = false
	s.neg, s.connWait = nil, false
	wasFinding := s.finding
	s.finding = false
	s.log.Info("group started", "group", ev.Group, "ssid", ev.SSID, "freq", ev.Freq, "persistent", ev.Persistent)
	a := []Action{StopTimer{Name: timerGroupStart}, StopTimer{Name: timerGroupRetry}, StopTimer{Name: timerNeg}, GroupUp{Iface: ev.Group}}
	if ev.Persistent && netID < 0 {
		c := s.cmd("", "LIST_NETWORKS", TagLearnNetwork)
		c.SSID = ev.SSID
		a = append(a, c)
	}
	if wasFinding && !s.cfg.FindWhileGO {
		// A running GO is found by its beacons and probe responses; a
		// search would take the radio off the group channel and stall
		// the phone that is joining (lab scenario 18).
		a = append(a, s.cmd("", "P2P_STOP_FIND", TagNone))
	}
	a = append(a, s.hook(false, "start_group", ev.Group)...)
	if s.negotiated() {
		a = append(a, ArmTimer{Name: timerEmpty, After: config.Seconds(s.cfg.MaxNegotiationTime)})
	}
	a = append(a, s.armNext(now)...)
	return append(a, s.find(now)...)
}

// groupGone handles the end of our group; requested says we asked for it.
func (s *Session) groupGone(now time.Time, requested bool) []Action {
	var a []Action
	if s.grp == nil {
		if s.st == stateRemoving {
			s.st = stateIdle
		}
		return nil
	}
	iface := s.grp.iface
	a = s.teardown()
	if s.stopping {
		s.st = stateStopped
		return a
	}
	if !requested {
		s.count("group_lost")
		s.log.Warn("group removed by wpa_supplicant", "group", iface)
		if s.alwaysOn() {
			s.groupFails++
			a = append(a, ArmTimer{Name: timerGroupRetry, After: backoff(s.groupFails)})
		}
	} else {
		s.log.Info("group removed", "group", iface)
	}
	if s.rotating {
		s.rotating = false
		s.wantGroup = true
		return append(a, s.groupAdd(now)...)
	}
	if e := s.reform; e != nil {
		s.reform = nil
		return append(a, s.connect(e, now)...)
	}
	left := s.left
	s.left = nil
	a = append(a, s.find(now)...)
	for _, d := range left {
		// A phone that just left a negotiated group often comes back:
		// its next negotiation is answered at once. Not in the
		// persistent modes: there it comes back by re-invoking the
		// stored group, and an authorised persistent negotiation made
		// wpa_supplicant bring the group straight back up (lab 18).
		if s.netID >= 0 {
			break
		}
		a = append(a, s.preauthorise(d, now)...)
	}
	return a
}

// teardown forgets the group and its clients, with their hooks, and leaves
// the session idle.
func (s *Session) teardown() []Action {
	var a []Action
	iface := s.grp.iface
	for _, c := range s.sortedClients() {
		a = append(a, s.hook(false, "disconnect", c.hookAddr(), c.name, iface)...)
	}
	s.clients = map[wpaevent.MAC]*client{}
	s.grp = nil
	s.armed = nil
	s.riders = nil
	clear(s.inEAP)
	s.queue = slices.DeleteFunc(s.queue, func(e *enrol) bool { return e.state != enrolWaitingPIN })
	clear(s.negotiating)
	a = append(a, GroupDown{Iface: iface}, StopTimer{Name: timerEnrol}, StopTimer{Name: timerEmpty})
	a = append(a, s.hook(false, "stop_group", iface)...)
	a = append(a, s.hook(false, "start")...)
	s.st = stateIdle
	return a
}

func (s *Session) removeGroup(now time.Time, why string) []Action {
	if s.grp == nil || s.st == stateRemoving {
		return nil
	}
	s.log.Info("removing group", "group", s.grp.iface, "reason", why)
	s.st = stateRemoving
	return []Action{StopTimer{Name: timerEmpty}, s.cmd("", "P2P_GROUP_REMOVE "+s.grp.iface, TagGroupRemove)}
}

func (s *Session) staConnected(ev wpaevent.Event, now time.Time) []Action {
	if s.grp == nil || s.clients[ev.Addr] != nil {
		return nil // duplicate copy from the other socket
	}
	if !usablePeer(ev.Addr) {
		s.count("refused_address")
		s.log.Warn("station with an invalid address ignored", "iface_addr", ev.Addr)
		return nil
	}
	dev := ev.PeerDev
	if !usablePeer(dev) {
		dev = wpaevent.MAC{}
	}
	if until, ok := s.blocked[ev.Addr]; ok && now.Before(until) {
		dev = s.blockedBy[ev.Addr]
		s.count("refused_mac")
		s.log.Warn("station disconnected by the operator came back; removed again", "peer", dev, "iface_addr", ev.Addr)
		a := []Action{s.cmd(s.grp.iface, "DEAUTHENTICATE "+ev.Addr.String(), TagNone)}
		if !dev.IsZero() {
			a = append(a, s.cmd("", "P2P_REMOVE_CLIENT "+dev.String(), TagNone))
		}
		return a
	}
	if !dev.IsZero() && !s.admittedAt(dev, now) {
		s.count("refused_mac")
		s.log.Warn("station of a denied device removed", "peer", dev, "iface_addr", ev.Addr)
		return []Action{
			s.cmd(s.grp.iface, "DEAUTHENTICATE "+ev.Addr.String(), TagNone),
			s.cmd("", "P2P_REMOVE_CLIENT "+dev.String(), TagNone),
		}
	}
	if dev.IsZero() && !s.admittedAt(ev.Addr, now) {
		return s.refuseLegacy(ev.Addr)
	}
	method := "persistent"
	var a []Action
	if i := s.riderIndex(dev); i >= 0 {
		method = s.riders[i].method.String()
		a = append(a, s.riderJoined(i, now)...)
	} else if e := s.armed; e != nil && (e.peer == dev || e.peer.IsZero()) {
		method = e.method.String()
		if e.method != methodPBC && !e.used && len(s.riders) == 0 {
			// It came back without using the PIN (a persistent client):
			// the PIN must not stay armed for anyone else.
			a = append(a, s.cmd(s.grp.iface, "WPS_CANCEL", TagNone))
		}
		delete(s.enrolled, wpaevent.MAC{})
		a = append(a, s.release(now)...)
	} else if e != nil && e.used {
		// Another phone used the armed phone's PIN: the armed phone's
		// turn comes again.
		if m, ok := s.enrolled[wpaevent.MAC{}]; ok {
			method = m.String()
			delete(s.enrolled, wpaevent.MAC{})
		}
		s.log.Info("a waiting phone used the PIN armed for another; arming it again", "peer", dev, "armed_for", e.peer)
		s.armed, e.state, e.used = nil, enrolQueued, false
		s.queue = slices.DeleteFunc(s.queue, func(q *enrol) bool { return q.peer == dev })
		s.queue = slices.Insert(s.queue, 0, e)
		a = append(a, StopTimer{Name: timerEnrol})
		a = append(a, s.armNext(now)...)
	} else if m, ok := s.enrolled[dev]; ok {
		method = m.String()
		delete(s.enrolled, dev)
	} else if m, ok := s.enrolled[wpaevent.MAC{}]; ok {
		method = m.String()
		delete(s.enrolled, wpaevent.MAC{})
	} else if m, ok := s.negMethod[dev]; ok {
		method = m.String() + "-negotiated"
		delete(s.negMethod, dev)
	}
	delete(s.negotiating, dev)
	delete(s.lastReq, dev) // it joined: its next request is not a repeat
	if !dev.IsZero() {
		// It may have joined out of turn with a wildcard PIN.
		s.queue = slices.DeleteFunc(s.queue, func(q *enrol) bool { return q.peer == dev })
	}
	s.seen[ev.Addr] = now
	if s.grp.persistent {
		s.addKnown(dev, true)
	}
	c := &client{dev: dev, iface: ev.Addr, name: s.nameOf(dev), method: method, joined: now}
	s.markLegacy(c)
	s.clients[ev.Addr] = c
	s.count("clients_connected")
	s.log.Info("client connected", "peer", dev, "iface_addr", ev.Addr, "dev_name", c.name, "method", method, "clients", len(s.clients))
	a = append(a, StopTimer{Name: timerEmpty})
	a = append(a, s.hook(false, "connect", c.hookAddr(), c.name, s.grp.iface)...)
	return append(a, s.armNext(now)...)
}

func (s *Session) staDisconnected(ev wpaevent.Event, now time.Time) []Action {
	c := s.clients[ev.Addr]
	if s.grp == nil || c == nil {
		return nil
	}
	delete(s.clients, ev.Addr)
	s.count("clients_disconnected")
	s.log.Info("client disconnected", "peer", c.dev, "iface_addr", c.iface, "dev_name", c.name, "clients", len(s.clients))
	a := s.hook(false, "disconnect", c.hookAddr(), c.name, s.grp.iface)
	if k := s.known[c.dev]; k != nil {
		k.present = true // it must be away once before it is invited back
		if s.inviteKnownOn() {
			a = append(a, ArmTimer{Name: timerKnown, After: knownPoll})
		}
	}
	if len(s.clients) == 0 && s.negotiated() && s.armed == nil {
		if !c.dev.IsZero() && len(s.left) < maxPreauth {
			s.left = append(s.left, c.dev)
		}
		a = append(a, s.removeGroup(now, "last client left")...)
	}
	return a
}

// ---------------------------------------------------------------------------
// Timers, operator requests, lifecycle

// HandleTimer processes a fired timer.
func (s *Session) HandleTimer(name Timer, now time.Time) []Action {
	if s.st == stateOffline || s.st == stateStopped {
		return nil
	}
	switch name {
	case timerFind:
		return s.find(now)
	case timerKnown:
		return s.knownTick(now)
	case timerEnrollee:
		return s.enrolleeGraceOver(now)
	case timerGroupRetry:
		if s.grp == nil && s.st != stateForming && s.st != stateRemoving && (s.alwaysOn() || s.wantGroup) {
			return s.groupAdd(now)
		}
	case timerGroupStart:
		if s.grp == nil && s.st == stateForming {
			return s.groupFailed(now, "no P2P-GROUP-STARTED within "+groupStartTimeout.String())
		}
	case timerNeg:
		if len(s.negotiating) > 0 && s.grp == nil {
			s.log.Warn("GO negotiation timed out")
			s.count("negotiation_failures")
			clear(s.negotiating)
			s.neg = nil
			s.st = stateIdle
			a := []Action{s.cmd("", "P2P_CANCEL", TagNone)}
			if s.alwaysOn() {
				a = append(a, s.groupAdd(now)...)
			}
			return append(a, s.find(now)...)
		}
	case timerConnect:
		if s.connWait && s.neg != nil && s.grp == nil && s.st == stateIdle {
			return s.connect(s.neg, now)
		}
	case timerEmpty:
		if s.grp != nil && len(s.clients) == 0 && s.negotiated() {
			return s.removeGroup(now, "no client joined")
		}
	case timerNoShow:
		if e := s.armed; e != nil {
			e.noShow = false
			return s.noShowCheck(now)
		}
	case timerEnrol:
		if s.armed != nil {
			e := s.armed
			s.log.Warn("enrolment timed out", "peer", e.peer, "method", e.method)
			s.count("enrol_timeouts")
			s.vanished(e, now)
			var a []Action
			if len(s.riders) == 0 { // riders still need the PIN
				a = append(a, s.cmd(s.grp.iface, "WPS_CANCEL", TagNone))
			}
			return append(a, s.release(now)...)
		}
	case timerRider:
		return s.ridersTimedOut(now)
	case timerRearm:
		return s.rearmTick(now)
	case timerPINWait:
		s.queue = slices.DeleteFunc(s.queue, func(e *enrol) bool {
			if e.state == enrolWaitingPIN && now.Sub(e.since) >= s.pinWait()-time.Millisecond {
				s.log.Warn("no PIN entered for the phone in time; enrolment abandoned", "peer", e.peer, "dev_name", e.name)
				s.count("pin_timeouts")
				return true
			}
			return false
		})
		return s.pinWaitTimer(now)
	}
	return nil
}

// EnterPIN supplies the PIN a phone displays. A zero peer selects the only
// enrolment waiting for a PIN.
func (s *Session) EnterPIN(dev wpaevent.MAC, pin string, now time.Time) ([]Action, error) {
	if !status.ValidPIN(pin) {
		return nil, status.Errorf(status.ErrInvalid, "invalid PIN %q: 4 or 8 digits expected", pin)
	}
	var e *enrol
	for _, q := range s.queue {
		if q.state == enrolWaitingPIN && (dev.IsZero() || q.peer == dev) {
			if e != nil && dev.IsZero() {
				return nil, status.Errorf(status.ErrConflict, "several phones wait for a PIN; name the peer")
			}
			e = q
		}
	}
	if e == nil {
		return nil, status.Errorf(status.ErrNotFound, "no phone is waiting for a PIN")
	}
	e.pin = pin
	e.state = enrolQueued
	e.since, e.asked = now, now
	s.log.Info("PIN entered for phone", "peer", e.peer, "dev_name", e.name)
	return s.proceed(e, now), nil
}

// Disconnect removes a client (device or interface address) from the group
// and from the persistent group's client list, so it must enrol again.
func (s *Session) Disconnect(addr wpaevent.MAC, now time.Time) ([]Action, error) {
	if s.grp == nil {
		return nil, status.Errorf(status.ErrConflict, "no group is running")
	}
	for _, c := range s.clients {
		if c.dev == addr || c.iface == addr {
			s.log.Info("disconnecting client", "peer", c.dev, "iface_addr", c.iface, "blocked_for", blockAfterDisconnect.String())
			if s.mayHoldPassphrase(c) {
				// The client still holds the group's passphrase: keep it
				// out for a while. A client that got its own passphrase
				// in WPS is revoked for good by P2P_REMOVE_CLIENT, which
				// deletes it, and may enrol again with WPS.
				if len(s.blocked) > maxPeers {
					clear(s.blocked)
				}
				s.blocked[c.iface] = now.Add(blockAfterDisconnect)
				if !c.dev.IsZero() {
					s.blocked[c.dev] = now.Add(blockAfterDisconnect)
					s.blockedBy[c.iface] = c.dev
				}
			}
			a := []Action{s.cmd(s.grp.iface, "DEAUTHENTICATE "+c.iface.String(), TagNone)}
			if !c.dev.IsZero() {
				a = append(a, s.cmd("", "P2P_REMOVE_CLIENT "+c.dev.String(), TagNone))
			}
			return a, nil
		}
	}
	return nil, status.Errorf(status.ErrNotFound, "no client %s", addr)
}

// mayHoldPassphrase reports whether c may associate with the group's
// passphrase, so that removing its per-station passphrase does not keep it
// out: always without per_sta_psk; with it, a legacy station (it never ran
// WPS with us, or ran it without a device address, which P2P_REMOVE_CLIENT
// cannot name) and a P2P client that joined without a WPS run in this group
// (an app that joined with the SSID and passphrase, or a phone back with
// credentials it stored earlier, perhaps before per_sta_psk).
func (s *Session) mayHoldPassphrase(c *client) bool {
	return !s.cfg.PerStaPSK || c.dev.IsZero() || c.method == "persistent"
}

// Lost is called when wpa_supplicant went away: every group is gone.
func (s *Session) Lost(now time.Time) []Action {
	var a []Action
	if s.grp != nil {
		iface := s.grp.iface
		for _, c := range s.sortedClients() {
			a = append(a, s.hook(false, "disconnect", c.hookAddr(), c.name, iface)...)
		}
		a = append(a, GroupDown{Iface: iface})
		a = append(a, s.hook(false, "stop_group", iface)...)
	}
	if s.st != stateOffline && s.st != stateStopped {
		a = append(a, s.hook(false, "terminated")...)
	}
	s.reset()
	s.st = stateOffline
	for _, t := range allTimers() {
		a = append(a, StopTimer{Name: t})
	}
	return a
}

// Stop ends the session: the group is removed and run_program "start" runs.
func (s *Session) Stop(now time.Time) []Action {
	if s.st == stateStopped {
		return nil
	}
	s.stopping = true
	var a []Action
	if s.st != stateOffline {
		a = append(a, s.cmd("", "P2P_STOP_FIND", TagNone))
	}
	if s.grp != nil && s.st != stateOffline {
		iface := s.grp.iface
		a = append(a, s.cmd("", "P2P_GROUP_REMOVE "+iface, TagNone))
		a = append(a, s.groupGone(now, true)...)
	} else if len(s.negotiating) > 0 {
		a = append(a, s.cmd("", "P2P_CANCEL", TagNone))
	}
	s.st = stateStopped
	return a
}

// Reload applies a new configuration. When the group mode is unchanged the
// group and its clients stay, and the supplicant settings (config_parms,
// ssid_postfix, per_sta_psk) are sent again; otherwise the group is removed
// and the new mode activated. Offline, the next Start applies it.
func (s *Session) Reload(cfg *config.Config, now time.Time) []Action {
	old := s.cfg
	s.cfg = cfg
	online := s.st != stateOffline && s.st != stateStopped
	if !online {
		s.log.Info("configuration reloaded", "mode", cfg.Mode.String())
		if cfg.WPSMethod != config.WPSAuto {
			s.setPolicy("")
		}
		return nil
	}
	if old.Mode != cfg.Mode {
		s.log.Info("configuration reloaded with a new mode; restarting the session", "old", old.Mode.String(), "mode", cfg.Mode.String())
		var a []Action
		if s.grp != nil {
			a = append(a, s.cmd("", "P2P_GROUP_REMOVE "+s.grp.iface, TagNone))
			a = append(a, s.teardown()...)
		}
		return append(a, s.Start(now)...)
	}
	s.log.Info("configuration reloaded; supplicant settings applied again", "mode", cfg.Mode.String())
	a := s.settings(old)
	if s.st == stateGroup && cfg.FindWhileGO && !old.FindWhileGO {
		a = append(a, s.find(now)...) // no find timer runs while GO without it
	}
	if cfg.WPSMethod == config.WPSAuto {
		a = append(a, s.cmd("", "GET config_methods", TagConfigMethods))
	} else {
		s.setPolicy("")
	}
	return a
}
