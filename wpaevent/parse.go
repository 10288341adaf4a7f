package wpaevent

import "strings"

// Parse parses one datagram received on an ATTACHed control socket. It never
// fails: a datagram it does not understand gives Kind Unknown, and a field
// that is missing or malformed keeps its zero (or -1) value.
//
// The datagram may start with "IFNAME=<ifname> " (global control interface)
// and then "<N>" (the message level); both are optional. Trailing spaces,
// which wpa_supplicant leaves after argument-less events, are ignored.
// Unknown key=value fields are ignored, so events from later releases that
// append fields still parse.
//
// The strings of the result are substrings of datagram (an SSID that needs
// unescaping is the only copy), so Parse does not allocate for most events.
// Peer-supplied strings are kept byte for byte: see [Event].
func Parse(datagram string) Event {
	e := Event{
		Level:        -1,
		DevPasswdID:  -1,
		GOIntent:     -1,
		PersistentID: -1,
		Status:       -1,
		Msg:          -1,
		ConfigError:  -1,
	}
	s := datagram
	if strings.HasPrefix(s, "IFNAME=") {
		s = s[len("IFNAME="):]
		if i := strings.IndexByte(s, ' '); i >= 0 {
			e.Iface, s = s[:i], s[i+1:]
		} else {
			e.Iface, s = s, ""
		}
	}
	if len(s) > 2 && s[0] == '<' {
		n, i := 0, 1
		for ; i < len(s) && i <= 3 && s[i] >= '0' && s[i] <= '9'; i++ {
			n = n*10 + int(s[i]-'0')
		}
		if i > 1 && i < len(s) && s[i] == '>' {
			e.Level = n
			s = s[i+1:]
		}
	}
	e.Raw = s
	s = strings.TrimRight(s, " ")
	name, args := s, ""
	if i := strings.IndexByte(s, ' '); i >= 0 {
		name, args = s[:i], s[i+1:]
	}
	e.Kind = kindOf(name)
	switch e.Kind {
	case DeviceFound:
		e.parseFields(args, fDevInfo|fNew, posAddr)
	case ProvDiscPBCReq, ProvDiscEnterPIN:
		e.parseFields(args, fDevInfo|fGroup, posAddr)
	case ProvDiscShowPIN:
		e.parseFields(args, fDevInfo|fGroup, posAddr, posPIN)
	case ProvDiscPBCResp, FourWayHSCompleted, APStaPossiblePSKMismatch, EAPStarted:
		e.parseFields(args, 0, posAddr)
	case DeviceLost:
		e.parseFields(args, fP2PDevAddr)
	case GONegRequest:
		e.parseFields(args, fDevPasswdID|fGOIntent, posAddr)
	case GONegSuccess:
		e.parseFields(args, fRole|fFreq|fHT40|fPeerDev|fPeerIface|fWPSMethod)
	case GONegFailure:
		e.parseFields(args, fStatus)
	case ProvDiscFailure:
		e.parseFields(args, fP2PDevAddr|fStatus)
	case GroupFormationFailure:
		e.parseFields(args, fReason)
	case GroupStarted:
		e.Group, args = cutSpace(args)
		e.Role, args = cutSpace(args)
		e.parseFields(args, fSSID|fFreq|fPSK|fPassphrase|fGODevAddr|fPersistentFlag|fIPAddr)
	case GroupRemoved:
		e.Group, args = cutSpace(args)
		e.Role, args = cutSpace(args)
		e.parseFields(args, fReason)
	case InvitationReceived, InvitationAccepted:
		e.parseFields(args, fSA|fPersistentID|fFreq|fGODevAddr|fSSID)
	case InvitationResult:
		e.parseFields(args, fStatus, posAddr)
	case WPSRegSuccess:
		e.parseFields(args, 0, posAddr, posUUID)
	case WPSFail:
		e.parseFields(args, fMsg|fConfigError|fReason)
	case WPSEnrolleeSeen:
		e.parseEnrolleeSeen(args)
	case WPSPINNeeded:
		e.parsePINNeeded(args)
	case APStaConnected, APStaDisconnected:
		e.parseFields(args, fP2PDevAddr|fIPAddr, posAddr)
	case Disconnected:
		e.parseFields(args, fBSSID|fReason|fLocallyGenerated)
	case Connected:
		e.parseConnected(args)
	}
	return e
}

