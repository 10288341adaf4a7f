package wpatest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

const (
	replyOK      = "OK\n"
	replyFail    = "FAIL\n"
	replyUnknown = "UNKNOWN COMMAND\n"
)

// model is the default behaviour: a small P2P GO model of wpa_supplicant
// 2.10. It runs with procMu held and s.mu not held.
func (s *Server) model(name, cmd string) (string, func()) {
	word, args, _ := strings.Cut(cmd, " ")

	s.mu.Lock()
	global := s.global != nil && name == s.globalName
	var group bool
	if f := s.findLocked(name); f != nil {
		group = f.group
	}
	s.mu.Unlock()

	if global {
		switch word {
		case "PING":
			return "PONG\n", nil
		case "INTERFACES":
			return s.interfaces(args), nil
		case "INTERFACE_LIST":
			return "", nil
		case "STATUS":
			return s.globalStatus(), nil
		case "SAVE_CONFIG":
			return replyOK, nil
		case "TERMINATE":
			return replyOK, s.Terminate
		}
		return replyUnknown, nil
	}

	switch word {
	case "PING":
		return "PONG\n", nil
	case "IFNAME":
		return name, nil
	case "INTERFACES":
		return s.interfaces(args), nil
	case "STATUS":
		return s.status(name), nil
	case "P2P_FIND":
		s.mu.Lock()
		s.finding = true
		s.mu.Unlock()
		return replyOK, nil
	case "P2P_STOP_FIND":
		s.mu.Lock()
		was := s.finding
		s.finding = false
		s.mu.Unlock()
		if was {
			s.Emit(s.dev, "P2P-FIND-STOPPED ")
		}
		return replyOK, nil
	case "P2P_LISTEN", "P2P_SET", "WPS_CANCEL", "P2P_INVITE", "P2P_PROV_DISC",
		"P2P_REMOVE_CLIENT", "DEAUTHENTICATE", "DISASSOCIATE", "SAVE_CONFIG":
		return replyOK, nil
	case "P2P_CONNECT":
		if f := strings.Fields(args); len(f) >= 2 && f[1] == "pin" {
			return GeneratedPIN, nil
		}
		return replyOK, nil
	case "P2P_CANCEL", "P2P_PEER", "STA":
		return replyFail, nil
	case "WPS_PBC":
		if group {
			s.Emit(name, "WPS-PBC-ACTIVE ")
		}
		return replyOK, nil
	case "WPS_PIN":
		f := strings.Fields(args)
		switch {
		case len(f) == 0:
			return replyFail, nil
		case f[0] == "get" || len(f) == 1:
			return GeneratedPIN, nil
		}
		return f[1], nil
	case "SET":
		key, value, ok := strings.Cut(args, " ")
		if !ok || key == "" || key == "device_name" && len(value) > 32 {
			return replyFail, nil
		}
		s.SetVar(key, value)
		return replyOK, nil
	case "GET":
		s.mu.Lock()
		v, ok := s.vars[args]
		s.mu.Unlock()
		if !ok {
			return replyFail, nil
		}
		return v, nil
	case "LIST_NETWORKS":
		return s.listNetworks(), nil
	case "GET_NETWORK":
		return s.getNetwork(args), nil
	case "REMOVE_NETWORK":
		return s.removeNetwork(args), nil
	case "P2P_GROUP_ADD":
		return s.groupAdd(args)
	case "P2P_GROUP_REMOVE":
		return s.groupRemove(args), nil
	case "STA-FIRST", "STA-NEXT":
		if group {
			return "", nil // no stations: an empty datagram
		}
		return replyFail, nil
	case "P2P_SERVICE_ADD", "P2P_SERVICE_DEL", "P2P_SERVICE_FLUSH":
		return s.service(word, args), nil
	case "P2P_GET_PASSPHRASE":
		if group {
			return Passphrase, nil
		}
		return replyFail, nil
	}
	return replyUnknown, nil
}

// interfaces answers INTERFACES [ctrl]: newest interface first.
func (s *Server) interfaces(args string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	for _, f := range slices.Backward(s.ifaces) {
		if args == "ctrl" {
			fmt.Fprintf(&b, "%s ctrl_iface=DIR=%s\n", f.name, s.dir)
		} else {
			b.WriteString(f.name + "\n")
		}
	}
	return b.String()
}

