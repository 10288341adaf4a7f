package wpaevent

import "strconv"

// String formats e the way wpa_supplicant 2.10 prints the event, without
// the "IFNAME=" and "<N>" prefixes (see [Event.Datagram]). Only the fields
// that the kind's format carries are written; fields wpa_supplicant prints
// but Event does not keep (ht40 is kept, id_str or keyid are not) are left
// out. Argument-less events end in a space, as wpa_supplicant sends them.
// For Unknown (and out-of-range kinds) String returns Raw.
//
// For every e returned by [Parse] with a known Kind, Parse(e.String())
// equals e except for Raw, Level and Iface. Hand-built events round-trip
// too as long as their strings fit the format (no spaces in single-token
// fields; a WPS-PIN-NEEDED Name without '|').
func (e Event) String() string {
	if e.Kind == Unknown || e.Kind >= numKinds {
		return e.Raw
	}
	return string(e.appendText(make([]byte, 0, 160)))
}

// Datagram formats e as the full datagram wpa_supplicant sends to a
// monitor: "IFNAME=<Iface> " if Iface is set, "<Level>" if Level ≥ 0, then
// [Event.String]. It is what a fake wpa_supplicant replays.
func (e Event) Datagram() string {
	b := make([]byte, 0, 192)
	if e.Iface != "" {
		b = append(b, "IFNAME="...)
		b = append(b, e.Iface...)
		b = append(b, ' ')
	}
	if e.Level >= 0 {
		b = append(b, '<')
		b = strconv.AppendInt(b, int64(e.Level), 10)
		b = append(b, '>')
	}
	if e.Kind == Unknown || e.Kind >= numKinds {
		return string(append(b, e.Raw...))
	}
	return string(e.appendText(b))
}

// wpsErrorIndication names the WPS error indications of WPS-FAIL
// (wps_ei_str in src/wps/wps_common.c).
var wpsErrorIndication = [...]string{"No Error", "TKIP Only Prohibited", "WEP Prohibited", "Device Password Auth Failure"}

