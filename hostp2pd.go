// Package hostp2pd is the embeddable Wi-Fi Direct group-owner daemon: the Go
// counterpart of the Python hostp2pd class. It manages one wpa_supplicant P2P
// device interface: it creates the group when the configured mode says so,
// enrols phones by WPS, filters who may join, runs the run_program hooks and
// serves DHCP on the group.
//
//	cfg, warnings, err := hostp2pd.LoadConfig("/etc/hostp2pd.yaml")
//	d, err := hostp2pd.New(cfg, hostp2pd.WithLogger(log))
//	err = d.Run(ctx) // until ctx is cancelled
//
// Every exported name uses this package's own types or plain values; the
// engine behind them is internal. docs/config.md describes the keys of a
// [Config], and the package wpactrl/wpatest gives a fake wpa_supplicant to
// test against (see the example).
package hostp2pd

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/internal/daemon"
	"github.com/hostp2pd/hostp2pd/internal/status"
	"github.com/hostp2pd/hostp2pd/wpaevent"
)

// Config is a daemon configuration, the contents of a hostp2pd.yaml. Get one
// from [LoadConfig], [ParseConfig] or [DefaultConfig]; the setters change
// what the Python class took as constructor arguments. A Config is not safe
// for concurrent modification; [New] and [Daemon.Reload] take a copy, so
// changing it afterwards does not affect a running daemon.
type Config struct{ c *config.Config }

// ConfigError is one problem in a configuration. The errors returned by
// [LoadConfig], [ParseConfig], [Config.Validate] and [New] join one
// *ConfigError per problem; [ConfigErrors] lists them.
type ConfigError struct {
	File string // file name as given ("<stdin>" for "-"); "" for a Config built in code
	Line int    // 1-based line of the key; 0 when unknown
	Key  string // key as spelled in the file, nested keys as "dhcp.subnet"
	Msg  string
}

// Error returns "file:line: key: msg", leaving out the parts that are unknown.
func (e *ConfigError) Error() string {
	return (&config.Error{File: e.File, Line: e.Line, Key: e.Key, Msg: e.Msg}).Error()
}

// Warning is a problem that does not stop a configuration from loading: an
// unknown key, a key without effect, a setting that does nothing in the
// chosen mode.
type Warning struct {
	File string
	Line int
	Key  string
	Msg  string
}

// String returns "file:line: key: msg".
func (w Warning) String() string {
	return config.Warning{File: w.File, Line: w.Line, Key: w.Key, Msg: w.Msg}.String()
}