func (s *Server) globalStatus() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	state := "IDLE"
	if s.finding {
		state = "SEARCH"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "p2p_device_address=%s\np2p_state=%s\nwifi_display=1\n", DeviceAddress, state)
	for _, f := range slices.Backward(s.ifaces) {
		fmt.Fprintf(&b, "ifname=%s\naddress=%s\n", f.name, s.addressLocked(f))
	}
	return b.String()
}

func (s *Server) status(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.findLocked(name)
	if f == nil {
		return replyFail
	}
	addr := s.addressLocked(f)
	if f.group {
		return fmt.Sprintf("bssid=%s\nfreq=%d\nssid=%s\nid=0\nmode=P2P GO\npairwise_cipher=CCMP\n"+
			"group_cipher=CCMP\nkey_mgmt=WPA2-PSK\nwpa_state=COMPLETED\np2p_device_address=%s\n"+
			"address=%s\nuuid=%s\n", addr, f.freq, f.ssid, DeviceAddress, addr, uuid)
	}
	return fmt.Sprintf("wpa_state=DISCONNECTED\np2p_device_address=%s\naddress=%s\nuuid=%s\n",
		DeviceAddress, addr, uuid)
}

// addressLocked invents stable MAC addresses: the P2P device has
// DeviceAddress, group N has 46:…, 4a:…, and other interfaces 02:00:…:0i.
func (s *Server) addressLocked(f *iface) string {
	switch {
	case f.name == s.dev:
		return DeviceAddress
	case f.group:
		return fmt.Sprintf("%02x:00:00:00:00:00", (0x46+4*f.index)&0xfe)
	}
	return fmt.Sprintf("02:00:00:00:00:%02x", slices.Index(s.base, f.name)&0xff)
}

func (s *Server) listNetworks() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	b.WriteString("network id / ssid / bssid / flags\n")
	for _, n := range s.networks {
		bssid := n.BSSID
		if bssid == "" {
			bssid = "any"
		}
		fmt.Fprintf(&b, "%d\t%s\t%s\t%s\n", n.ID, n.SSID, bssid, n.Flags)
	}
	return b.String()
}

func (s *Server) networkLocked(idStr string) (int, bool) {
	id, err := strconv.Atoi(idStr)
	if err != nil {
		return -1, false
	}
	i := slices.IndexFunc(s.networks, func(n Network) bool { return n.ID == id })
	return i, i >= 0
}

// getNetwork answers GET_NETWORK <id> <field>: bare values, no newline.
func (s *Server) getNetwork(args string) string {
	idStr, field, _ := strings.Cut(args, " ")
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.networkLocked(idStr)
	if !ok {
		return replyFail
	}
	n := s.networks[i]
	switch field {
	case "ssid":
		for _, c := range []byte(n.SSID) {
			if c < 0x20 || c > 0x7e {
				return fmt.Sprintf("%x", n.SSID)
			}
		}
		return `"` + n.SSID + `"`
	case "bssid":
		if n.BSSID == "" {
			return replyFail
		}
		return n.BSSID
	case "mode":
		return strconv.Itoa(n.Mode)
	case "disabled":
		return strconv.Itoa(n.Disabled)
	case "psk":
		return "*"
	}
	return replyFail
}

func (s *Server) removeNetwork(args string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if args == "all" {
		s.networks = nil
		return replyOK
	}
	i, ok := s.networkLocked(args)
	if !ok {
		return replyFail
	}
	s.networks = slices.Delete(s.networks, i, i+1)
	return replyOK
}

// groupName derives the name of group n from the P2P device's name.
func (s *Server) groupName(n int) string {
	base := strings.TrimPrefix(s.dev, "p2p-dev-")
	return "p2p-" + base + "-" + strconv.Itoa(n)
}

