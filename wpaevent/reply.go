package wpaevent

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Errors returned (wrapped, with the operation) by the reply parsers. Use
// errors.Is to test for them.
var (
	// ErrFail means wpa_supplicant answered "FAIL" or a named failure such
	// as "FAIL-NO-IFNAME-MATCH"; the error text shows the full word.
	ErrFail = errors.New("FAIL")
	// ErrUnknownCommand means wpa_supplicant answered "UNKNOWN COMMAND".
	ErrUnknownCommand = errors.New("UNKNOWN COMMAND")
	// ErrMalformed means the reply does not have the documented format.
	ErrMalformed = errors.New("malformed reply")
)

// replyErr classifies the generic failure replies; it returns nil for any
// other reply.
func replyErr(op, reply string) error {
	first, _, _ := strings.Cut(reply, "\n")
	switch {
	case strings.HasPrefix(first, "FAIL"):
		suffix := first[len("FAIL"):]
		if len(suffix) > 64 {
			suffix = suffix[:64]
		}
		return fmt.Errorf("wpaevent: %s: %w%s", op, ErrFail, suffix)
	case first == "UNKNOWN COMMAND":
		return fmt.Errorf("wpaevent: %s: %w", op, ErrUnknownCommand)
	}
	return nil
}

func malformed(op, what string) error {
	return fmt.Errorf("wpaevent: %s: %w: %s", op, ErrMalformed, what)
}

// macHeader checks a P2P_PEER / STA reply for an error and splits off its
// first line, the peer's MAC address.
func macHeader(op, reply string) (MAC, string, error) {
	if err := replyErr(op, reply); err != nil {
		return MAC{}, "", err
	}
	first, rest := nextLine(reply)
	addr, err := ParseMAC(first)
	if err != nil {
		return MAC{}, "", malformed(op, "first line is not a MAC address")
	}
	return addr, rest, nil
}

// nextLine returns the first line of s (without its '\n') and the rest.
func nextLine(s string) (line, rest string) {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i], s[i+1:]
	}
	return s, ""
}

// Network is one row of a LIST_NETWORKS reply
// (wpa_supplicant_ctrl_iface_list_networks).
type Network struct {
	ID    int
	SSID  string   // decoded SSID bytes
	BSSID string   // a MAC address, or "any"
	Flags []string // flag names without brackets, e.g. "DISABLED", "P2P-PERSISTENT"

	Persistent bool // [P2P-PERSISTENT]: a stored persistent P2P group
	Disabled   bool // [DISABLED] (a persistent GO entry is always disabled)
	Current    bool // [CURRENT]
}

// ParseListNetworks parses a LIST_NETWORKS reply: the header line
// "network id / ssid / bssid / flags", then "id\tssid\tbssid\tflags" rows.
// A reply with only the header gives no networks and no error. SSIDs are
// unescaped with [UnescapeSSID].
func ParseListNetworks(reply string) ([]Network, error) {
	const op = "list_networks"
	if err := replyErr(op, reply); err != nil {
		return nil, err
	}
	header, rest := nextLine(reply)
	if !strings.HasPrefix(header, "network id") {
		return nil, malformed(op, "no header line")
	}
	var nets []Network
	for n := 2; rest != ""; n++ {
		var line string
		line, rest = nextLine(rest)
		if line == "" {
			continue
		}
		id, after, ok1 := strings.Cut(line, "\t")
		ssid, after, ok2 := strings.Cut(after, "\t")
		bssid, flags, _ := strings.Cut(after, "\t")
		nid := intOr(id, -1)
		if !ok1 || !ok2 || nid < 0 {
			return nets, malformed(op, fmt.Sprintf("line %d", n))
		}
		nw := Network{ID: nid, SSID: UnescapeSSID(ssid), BSSID: bssid, Flags: parseFlags(flags)}
		for _, f := range nw.Flags {
			switch f {
			case "P2P-PERSISTENT":
				nw.Persistent = true
			case "DISABLED":
				nw.Disabled = true
			case "CURRENT":
				nw.Current = true
			}
		}
		nets = append(nets, nw)
	}
	return nets, nil
}

// parseFlags splits "[A][B]" into {"A", "B"}; text outside brackets is
// ignored. It returns nil when there are no flags.
func parseFlags(s string) []string {
	var flags []string
	for {
		i := strings.IndexByte(s, '[')
		if i < 0 {
			return flags
		}
		j := strings.IndexByte(s[i:], ']')
		if j < 0 {
			return flags
		}
		flags = append(flags, s[i+1:i+j])
		s = s[i+j+1:]
	}
}

