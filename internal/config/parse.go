package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/netip"
	"os"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// maxFileSize bounds the configuration file; hostp2pd.yaml is a few KiB.
const maxFileSize = 1 << 20

// Load reads the configuration file at path and returns it parsed and
// validated, as [Parse] does. path "-" reads standard input; path "" returns
// [Default] without reading anything. Errors opening or reading the file are
// returned wrapped, so errors.Is(err, fs.ErrNotExist) works.
func Load(path string) (*Config, []Warning, error) {
	switch path {
	case "":
		return Default(), nil, nil
	case "-":
		data, err := readAll(os.Stdin, "-")
		if err != nil {
			return nil, nil, err
		}
		return Parse("-", data)
	}
	// O_NONBLOCK: opening a FIFO must not wait for a writer (and then
	// ignore SIGTERM); it is refused below like any non-regular file.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("config: %w", err)
	}
	defer func() { _ = f.Close() }()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("config: %w", err)
	}
	if !fi.Mode().IsRegular() {
		kind := "a " + fi.Mode().Type().String()
		switch {
		case fi.IsDir():
			kind = "a directory"
		case fi.Mode()&os.ModeNamedPipe != 0:
			kind = "a FIFO"
		case fi.Mode()&os.ModeDevice != 0:
			kind = "a device"
		case fi.Mode()&os.ModeSocket != 0:
			kind = "a socket"
		}
		return nil, nil, &Error{File: path, Msg: "is " + kind + ", not a regular file; give a file, or - for standard input"}
	}
	data, err := readAll(f, path)
	if err != nil {
		return nil, nil, err
	}
	return Parse(path, data)
}

func readAll(r io.Reader, name string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("config: read %s: %w", displayName(name), err)
	}
	return data, nil
}

// displayName is the file name used in messages: "<stdin>" for "-".
func displayName(name string) string {
	if name == "-" {
		return "<stdin>"
	}
	return name
}

// Parse parses data, the contents of the configuration file name ("-" for
// standard input; name is used in messages and stored in Config.File).
// Keys may be at the top level or under a "hostp2pd:" section; a "logging:"
// section in Python dictConfig form is read for what maps onto our log keys.
// Keys not in the file keep their [Default].
//
// On success the Config is validated and its Mode and WPSMethod are
// resolved. Warnings (unknown or obsolete keys, settings without effect) do
// not stop loading. The error, when not nil, joins one [*Error] per problem
// found, in line order; the Config is nil then.
func Parse(name string, data []byte) (*Config, []Warning, error) {
	p := &parser{
		file:  displayName(name),
		loc:   map[string]keyRef{},
		items: map[string][]int{},
		nodes: map[string]*yaml.Node{},
		bad:   map[string]bool{},
	}
	c := Default()
	c.File = name
	if len(data) > maxFileSize {
		p.errAt(0, "", "larger than %d bytes; is this really hostp2pd.yaml?", maxFileSize)
		return nil, nil, joinErrors(p.errs)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	switch err := dec.Decode(&doc); {
	case errors.Is(err, io.EOF):
		// Empty file or comments only: defaults.
	case err != nil:
		p.syntax(err)
		return nil, nil, joinErrors(p.errs)
	default:
		var more yaml.Node
		if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
			p.warnAt(more.Line, "", "only the first YAML document is read; the rest of the file is ignored")
		}
		if len(doc.Content) > 0 {
			p.top(c, deref(doc.Content[0]))
		}
	}
	if p.logging != nil {
		p.applyLogging(c)
	}
	// Keys with type errors keep their defaults; the semantic checks still
	// run so that every problem is reported at once, but say nothing more
	// about those keys.
	_, explicitFind := p.loc["find_interval_secs"]
	p.resolve(c)
	v := &checker{file: p.file, loc: p.loc, items: p.items, warns: p.warns, bad: p.bad, derivedFind: !explicitFind}
	v.check(c)
	if errs := append(p.errs, v.errs...); len(errs) > 0 {
		return nil, sortWarnings(v.warns), joinErrors(errs)
	}
	return c, sortWarnings(v.warns), nil
}

