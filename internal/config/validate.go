package config

import (
	"encoding/hex"
	"fmt"
	"net"
	"net/netip"
	"reflect"
	"strconv"
	"strings"

	"github.com/hostp2pd/hostp2pd/internal/joincode"
)

// Validate checks c, a Config built in code (for example [Default] then
// modified), by the rules [Parse] applies to files, and sets the resolved
// fields Mode and WPSMethod. The error joins one [*Error] per problem; their
// Line is 0. Unlike Parse, Validate cannot tell a default from an explicit
// value, so activate_persistent_group and activate_autonomous_group both
// true is always an error here.
func (c *Config) Validate() error {
	v := &checker{file: displayName(c.File), loc: map[string]keyRef{}, items: map[string][]int{}}
	v.checkText(reflect.ValueOf(c).Elem(), "")
	v.check(c)
	return joinErrors(v.errs)
}

// checker holds the semantic rules shared by Parse and Validate. loc says
// where each key was set (empty for Validate).
type checker struct {
	file  string
	loc   map[string]keyRef
	items map[string][]int
	errs  []*Error
	warns []Warning
	// derivedFind is set when find_interval_secs was copied from
	// select_timeout_secs.normal, whose own check reports a bad value.
	derivedFind bool
	// bad holds keys that already have a type error from the parser.
	bad map[string]bool
}

func (v *checker) ref(canon string) keyRef {
	if r, ok := v.loc[canon]; ok {
		return r
	}
	return keyRef{name: canon}
}

func (v *checker) errf(canon, format string, args ...any) {
	if v.bad[canon] {
		return
	}
	r := v.ref(canon)
	v.errs = append(v.errs, &Error{File: v.file, Line: r.line, Key: r.name, Msg: fmt.Sprintf(format, args...)})
}

func (v *checker) warnf(canon, format string, args ...any) {
	r := v.ref(canon)
	v.warns = append(v.warns, Warning{File: v.file, Line: r.line, Key: r.name, Msg: fmt.Sprintf(format, args...)})
}

// itemErrf reports a problem with item i of a list key, at the item's line.
func (v *checker) itemErrf(canon string, i int, format string, args ...any) {
	if v.bad[canon] {
		return
	}
	r := v.ref(canon)
	if lines := v.items[canon]; i < len(lines) {
		r.line = lines[i]
	}
	v.errs = append(v.errs, &Error{File: v.file, Line: r.line, Key: r.name, Msg: fmt.Sprintf(format, args...)})
}

// atLine renders " (line N)" for a key set in the file, or "".
func (v *checker) atLine(canon string) string {
	if r := v.ref(canon); r.line > 0 {
		return fmt.Sprintf(" (line %d)", r.line)
	}
	return ""
}

func (v *checker) check(c *Config) {
	v.checkMode(c)
	v.checkWPS(c)
	v.checkIdentity(c)
	v.checkNumbers(c)
	v.checkCommands(c)
	v.checkMACs(c)
	v.checkDHCP(c)
	v.checkLogging(c)
	v.checkServices(c)
}

