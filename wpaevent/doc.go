// Package wpaevent turns the text that wpa_supplicant sends on its control
// sockets into typed values: unsolicited events ("<3>P2P-GROUP-STARTED …")
// with [Parse], and command replies (LIST_NETWORKS, INTERFACES, STATUS,
// P2P_PEER, STA, GET_NETWORK) with the Parse* reply functions.
//
// The package is pure: no I/O, no goroutines, no global state. It does not
// talk to wpa_supplicant (that is package wpactrl) and it does not decide
// anything (that is internal/p2p). [Parse] never fails and never panics; a
// datagram it does not know becomes Kind Unknown with its text in Raw.
//
// # Formats followed
//
// The formats are those of wpa_supplicant 2.10 (hostap commit cff80b4f,
// Debian 2:2.10-12+deb12u3), read from its source and checked against
// traces recorded in a mac80211_hwsim lab (testdata/traces):
//
//   - event names: src/common/wpa_ctrl.h
//   - P2P events: wpa_supplicant/p2p_supplicant.c (wpas_dev_found,
//     wpas_go_neg_req_rx, wpas_go_neg_completed, wpas_p2p_group_started,
//     wpas_p2p_group_delete, wpas_prov_disc_req, wpas_invitation_*)
//   - WPS registrar and AP events: src/ap/wps_hostapd.c, src/ap/sta_info.c,
//     src/ap/wpa_auth.c
//   - SSID escaping: wpa_ssid_txt → printf_encode / printf_decode in
//     src/utils/common.c ([UnescapeSSID], [EscapeSSID])
//   - replies: wpa_supplicant/ctrl_iface.c, src/ap/ctrl_iface_ap.c,
//     src/p2p/p2p.c (p2p_get_peer_info_txt)
//
// Later releases append key=value fields to several events; unknown fields
// are ignored.
//
// # Peer-supplied strings
//
// wpa_supplicant does not escape a peer's device name (name='…' of
// P2P-DEVICE-FOUND and P2P-PROV-DISC-*, device_name= of P2P_PEER) nor the
// WPS strings (the [name] of WPS-ENROLLEE-SEEN, manufacturer=, …). They can
// contain quotes, brackets, text that looks like the fields around them,
// invalid UTF-8 and, from the WPS fallback, newlines. The parsers anchor on
// the fixed field that follows such a string and search for it from the
// right, so a hostile name cannot forge the fields after it; the name itself
// is kept byte for byte. Treat it as data: log it as a slog attribute, never
// put it in a shell command.
//
// # Round trip
//
// [Event.String] prints an event in wpa_supplicant's format, and for every
// event that Parse returns with a known Kind, Parse(e.String()) gives e back
// (except Raw, Level and Iface, which [Event.Datagram] adds). The fuzz
// target FuzzParse checks this property.
package wpaevent
