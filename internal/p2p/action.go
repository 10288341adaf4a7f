package p2p

import (
	"strconv"
	"time"

	"github.com/hostp2pd/hostp2pd/wpaevent"
)

// Action is an output of the session: something the daemon loop must do.
// Actions are executed in order.
type Action interface{ isAction() }

// Tag says why a command was sent, so its reply can be routed back to the
// session with HandleReply. Commands whose reply only matters for logging
// carry TagNone.
type Tag uint8

// Command tags.
const (
	TagNone          Tag = iota
	TagConfigMethods     // GET config_methods: the enrolment policy in wps_method auto
	TagInterfaces        // INTERFACES: look for a running group to adopt
	TagAdoptStatus       // STATUS on a group interface found by INTERFACES
	TagListNetworks      // LIST_NETWORKS: persistent network candidates
	TagNetworkMode       // GET_NETWORK <NetID> mode: is the candidate a GO network
	TagAddNetwork        // ADD_NETWORK for network_parms
	TagLearnNetwork      // LIST_NETWORKS after a plain "persistent" group started with SSID
	TagGroupAdd          // P2P_GROUP_ADD
	TagConnect           // P2P_CONNECT to Peer (GO negotiation)
	TagGroupRemove       // P2P_GROUP_REMOVE
	TagInvite            // P2P_INVITE of Peer
	TagWPS               // WPS_PBC / WPS_PIN armed for Peer (zero: an anonymous enrollee)
	TagFind              // P2P_FIND / P2P_LISTEN
	TagPeer              // P2P_PEER Peer: its name, for the white list
	TagClientList        // GET_NETWORK <id> p2p_client_list: the known phones
	TagKnownPeer         // P2P_PEER Peer of a known phone: is it searching (age)
	TagPreauth           // P2P_CONNECT Peer … auth: a negotiation authorised ahead
	TagNetworkBSSID      // GET_NETWORK <NetID> bssid: does the persistent network name our device (bssid.go)
	TagOwnAddress        // STATUS on the P2P device: our P2P device address, for network NetID's bssid
)

func (t Tag) String() string {
	names := [...]string{"none", "config-methods", "interfaces", "adopt-status", "list-networks", "network-mode",
		"add-network", "learn-network", "group-add", "connect", "group-remove", "invite", "wps", "find", "peer",
		"client-list", "known-peer", "preauth", "network-bssid", "own-address"}
	if int(t) < len(names) {
		return names[t]
	}
	return "tag(" + strconv.Itoa(int(t)) + ")"
}

// Cmd sends a command to wpa_supplicant. Iface "" is the P2P device
// interface; otherwise it names a group interface. The loop passes the Cmd
// back with its reply to HandleReply; the fields after Tag say what the
// command was about (its continuation) and are set only for the tags that
// name them.
type Cmd struct {
	Iface string
	Text  string
	Tag   Tag

	Peer   wpaevent.MAC // TagConnect, TagInvite, TagWPS, TagPeer, TagKnownPeer, TagPreauth
	NetID  int          // TagNetworkMode, TagNetworkBSSID, TagOwnAddress
	SSID   string       // TagLearnNetwork
	ViaNeg bool         // TagPeer: the phone asked by GO negotiation (else provision discovery)
}

// Timer names one of the session's timers.
type Timer uint8

// The session's timers.
const (
	timerFind       Timer = iota + 1 // keep discovery running
	timerGroupRetry                  // retry P2P_GROUP_ADD after a failure
	timerGroupStart                  // P2P-GROUP-STARTED did not come
	timerNeg                         // GO negotiation did not complete
	timerEmpty                       // negotiated group without client
	timerEnrol                       // the armed WPS run expired
	timerPINWait                     // the operator did not enter a PIN
	timerEnrollee                    // grace for a WPS enrollee's provision discovery
	timerConnect                     // a P2P_CONNECT waits (min_conn_delay, retry after a failure)
	timerNoShow                      // the armed push-button phone sent no WPS probe
	timerKnown                       // look whether a known phone searches again
	timerRider                       // a fixed-PIN enrolment riding along the armed one timed out
	timerRearm                       // re-arm the fixed PIN while enrollees' M1 messages are due
)

var timerNames = [...]string{"", "find", "group-retry", "group-start", "negotiation", "group-empty", "enrol", "pin-wait",
	"enrollee-seen", "connect", "no-show", "known", "rider", "rearm"}

func (t Timer) String() string {
	if int(t) < len(timerNames) && t != 0 {
		return timerNames[t]
	}
	return "timer(" + strconv.Itoa(int(t)) + ")"
}

// allTimers lists every timer, for Lost.
func allTimers() []Timer {
	t := make([]Timer, 0, len(timerNames)-1)
	for i := 1; i < len(timerNames); i++ {
		t = append(t, Timer(i))
	}
	return t
}

// ArmTimer (re)starts the named timer; when it fires the loop calls
// HandleTimer(Name).
type ArmTimer struct {
	Name  Timer
	After time.Duration
}

// StopTimer cancels the named timer if armed.
type StopTimer struct{ Name Timer }

// RunHook runs run_program with Args (argv, never a shell). Wait makes the
// loop wait for it (used for "stop" before a group is created).
type RunHook struct {
	Args []string
	Wait bool
}

// GroupUp tells the loop a group interface is ours: attach its monitor,
// assign the GO address and start DHCP.
type GroupUp struct{ Iface string }

// GroupDown tells the loop the group interface is gone.
type GroupDown struct{ Iface string }

// AskPIN asks the operator (console, ctl, pin_program) for the PIN a phone
// displays. The answer comes back through EnterPIN.
type AskPIN struct {
	Peer wpaevent.MAC
	Name string
}

// ShowPIN hands a generated PIN to display_program.
type ShowPIN struct {
	Peer wpaevent.MAC
	Name string
	PIN  string
}

// Ready is emitted once the configured mode is active after a (re)connect.
type Ready struct{}

func (Cmd) isAction()       {}
func (ArmTimer) isAction()  {}
func (StopTimer) isAction() {}
func (RunHook) isAction()   {}
func (GroupUp) isAction()   {}
func (GroupDown) isAction() {}
func (AskPIN) isAction()    {}
func (ShowPIN) isAction()   {}
func (Ready) isAction()     {}