// checkMode enforces the combinations of the README "Use cases" table and
// resolves c.Mode:
//
//	persistent autonomous dynamic  negotiated_persistent → Mode
//	T          F          F        F                     persistent
//	T          F          T        F                     persistent-on-demand
//	F          T          F        F                     autonomous
//	F          F          F        F                     autonomous-on-demand
//	F          F          T        F                     negotiated-on-demand
//	any        F          T        T                     negotiated-persistent
//
// Anything else is an error.
func (v *checker) checkMode(c *Config) {
	P, A, D, N := c.ActivatePersistentGroup, c.ActivateAutonomousGroup, c.DynamicGroup, c.Negotiated
	typoed := v.bad["activate_persistent_group"] || v.bad["activate_autonomous_group"] || v.bad["dynamic_group"] || v.bad["negotiated_persistent"]
	switch {
	case typoed:
		// A bad boolean was reported already; its default would mislead here.
	case A && P:
		v.errf("activate_autonomous_group", "cannot be combined with activate_persistent_group: true%s; set one of them to false", v.atLine("activate_persistent_group"))
	}
	if A && D && !typoed {
		v.errf("dynamic_group", "cannot be combined with activate_autonomous_group: true%s: an autonomous group starts at launch and stays; for groups made on demand set activate_autonomous_group: false", v.atLine("activate_autonomous_group"))
	}
	if N && !D && !typoed {
		v.errf("negotiated_persistent", "needs dynamic_group: true (groups are negotiated per connection request)")
	}
	switch {
	case N && D:
		c.Mode = ModeNegotiatedPersistent
	case A:
		c.Mode = ModeAutonomous
	case P && D:
		c.Mode = ModePersistentOnDemand
	case P:
		c.Mode = ModePersistent
	case D:
		c.Mode = ModeNegotiatedOnDemand
	default:
		c.Mode = ModeAutonomousOnDemand
	}
	if c.PersistentNetworkID != nil {
		if *c.PersistentNetworkID < 0 {
			v.errf("persistent_network_id", "must not be negative")
		} else if c.Mode != ModePersistent && c.Mode != ModePersistentOnDemand && c.Mode != ModeNegotiatedPersistent {
			v.warnf("persistent_network_id", "has no effect in %s mode", c.Mode)
		}
	}
}

// wpsMethods maps the accepted wps_method values to methods, "" and "auto"
// meaning "follow pbc_in_use".
var wpsMethods = []struct {
	name string
	m    WPSMethod
}{{"auto", WPSAuto}, {"keypad", WPSKeypad}, {"pbc", WPSPBC}, {"display", WPSDisplay}, {"random", WPSRandom}}

