package p2p

import (
	"slices"
	"strings"
	"testing"
)

// A phone that left a negotiated group is authorised ahead (P2P_CONNECT
// … auth) when the group is gone, so that its next negotiation is answered
// at once: only when the group was not persistent. A phone that left a
// persistent group comes back by re-invoking it, and an authorised
// persistent negotiation made wpa_supplicant bring the group straight back
// up with nobody in it (lab 18, commit 7f496d6).
func TestPreauthoriseOnlyWhoLeftANonPersistentGroup(t *testing.T) {
	stored := map[string]string{
		"LIST_NETWORKS":       "network id / ssid / bssid / flags\n0\tDIRECT-PP\t42:00:00:00:00:00\t[DISABLED][P2P-PERSISTENT]\n",
		"GET_NETWORK 0 mode":  "3",
		"GET_NETWORK 0 bssid": "42:00:00:00:00:00",
	}
	none := map[string]string{"LIST_NETWORKS": "network id / ssid / bssid / flags\n"}
	for _, tc := range []struct {
		name     string
		yml      string
		replies  map[string]string // of the start
		started  string            // the P2P-GROUP-STARTED line
		phones   []string          // that join and leave, in order
		wantAuth []string          // the P2P_CONNECT … auth sent once the group is gone
	}{
		{"negotiated, not persistent: the phone is authorised ahead",
			"activate_persistent_group: false\ndynamic_group: true", none, groupStartedLine,
			[]string{phoneA}, []string{"P2P_CONNECT " + phoneA + " pbc auth go_intent=15"}},
		{"negotiated, not persistent, two phones: the last to leave (its leaving removed the group)",
			"activate_persistent_group: false\ndynamic_group: true", none, groupStartedLine,
			[]string{phoneA, phoneB}, []string{"P2P_CONNECT " + phoneB + " pbc auth go_intent=15"}},
		{"negotiated persistent, a stored group: no authorisation",
			"activate_persistent_group: false\ndynamic_group: true\nnegotiated_persistent: true", stored,
			`P2P-GROUP-STARTED p2p-wlan0-0 GO ssid="DIRECT-PP" freq=2437 passphrase="28GwK432" go_dev_addr=42:00:00:00:00:00 [PERSISTENT]`,
			[]string{phoneA}, nil},
		{"negotiated persistent, two phones: neither",
			"activate_persistent_group: false\ndynamic_group: true\nnegotiated_persistent: true", stored,
			`P2P-GROUP-STARTED p2p-wlan0-0 GO ssid="DIRECT-PP" freq=2437 passphrase="28GwK432" go_dev_addr=42:00:00:00:00:00 [PERSISTENT]`,
			[]string{phoneA, phoneB}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := New(cfgFor(t, "pbc_in_use: true\n"+tc.yml), nil, nil)
			drive(s, s.Start(t0), tc.replies, t0)
			in := func(src, line string) []string {
				return drive(s, s.HandleEvent(src, ev(line), t0), tc.replies, t0)
			}
			first := tc.phones[0]
			if got := in("p2p-dev-wlan0", "P2P-GO-NEG-REQUEST "+first+" dev_passwd_id=4 go_intent=6"); !slices.ContainsFunc(got, func(c string) bool { return strings.HasPrefix(c, ":P2P_CONNECT "+first+" pbc") }) {
				t.Fatalf("negotiation not answered: %q", got)
			}
			in("p2p-dev-wlan0", "P2P-GO-NEG-SUCCESS role=GO freq=2437 ht40=0 peer_dev="+first+" peer_iface="+staA+" wps_method=PBC")
			in("p2p-dev-wlan0", tc.started)
			stas := map[string]string{phoneA: staA, phoneB: staB}
			for i, p := range tc.phones {
				if i > 0 { // it joins the running group by push button
					in("p2p-dev-wlan0", "P2P-PROV-DISC-PBC-REQ "+p+" p2p_dev_addr="+p+" pri_dev_type=1-0050F204-1 name='p' config_methods=0x188 dev_capab=0x25 group_capab=0x0 group=p2p-wlan0-0")
				}
				in("p2p-wlan0-0", "AP-STA-CONNECTED "+stas[p]+" p2p_dev_addr="+p)
			}
			if n := len(s.clients); n != len(tc.phones) {
				t.Fatalf("%d clients, want %d", n, len(tc.phones))
			}
			for _, p := range tc.phones {
				in("p2p-wlan0-0", "AP-STA-DISCONNECTED "+stas[p]+" p2p_dev_addr="+p)
			}
			var auth []string
			for _, c := range in("p2p-dev-wlan0", "P2P-GROUP-REMOVED p2p-wlan0-0 GO reason=REQUESTED") {
				if strings.Contains(c, " auth") {
					auth = append(auth, strings.TrimPrefix(c, ":"))
				}
			}
			if !slices.Equal(auth, tc.wantAuth) {
				t.Errorf("after the group: authorised %q, want %q", auth, tc.wantAuth)
			}
			if got, want := s.counters["preauthorised"], uint64(len(tc.wantAuth)); got != want {
				t.Errorf("preauthorised = %d, want %d", got, want)
			}
			if s.State() != "idle" {
				t.Errorf("state %s, want idle", s.State())
			}
		})
	}
}