func (e *Event) appendText(b []byte) []byte {
	b = append(b, kindNames[e.Kind]...)
	b = append(b, ' ')
	switch e.Kind {
	case DeviceFound:
		b = appendMAC(b, e.Addr)
		b = e.appendDevInfo(b)
		b = append(b, " new="...)
		b = appendBool(b, e.New)
	case ProvDiscPBCReq, ProvDiscEnterPIN, ProvDiscShowPIN:
		b = appendMAC(b, e.Addr)
		if e.Kind == ProvDiscShowPIN && e.PIN != "" {
			b = append(b, ' ')
			b = append(b, e.PIN...)
		}
		// A PD response carries only the address (and PIN): write the
		// peer description only when there is one.
		if !e.PeerDev.IsZero() || e.PriDevType != "" || e.Name != "" || e.ConfigMethods != 0 || e.DevCapab != 0 || e.GroupCapab != 0 {
			b = e.appendDevInfo(b)
		}
		if e.Group != "" {
			b = append(b, " group="...)
			b = append(b, e.Group...)
		}
	case ProvDiscPBCResp, FourWayHSCompleted, APStaPossiblePSKMismatch:
		b = appendMAC(b, e.Addr)
	case EAPStarted:
		if !e.Addr.IsZero() { // a station's own copy names nobody
			b = appendMAC(b, e.Addr)
		}
	case DeviceLost:
		b = append(b, "p2p_dev_addr="...)
		b = appendMAC(b, e.PeerDev)
	case GONegRequest:
		b = appendMAC(b, e.Addr)
		b = append(b, " dev_passwd_id="...)
		b = strconv.AppendInt(b, int64(e.DevPasswdID), 10)
		b = append(b, " go_intent="...)
		b = strconv.AppendInt(b, int64(e.GOIntent), 10)
	case GONegSuccess:
		b = append(b, "role="...)
		b = append(b, e.Role...)
		b = append(b, " freq="...)
		b = strconv.AppendInt(b, int64(e.Freq), 10)
		b = append(b, " ht40="...)
		b = appendBool(b, e.HT40)
		b = append(b, " peer_dev="...)
		b = appendMAC(b, e.PeerDev)
		b = append(b, " peer_iface="...)
		b = appendMAC(b, e.PeerIface)
		b = append(b, " wps_method="...)
		b = append(b, e.WPSMethod...)
	case GONegFailure:
		b = append(b, "status="...)
		b = strconv.AppendInt(b, int64(e.Status), 10)
	case ProvDiscFailure:
		b = append(b, "p2p_dev_addr="...)
		b = appendMAC(b, e.PeerDev)
		b = append(b, " status="...)
		if e.Status < 0 {
			b = append(b, "N/A"...)
		} else {
			b = strconv.AppendInt(b, int64(e.Status), 10)
		}
	case GroupFormationFailure:
		if e.Reason != "" {
			b = append(b, "reason="...)
			b = append(b, e.Reason...)
		}
	case GroupStarted:
		b = append(b, e.Group...)
		b = append(b, ' ')
		b = append(b, e.Role...)
		b = append(b, ` ssid="`...)
		b = appendEscapedSSID(b, e.SSID)
		b = append(b, `" freq=`...)
		b = strconv.AppendInt(b, int64(e.Freq), 10)
		if e.PSK != "" {
			b = append(b, " psk="...)
			b = append(b, e.PSK...)
		}
		if e.Passphrase != "" {
			b = append(b, ` passphrase="`...)
			b = append(b, e.Passphrase...)
			b = append(b, '"')
		}
		b = append(b, " go_dev_addr="...)
		b = appendMAC(b, e.GODevAddr)
		if e.Persistent {
			b = append(b, " [PERSISTENT]"...)
		}
		if e.IPAddr != "" {
			b = append(b, " ip_addr="...)
			b = append(b, e.IPAddr...)
		}
	case GroupRemoved:
		b = append(b, e.Group...)
		b = append(b, ' ')
		b = append(b, e.Role...)
		if e.Reason != "" {
			b = append(b, " reason="...)
			b = append(b, e.Reason...)
		}
	case InvitationReceived, InvitationAccepted:
		b = append(b, "sa="...)
		b = appendMAC(b, e.Addr)
		if e.Persistent {
			b = append(b, " persistent="...)
			b = strconv.AppendInt(b, int64(e.PersistentID), 10)
		} else if !e.GODevAddr.IsZero() {
			b = append(b, " go_dev_addr="...)
			b = appendMAC(b, e.GODevAddr)
		}
		if e.Freq != 0 {
			b = append(b, " freq="...)
			b = strconv.AppendInt(b, int64(e.Freq), 10)
		}
		if !e.Persistent {
			b = append(b, " unknown-network"...)
		}
		if e.SSID != "" {
			b = append(b, ` ssid="`...)
			b = appendEscapedSSID(b, e.SSID)
			b = append(b, '"')
		}
		if e.Persistent && !e.GODevAddr.IsZero() {
			b = append(b, " go_dev_addr="...)
			b = appendMAC(b, e.GODevAddr)
		}
	case InvitationResult:
		b = append(b, "status="...)
		b = strconv.AppendInt(b, int64(e.Status), 10)
		b = append(b, ' ')
		if !e.Addr.IsZero() {
			b = appendMAC(b, e.Addr)
		}
	case WPSRegSuccess:
		b = appendMAC(b, e.Addr)
		b = append(b, ' ')
		b = append(b, e.UUID...)
	case WPSFail:
		b = append(b, "msg="...)
		b = strconv.AppendInt(b, int64(e.Msg), 10)
		b = append(b, " config_error="...)
		b = strconv.AppendInt(b, int64(e.ConfigError), 10)
		if e.Reason != "" {
			b = append(b, " reason="...)
			b = append(b, e.Reason...)
			desc := "Unknown"
			if n := intOr(e.Reason, -1); n >= 0 && n < len(wpsErrorIndication) {
				desc = wpsErrorIndication[n]
			}
			b = append(b, " ("...)
			b = append(b, desc...)
			b = append(b, ')')
		}
	case WPSEnrolleeSeen:
		b = appendMAC(b, e.Addr)
		b = append(b, ' ')
		b = append(b, e.UUID...)
		b = append(b, ' ')
		b = append(b, e.PriDevType...)
		b = append(b, " 0x"...)
		b = strconv.AppendUint(b, uint64(e.ConfigMethods), 16)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(e.DevPasswdID), 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(e.RequestType), 10)
		b = append(b, " ["...)
		b = append(b, e.Name...)
		b = append(b, ']')
	case WPSPINNeeded:
		b = append(b, e.UUID...)
		b = append(b, ' ')
		b = appendMAC(b, e.Addr)
		b = append(b, " ["...)
		b = append(b, e.Name...)
		b = append(b, "|||||"...)
		b = append(b, e.PriDevType...)
		b = append(b, ']')
	case APStaConnected, APStaDisconnected:
		b = appendMAC(b, e.Addr)
		if !e.PeerDev.IsZero() {
			b = append(b, " p2p_dev_addr="...)
			b = appendMAC(b, e.PeerDev)
		}
		if e.IPAddr != "" {
			b = append(b, " ip_addr="...)
			b = append(b, e.IPAddr...)
		}
	case Disconnected:
		b = append(b, "bssid="...)
		b = appendMAC(b, e.Addr)
		b = append(b, " reason="...)
		b = append(b, e.Reason...)
		if e.LocallyGenerated {
			b = append(b, " locally_generated=1"...)
		}
	case Connected:
		b = append(b, "- Connection to "...)
		b = appendMAC(b, e.Addr)
		b = append(b, " completed"...)
	}
	return b
}

// appendDevInfo writes the peer description shared by DEVICE-FOUND and the
// PROV-DISC-* requests.
func (e *Event) appendDevInfo(b []byte) []byte {
	b = append(b, " p2p_dev_addr="...)
	b = appendMAC(b, e.PeerDev)
	b = append(b, " pri_dev_type="...)
	b = append(b, e.PriDevType...)
	b = append(b, " name='"...)
	b = append(b, e.Name...)
	b = append(b, "' config_methods=0x"...)
	b = strconv.AppendUint(b, uint64(e.ConfigMethods), 16)
	b = append(b, " dev_capab=0x"...)
	b = strconv.AppendUint(b, uint64(e.DevCapab), 16)
	b = append(b, " group_capab=0x"...)
	b = strconv.AppendUint(b, uint64(e.GroupCapab), 16)
	return b
}

func appendMAC(b []byte, m MAC) []byte {
	const hexdig = "0123456789abcdef"
	for i, v := range m {
		if i > 0 {
			b = append(b, ':')
		}
		b = append(b, hexdig[v>>4], hexdig[v&0xf])
	}
	return b
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, '1')
	}
	return append(b, '0')
}