func (v *checker) checkWPS(c *Config) {
	name := normalizeWPSMethod(c.WPSMethodName)
	m, found := WPSAuto, name == ""
	for _, w := range wpsMethods {
		if w.name == name {
			m, found = w.m, true
		}
	}
	if !found {
		v.errf("wps_method", "unknown method %s; valid: auto, keypad, pbc, display, random", short(c.WPSMethodName))
	}
	if m == WPSAuto && c.PBCInUse != nil {
		m = WPSKeypad
		if *c.PBCInUse {
			m = WPSPBC
		}
	} else if m != WPSAuto && c.PBCInUse != nil && *c.PBCInUse != (m == WPSPBC) {
		v.warnf("pbc_in_use", "ignored: wps_method: %s%s takes precedence", m, v.atLine("wps_method"))
	}
	c.WPSMethod = m

	// The fixed PIN is needed by keypad, and maybe by auto (keypad in
	// wpa_supplicant.conf). Others may leave it empty.
	switch pin := c.PIN; {
	case pin == "" && (m == WPSKeypad || m == WPSAuto):
		v.errf("pin", "is empty; keypad enrolment needs 8 digits")
	case pin == "":
	case len(pin) == 4 && allDigits(pin):
		v.errf("pin", "must be exactly 8 digits; 4-digit PINs are not supported (hostp2pd requires 8)")
	case len(pin) != 8 || !allDigits(pin):
		v.errf("pin", "must be exactly 8 digits")
	}
	if c.PINProgram != "" && m != WPSDisplay {
		v.warnf("pin_program", "has no effect: it is used only with wps_method: display")
	}
	if c.DisplayProgram != "" && m != WPSRandom {
		v.warnf("display_program", "has no effect: it is used only with wps_method: random")
	}
	if len(c.WhiteList) > 0 && m != WPSPBC && m != WPSAuto {
		v.warnf("white_list", "has no effect: the name white list applies only to pbc enrolment")
	}
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func (v *checker) checkIdentity(c *Config) {
	if err := CheckInterface(c.Interface); err != nil {
		v.errf("interface", "%s", err)
	}
	if len(c.SSIDPostfix) > 23 {
		v.errf("ssid_postfix", "is %d bytes; wpa_supplicant allows at most 23 (32 minus \"DIRECT-xy\")", len(c.SSIDPostfix))
	}
	if c.CtrlInterface == "" {
		v.errf("ctrl_interface", "must not be empty (default %s)", DefaultCtrlInterface)
	}
	switch c.Backend {
	case BackendCtrl, BackendAuto:
	case BackendDBus:
		if key, why := c.NeedsCtrl(); key != "" {
			v.errf(key, "needs the control-socket backend, not backend: dbus: %s", why)
		}
	default:
		v.errf("backend", "%s is not valid: use ctrl, dbus or auto", short(c.Backend))
	}
	if p := c.CtlSocketPath("p2p-dev-wlan0"); len(p) > 107 {
		v.errf("ctl_socket", "path is %d bytes; a unix socket path is at most 107", len(p))
	}
	if c.MetricsListen != "" {
		host, port, err := net.SplitHostPort(c.MetricsListen)
		if n, perr := strconv.Atoi(port); err != nil || perr != nil || n < 0 || n > 65535 || strings.ContainsAny(host, " /") {
			v.errf("metrics_listen", "%s is not a host:port address, like 127.0.0.1:9477 or :9477", short(c.MetricsListen))
		}
	}
}

// numeric keys and their minimum.
func (v *checker) checkNumbers(c *Config) {
	for _, n := range []struct {
		key string
		val int
		min int
	}{
		{"select_timeout_secs.normal", c.SelectTimeoutSecs.Normal, 1},
		{"select_timeout_secs.connect", c.SelectTimeoutSecs.Connect, 1},
		{"select_timeout_secs.long", c.SelectTimeoutSecs.Long, 1},
		{"select_timeout_secs.enroller", c.SelectTimeoutSecs.Enroller, 1},
		{"min_conn_delay", c.MinConnDelay, 0},
		{"max_num_failures", c.MaxNumFailures, 0},
		{"max_num_wpa_cli_failures", c.MaxNumWpaCliFailures, 0},
		{"max_scan_polling", c.MaxScanPolling, 0},
		{"max_negotiation_time", c.MaxNegotiationTime, 10},
		{"wpa_supplicant_min_err_warn", c.WpaSupplicantMinErrWarn, 0},
		{"pin_timeout_secs", c.PINTimeoutSecs, 1},
		{"find_interval_secs", c.FindInterval, 1},
		{"hook_timeout_secs", c.HookTimeoutSecs, 1},
		{"log_max_size_mb", c.LogMaxSizeMB, 1},
		{"log_backups", c.LogBackups, 0},
		{"dhcp.lease_secs", c.DHCP.LeaseSecs, 60},
	} {
		if n.key == "find_interval_secs" && v.derivedFind {
			continue
		}
		switch {
		case n.val < 0:
			v.errf(n.key, "must not be negative")
		case n.val < n.min:
			v.errf(n.key, "must be at least %d", n.min)
		}
	}
	switch f := c.GroupFreq; {
	case f == 0, f == 2, f == 5, f >= 2412 && f <= 7125:
	default:
		v.errf("group_freq", "must be 0 (any), 2 (any 2.4 GHz channel), 5 (any 5 GHz channel) or a frequency in MHz from 2412 to 7125")
	}
}

// checkCommands checks the values passed to wpa_supplicant as commands.
func (v *checker) checkCommands(c *Config) {
	for i, s := range c.NetworkParms {
		name, val, _ := strings.Cut(strings.TrimSpace(s), " ")
		if !wpaNameRE.MatchString(name) || strings.TrimSpace(val) == "" {
			v.itemErrf("network_parms", i, "item %d: want \"<name> <value>\", like 'psk \"passphrase\"' or 'proto RSN'", i+1)
		} else if msg := checkJoinParm(name, strings.TrimSpace(val)); msg != "" {
			v.itemErrf("network_parms", i, "item %d: %s", i+1, msg)
		}
	}
	for k := range c.ConfigParms {
		if !wpaNameRE.MatchString(k) {
			v.errf("config_parms", "%s is not a wpa_supplicant setting name (letters, digits, _)", short(k))
		}
	}
	switch c.IdleDiscovery {
	case "", "listen", "find":
	default:
		v.errf("idle_discovery", "%s is not valid: use listen or find", short(c.IdleDiscovery))
	}
}

func (v *checker) checkMACs(c *Config) {
	allow := map[string]int{}
	for _, l := range []struct {
		key  string
		macs []string
	}{{"allow_macs", c.AllowMACs}, {"deny_macs", c.DenyMACs}} {
		for i, s := range l.macs {
			hw, err := net.ParseMAC(strings.TrimSpace(s))
			if err != nil || len(hw) != 6 {
				v.itemErrf(l.key, i, "%s is not a MAC address (want aa:bb:cc:dd:ee:ff)", short(s))
				continue
			}
			mac := hw.String()
			if l.key == "allow_macs" {
				allow[mac] = i
				continue
			}
			if j, both := allow[mac]; both {
				where := ""
				if lines := v.items["allow_macs"]; j < len(lines) {
					where = fmt.Sprintf(" (line %d)", lines[j])
				}
				v.itemErrf("deny_macs", i, "%s is also in allow_macs%s; remove it from one list", mac, where)
			}
		}
	}
}

func (v *checker) checkDHCP(c *Config) {
	d := c.DHCP
	for i, s := range d.DNS {
		if a, err := netip.ParseAddr(strings.TrimSpace(s)); err != nil || !a.Is4() {
			v.itemErrf("dhcp.dns", i, "%s is not an IPv4 address", short(s))
		}
	}
	pfx, err := netip.ParsePrefix(strings.TrimSpace(d.Subnet))
	if err != nil || !pfx.Addr().Is4() {
		v.errf("dhcp.subnet", "%s is not an IPv4 address with prefix length, like 192.168.49.1/24", short(d.Subnet))
		return
	}
	if pfx.Bits() < MinSubnetBits || pfx.Bits() > MaxSubnetBits {
		v.errf("dhcp.subnet", "prefix length must be between /%d and /%d, not /%d", MinSubnetBits, MaxSubnetBits, pfx.Bits())
		return
	}
	first, last := hostRange(pfx)
	gw := pfx.Addr()
	if gw.Compare(first) < 0 || gw.Compare(last) > 0 {
		v.errf("dhcp.subnet", "%s is the network or broadcast address; give the group owner's address, like %s/%d", gw, first, pfx.Bits())
		return
	}
	var ends [2]netip.Addr
	for i, e := range []struct{ key, val string }{{"dhcp.range_from", d.RangeFrom}, {"dhcp.range_to", d.RangeTo}} {
		a, err := netip.ParseAddr(strings.TrimSpace(e.val))
		switch {
		case err != nil || !a.Is4():
			v.errf(e.key, "%s is not an IPv4 address", short(e.val))
			return
		case a.Compare(first) < 0 || a.Compare(last) > 0:
			v.errf(e.key, "%s is not a host address of subnet %s (%s–%s)", a, pfx.Masked(), first, last)
			return
		}
		ends[i] = a
	}
	switch {
	case ends[0].Compare(ends[1]) > 0:
		v.errf("dhcp.range_to", "%s is below range_from %s", ends[1], ends[0])
	case gw.Compare(ends[0]) >= 0 && gw.Compare(ends[1]) <= 0:
		v.errf("dhcp.range_from", "range %s–%s includes the group owner address %s", ends[0], ends[1], gw)
	}
}

func (v *checker) checkLogging(c *Config) {
	for _, l := range []struct{ key, val string }{{"force_logging", c.ForceLogging}, {"log_file_level", c.LogFileLevel}} {
		if _, ok := pyLevel(l.val); l.val != "" && !ok {
			v.errf(l.key, "unknown log level %s; valid: %s", short(l.val), validLevels)
		}
	}
}

// MaxInterfaceLen is the longest network interface name Linux accepts
// (IFNAMSIZ - 1).
const MaxInterfaceLen = 15

// The dhcp.subnet prefix lengths the DHCP server serves: a /16 already has
// 65,534 host addresses, far more than a P2P group can hold.
const (
	MinSubnetBits = 16
	MaxSubnetBits = 30
)

// CheckInterface returns why name cannot be the P2P device interface (the
// interface key, and the -i option), or nil. name is [AutoInterface] or a
// Linux interface name: 1 to 15 bytes, no "/", ":" or white space, not "."
// or "..", printable. The name becomes part of the pidfile and socket
// paths, so anything else could point them outside the run directory.
func CheckInterface(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("must not be empty; use %s for the first P2P device wpa_supplicant reports", AutoInterface)
	case name == AutoInterface:
		return nil
	case badText(name) != "" || !printable(name):
		return fmt.Errorf("%s is not an interface name: %s", strconv.Quote(name), "it contains control or non-printing characters")
	case name == "." || name == "..":
		return fmt.Errorf("%s is not an interface name", short(name))
	case strings.ContainsAny(name, "/: \t"):
		return fmt.Errorf("%s is not an interface name: no /, : or spaces", short(name))
	case len(name) > MaxInterfaceLen:
		return fmt.Errorf("%s is not an interface name: %d bytes, Linux allows at most %d", short(name), len(name), MaxInterfaceLen)
	}
	return nil
}