// keyRef is where a setting was given: its spelling (with the section path,
// like "dhcp.subnet") and line.
type keyRef struct {
	name  string
	line  int
	canon string // canonical key ("white_list" for pbc_white_list); set for table keys
}

type parser struct {
	file  string
	errs  []*Error
	warns []Warning
	loc   map[string]keyRef     // canonical key → where it was set
	items map[string][]int      // canonical list key → line of each item
	nodes map[string]*yaml.Node // canonical key → value node (to compare duplicates)
	bad   map[string]bool       // canonical keys whose value could not be converted
	// The logging: section is applied after every other key, so that our
	// own log_* keys win wherever they are.
	logging    *yaml.Node
	loggingKey keyRef
}

func (p *parser) errAt(line int, key, format string, args ...any) {
	p.errs = append(p.errs, &Error{File: p.file, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)})
}

func (p *parser) warnAt(line int, key, format string, args ...any) {
	p.warns = append(p.warns, Warning{File: p.file, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)})
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntax turns a go-yaml error into an *Error with the line it names.
func (p *parser) syntax(err error) {
	msg := err.Error()
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		p.errAt(line, "", "YAML syntax: %s", m[2])
		return
	}
	p.errAt(0, "", "YAML syntax: %s", strings.TrimPrefix(msg, "yaml: "))
}

// deref follows YAML aliases (*name) to the anchored node. A missing or
// looping alias becomes a null.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 16; i++ {
		n = n.Alias
	}
	if n == nil || n.Kind == yaml.AliasNode || n.Kind == yaml.DocumentNode {
		line := 0
		if n != nil {
			line = n.Line
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: line}
	}
	return n
}

// isNull reports YAML null (~, null, empty) and Python's None.
func isNull(n *yaml.Node) bool {
	if n.Kind != yaml.ScalarNode {
		return false
	}
	if n.ShortTag() == "!!null" {
		return true
	}
	return n.Style == 0 && isNoneWord(n.Value)
}

func isNoneWord(s string) bool { return s == "None" || s == "none" || s == "NONE" }

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return "a scalar"
}

// short quotes a user value for a message, truncated.
func short(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return strconv.Quote(s)
}

// --- the key table -----------------------------------------------------------

type setter func(p *parser, c *Config, k keyRef, n *yaml.Node)

type keyDef struct {
	name    string   // canonical key (the yaml tag of the Config field)
	aliases []string // other spellings accepted
	set     setter   // nil: accepted (not stored) with the noEffect warning
	// noEffect, when not empty, is why the key does nothing here: loading
	// it gives one warning "accepted, has no effect: <noEffect>". A key
	// with a setter is still checked and stored (it shows in `config`).
	noEffect string
}

// noEffectMsg is the warning of a key that does nothing in this daemon.
const noEffectMsg = "accepted, has no effect: "