// ParseInterfaces parses an INTERFACES reply: one interface name per line,
// newest group first. The "INTERFACES ctrl" form ("name ctrl_iface=…") is
// reduced to the names. A failure reply gives nil.
func ParseInterfaces(reply string) []string {
	if replyErr("interfaces", reply) != nil {
		return nil
	}
	var names []string
	for reply != "" {
		var line string
		line, reply = nextLine(reply)
		name, _, _ := strings.Cut(line, " ")
		if name != "" {
			names = append(names, name)
		}
	}
	return names
}

// ParseKV parses a reply made of "key=value" lines (STATUS, P2P_PEER, STA,
// GET_CAPABILITY-like dumps). Each line is split at its first '='; lines
// without '=' (such as the MAC line of P2P_PEER and STA) are skipped. When a
// key repeats, the last value wins. Values are raw: peer-supplied ones
// (device_name=, the WPS strings) are not escaped by wpa_supplicant and a
// WPS string may even contain a newline, so prefer [ParsePeer] and
// [ParseSta], which anchor on the known field order, for those replies.
func ParseKV(reply string) map[string]string {
	m := make(map[string]string, strings.Count(reply, "\n")+1)
	for reply != "" {
		var line string
		line, reply = nextLine(reply)
		if k, v, ok := strings.Cut(line, "="); ok {
			m[k] = v
		}
	}
	return m
}

// Peer is the reply to P2P_PEER <addr>|FIRST|NEXT-<addr>
// (p2p_ctrl_peer → p2p_get_peer_info_txt).
type Peer struct {
	Addr MAC // P2P device address (first line)

	PriDevType   string // pri_dev_type=, "%u-%08X-%u"
	DeviceName   string // device_name=, raw peer data
	Manufacturer string // manufacturer=, raw WPS data
	ModelName    string // model_name=, raw WPS data
	ModelNumber  string // model_number=, raw WPS data
	SerialNumber string // serial_number=, raw WPS data

	ConfigMethods uint16 // config_methods=0x…
	DevCapab      uint8  // dev_capab=0x…
	GroupCapab    uint8  // group_capab=0x…
	Level         int    // level= (signal, dBm)
	Age           int    // age= (seconds since last seen)
	ListenFreq    int    // listen_freq=
	OperFreq      int    // oper_freq=
	WPSMethod     string // wps_method= (our method for this peer, "not-ready" if none)

	InterfaceAddr   MAC // interface_addr= (zero until known)
	MemberInGODev   MAC // member_in_go_dev=
	MemberInGOIface MAC // member_in_go_iface=
	IntendedAddr    MAC // intended_addr=

	Flags        []string // flags=[…] without brackets
	Status       int      // status=; -1 if absent
	PersistentID int      // persistent=<id>; -1 if absent
	OperSSID     string   // oper_ssid=, decoded
}

// ParsePeer parses a P2P_PEER reply. The first line is the peer's device
// address. device_name= and the WPS strings that follow it are raw peer data
// that may contain newlines, so they are read by their known order, and the
// fields from config_methods= on are taken after the last
// "\nconfig_methods=" line: a hostile name cannot fake them. A FAIL reply
// (unknown peer, end of the list) gives an error wrapping [ErrFail].
func ParsePeer(reply string) (Peer, error) {
	const op = "p2p_peer"
	p := Peer{Status: -1, PersistentID: -1}
	addr, rest, err := macHeader(op, reply)
	if err != nil {
		return p, err
	}
	p.Addr = addr
	head, tail := rest, ""
	if i := strings.LastIndex(rest, "\nconfig_methods="); i >= 0 {
		head, tail = rest[:i], rest[i+1:]
	} else if strings.HasPrefix(rest, "config_methods=") {
		head, tail = "", rest
	}
	// The raw strings, read from the right so that a newline in one of them
	// only ever spills into the string before it.
	for _, f := range [...]struct {
		key string
		dst *string
	}{
		{"serial_number=", &p.SerialNumber},
		{"model_number=", &p.ModelNumber},
		{"model_name=", &p.ModelName},
		{"manufacturer=", &p.Manufacturer},
	} {
		if i := strings.LastIndex(head, "\n"+f.key); i >= 0 {
			*f.dst = head[i+1+len(f.key):]
			head = head[:i]
		}
	}
	if v, ok := strings.CutPrefix(head, "pri_dev_type="); ok {
		p.PriDevType, head = nextLine(v)
	}
	if v, ok := strings.CutPrefix(head, "device_name="); ok {
		p.DeviceName = v
	}
	for tail != "" {
		var line string
		line, tail = nextLine(tail)
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		switch k {
		case "config_methods":
			p.ConfigMethods = uint16(hexOr0(v, 0xffff))
		case "dev_capab":
			p.DevCapab = uint8(hexOr0(v, 0xff))
		case "group_capab":
			p.GroupCapab = uint8(hexOr0(v, 0xff))
		case "level":
			p.Level = intOr(v, 0)
		case "age":
			p.Age = intOr(v, 0)
		case "listen_freq":
			p.ListenFreq = intOr(v, 0)
		case "oper_freq":
			p.OperFreq = intOr(v, 0)
		case "wps_method":
			p.WPSMethod = v
		case "interface_addr":
			p.InterfaceAddr = mac(v)
		case "member_in_go_dev":
			p.MemberInGODev = mac(v)
		case "member_in_go_iface":
			p.MemberInGOIface = mac(v)
		case "intended_addr":
			p.IntendedAddr = mac(v)
		case "flags":
			p.Flags = parseFlags(v)
		case "status":
			p.Status = intOr(v, -1)
		case "persistent":
			p.PersistentID = intOr(v, -1)
		case "oper_ssid":
			p.OperSSID = UnescapeSSID(v)
		}
	}
	return p, nil
}