// field is a set of key=value fields that one kind accepts. Each parser only
// fills the fields that [Event.String] writes for its kind, which is what
// keeps Parse(e.String()) == e true for every e that Parse returns.
type field uint32

const (
	fP2PDevAddr       field = 1 << iota // p2p_dev_addr=
	fPriDevType                         // pri_dev_type=
	fName                               // name='…' (raw, anchored on "' config_methods=0x")
	fConfigMethods                      // config_methods=0x
	fDevCapab                           // dev_capab=0x
	fGroupCapab                         // group_capab=0x
	fNew                                // new=
	fGroup                              // group=
	fDevPasswdID                        // dev_passwd_id=
	fGOIntent                           // go_intent=
	fRole                               // role=
	fFreq                               // freq=
	fHT40                               // ht40=
	fPeerDev                            // peer_dev=
	fPeerIface                          // peer_iface=
	fWPSMethod                          // wps_method=
	fStatus                             // status= (N/A → -1)
	fReason                             // reason=
	fSSID                               // ssid="…" (printf-escaped)
	fPSK                                // psk=
	fPassphrase                         // passphrase="…" (raw, anchored on `" go_dev_addr=`)
	fGODevAddr                          // go_dev_addr=
	fPersistentFlag                     // [PERSISTENT]
	fPersistentID                       // persistent=<id>
	fSA                                 // sa=
	fIPAddr                             // ip_addr=
	fMsg                                // msg=
	fConfigError                        // config_error=
	fBSSID                              // bssid= (into Addr)
	fLocallyGenerated                   // locally_generated=

	// fDevInfo is the peer description of DEVICE-FOUND and PROV-DISC-*
	// requests (wpas_dev_found, wpas_prov_disc_req).
	fDevInfo = fP2PDevAddr | fPriDevType | fName | fConfigMethods | fDevCapab | fGroupCapab
)

// pos names what a positional (non key=value) token holds.
type pos uint8

const (
	posAddr pos = iota + 1
	posPIN
	posUUID
)

// parseFields walks the space-separated tokens of args. A token with '='
// is a key=value field and is stored if its key is in keys; the first tokens
// without '=' are stored as the positional fields ps in order. A few values
// are not single tokens and are read specially: name='…' (raw, may contain
// quotes and spaces), ssid="…" (escaped) and passphrase="…" (raw).
func (e *Event) parseFields(args string, keys field, ps ...pos) {
	npos := 0
	for len(args) > 0 {
		if args[0] == ' ' {
			args = args[1:]
			continue
		}
		switch {
		case keys&fName != 0 && strings.HasPrefix(args, "name='"):
			e.Name, args = cutName(args[len("name='"):])
			continue
		case keys&fSSID != 0 && strings.HasPrefix(args, `ssid="`):
			v := args[len(`ssid="`):]
			if j := quotedEnd(v); j >= 0 {
				v, args = v[:j], v[j+1:]
			} else {
				args = ""
			}
			e.SSID = UnescapeSSID(v)
			continue
		case keys&fPassphrase != 0 && strings.HasPrefix(args, `passphrase="`):
			e.Passphrase, args = cutPassphrase(args[len(`passphrase="`):])
			continue
		}
		var tok string
		if i := strings.IndexByte(args, ' '); i >= 0 {
			tok, args = args[:i], args[i+1:]
		} else {
			tok, args = args, ""
		}
		k, v, ok := strings.Cut(tok, "=")
		if !ok {
			if keys&fPersistentFlag != 0 && tok == "[PERSISTENT]" {
				e.Persistent = true
				continue
			}
			if npos < len(ps) {
				e.setPos(ps[npos], tok)
				npos++
			}
			continue
		}
		e.setField(keys, k, v)
	}
}

func (e *Event) setPos(p pos, tok string) {
	switch p {
	case posAddr:
		e.Addr = mac(tok)
	case posPIN:
		e.PIN = tok
	case posUUID:
		e.UUID = tok
	}
}