// hostp2pd's keys and ours, as accepted at the top level and under "hostp2pd:".
var keyTable = []keyDef{
	{name: "interface", set: str(func(c *Config) *string { return &c.Interface })},
	{name: "run_program", set: str(func(c *Config) *string { return &c.RunProgram })},
	{name: "pin", aliases: []string{"password"}, set: str(func(c *Config) *string { return &c.PIN })},
	{name: "pbc_in_use", set: setPBCInUse},
	{name: "white_list", aliases: []string{"pbc_white_list"}, set: list(func(c *Config) *[]string { return &c.WhiteList })},
	{name: "activate_persistent_group", set: boolean(func(c *Config) *bool { return &c.ActivatePersistentGroup })},
	{name: "activate_autonomous_group", set: boolean(func(c *Config) *bool { return &c.ActivateAutonomousGroup })},
	{name: "dynamic_group", set: boolean(func(c *Config) *bool { return &c.DynamicGroup })},
	{name: "persistent_network_id", set: setPersistentNetworkID},
	{name: "ssid_postfix", set: str(func(c *Config) *string { return &c.SSIDPostfix })},
	{name: "p2p_group_add_opts", set: str(func(c *Config) *string { return &c.P2PGroupAddOpts })},
	{name: "p2p_connect_opts", set: str(func(c *Config) *string { return &c.P2PConnectOpts })},
	{name: "select_timeout_secs", set: setTimeouts},
	{name: "min_conn_delay", set: integer(func(c *Config) *int { return &c.MinConnDelay })},
	{name: "max_num_failures", set: integer(func(c *Config) *int { return &c.MaxNumFailures })},
	{name: "max_num_wpa_cli_failures", set: integer(func(c *Config) *int { return &c.MaxNumWpaCliFailures }),
		noEffect: "a lost wpa_supplicant never stops this daemon; it reconnects with backoff and keeps serving"},
	{name: "max_scan_polling", set: integer(func(c *Config) *int { return &c.MaxScanPolling })},
	{name: "save_config_enabled", set: boolean(func(c *Config) *bool { return &c.SaveConfigEnabled })},
	{name: "max_negotiation_time", set: integer(func(c *Config) *int { return &c.MaxNegotiationTime })},
	{name: "wpa_supplicant_min_err_warn", set: integer(func(c *Config) *int { return &c.WpaSupplicantMinErrWarn }),
		noEffect: "no wpa_cli output is parsed; every wpa_supplicant failure is logged once at its own level"},
	{name: "force_logging", set: setLevel(func(c *Config) *string { return &c.ForceLogging })},
	{name: "network_parms", set: list(func(c *Config) *[]string { return &c.NetworkParms })},
	{name: "config_parms", set: setConfigParms},
	{name: "p2p_client", noEffect: "this hostp2pd talks to the wpa_supplicant control socket itself, no wpa_cli is run (see ctrl_interface)"},
	{name: "pin_module", noEffect: "Python PIN modules are not supported; use pin_program with wps_method: display"},

	{name: "negotiated_persistent", set: boolean(func(c *Config) *bool { return &c.Negotiated })},
	{name: "wps_method", set: setWPSMethod},
	{name: "pin_program", set: str(func(c *Config) *string { return &c.PINProgram })},
	{name: "display_program", set: str(func(c *Config) *string { return &c.DisplayProgram })},
	{name: "pin_timeout_secs", set: integer(func(c *Config) *int { return &c.PINTimeoutSecs })},
	{name: "allow_macs", set: list(func(c *Config) *[]string { return &c.AllowMACs })},
	{name: "deny_macs", set: list(func(c *Config) *[]string { return &c.DenyMACs })},
	{name: "ctrl_interface", set: setCtrlInterface},
	{name: "backend", set: str(func(c *Config) *string { return &c.Backend })},
	{name: "find_interval_secs", set: integer(func(c *Config) *int { return &c.FindInterval })},
	{name: "group_freq", set: integer(func(c *Config) *int { return &c.GroupFreq })},
	{name: "per_sta_psk", set: boolean(func(c *Config) *bool { return &c.PerStaPSK })},
	{name: "find_while_go", set: boolean(func(c *Config) *bool { return &c.FindWhileGO })},
	{name: "invite_known", set: boolean(func(c *Config) *bool { return &c.InviteKnown })},
	{name: "idle_discovery", set: str(func(c *Config) *string { return &c.IdleDiscovery })},
	{name: "hook_timeout_secs", set: integer(func(c *Config) *int { return &c.HookTimeoutSecs })},
	{name: "ctl_socket", set: str(func(c *Config) *string { return &c.CtlSocket })},
	{name: "ctl_group", set: str(func(c *Config) *string { return &c.CtlGroup })},
	{name: "metrics_listen", set: str(func(c *Config) *string { return &c.MetricsListen })},
	{name: "log_file", set: str(func(c *Config) *string { return &c.LogFile })},
	{name: "log_max_size_mb", set: integer(func(c *Config) *int { return &c.LogMaxSizeMB })},
	{name: "log_backups", set: integer(func(c *Config) *int { return &c.LogBackups })},
	{name: "log_file_level", set: setLevel(func(c *Config) *string { return &c.LogFileLevel })},
	{name: "dhcp", set: setDHCP},
	{name: "services", set: setServices},
	{name: "mdns_host", set: str(func(c *Config) *string { return &c.MDNSHost })},
}