// groupAdd answers P2P_GROUP_ADD: the group socket appears before the OK,
// and P2P-GROUP-STARTED follows it.
func (s *Server) groupAdd(args string) (string, func()) {
	persistent, netID, freq := false, -1, DefaultFreq
	for _, tok := range strings.Fields(args) {
		key, val, hasVal := strings.Cut(tok, "=")
		switch {
		case tok == "persistent":
			persistent = true
		case key == "persistent" && hasVal:
			id, err := strconv.Atoi(val)
			if err != nil || id < 0 {
				return replyFail, nil
			}
			persistent, netID = true, id
		case key == "freq" && hasVal:
			v, err := strconv.Atoi(val)
			if err != nil {
				return replyFail, nil
			}
			switch v {
			case 2:
				v = 2437
			case 5:
				v = 5180
			}
			freq = v
		case key == "freq2" && hasVal, key == "max_oper_chwidth" && hasVal,
			slices.Contains([]string{"ht40", "vht", "he", "edmg", "allow_6ghz"}, tok):
		default:
			return replyFail, nil
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	ssid := SSID
	if netID >= 0 {
		i, ok := s.networkLocked(strconv.Itoa(netID))
		if !ok || s.networks[i].Mode != 3 || s.networks[i].Disabled != 2 {
			return replyFail, nil
		}
		ssid = s.networks[i].SSID
	}
	index := s.groupSeq
	name := s.groupName(index)
	s.groupSeq++
	late := s.groupSockIn
	if err := s.addIfaceSockLocked(name, true, late <= 0); err != nil {
		return replyFail, nil
	}
	if late > 0 {
		time.AfterFunc(late, func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.openLateLocked(name)
		})
	}
	f := s.findLocked(name)
	f.freq, f.ssid, f.index = freq, ssid, index
	if persistent && netID < 0 {
		id := 0
		if len(s.networks) > 0 {
			id = s.networks[len(s.networks)-1].ID + 1
		}
		s.addNetworkLocked(Network{ID: id, SSID: ssid, BSSID: DeviceAddress,
			Flags: "[DISABLED][P2P-PERSISTENT]", Mode: 3, Disabled: 2})
	}
	ev := fmt.Sprintf(`P2P-GROUP-STARTED %s GO ssid="%s" freq=%d passphrase="%s" go_dev_addr=%s`,
		name, ssid, freq, Passphrase, DeviceAddress)
	if persistent {
		ev += " [PERSISTENT]"
	}
	if d := s.groupUpIn; d > 0 {
		return replyOK, func() { time.AfterFunc(d, func() { s.Emit(s.dev, ev) }) }
	}
	return replyOK, func() { s.Emit(s.dev, ev) }
}

// groupRemove answers P2P_GROUP_REMOVE <ifname>|*: P2P-GROUP-REMOVED comes
// before the OK, and the group socket goes away.
func (s *Server) groupRemove(args string) string {
	var names []string
	s.mu.Lock()
	for _, f := range slices.Backward(s.ifaces) {
		if f.group && (args == "*" || f.name == args) {
			names = append(names, f.name)
		}
	}
	s.mu.Unlock()
	if len(names) == 0 && args != "*" {
		return replyFail
	}
	for _, g := range names {
		s.Emit(s.dev, "P2P-GROUP-REMOVED "+g+" GO reason=REQUESTED")
		_ = s.RemoveIface(g)
	}
	return replyOK
}

// service models wpa_supplicant 2.10's local service table:
// P2P_SERVICE_ADD bonjour <query hex> <rdata hex> (an existing query's
// RDATA is replaced) and upnp <version hex> <service>, P2P_SERVICE_DEL of
// an entry (FAIL when absent), P2P_SERVICE_FLUSH.
func (s *Server) service(word, args string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if word == "P2P_SERVICE_FLUSH" {
		s.services = nil
		return replyOK
	}
	kind, rest, _ := strings.Cut(args, " ")
	var key, value string
	switch kind {
	case "bonjour":
		q, r, _ := strings.Cut(rest, " ")
		if !isHex(q) || q == "" || word == "P2P_SERVICE_ADD" && (!isHex(r) || r == "") {
			return replyFail
		}
		key, value = "bonjour "+strings.ToLower(q), strings.ToLower(r)
	case "upnp":
		v, svc, ok := strings.Cut(rest, " ")
		if _, err := strconv.ParseUint(v, 16, 8); err != nil || !ok || svc == "" {
			return replyFail
		}
		key = "upnp " + v + " " + svc
	default:
		return replyFail
	}
	i := slices.IndexFunc(s.services, func(e string) bool { return e == key || strings.HasPrefix(e, key+" ") && kind == "bonjour" })
	switch word {
	case "P2P_SERVICE_ADD":
		e := key
		if value != "" {
			e += " " + value
		}
		if i >= 0 {
			s.services[i] = e
		} else {
			s.services = append(s.services, e)
		}
	case "P2P_SERVICE_DEL":
		if i < 0 {
			return replyFail
		}
		s.services = slices.Delete(s.services, i, i+1)
	}
	return replyOK
}

func isHex(h string) bool {
	if len(h)%2 != 0 {
		return false
	}
	for _, c := range h {
		if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return false
		}
	}
	return true
}
