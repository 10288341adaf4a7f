package config

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/services"
)

// Mode is the group formation technique, derived from the three hostp2pd
// booleans activate_persistent_group / activate_autonomous_group / dynamic_group.
type Mode uint8

// The group formation modes of hostp2pd's README "Use cases", plus the
// negotiated persistent mode hostp2pd never implemented.
const (
	ModePersistent           Mode = iota // T/F/F: persistent group at start (the hostp2pd default)
	ModePersistentOnDemand               // T/F/T: persistent group created on the first request
	ModeAutonomous                       // F/T/F: autonomous group at start
	ModeAutonomousOnDemand               // F/F/F: autonomous group on the first request, then kept
	ModeNegotiatedOnDemand               // F/F/T: p2p_connect per request, removed when the last client leaves
	ModeNegotiatedPersistent             // negotiated: true: p2p_connect … persistent, removed when empty
)

// WPSMethod is how phones are enrolled.
type WPSMethod uint8

// Enrolment methods.
const (
	WPSAuto    WPSMethod = iota // follow pbc_in_use; when that is null, wpa_supplicant's config_methods
	WPSKeypad                   // phone types our fixed PIN (pin/password)
	WPSPBC                      // push button (name white list applies)
	WPSDisplay                  // phone shows a PIN; the operator (console, ctl, pin_program) supplies it
	WPSRandom                   // GO generates a PIN per session and hands it to display_program
)

// Timeouts is hostp2pd's select_timeout_secs block.
type Timeouts struct {
	Normal   int `yaml:"normal"`
	Connect  int `yaml:"connect"`
	Long     int `yaml:"long"`
	Enroller int `yaml:"enroller"`
}

// DHCP configures the built-in DHCPv4 server on the group interface.
type DHCP struct {
	Enabled   bool     `yaml:"enabled"`    // default true
	Subnet    string   `yaml:"subnet"`     // default "192.168.49.1/24": the GO address and prefix
	RangeFrom string   `yaml:"range_from"` // default .2 of the subnet
	RangeTo   string   `yaml:"range_to"`   // default .254
	LeaseSecs int      `yaml:"lease_secs"` // default 3600
	Router    bool     `yaml:"router"`     // advertise the GO as default router; default false
	DNS       []string `yaml:"dns"`        // DNS servers to advertise; default none
	LeaseFile string   `yaml:"lease_file"` // "" = /var/lib/hostp2pd/leases-<iface>.json, "off" = none; see LeaseFilePath
	EAPOLIP   bool     `yaml:"eapol_ip"`   // default true: wpa_supplicant hands out addresses in the 4-way handshake
}