// Sta is the reply to STA-FIRST, STA <addr> and STA-NEXT <addr> on a group
// interface (hostapd_ctrl_iface_sta_mib and the P2P IE text).
type Sta struct {
	Addr       MAC      // the station's interface address (first line)
	Flags      []string // flags=[AUTH][ASSOC][AUTHORIZED]… without brackets
	Authorized bool     // AUTHORIZED is among Flags
	AID        int      // aid=

	WPSUUID string // wpsUuid= (UUID-E)

	P2PDeviceName    string // p2p_device_name=, raw peer data
	P2PDeviceAddr    MAC    // p2p_device_addr=: the key to the P2P peer
	P2PConfigMethods uint16 // p2p_config_methods=0x…

	RxBytes       uint64        // rx_bytes=
	TxBytes       uint64        // tx_bytes=
	Signal        int           // signal= (dBm)
	ConnectedTime time.Duration // connected_time= (whole seconds)
}

// ErrNoStation is returned by ParseSta for the empty reply that STA-FIRST
// gives when no station is associated and STA-NEXT gives after the last one.
var ErrNoStation = errors.New("no station")

// ParseSta parses one STA reply. The first line is the station address.
// flags=, aid= and wpsUuid= precede the raw WPS and P2P name strings, so
// their first occurrence is used; the counters and addresses that follow
// those strings use their last occurrence. p2p_device_name= extends to the
// last "\np2p_device_addr=". An empty reply gives [ErrNoStation].
func ParseSta(reply string) (Sta, error) {
	const op = "sta"
	var st Sta
	if reply == "" {
		return st, fmt.Errorf("wpaevent: %s: %w", op, ErrNoStation)
	}
	addr, rest, err := macHeader(op, reply)
	if err != nil {
		return st, err
	}
	st.Addr = addr
	var seenFlags, seenAID, seenUUID bool
	body := rest
	for rest != "" {
		var line string
		line, rest = nextLine(rest)
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		switch k {
		case "flags":
			if !seenFlags {
				seenFlags = true
				st.Flags = parseFlags(v)
			}
		case "aid":
			if !seenAID {
				seenAID = true
				st.AID = intOr(v, 0)
			}
		case "wpsUuid":
			if !seenUUID {
				seenUUID = true
				st.WPSUUID = v
			}
		case "p2p_device_addr":
			st.P2PDeviceAddr = mac(v)
		case "p2p_config_methods":
			st.P2PConfigMethods = uint16(hexOr0(v, 0xffff))
		case "rx_bytes":
			st.RxBytes = uint64(max(intOr(v, 0), 0))
		case "tx_bytes":
			st.TxBytes = uint64(max(intOr(v, 0), 0))
		case "signal":
			st.Signal = intOr(v, 0)
		case "connected_time":
			st.ConnectedTime = time.Duration(max(intOr(v, 0), 0)) * time.Second
		}
	}
	for _, f := range st.Flags {
		if f == "AUTHORIZED" {
			st.Authorized = true
		}
	}
	const nameKey = "p2p_device_name="
	start := -1
	if i := strings.LastIndex(body, "\n"+nameKey); i >= 0 {
		start = i + 1 + len(nameKey)
	} else if strings.HasPrefix(body, nameKey) {
		start = len(nameKey)
	}
	if start >= 0 {
		name := body[start:]
		if j := strings.LastIndex(name, "\np2p_device_addr="); j >= 0 {
			name = name[:j]
		} else {
			name, _ = nextLine(name)
		}
		st.P2PDeviceName = name
	}
	return st, nil
}