var timeoutKeys = []keyDef{
	{name: "normal", set: integer(func(c *Config) *int { return &c.SelectTimeoutSecs.Normal })},
	{name: "connect", set: integer(func(c *Config) *int { return &c.SelectTimeoutSecs.Connect }),
		noEffect: "no discovery runs while a group forms here, and a negotiation is bounded by max_negotiation_time"},
	{name: "long", set: integer(func(c *Config) *int { return &c.SelectTimeoutSecs.Long })},
	{name: "enroller", set: integer(func(c *Config) *int { return &c.SelectTimeoutSecs.Enroller }),
		noEffect: "there is no separate enroller process; the group is served by the main loop, which reacts to events at once"},
}

var dhcpKeys = []keyDef{
	{name: "enabled", set: boolean(func(c *Config) *bool { return &c.DHCP.Enabled })},
	{name: "subnet", set: str(func(c *Config) *string { return &c.DHCP.Subnet })},
	{name: "range_from", set: str(func(c *Config) *string { return &c.DHCP.RangeFrom })},
	{name: "range_to", set: str(func(c *Config) *string { return &c.DHCP.RangeTo })},
	{name: "lease_secs", set: integer(func(c *Config) *int { return &c.DHCP.LeaseSecs })},
	{name: "router", set: boolean(func(c *Config) *bool { return &c.DHCP.Router })},
	{name: "dns", set: list(func(c *Config) *[]string { return &c.DHCP.DNS })},
	{name: "lease_file", set: str(func(c *Config) *string { return &c.DHCP.LeaseFile })},
	{name: "eapol_ip", set: boolean(func(c *Config) *bool { return &c.DHCP.EAPOLIP })},
}

// Section names recognised at the top level only.
const (
	sectionHostp2pd = "hostp2pd"
	sectionLogging  = "logging"
)

func lookup(table []keyDef, name string) *keyDef {
	for i := range table {
		if table[i].name == name {
			return &table[i]
		}
		for _, a := range table[i].aliases {
			if a == name {
				return &table[i]
			}
		}
	}
	return nil
}

func names(table []keyDef, extra ...string) []string {
	out := append([]string(nil), extra...)
	for _, k := range table {
		out = append(out, k.name)
		out = append(out, k.aliases...)
	}
	return out
}

// --- walking the document -----------------------------------------------------

// top handles the document's root mapping.
func (p *parser) top(c *Config, root *yaml.Node) {
	if isNull(root) {
		return
	}
	if root.Kind != yaml.MappingNode {
		p.errAt(root.Line, "", "the file must be a mapping of settings (key: value), not %s", kindName(root))
		return
	}
	p.mapping(c, root, "", keyTable, true)
}

