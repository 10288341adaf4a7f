package p2p

import (
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
	TagNone Tag = iota
	TagConfigMethods
	TagInterfaces
	TagAdoptStatus
	TagListNetworks
	TagNetworkMode
	TagAddNetwork
	TagGroupAdd
	TagConnect
	TagGroupRemove
	TagInvite
	TagWPS
	TagFind
	TagPeer
)

// Cmd sends a command to wpa_supplicant. Iface "" is the P2P device
// interface; otherwise it names a group interface. Arg is echoed back in the
// Reply (e.g. the network id or peer the command was about).
type Cmd struct {
	Iface string
	Text  string
	Tag   Tag
	Arg   string
}

// ArmTimer (re)starts the named timer; when it fires the loop calls
// HandleTimer(Name).
type ArmTimer struct {
	Name  string
	After time.Duration
}

// StopTimer cancels the named timer if armed.
type StopTimer struct{ Name string }

// RunHook runs run_program with Args (argv, never a shell). Wait makes the
// loop wait for it (used for "stop" before a group is created).
type RunHook struct {
	Args []string
	Env  []string
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
