// Package config loads hostp2pd.yaml: the keys of the original Python
// hostp2pd (same names, meanings and defaults, both historical spellings) plus
// this daemon's own keys, documented in docs/config.md.
package config

import "time"

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
	LeaseFile string   `yaml:"lease_file"` // default /var/lib/hostp2pd/leases-<iface>.json
}

// Config is the fully resolved configuration: defaults applied, both
// spellings merged, validated. Fields keep hostp2pd's key names.
type Config struct {
	// File is the path the config was read from ("-" for stdin, "" for defaults only).
	File string `yaml:"-"`

	// --- hostp2pd keys ---
	Interface               string            `yaml:"interface"` // "auto" = first p2p-dev-* interface
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
	FindInterval    int      `yaml:"find_interval_secs"`    // p2p_find refresh; default select_timeout_secs.normal
	GroupFreq       int      `yaml:"group_freq"`            // freq= for p2p_group_add / p2p_connect; 0 = let wpa_supplicant pick
	PerStaPSK       bool     `yaml:"per_sta_psk"`           // p2p_set per_sta_psk 1
	HookTimeoutSecs int      `yaml:"hook_timeout_secs"`     // run_program timeout; default 10
	CtlSocket       string   `yaml:"ctl_socket"`            // default /run/hostp2pd-<iface>.sock ("" = default, "off" = none)
	CtlGroup        string   `yaml:"ctl_group"`             // group allowed on the ctl socket; default root only
	MetricsListen   string   `yaml:"metrics_listen"`        // optional TCP addr for /metrics
	LogFile         string   `yaml:"log_file"`              // default /var/log/hostp2pd.log
	LogMaxSizeMB    int      `yaml:"log_max_size_mb"`       // default 1
	LogBackups      int      `yaml:"log_backups"`           // default 3
	DHCP            DHCP     `yaml:"dhcp"`

	// Resolved by Load/Validate from the above (not YAML keys).
	Mode      Mode      `yaml:"-"`
	WPSMethod WPSMethod `yaml:"-"`
}

// Seconds converts a config value in seconds to a time.Duration.
func Seconds(n int) time.Duration { return time.Duration(n) * time.Second }