// mapping applies every key of m, a mapping of settings from table. prefix is
// the section path for nested keys ("dhcp."); top is true at the root.
func (p *parser) mapping(c *Config, m *yaml.Node, prefix string, table []keyDef, top bool) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		kn, vn := deref(m.Content[i]), deref(m.Content[i+1])
		if kn.Kind != yaml.ScalarNode || isNull(kn) {
			p.errAt(kn.Line, strings.TrimSuffix(prefix, "."), "keys must be plain names, not %s", kindName(kn))
			continue
		}
		name := kn.Value
		k := keyRef{name: prefix + name, line: kn.Line}
		if kn.ShortTag() == "!!merge" {
			p.warnAt(k.line, strings.TrimSuffix(prefix, "."), "YAML merge keys (<<) are not supported; ignored")
			continue
		}
		if top {
			switch name {
			case sectionHostp2pd:
				switch {
				case isNull(vn):
				case vn.Kind == yaml.MappingNode:
					p.mapping(c, vn, "", table, false)
				default:
					p.errAt(k.line, name, "must be a mapping of settings, not %s", kindName(vn))
				}
				continue
			case sectionLogging:
				if p.logging != nil {
					p.warnAt(k.line, name, "section given twice; only the first (line %d) is read", p.loggingKey.line)
					continue
				}
				p.logging, p.loggingKey = vn, k
				continue
			}
		}
		def := lookup(table, name)
		if def == nil {
			p.unknown(k, name, prefix, table, top)
			continue
		}
		canon := prefix + def.name
		k.canon = canon
		if !p.first(canon, k, vn) {
			continue
		}
		if def.noEffect != "" {
			p.warnAt(k.line, k.name, "%s%s", noEffectMsg, def.noEffect)
		}
		if def.set == nil {
			continue
		}
		if isNull(vn) {
			continue // null (None, ~) keeps the default
		}
		before := len(p.errs)
		def.set(p, c, k, vn)
		if len(p.errs) > before {
			p.bad[canon] = true
		}
	}
}

func (p *parser) unknown(k keyRef, name, prefix string, table []keyDef, top bool) {
	var cands []string
	switch {
	case top:
		cands = names(table, sectionHostp2pd, sectionLogging)
	default:
		cands = names(table)
	}
	msg := "unknown key, ignored"
	if prefix == "" && !top && (name == sectionHostp2pd || name == sectionLogging) {
		msg = fmt.Sprintf("the %s section belongs at the top level; ignored", name)
	} else if s := nearest(name, cands); s != "" {
		msg += "; did you mean " + prefix + s + "?"
	}
	p.warnAt(k.line, k.name, "%s", msg)
}

// first records that canon was set at k and reports whether this is its
// first occurrence. A repeat (the same key twice, or both spellings such as
// password and pin) is an error when the values differ and a warning when
// they are equal.
func (p *parser) first(canon string, k keyRef, n *yaml.Node) bool {
	prev, seen := p.loc[canon]
	if !seen {
		p.loc[canon] = k
		p.nodes[canon] = n
		return true
	}
	what := "also set"
	if prev.name != k.name {
		what = "same setting as " + prev.name
	}
	if sameValue(p.nodes[canon], n) {
		p.warnAt(k.line, k.name, "%s at line %d, with the same value; keep one", what, prev.line)
	} else {
		p.errAt(k.line, k.name, "%s at line %d, with a different value; keep one", what, prev.line)
	}
	return false
}

func sameValue(a, b *yaml.Node) bool {
	budget := 10000 // aliases can make a small file a huge tree
	return sameNode(a, b, &budget)
}

func sameNode(a, b *yaml.Node, budget *int) bool {
	a, b = deref(a), deref(b)
	if a == b {
		return true
	}
	if *budget--; *budget < 0 {
		return false
	}
	if isNull(a) || isNull(b) {
		return isNull(a) && isNull(b)
	}
	if a.Kind != b.Kind || len(a.Content) != len(b.Content) {
		return false
	}
	if a.Kind == yaml.ScalarNode {
		return a.Value == b.Value
	}
	for i := range a.Content {
		if !sameNode(a.Content[i], b.Content[i], budget) {
			return false
		}
	}
	return true
}

// --- scalar conversions -------------------------------------------------------