// Config is the fully resolved configuration: defaults applied, both
// spellings merged, validated. Fields keep hostp2pd's key names.
type Config struct {
	// File is the path the config was read from ("-" for stdin, "" for defaults only).
	File string `yaml:"-"`

	// --- hostp2pd keys ---
	Interface               string            `yaml:"interface"` // "auto" (default): the first p2p-dev-* interface; -i wins; see CheckInterface
	RunProgram              string            `yaml:"run_program"`
	PIN                     string            `yaml:"pin"` // alias: password; default "00000000"
	PBCInUse                *bool             `yaml:"pbc_in_use"`
	WhiteList               []string          `yaml:"white_list"` // alias: pbc_white_list
	ActivatePersistentGroup bool              `yaml:"activate_persistent_group"`
	ActivateAutonomousGroup bool              `yaml:"activate_autonomous_group"`
	DynamicGroup            bool              `yaml:"dynamic_group"`
	PersistentNetworkID     *int              `yaml:"persistent_network_id"`
	SSIDPostfix             string            `yaml:"ssid_postfix"`
	P2PGroupAddOpts         string            `yaml:"p2p_group_add_opts"`
	P2PConnectOpts          string            `yaml:"p2p_connect_opts"`
	SelectTimeoutSecs       Timeouts          `yaml:"select_timeout_secs"`
	MinConnDelay            int               `yaml:"min_conn_delay"`
	MaxNumFailures          int               `yaml:"max_num_failures"`
	MaxNumWpaCliFailures    int               `yaml:"max_num_wpa_cli_failures"`
	MaxScanPolling          int               `yaml:"max_scan_polling"`
	SaveConfigEnabled       bool              `yaml:"save_config_enabled"`
	MaxNegotiationTime      int               `yaml:"max_negotiation_time"`
	WpaSupplicantMinErrWarn int               `yaml:"wpa_supplicant_min_err_warn"`
	ForceLogging            string            `yaml:"force_logging"` // "", or a level name/number
	NetworkParms            []string          `yaml:"network_parms"`
	ConfigParms             map[string]string `yaml:"config_parms"`

	// --- our keys (docs/config.md) ---
	Negotiated      bool     `yaml:"negotiated_persistent"` // with dynamic_group: p2p_connect … persistent
	WPSMethodName   string   `yaml:"wps_method"`            // "", keypad, pbc, display, random
	PINProgram      string   `yaml:"pin_program"`           // display method: prints the phone's PIN
	DisplayProgram  string   `yaml:"display_program"`       // random method: shows the generated PIN
	PINTimeoutSecs  int      `yaml:"pin_timeout_secs"`      // display method: wait for operator; default 120
	AllowMACs       []string `yaml:"allow_macs"`            // P2P device addresses allowed (empty = all)
	DenyMACs        []string `yaml:"deny_macs"`             // P2P device addresses refused
	CtrlInterface   string   `yaml:"ctrl_interface"`        // wpa_supplicant socket dir; default /var/run/wpa_supplicant
	Backend         string   `yaml:"backend"`               // how to reach wpa_supplicant: ctrl, dbus or auto (default); see NeedsCtrl
	FindInterval    int      `yaml:"find_interval_secs"`    // p2p_find refresh; default select_timeout_secs.normal
	IdleDiscovery   string   `yaml:"idle_discovery"`        // "listen" (default: answer phones at once) or "find" (hostp2pd's p2p_find)
	FindWhileGO     bool     `yaml:"find_while_go"`         // keep running p2p_find while a group is up (off: it takes the radio off the group channel and stalls joins)
	InviteKnown     bool     `yaml:"invite_known"`          // invite a phone of the persistent group's client list when it searches again
	GroupFreq       int      `yaml:"group_freq"`            // freq= for p2p_group_add / p2p_connect; 0 = let wpa_supplicant pick
	PerStaPSK       bool     `yaml:"per_sta_psk"`           // p2p_set per_sta_psk 1
	HookTimeoutSecs int      `yaml:"hook_timeout_secs"`     // run_program timeout; default 60
	CtlSocket       string   `yaml:"ctl_socket"`            // "" = /run/hostp2pd-<iface>.sock, "off" = none; see CtlSocketPath
	CtlGroup        string   `yaml:"ctl_group"`             // group allowed on the ctl socket; default root only
	MetricsListen   string   `yaml:"metrics_listen"`        // optional TCP addr for /metrics
	LogFile         string   `yaml:"log_file"`              // default /var/log/hostp2pd.log; "" = no log file
	LogMaxSizeMB    int      `yaml:"log_max_size_mb"`       // default 1
	LogBackups      int      `yaml:"log_backups"`           // default 3
	LogFileLevel    string   `yaml:"log_file_level"`        // level of the log file; "" = same as the console
	DHCP            DHCP     `yaml:"dhcp"`
	// Services are advertised over P2P service discovery and, on the
	// group, over mDNS (internal/services, internal/mdns).
	Services []services.Service `yaml:"services"`
	MDNSHost string             `yaml:"mdns_host"` // mDNS host label on the group (<mdns_host>.local); default "hostp2pd", "off" = no mDNS

	// Resolved by Load/Validate from the above (not YAML keys).
	Mode      Mode      `yaml:"-"`
	WPSMethod WPSMethod `yaml:"-"`
}

// Seconds converts a config value in seconds to a time.Duration.
func Seconds(n int) time.Duration { return time.Duration(n) * time.Second }

// Special values of string keys.
const (
	// AutoInterface is the default interface (of the key and of -i): the
	// first p2p-dev-* interface that wpa_supplicant reports, resolved by the
	// caller.
	AutoInterface = "auto"
	// Off disables ctl_socket and dhcp.lease_file.
	Off = "off"
)

// Values of the backend key: how the daemon reaches wpa_supplicant.
const (
	BackendCtrl = "ctrl" // the control socket under ctrl_interface
	BackendDBus = "dbus" // fi.w1.wpa_supplicant1 on the system bus
	// BackendAuto: the control socket when the interface's (or the
	// global) socket exists, else D-Bus when wpa_supplicant is on the
	// system bus and manages the interface.
	BackendAuto = "auto"
)

// NeedsCtrl names the first key whose value needs the control-socket
// backend (wpa_supplicant 2.10's D-Bus interface has no equivalent), with
// the reason; "" when the configuration can run over D-Bus. (interface:
// auto, which looks for control sockets, is refused by the daemon: -i may
// name the interface.)
func (c *Config) NeedsCtrl() (key, why string) {
	switch {
	case c.PerStaPSK:
		return "per_sta_psk", "P2PDeviceConfig has no per_sta_psk (set per_sta_psk: false: every phone then gets the group passphrase)"
	case len(c.Services) > 0:
		return "services", "the daemon registers services with P2P_SERVICE_ADD, which it does not send over D-Bus"
	}
	return "", ""
}

