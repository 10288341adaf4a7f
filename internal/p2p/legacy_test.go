package p2p

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hostp2pd/hostp2pd/internal/status"
	"github.com/hostp2pd/hostp2pd/wpaevent"
)

// legacySta is an iPhone's (randomised, locally administered) MAC address.
const legacySta = "02:11:22:33:44:55"

// A legacy station's association: AP-STA-CONNECTED without p2p_dev_addr=
// (wpa_supplicant adds it only for stations that sent a P2P IE).
func legacyConn(sta string) input { return grpEvent("AP-STA-CONNECTED " + sta) }
func legacyDisc(sta string) input { return grpEvent("AP-STA-DISCONNECTED " + sta) }

// TestLegacyStation_IsAClient: a station that joins with the passphrase
// is a client named "legacy", known by its interface address, with hooks.
func TestLegacyStation_IsAClient(t *testing.T) {
	s := upAutonomous(t, "pbc_in_use: true\nrun_program: /bin/hook")
	run(t, s, []step{
		{in: legacyConn(legacySta), want: []Action{stopEmpty, hook("connect", legacySta, "legacy", "p2p-wlan0-0")}},
		{in: legacyConn(legacySta)}, // the copy from the other socket
	})
	var st status.Status
	s.Snapshot(&st, func(wpaevent.MAC) string { return "192.168.49.7" })
	want := []status.Client{{IfaceAddr: legacySta, Name: "legacy", IP: "192.168.49.7", Method: "legacy", Joined: t0}}
	if diff := cmp.Diff(want, st.Clients); diff != "" {
		t.Errorf("clients (-want +got):\n%s", diff)
	}
	if s.counters["legacy_connected"] != 1 || s.counters["clients_connected"] != 1 {
		t.Errorf("counters %v, want legacy_connected and clients_connected 1", s.counters)
	}
	run(t, s, []step{{in: legacyDisc(legacySta), at: time.Second, want: []Action{hook("disconnect", legacySta, "legacy", "p2p-wlan0-0")}}})
	if s.Snapshot(&st, nil); len(st.Clients) != 0 {
		t.Errorf("clients after AP-STA-DISCONNECTED: %+v", st.Clients)
	}
}

// TestLegacyStation_MACListsApply: allow_macs and deny_macs match a legacy
// station's interface address, its only address.
func TestLegacyStation_MACListsApply(t *testing.T) {
	deauth := grpCmd("DEAUTHENTICATE "+legacySta, TagNone)
	for _, tt := range []struct {
		name, yml string
		want      []Action
	}{
		{"denied", "deny_macs: [\"" + legacySta + "\"]", []Action{deauth}},
		{"not allowed", "allow_macs: [\"" + phoneA + "\"]", []Action{deauth}},
		{"allowed", "allow_macs: [\"" + phoneA + "\", \"" + legacySta + "\"]", []Action{stopEmpty}},
		{"other denied", "deny_macs: [\"" + phoneA + "\"]", []Action{stopEmpty}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := upAutonomous(t, "pbc_in_use: true\n"+tt.yml)
			run(t, s, []step{{in: legacyConn(legacySta), want: tt.want}})
			if refused := len(tt.want) == 1 && tt.want[0] == Action(deauth); refused != (s.counters["refused_mac"] == 1) {
				t.Errorf("refused_mac = %d", s.counters["refused_mac"])
			}
		})
	}
}

// TestLegacyStation_Disconnect: the operator removes a legacy station by
// its interface address; there is no P2P client to remove, and with or
// without per_sta_psk it is kept out while it retries with the group
// passphrase (wpa_supplicant's GO keeps accepting it with per_sta_psk).
func TestLegacyStation_Disconnect(t *testing.T) {
	deauth := grpCmd("DEAUTHENTICATE "+legacySta, TagNone)
	for _, yml := range []string{"pbc_in_use: true", "pbc_in_use: true\nper_sta_psk: false"} {
		t.Run(yml, func(t *testing.T) {
			s := upAutonomous(t, yml)
			run(t, s, []step{
				{in: legacyConn(legacySta), want: []Action{stopEmpty}},
				{in: call("Disconnect", func(s *Session, now time.Time) ([]Action, error) { return s.Disconnect(mac(legacySta), now) }), want: []Action{deauth}},
				{in: legacyDisc(legacySta), at: time.Second},
				{in: legacyConn(legacySta), at: 2 * time.Second, want: []Action{deauth}},
				{in: legacyConn(legacySta), at: blockAfterDisconnect + 2*time.Second, want: []Action{stopEmpty}},
			})
		})
	}
}