// ConfigErrors returns the *[ConfigError]s inside err, in file order; nil
// when err holds none (for example a file that could not be opened).
func ConfigErrors(err error) []*ConfigError {
	var out []*ConfigError
	var walk func(error)
	walk = func(err error) {
		if e, ok := err.(*ConfigError); ok {
			out = append(out, e)
			return
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		if u := errors.Unwrap(err); u != nil {
			walk(u)
		}
	}
	if err != nil {
		walk(err)
	}
	return out
}

// convertErr turns the internal config errors inside err into
// *ConfigErrors; other errors are returned as they are.
func convertErr(err error) error {
	errs := config.Errors(err)
	if len(errs) == 0 {
		return err
	}
	list := make([]error, len(errs))
	for i, e := range errs {
		list[i] = &ConfigError{File: e.File, Line: e.Line, Key: e.Key, Msg: e.Msg}
	}
	return errors.Join(list...)
}

func convertWarnings(ws []config.Warning) []Warning {
	var out []Warning
	for _, w := range ws {
		out = append(out, Warning{File: w.File, Line: w.Line, Key: w.Key, Msg: w.Msg})
	}
	return out
}

// LoadConfig reads and validates the configuration file at path; "-" reads
// standard input and "" returns the defaults. Errors opening the file wrap
// the cause (errors.Is(err, fs.ErrNotExist) works); problems in the file
// are joined *[ConfigError]s, all of them at once.
func LoadConfig(path string) (*Config, []Warning, error) {
	c, ws, err := config.Load(path)
	if err != nil {
		return nil, convertWarnings(ws), convertErr(err)
	}
	return &Config{c: c}, convertWarnings(ws), nil
}

// ParseConfig parses and validates data, the contents of the configuration
// file name (used in messages), like [LoadConfig].
func ParseConfig(name string, data []byte) (*Config, []Warning, error) {
	c, ws, err := config.Parse(name, data)
	if err != nil {
		return nil, convertWarnings(ws), convertErr(err)
	}
	return &Config{c: c}, convertWarnings(ws), nil
}

// DefaultConfig returns the configuration used when no file is given:
// hostp2pd's defaults (persistent group, keypad PIN 00000000, interface
// auto) plus ours.
func DefaultConfig() *Config { return &Config{c: config.Default()} }

// Validate checks c by the rules applied to files (see docs/config.md) and
// returns the joined *[ConfigError]s, or nil.
func (c *Config) Validate() error {
	if c == nil || c.c == nil {
		return errors.New("hostp2pd: nil config")
	}
	return convertErr(c.c.Validate())
}

// Clone returns a deep copy of c.
func (c *Config) Clone() *Config { return &Config{c: c.c.Clone()} }

// YAML returns the configuration as a YAML document with every key, the
// PIN and passphrases masked.
func (c *Config) YAML() string { return c.c.YAML() }

// Interface returns the P2P device interface ("auto" for the first one
// wpa_supplicant reports).
func (c *Config) Interface() string { return c.c.Interface }

// SetInterface sets the P2P device interface, like hostp2pd's -i.
func (c *Config) SetInterface(iface string) { c.c.Interface = iface }

// SetCtrlInterface sets wpa_supplicant's control socket directory (the
// ctrl_interface key; default /var/run/wpa_supplicant).
func (c *Config) SetCtrlInterface(dir string) { c.c.CtrlInterface = dir }

// SetRunProgram sets the run_program hook, like hostp2pd's -p.
func (c *Config) SetRunProgram(prog string) { c.c.RunProgram = prog }

// SetPIN sets the fixed keypad PIN (8 digits).
func (c *Config) SetPIN(pin string) { c.c.PIN = pin }

// SetWhiteList sets the device names allowed to enrol by push button.
func (c *Config) SetWhiteList(names []string) { c.c.WhiteList = slices.Clone(names) }

// SetForceLogging sets force_logging, a Python level name or number ("" =
// unset); the daemon command applies it, an embedding program its logger.
func (c *Config) SetForceLogging(level string) { c.c.ForceLogging = level }

// Mode returns the group formation mode as docs/config.md names it, for
// example "persistent" or "negotiated-on-demand". It is resolved by
// loading or by [Config.Validate].
func (c *Config) Mode() string { return c.c.Mode.String() }

// valid returns a validated copy of c.
func (c *Config) valid() (*config.Config, error) {
	if c == nil || c.c == nil {
		return nil, errors.New("hostp2pd: nil config")
	}
	cc := c.c.Clone()
	if err := cc.Validate(); err != nil {
		return nil, convertErr(err)
	}
	return cc, nil
}

// Daemon manages one P2P device interface as a group owner.
type Daemon struct{ d *daemon.Daemon }

// options are what the Options set.
type options struct {
	o     daemon.Options
	noNet bool
}

// Option configures a Daemon.
type Option func(*options)

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.o.Logger = l } }

// WithVersion sets the version string reported by the status.
func WithVersion(v string) Option { return func(o *options) { o.o.Version = v } }

// WithLoader sets how a reload by file name (the console's and control
// socket's reload) reads a configuration: path "" is the current file,
// "reset" the defaults. The default is [LoadConfig].
func WithLoader(f func(path string) (*Config, error)) Option {
	return func(o *options) {
		o.o.Load = func(path string) (*config.Config, error) {
			c, err := f(path)
			if err != nil {
				return nil, err
			}
			return c.valid()
		}
	}
}