func (e *Event) setField(keys field, k, v string) {
	switch k {
	case "p2p_dev_addr":
		if keys&fP2PDevAddr != 0 {
			e.PeerDev = mac(v)
		}
	case "pri_dev_type":
		if keys&fPriDevType != 0 {
			e.PriDevType = v
		}
	case "config_methods":
		if keys&fConfigMethods != 0 {
			e.ConfigMethods = uint16(hexOr0(v, 0xffff))
		}
	case "dev_capab":
		if keys&fDevCapab != 0 {
			e.DevCapab = uint8(hexOr0(v, 0xff))
		}
	case "group_capab":
		if keys&fGroupCapab != 0 {
			e.GroupCapab = uint8(hexOr0(v, 0xff))
		}
	case "new":
		if keys&fNew != 0 {
			e.New = v == "1"
		}
	case "group":
		if keys&fGroup != 0 {
			e.Group = v
		}
	case "dev_passwd_id":
		if keys&fDevPasswdID != 0 {
			e.DevPasswdID = intOr(v, -1)
		}
	case "go_intent":
		if keys&fGOIntent != 0 {
			e.GOIntent = intOr(v, -1)
		}
	case "role":
		if keys&fRole != 0 {
			e.Role = v
		}
	case "freq":
		if keys&fFreq != 0 {
			e.Freq = intOr(v, 0)
		}
	case "ht40":
		if keys&fHT40 != 0 {
			e.HT40 = v == "1"
		}
	case "peer_dev":
		if keys&fPeerDev != 0 {
			e.PeerDev = mac(v)
		}
	case "peer_iface":
		if keys&fPeerIface != 0 {
			e.PeerIface = mac(v)
		}
	case "wps_method":
		if keys&fWPSMethod != 0 {
			e.WPSMethod = v
		}
	case "status":
		if keys&fStatus != 0 {
			e.Status = intOr(v, -1)
		}
	case "reason":
		if keys&fReason != 0 {
			e.Reason = v
		}
	case "ssid":
		// Only reached for a value that does not start with a quote.
		if keys&fSSID != 0 {
			e.SSID = UnescapeSSID(v)
		}
	case "psk":
		if keys&fPSK != 0 {
			e.PSK = v
		}
	case "passphrase":
		// Only reached for a value that does not start with a quote.
		if keys&fPassphrase != 0 {
			e.Passphrase = v
		}
	case "go_dev_addr":
		if keys&fGODevAddr != 0 {
			e.GODevAddr = mac(v)
		}
	case "persistent":
		if keys&fPersistentID != 0 {
			e.Persistent = true
			e.PersistentID = intOr(v, -1)
		}
	case "sa":
		if keys&fSA != 0 {
			e.Addr = mac(v)
		}
	case "ip_addr":
		if keys&fIPAddr != 0 {
			e.IPAddr = v
		}
	case "msg":
		if keys&fMsg != 0 {
			e.Msg = intOr(v, -1)
		}
	case "config_error":
		if keys&fConfigError != 0 {
			e.ConfigError = intOr(v, -1)
		}
	case "bssid":
		if keys&fBSSID != 0 {
			e.Addr = mac(v)
		}
	case "locally_generated":
		if keys&fLocallyGenerated != 0 {
			e.LocallyGenerated = v == "1"
		}
	}
}

// cutName reads a peer's device name, which wpa_supplicant prints as
// name='%s' without any escaping: the name may contain quotes, spaces and
// text that looks like the fields that follow. The name ends at the last
// "' config_methods=0x" (the field that always follows it), else at the
// last quote, else at the end of s (a truncated datagram).
func cutName(s string) (name, rest string) {
	return cutRaw(s, '\'', "' config_methods=0x")
}

// cutPassphrase reads the raw passphrase="…" of GROUP-STARTED: it ends at
// the last `" go_dev_addr=`, else at the last quote, else at the end of s.
func cutPassphrase(s string) (pass, rest string) {
	return cutRaw(s, '"', `" go_dev_addr=`)
}