// text returns the scalar text of n, rejecting lists, mappings and control
// characters (values end up in wpa_supplicant commands, argv and logs).
func (p *parser) text(k keyRef, n *yaml.Node, what string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		p.errAt(n.Line, k.name, "must be %s, not %s", what, kindName(n))
		return "", false
	}
	if msg := badText(n.Value); msg != "" {
		p.errAt(n.Line, k.name, "%s", msg)
		return "", false
	}
	return n.Value, true
}

// badText explains why s cannot be a setting value, or returns "".
func badText(s string) string {
	if !utf8.ValidString(s) {
		return "is not valid UTF-8"
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return "must not contain control characters (newline, tab, …)"
		}
	}
	return ""
}

func str(f func(*Config) *string) setter {
	return func(p *parser, c *Config, k keyRef, n *yaml.Node) {
		if v, ok := p.text(k, n, "a string"); ok {
			*f(c) = v
		}
	}
}

// parseBool accepts YAML 1.1/Python spellings in any case.
func parseBool(s string) (v, ok bool) {
	switch strings.ToLower(s) {
	case "true", "yes", "on":
		return true, true
	case "false", "no", "off":
		return false, true
	}
	return false, false
}

func (p *parser) boolean(k keyRef, n *yaml.Node) (bool, bool) {
	s, ok := p.text(k, n, "true or false")
	if !ok {
		return false, false
	}
	v, ok := parseBool(s)
	if !ok {
		p.errAt(n.Line, k.name, "must be true or false, not %s", short(s))
	}
	return v, ok
}

func boolean(f func(*Config) *bool) setter {
	return func(p *parser, c *Config, k keyRef, n *yaml.Node) {
		if v, ok := p.boolean(k, n); ok {
			*f(c) = v
		}
	}
}

// integer parses a whole number. Python accepted floats for these keys, so a
// fraction is rounded up with a warning. Range checks are the checker's.
func (p *parser) integer(k keyRef, n *yaml.Node) (int, bool) {
	s, ok := p.text(k, n, "a number")
	if !ok {
		return 0, false
	}
	s = strings.TrimSpace(s)
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		if v > math.MaxInt32 || v < math.MinInt32 {
			p.errAt(n.Line, k.name, "%s is out of range", short(s))
			return 0, false
		}
		return int(v), true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || strings.ContainsAny(s, "xXpP") {
		p.errAt(n.Line, k.name, "must be a whole number, not %s", short(s))
		return 0, false
	}
	if f > math.MaxInt32 || f < math.MinInt32 {
		p.errAt(n.Line, k.name, "%s is out of range", short(s))
		return 0, false
	}
	v := int(math.Ceil(f))
	if float64(v) != f {
		p.warnAt(n.Line, k.name, "%s is not a whole number; rounded up to %d", short(s), v)
	}
	return v, true
}

func integer(f func(*Config) *int) setter {
	return func(p *parser, c *Config, k keyRef, n *yaml.Node) {
		if v, ok := p.integer(k, n); ok {
			*f(c) = v
		}
	}
}

// list accepts a list of strings, or one string as a one-item list.
func list(f func(*Config) *[]string) setter {
	return func(p *parser, c *Config, k keyRef, n *yaml.Node) {
		canon := k.canon
		items := []*yaml.Node{n}
		if n.Kind == yaml.SequenceNode {
			items = n.Content
		}
		var out []string
		var lines []int
		good := true
		for i, it := range items {
			it = deref(it)
			if isNull(it) || it.Kind != yaml.ScalarNode {
				p.errAt(it.Line, k.name, "item %d: must be a string, not %s", i+1, nullOr(it))
				good = false
				continue
			}
			s, ok := p.text(keyRef{name: k.name, line: it.Line}, it, "a string")
			if !ok {
				good = false
				continue
			}
			out = append(out, s)
			lines = append(lines, it.Line)
		}
		if good {
			*f(c) = out
			p.items[canon] = lines
		}
	}
}

func nullOr(n *yaml.Node) string {
	if isNull(n) {
		return "empty"
	}
	return kindName(n)
}

// --- special keys -------------------------------------------------------------