// Default file locations; <iface> is replaced by the P2P device interface.
const (
	DefaultLeaseFile     = "/var/lib/hostp2pd/leases-<iface>.json"
	DefaultCtlSocket     = "/run/hostp2pd-<iface>.sock"
	DefaultLogFile       = "/var/log/hostp2pd.log"
	DefaultCtrlInterface = "/var/run/wpa_supplicant"
	// EnvVar names the environment variable read by PathFromEnv.
	EnvVar = "HOSTP2PD_CFG"
)

// String returns the mode's name as used in docs/config.md and the status API,
// for example "persistent-on-demand".
func (m Mode) String() string {
	switch m {
	case ModePersistent:
		return "persistent"
	case ModePersistentOnDemand:
		return "persistent-on-demand"
	case ModeAutonomous:
		return "autonomous"
	case ModeAutonomousOnDemand:
		return "autonomous-on-demand"
	case ModeNegotiatedOnDemand:
		return "negotiated-on-demand"
	case ModeNegotiatedPersistent:
		return "negotiated-persistent"
	}
	return fmt.Sprintf("Mode(%d)", uint8(m))
}

// OnDemand reports whether the mode creates its group only when a phone asks.
func (m Mode) OnDemand() bool {
	return m != ModePersistent && m != ModeAutonomous
}

// String returns the wps_method value that selects w: "auto", "keypad",
// "pbc", "display" or "random".
func (w WPSMethod) String() string {
	switch w {
	case WPSAuto:
		return "auto"
	case WPSKeypad:
		return "keypad"
	case WPSPBC:
		return "pbc"
	case WPSDisplay:
		return "display"
	case WPSRandom:
		return "random"
	}
	return fmt.Sprintf("WPSMethod(%d)", uint8(w))
}

// Default returns the configuration used when no file is given: hostp2pd's
// class defaults plus ours. Its Mode is ModePersistent and its WPSMethod is
// WPSAuto. Every call returns a new value.
func Default() *Config {
	return &Config{
		Interface:               AutoInterface,
		PIN:                     "00000000",
		ActivatePersistentGroup: true,
		SelectTimeoutSecs:       Timeouts{Normal: 10, Connect: 90, Long: 600, Enroller: 600},
		MinConnDelay:            40,
		MaxNumFailures:          3,
		MaxNumWpaCliFailures:    9,
		MaxScanPolling:          2,
		SaveConfigEnabled:       true,
		PerStaPSK:               true,
		MaxNegotiationTime:      120,
		PINTimeoutSecs:          120,
		CtrlInterface:           DefaultCtrlInterface,
		FindInterval:            10,
		IdleDiscovery:           "listen",
		Backend:                 BackendAuto,
		InviteKnown:             true,
		HookTimeoutSecs:         60,
		LogFile:                 DefaultLogFile,
		LogMaxSizeMB:            1,
		LogBackups:              3,
		MDNSHost:                "hostp2pd",
		DHCP: DHCP{
			Enabled:   true,
			Subnet:    "192.168.49.1/24",
			RangeFrom: "192.168.49.2",
			RangeTo:   "192.168.49.254",
			LeaseSecs: 3600,
			EAPOLIP:   true,
		},
		Mode:      ModePersistent,
		WPSMethod: WPSAuto,
	}
}

// Clone returns a deep copy of c: no slice, map or pointer is shared.
func (c *Config) Clone() *Config {
	if c == nil {
		return nil
	}
	n := *c
	if c.PBCInUse != nil {
		v := *c.PBCInUse
		n.PBCInUse = &v
	}
	if c.PersistentNetworkID != nil {
		v := *c.PersistentNetworkID
		n.PersistentNetworkID = &v
	}
	n.WhiteList = slices.Clone(c.WhiteList)
	n.NetworkParms = slices.Clone(c.NetworkParms)
	n.ConfigParms = maps.Clone(c.ConfigParms)
	n.AllowMACs = slices.Clone(c.AllowMACs)
	n.DenyMACs = slices.Clone(c.DenyMACs)
	n.DHCP.DNS = slices.Clone(c.DHCP.DNS)
	n.Services = services.Clone(c.Services)
	return &n
}

// LeaseFilePath returns the DHCP lease file for the P2P device interface
// iface: dhcp.lease_file with "<iface>" replaced, the default when it is
// empty, and "" when it is "off".
func (c *Config) LeaseFilePath(iface string) string {
	return ifacePath(c.DHCP.LeaseFile, DefaultLeaseFile, iface)
}

// CtlSocketPath returns the control socket path for the P2P device interface
// iface: ctl_socket with "<iface>" replaced, the default when it is empty,
// and "" when it is "off".
func (c *Config) CtlSocketPath(iface string) string {
	return ifacePath(c.CtlSocket, DefaultCtlSocket, iface)
}

func ifacePath(v, def, iface string) string {
	switch v {
	case Off:
		return ""
	case "":
		v = def
	}
	return strings.ReplaceAll(v, "<iface>", iface)
}