// cutRaw splits s at the last occurrence of anchor (which starts with the
// closing quote q), else at the last q, else at its end; the quote itself is
// dropped. Walking back over the quotes with LastIndexByte is much faster
// than strings.LastIndex here: the text after a real value has no quotes,
// so the first candidate is nearly always the anchor.
func cutRaw(s string, q byte, anchor string) (val, rest string) {
	last := -1
	for end := len(s); end > 0; {
		i := strings.LastIndexByte(s[:end], q)
		if i < 0 {
			break
		}
		if last < 0 {
			last = i
		}
		if strings.HasPrefix(s[i:], anchor) {
			return s[:i], s[i+1:]
		}
		end = i
	}
	if last >= 0 {
		return s[:last], s[last+1:]
	}
	return s, ""
}

// cutSpace splits s at its first space: exactly one separator is removed, so
// an empty field between two spaces stays an empty field.
func cutSpace(s string) (tok, rest string) {
	if i := strings.IndexByte(s, ' '); i >= 0 {
		return s[:i], s[i+1:]
	}
	return s, ""
}

// parseEnrolleeSeen reads WPS-ENROLLEE-SEEN (hostapd_wps_event_cb /
// wps_hostapd.c: MACSTR " %s %s 0x%x %u %u [%s]"): addr, UUID-E, primary
// device type, config methods, device password ID, request type and the
// raw WPS device name in brackets, which may itself contain ']' and spaces.
func (e *Event) parseEnrolleeSeen(args string) {
	var tok string
	tok, args = cutSpace(args)
	e.Addr = mac(tok)
	e.UUID, args = cutSpace(args)
	e.PriDevType, args = cutSpace(args)
	tok, args = cutSpace(args)
	e.ConfigMethods = uint16(hexOr0(tok, 0xffff))
	tok, args = cutSpace(args)
	e.DevPasswdID = intOr(tok, -1)
	tok, args = cutSpace(args)
	e.RequestType = intOr(tok, 0)
	if strings.HasPrefix(args, "[") {
		e.Name = strings.TrimSuffix(args[1:], "]")
	}
}

// parsePINNeeded reads WPS-PIN-NEEDED ("%s " MACSTR " [%s|%s|%s|%s|%s|%s]"):
// UUID-E, addr, then device name, manufacturer, model name, model number,
// serial number and primary device type. The WPS strings are raw and may
// contain '|', so only the first (Name, up to the first '|') and the last
// (PriDevType, after the last '|') are taken; the rest stays in Raw.
func (e *Event) parsePINNeeded(args string) {
	var tok string
	e.UUID, args = cutSpace(args)
	tok, args = cutSpace(args)
	e.Addr = mac(tok)
	if !strings.HasPrefix(args, "[") {
		return
	}
	in := strings.TrimSuffix(args[1:], "]")
	if i := strings.IndexByte(in, '|'); i >= 0 {
		e.Name = in[:i]
		e.PriDevType = in[strings.LastIndexByte(in, '|')+1:]
	} else {
		e.Name = in
	}
}

// parseConnected reads CTRL-EVENT-CONNECTED ("- Connection to " MACSTR
// " completed [id=%d id_str=%s]"): Addr is the first token that is a MAC.
func (e *Event) parseConnected(args string) {
	for len(args) > 0 {
		var tok string
		tok, args = cutSpace(args)
		if m, err := ParseMAC(tok); err == nil {
			e.Addr = m
			return
		}
	}
}

// mac parses a MAC address; a malformed one gives the zero MAC.
func mac(s string) MAC {
	m, _ := ParseMAC(s)
	return m
}

// intOr parses a decimal integer with an optional '-' sign, as printed by
// %d or %u. Anything else (empty, "N/A", overflow) gives def.
func intOr(s string, def int) int {
	neg := false
	if len(s) > 0 && s[0] == '-' {
		neg, s = true, s[1:]
	}
	if len(s) == 0 || len(s) > 18 {
		return def
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return def
		}
		n = n*10 + int(c-'0')
	}
	if neg {
		return -n
	}
	return n
}

// hexOr0 parses a hex number with an optional 0x prefix, as printed by
// 0x%x. Anything else, or a value above max, gives 0.
func hexOr0(s string, max uint32) uint32 {
	if len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		s = s[2:]
	}
	if len(s) == 0 {
		return 0
	}
	var n uint32
	for i := 0; i < len(s); i++ {
		d, ok := unhex(s[i])
		if !ok {
			return 0
		}
		n = n<<4 | uint32(d)
		if n > max {
			return 0
		}
	}
	return n
}