func setPBCInUse(p *parser, c *Config, k keyRef, n *yaml.Node) {
	if v, ok := p.boolean(k, n); ok {
		c.PBCInUse = &v
	}
}

func setPersistentNetworkID(p *parser, c *Config, k keyRef, n *yaml.Node) {
	if v, ok := p.integer(k, n); ok {
		c.PersistentNetworkID = &v
	}
}

func setWPSMethod(p *parser, c *Config, k keyRef, n *yaml.Node) {
	if v, ok := p.text(k, n, "a string"); ok {
		c.WPSMethodName = normalizeWPSMethod(v)
	}
}

// normalizeWPSMethod lower-cases v and maps wpa_supplicant's config_methods
// name virtual_push_button to pbc. Unknown names are left for the checker.
func normalizeWPSMethod(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	switch v {
	case "virtual_push_button", "push_button":
		return "pbc"
	case "auto":
		return ""
	}
	return v
}

// setCtrlInterface accepts a directory, or wpa_supplicant.conf's
// "DIR=/var/run/wpa_supplicant GROUP=netdev" form, of which DIR is kept.
func setCtrlInterface(p *parser, c *Config, k keyRef, n *yaml.Node) {
	v, ok := p.text(k, n, "a directory")
	if !ok {
		return
	}
	c.CtrlInterface = normalizeCtrlInterface(v)
}

func normalizeCtrlInterface(v string) string {
	for _, f := range strings.Fields(v) {
		if d, ok := strings.CutPrefix(f, "DIR="); ok {
			return d
		}
	}
	return v
}

func setLevel(f func(*Config) *string) setter {
	return func(p *parser, c *Config, k keyRef, n *yaml.Node) {
		s, ok := p.text(k, n, "a log level")
		if !ok {
			return
		}
		if b, isBool := parseBool(s); isBool && n.Style == 0 {
			if !b {
				*f(c) = ""
				return
			}
			p.warnAt(n.Line, k.name, "true is not a log level; using DEBUG")
			*f(c) = "DEBUG"
			return
		}
		*f(c) = normalizeLevel(s)
	}
}

func setConfigParms(p *parser, c *Config, k keyRef, n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		p.errAt(n.Line, k.name, "must be a mapping of wpa_supplicant settings (name: value), not %s", kindName(n))
		return
	}
	out := map[string]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := deref(n.Content[i]), deref(n.Content[i+1])
		if kn.Kind != yaml.ScalarNode || !wpaNameRE.MatchString(kn.Value) {
			p.errAt(kn.Line, k.name, "%s is not a wpa_supplicant setting name (letters, digits, _)", short(kn.Value))
			continue
		}
		sub := keyRef{name: k.name + "." + kn.Value, line: kn.Line}
		if isNull(vn) {
			p.errAt(vn.Line, sub.name, "needs a value")
			continue
		}
		if _, dup := out[kn.Value]; dup {
			p.errAt(kn.Line, sub.name, "set twice")
			continue
		}
		if v, ok := p.text(sub, vn, "a single value"); ok {
			out[kn.Value] = v
		}
	}
	c.ConfigParms = out
}

var wpaNameRE = regexp.MustCompile(`^[A-Za-z0-9_]{1,64}$`)

func setTimeouts(p *parser, c *Config, k keyRef, n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		p.errAt(n.Line, k.name, "must be a mapping with normal, connect, long and enroller, not %s", kindName(n))
		return
	}
	p.mapping(c, n, "select_timeout_secs.", timeoutKeys, false)
}

// setDHCP accepts the dhcp mapping, or a bare boolean as dhcp.enabled.
func setDHCP(p *parser, c *Config, k keyRef, n *yaml.Node) {
	if n.Kind == yaml.ScalarNode {
		if v, ok := parseBool(n.Value); ok {
			c.DHCP.Enabled = v
			p.loc["dhcp.enabled"] = k
			return
		}
	}
	if n.Kind != yaml.MappingNode {
		p.errAt(n.Line, k.name, "must be a mapping (enabled, subnet, range_from, …) or true/false, not %s", kindName(n))
		return
	}
	p.mapping(c, n, "dhcp.", dhcpKeys, false)
}