// WithReady registers a function called each time the session is up
// (control sockets answer, monitor attached, configured mode activated).
func WithReady(f func()) Option { return func(o *options) { o.o.OnReady = f } }

// WithoutIPService leaves the group interface's address and DHCP to the
// system (the dhcp.enabled key does the same from the configuration).
func WithoutIPService() Option { return func(o *options) { o.noNet = true } }

type noNet struct{}

func (noNet) Up(context.Context, string, string, *config.Config, func(wpaevent.MAC, string)) (func(), error) {
	return func() {}, nil
}

// New validates a copy of cfg and returns a daemon for it; it does no I/O.
// A configuration that does not validate is refused with the joined
// *[ConfigError]s.
func New(cfg *Config, opts ...Option) (*Daemon, error) {
	c, err := cfg.valid()
	if err != nil {
		return nil, err
	}
	var o options
	for _, f := range opts {
		f(&o)
	}
	switch {
	case o.noNet:
		o.o.Net = noNet{}
	default:
		o.o.Net = daemon.NewIPService(o.o.Logger)
	}
	d, err := daemon.New(c, o.o)
	if err != nil {
		return nil, err
	}
	return &Daemon{d: d}, nil
}

// Run runs the session until ctx is cancelled, then stops in order (groups
// this daemon created are removed, the final run_program calls run to
// completion) and returns nil. It reconnects to wpa_supplicant whenever it
// goes away. It returns an error when it cannot go on (a control socket
// owned by another user, an internal fault).
func (d *Daemon) Run(ctx context.Context) error { return d.d.Run(ctx) }

// Reload validates a copy of cfg and applies it, without dropping connected
// phones when the group mode did not change. cfg itself is not changed.
func (d *Daemon) Reload(cfg *Config) error {
	c, err := cfg.valid()
	if err != nil {
		return err
	}
	return d.d.ReloadConfig(c)
}

// EnterPIN supplies the PIN a phone displays (wps_method: display). peer
// is its P2P device address, or "" for the single pending enrolment.
func (d *Daemon) EnterPIN(ctx context.Context, peer, pin string) error {
	return d.d.EnterPIN(ctx, peer, pin)
}

// Disconnect removes a client (P2P device or interface address) from the
// group.
func (d *Daemon) Disconnect(ctx context.Context, peer string) error {
	return d.d.Disconnect(ctx, peer)
}

// Forget removes a phone from the known phones (the persistent group's
// client list, p2p_client_list): it is no longer invited back.
func (d *Daemon) Forget(ctx context.Context, peer string) error {
	return d.d.Forget(ctx, peer)
}

// Alive reports whether the event loop is turning (for the systemd
// watchdog): false when it has been stuck for more than 10 s. An idle loop
// is asked, and has 1 s to answer.
func (d *Daemon) Alive() bool { return d.d.Alive(10 * time.Second) }

// Stats returns the current status snapshot, counters included. The
// event loop builds it on demand: Stats waits at most 1 s for a busy loop,
// then returns the previous snapshot.
func (d *Daemon) Stats() Status { return statusFrom(d.d.Status()) }

// Status is a snapshot of a running daemon. Its JSON form is the control
// API's GET /v1/status answer.
type Status struct {
	Version    string            `json:"version"`
	Interface  string            `json:"interface"`             // P2P device interface, e.g. p2p-dev-wlan0
	ConfigFile string            `json:"config_file,omitempty"` // file the configuration was loaded from
	Mode       string            `json:"mode"`                  // e.g. "persistent", "negotiated-on-demand"
	WPSMethod  string            `json:"wps_method"`            // keypad, pbc, display, random
	State      string            `json:"state"`                 // session state
	Supplicant string            `json:"supplicant"`            // "connected" or "lost"
	Paused     bool              `json:"paused"`
	Started    time.Time         `json:"started"`
	Group      *Group            `json:"group,omitempty"` // nil when no group runs
	Clients    []Client          `json:"clients"`
	Pending    []Pending         `json:"pending,omitempty"`  // enrolments in progress
	Peers      []Peer            `json:"peers"`              // every peer seen
	Known      []string          `json:"known,omitempty"`    // device addresses of the persistent group's client list
	Counters   map[string]uint64 `json:"counters"`           // per event and per command
	Radio      *Radio            `json:"radio,omitempty"`    // what the daemon knows of the radio and the P2P device
	Services   []Service         `json:"services,omitempty"` // advertised services (services: in hostp2pd.yaml)
}