// checkText applies the parser's string rules (UTF-8, no control
// characters) to every string of a Config built in code.
func (v *checker) checkText(rv reflect.Value, prefix string) {
	t := rv.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		name := yamlName(f)
		if name == "" {
			continue
		}
		key := prefix + name
		fv := rv.Field(i)
		switch fv.Kind() {
		case reflect.String:
			if msg := badText(fv.String()); msg != "" {
				v.errf(key, "%s", msg)
			}
		case reflect.Slice:
			if fv.Type().Elem().Kind() == reflect.String {
				for j := range fv.Len() {
					if msg := badText(fv.Index(j).String()); msg != "" {
						v.errf(key, "item %d: %s", j+1, msg)
					}
				}
			}
		case reflect.Map:
			for _, k := range fv.MapKeys() {
				if msg := badText(fv.MapIndex(k).String()); msg != "" {
					v.errf(key+"."+k.String(), "%s", msg)
				}
			}
		case reflect.Struct:
			v.checkText(fv, key+".")
		}
	}
}

// yamlName returns the YAML key of a Config field, or "" for fields that
// are not keys (File, Mode, WPSMethod).
func yamlName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if name == "-" || !f.IsExported() {
		return ""
	}
	return name
}

// checkJoinParm checks the network_parms lines that phones see, ssid and
// psk, against what Android's WifiP2pConfig.Builder and wpa_supplicant
// accept (joincode.ValidSSID, joincode.ValidPassphrase), so that a bad
// value is an error at load and not a group that never starts. It returns
// "" when the line is fine or not one of them.
func checkJoinParm(name, val string) string {
	inner, quoted := strings.CutPrefix(val, `"`)
	if quoted {
		if !strings.HasSuffix(inner, `"`) {
			return fmt.Sprintf("%s: the value has no closing quote", name)
		}
		inner = inner[:len(inner)-1]
	}
	switch name {
	case "ssid":
		if !quoted {
			b, err := hex.DecodeString(val)
			if err != nil {
				return `ssid: want "DIRECT-xy…" (quoted) or the SSID in hex`
			}
			inner = string(b)
		}
		if err := joincode.ValidSSID(inner); err != nil {
			return "ssid " + short(inner) + " " + err.Error()
		}
	case "psk":
		if !quoted {
			return `psk: want "passphrase" (quoted): a raw 64-hex-digit PSK leaves no passphrase for legacy stations and the QR code`
		}
		if err := joincode.ValidPassphrase(inner); err != nil {
			return "psk: the passphrase " + err.Error()
		}
	}
	return ""
}
