// Package status holds the read-only snapshot types the daemon publishes and
// the command layer shared by the interactive console and the control socket.
package status

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Errors a [Controller] returns (wrapped, with the details), so that its
// callers can tell a bad request from a missing peer or a session that is
// not running: the control API answers 400, 404, 409 and 503 for them.
var (
	// ErrInvalid is a malformed request: a bad MAC address, PIN or command.
	ErrInvalid = errors.New("invalid request")
	// ErrNotFound is a request about a peer, client or enrolment that does
	// not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict is a request that does not fit the session's state: no
	// group is running, several phones wait for a PIN and none was named.
	ErrConflict = errors.New("not possible in the current state")
	// ErrNotRunning is returned while the session cannot act:
	// wpa_supplicant is not connected, or the daemon has stopped.
	ErrNotRunning = errors.New("session not running")
)

// Errorf formats an error as [fmt.Errorf] does that also matches kind
// (one of the errors above) with [errors.Is], without adding kind's text
// to the message: "no client 42:00:00:00:01:00", not "…: not found".
func Errorf(kind error, format string, a ...any) error {
	return &kindError{err: fmt.Errorf(format, a...), kind: kind}
}

type kindError struct{ err, kind error }

func (e *kindError) Error() string   { return e.err.Error() }
func (e *kindError) Unwrap() []error { return []error{e.err, e.kind} }

// Status is an immutable snapshot of the daemon, published after every change.
type Status struct {
	Version    string            `json:"version"`
	Interface  string            `json:"interface"`             // P2P device interface, e.g. p2p-dev-wlan0
	ConfigFile string            `json:"config_file,omitempty"` // file the configuration was loaded from
	Mode       string            `json:"mode"`                  // e.g. "persistent", "negotiated-on-demand"
	WPSMethod  string            `json:"wps_method"`            // keypad, pbc, display, random
	State      string            `json:"state"`                 // session state machine state
	Supplicant string            `json:"supplicant"`            // "connected" or "lost"
	Paused     bool              `json:"paused"`
	Started    time.Time         `json:"started"`
	Group      *Group            `json:"group,omitempty"`
	Clients    []Client          `json:"clients"`
	Pending    []Pending         `json:"pending,omitempty"`  // enrolments in progress / waiting for a PIN
	Peers      []Peer            `json:"peers"`              // the address register: every peer seen
	Known      []string          `json:"known,omitempty"`    // device addresses of the persistent group's client list (invited back when they search)
	Counters   map[string]uint64 `json:"counters"`           // per event and per command
	Radio      *Radio            `json:"radio,omitempty"`    // what the daemon knows of the radio and the P2P device
	Services   []Service         `json:"services,omitempty"` // advertised services (services: in hostp2pd.yaml)
}

// Radio is what the daemon learnt about the radio and the P2P device when
// it connected to wpa_supplicant.
type Radio struct {
	DeviceAddress string `json:"device_address"` // P2P device address (STATUS p2p_device_address)
	// AddressChanged is set when DeviceAddress differs from the address
	// remembered with the persistent group (a wpa_supplicant restart gave
	// the P2P device a new MAC): the phones' saved groups stop reconnecting.
	AddressChanged *AddressChange `json:"address_changed,omitempty"`
	Country        string         `json:"country,omitempty"`     // regulatory country ("" unknown, "00" world)
	ChannelFreq    int            `json:"channel_freq"`          // freq= the channel policy gives P2P_GROUP_ADD (MHz; 2, 5: a band; 0: none)
	ChannelWhy     string         `json:"channel_why,omitempty"` // why that channel
}

// AddressChange is a P2P device address that differs from the one
// remembered.
type AddressChange struct {
	Old  string    `json:"old"`
	New  string    `json:"new"`
	Seen time.Time `json:"seen"`
}

// Service is one advertised service.
type Service struct {
	Kind       string `json:"kind"`       // dns_sd or upnp
	Name       string `json:"name"`       // Kiosk._http._tcp.local, or the UPnP URN
	Registered bool   `json:"registered"` // wpa_supplicant holds its service discovery records
	MDNS       bool   `json:"mdns"`       // answered by the mDNS responder on the group now
}

// Group describes the running P2P group.
type Group struct {
	Iface      string    `json:"iface"`
	SSID       string    `json:"ssid"`
	Freq       int       `json:"freq"`
	Persistent bool      `json:"persistent"`
	NetworkID  int       `json:"network_id"`           // -1 when not persistent
	Passphrase string    `json:"passphrase,omitempty"` // WPA2 passphrase (legacy stations join with it)
	BSSID      string    `json:"bssid,omitempty"`      // group interface address, what stations see as the BSSID
	GOIP       string    `json:"go_ip,omitempty"`      // GO IP address when DHCP is on
	Since      time.Time `json:"since"`
}

// Client is a station connected to our group.
type Client struct {
	DevAddr   string    `json:"dev_addr"`   // P2P device address
	IfaceAddr string    `json:"iface_addr"` // interface address (AP-STA-*)
	Name      string    `json:"name"`
	IP        string    `json:"ip,omitempty"`
	Method    string    `json:"method"` // pbc, keypad, display, random, persistent, negotiation
	Joined    time.Time `json:"joined"`
}

// Pending is an enrolment in progress.
type Pending struct {
	DevAddr string    `json:"dev_addr"`
	Name    string    `json:"name"`
	Method  string    `json:"method"`
	State   string    `json:"state"` // e.g. "waiting-pin", "armed", "queued"
	Since   time.Time `json:"since"`
}

// Peer is an entry of the address register.
type Peer struct {
	DevAddr   string    `json:"dev_addr"`
	Name      string    `json:"name"`
	DevType   string    `json:"dev_type"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
}

// Controller is the command layer: what the console and the control socket
// can ask of a running daemon. Implementations are safe for concurrent use;
// every method may block until the session goroutine has handled the request
// or ctx is done. Errors wrap [ErrInvalid], [ErrNotFound], [ErrConflict] or
// [ErrNotRunning] where one of them applies.
type Controller interface {
	Status() Status
	// EnterPIN supplies the PIN a phone displays (display method). peer is a
	// P2P device address, or "" for the single pending enrolment.
	EnterPIN(ctx context.Context, peer, pin string) error
	// Disconnect removes a client from the group (device or interface address).
	Disconnect(ctx context.Context, peer string) error
	// Forget removes a phone from the known phones (the persistent group's
	// client list): it is no longer invited back and must enrol again.
	Forget(ctx context.Context, peer string) error
	// Reload re-reads the configuration file (path "" = the current one,
	// "reset" = defaults) and applies it; a bad file keeps the old config.
	Reload(ctx context.Context, path string) error
	// WPA sends a raw command to wpa_supplicant's P2P device interface
	// (or "IFNAME=<if> CMD" to another) and returns the reply.
	WPA(ctx context.Context, cmd string) (string, error)
	ResetStats()
	Pause()
	Resume()
	// Config returns the configuration in force, as YAML.
	Config() string
}

// ValidPIN reports whether pin is a WPS PIN an operator may enter for a
// phone: 4 or 8 decimal digits (wpa_supplicant's wps_pin_str_valid).
func ValidPIN(pin string) bool {
	if len(pin) != 4 && len(pin) != 8 {
		return false
	}
	for _, c := range pin {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