// Service is one advertised service.
type Service struct {
	Kind       string `json:"kind"`       // dns_sd or upnp
	Name       string `json:"name"`       // Kiosk._http._tcp.local, or the UPnP URN
	Registered bool   `json:"registered"` // wpa_supplicant holds its service discovery records
	MDNS       bool   `json:"mdns"`       // answered by the mDNS responder on the group now
}

// Radio is what the daemon learnt about the radio and the P2P device when
// it connected to wpa_supplicant.
type Radio struct {
	DeviceAddress string `json:"device_address"` // P2P device address
	// AddressChanged is set when DeviceAddress differs from the address
	// remembered with the persistent group: phones' saved groups stop
	// reconnecting.
	AddressChanged *AddressChange `json:"address_changed,omitempty"`
	Country        string         `json:"country,omitempty"`     // regulatory country ("" unknown, "00" world)
	ChannelFreq    int            `json:"channel_freq"`          // freq= for P2P_GROUP_ADD (MHz; 2, 5: a band; 0: none)
	ChannelWhy     string         `json:"channel_why,omitempty"` // why that channel
}

// AddressChange is a P2P device address that differs from the one
// remembered.
type AddressChange struct {
	Old  string    `json:"old"`
	New  string    `json:"new"`
	Seen time.Time `json:"seen"`
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

// Client is a station connected to the group.
type Client struct {
	DevAddr   string    `json:"dev_addr"`   // P2P device address
	IfaceAddr string    `json:"iface_addr"` // interface address
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

// Peer is a P2P device seen by the daemon.
type Peer struct {
	DevAddr   string    `json:"dev_addr"`
	Name      string    `json:"name"`
	DevType   string    `json:"dev_type"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
}

// statusFrom copies the internal snapshot; nothing is shared with it. The
// conversions of Group, Client, Pending and Peer keep those types in step
// with the internal ones at compile time.
func statusFrom(s status.Status) Status {
	out := Status{
		Version: s.Version, Interface: s.Interface, ConfigFile: s.ConfigFile, Mode: s.Mode, WPSMethod: s.WPSMethod, State: s.State,
		Supplicant: s.Supplicant, Paused: s.Paused, Started: s.Started,
	}
	if g := s.Group; g != nil {
		gg := Group(*g)
		out.Group = &gg
	}
	for _, c := range s.Clients {
		out.Clients = append(out.Clients, Client(c))
	}
	for _, p := range s.Pending {
		out.Pending = append(out.Pending, Pending(p))
	}
	for _, p := range s.Peers {
		out.Peers = append(out.Peers, Peer(p))
	}
	out.Known = slices.Clone(s.Known)
	for _, sv := range s.Services {
		out.Services = append(out.Services, Service(sv))
	}
	if r := s.Radio; r != nil {
		out.Radio = &Radio{DeviceAddress: r.DeviceAddress, Country: r.Country, ChannelFreq: r.ChannelFreq, ChannelWhy: r.ChannelWhy}
		if c := r.AddressChanged; c != nil {
			ac := AddressChange(*c)
			out.Radio.AddressChanged = &ac
		}
	}
	if s.Counters != nil {
		out.Counters = make(map[string]uint64, len(s.Counters))
		for k, v := range s.Counters {
			out.Counters[k] = v
		}
	}
	return out
}