// Status holds the fields of a STATUS reply that the daemon uses
// (wpa_supplicant_ctrl_iface_status). The global control interface's
// STATUS has a different layout; of it only P2PDeviceAddress, P2PState and
// the first address= are read.
type Status struct {
	WPAState         string // wpa_state=, e.g. "COMPLETED", "DISCONNECTED"
	Mode             string // mode=, e.g. "P2P GO"; set only when associated
	SSID             string // ssid=, decoded
	Freq             int    // freq= (MHz)
	BSSID            MAC    // bssid=
	Address          MAC    // address= (the interface's own address)
	P2PDeviceAddress MAC    // p2p_device_address=
	ID               int    // id= (network id); -1 if absent
	UUID             string // uuid=
	IPAddress        string // ip_address=
	KeyMgmt          string // key_mgmt=
	PairwiseCipher   string // pairwise_cipher=
	GroupCipher      string // group_cipher=
	P2PState         string // p2p_state= (global STATUS only)
}

// ParseStatus parses a STATUS reply. All its values are generated by
// wpa_supplicant (the SSID is printf-escaped), so for each key the first
// occurrence is used. A failure reply gives a Status with only ID = -1.
func ParseStatus(reply string) Status {
	st := Status{ID: -1}
	if replyErr("status", reply) != nil {
		return st
	}
	var seen uint16
	for reply != "" {
		var line string
		line, reply = nextLine(reply)
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		var bit uint16
		switch k {
		case "wpa_state":
			bit = 1 << 0
		case "mode":
			bit = 1 << 1
		case "ssid":
			bit = 1 << 2
		case "freq":
			bit = 1 << 3
		case "bssid":
			bit = 1 << 4
		case "address":
			bit = 1 << 5
		case "p2p_device_address":
			bit = 1 << 6
		case "id":
			bit = 1 << 7
		case "uuid":
			bit = 1 << 8
		case "ip_address":
			bit = 1 << 9
		case "key_mgmt":
			bit = 1 << 10
		case "pairwise_cipher":
			bit = 1 << 11
		case "group_cipher":
			bit = 1 << 12
		case "p2p_state":
			bit = 1 << 13
		default:
			continue
		}
		if seen&bit != 0 {
			continue
		}
		seen |= bit
		switch k {
		case "wpa_state":
			st.WPAState = v
		case "mode":
			st.Mode = v
		case "ssid":
			st.SSID = UnescapeSSID(v)
		case "freq":
			st.Freq = intOr(v, 0)
		case "bssid":
			st.BSSID = mac(v)
		case "address":
			st.Address = mac(v)
		case "p2p_device_address":
			st.P2PDeviceAddress = mac(v)
		case "id":
			st.ID = intOr(v, -1)
		case "uuid":
			st.UUID = v
		case "ip_address":
			st.IPAddress = v
		case "key_mgmt":
			st.KeyMgmt = v
		case "pairwise_cipher":
			st.PairwiseCipher = v
		case "group_cipher":
			st.GroupCipher = v
		case "p2p_state":
			st.P2PState = v
		}
	}
	return st
}

// ParseGetNetwork decodes the reply to GET_NETWORK <id> <field> for a string
// field (ssid, passphrase-like values). wpa_config_write_string prints a
// string as "…" when every byte is printable ASCII (an embedded quote is not
// escaped, so the outer quotes are simply removed) and as bare hex
// otherwise. A reply that is neither (a number, "*" for a hidden key, a MAC)
// is returned unchanged. FAIL gives an error wrapping [ErrFail].
func ParseGetNetwork(reply string) (string, error) {
	const op = "get_network"
	if err := replyErr(op, reply); err != nil {
		return "", err
	}
	v := strings.TrimSuffix(reply, "\n")
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		return v[1 : len(v)-1], nil
	}
	if len(v) == 0 || len(v)%2 != 0 {
		return v, nil
	}
	b := make([]byte, len(v)/2)
	for i := range b {
		hi, ok1 := unhex(v[2*i])
		lo, ok2 := unhex(v[2*i+1])
		if !ok1 || !ok2 {
			return v, nil
		}
		b[i] = hi<<4 | lo
	}
	return string(b), nil
}