// --- after the walk -------------------------------------------------------------

// resolve fills what depends on which keys were given, then normalises.
func (p *parser) resolve(c *Config) {
	// activate_persistent_group defaults to true; an explicit
	// activate_autonomous_group: true overrides that default, as in hostp2pd.
	if _, set := p.loc["activate_persistent_group"]; !set && c.ActivateAutonomousGroup {
		c.ActivatePersistentGroup = false
	}
	if _, set := p.loc["find_interval_secs"]; !set {
		c.FindInterval = c.SelectTimeoutSecs.Normal
	}
	if _, set := p.loc["dhcp.subnet"]; set {
		if from, to, ok := defaultRange(c.DHCP.Subnet); ok {
			if _, set := p.loc["dhcp.range_from"]; !set {
				c.DHCP.RangeFrom = from.String()
			}
			if _, set := p.loc["dhcp.range_to"]; !set {
				c.DHCP.RangeTo = to.String()
			}
		}
	}
	normalize(c)
}

// normalize canonicalises values that have several spellings (MAC and IP
// addresses) and turns empty lists and maps into nil. Invalid values are
// left for the checker to report.
func normalize(c *Config) {
	for _, l := range []*[]string{&c.AllowMACs, &c.DenyMACs} {
		for i, s := range *l {
			if hw, err := net.ParseMAC(strings.TrimSpace(s)); err == nil && len(hw) == 6 {
				(*l)[i] = hw.String()
			}
		}
	}
	for i, s := range c.DHCP.DNS {
		if a, err := netip.ParseAddr(strings.TrimSpace(s)); err == nil {
			c.DHCP.DNS[i] = a.String()
		}
	}
	for _, s := range []*string{&c.DHCP.RangeFrom, &c.DHCP.RangeTo} {
		if a, err := netip.ParseAddr(strings.TrimSpace(*s)); err == nil {
			*s = a.String()
		}
	}
	if pfx, err := netip.ParsePrefix(strings.TrimSpace(c.DHCP.Subnet)); err == nil {
		c.DHCP.Subnet = pfx.String()
	}
	for _, l := range []*[]string{&c.WhiteList, &c.NetworkParms, &c.AllowMACs, &c.DenyMACs, &c.DHCP.DNS} {
		if len(*l) == 0 {
			*l = nil
		}
	}
	if len(c.ConfigParms) == 0 {
		c.ConfigParms = nil
	}
}

// defaultRange returns the DHCP pool for a subnet such as 192.168.49.1/24:
// every host address on the larger side of the GO address (.2–.254 here).
func defaultRange(subnet string) (from, to netip.Addr, ok bool) {
	pfx, err := netip.ParsePrefix(strings.TrimSpace(subnet))
	if err != nil || !pfx.Addr().Is4() || pfx.Bits() < MinSubnetBits || pfx.Bits() > MaxSubnetBits {
		return from, to, false
	}
	first, last := hostRange(pfx)
	gw := pfx.Addr()
	if gw.Compare(first) < 0 || gw.Compare(last) > 0 {
		return from, to, false
	}
	below := u32(gw) - u32(first)
	above := u32(last) - u32(gw)
	if above >= below {
		return gw.Next(), last, above > 0
	}
	return first, gw.Prev(), true
}

// hostRange returns the first and last host address of an IPv4 prefix.
func hostRange(pfx netip.Prefix) (first, last netip.Addr) {
	network := u32(pfx.Masked().Addr())
	bcast := network | (1<<(32-pfx.Bits()) - 1)
	return addr4(network + 1), addr4(bcast - 1)
}

func u32(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func addr4(v uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}
