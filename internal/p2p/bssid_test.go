package p2p

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

const devStatus = "p2p_device_address=42:00:00:00:00:00\np2p_state=IDLE\naddress=42:00:00:00:00:00\n"

// TestPersistentNetwork_GetsOurAddressAsBSSID: the README's predefined
// DIRECT-PP-group block (no bssid line) and the network network_parms adds
// are given bssid=<our P2P device address> before the group starts, so
// wpa_supplicant reuses them instead of storing a twin; a network that
// names a device already is left as it is (TestSession_ActivationPerMode).
func TestPersistentNetwork_GetsOurAddressAsBSSID(t *testing.T) {
	tests := []struct {
		name, yml string
		replies   map[string]string
		want      []string
	}{
		{
			name: "predefined block without bssid",
			yml:  "pbc_in_use: true",
			replies: map[string]string{
				"LIST_NETWORKS":       "network id / ssid / bssid / flags\n0\tDIRECT-PP-group\tany\t[DISABLED][P2P-PERSISTENT]\n",
				"GET_NETWORK 0 mode":  "3",
				"GET_NETWORK 0 bssid": "FAIL\n",
				"STATUS":              devStatus,
			},
			want: []string{":P2P_SET per_sta_psk 1", ":INTERFACES", ":LIST_NETWORKS", ":GET_NETWORK 0 mode", ":GET_NETWORK 0 bssid", ":STATUS",
				":SET_NETWORK 0 bssid 42:00:00:00:00:00", ":SAVE_CONFIG", ":P2P_GROUP_ADD persistent=0", ":GET_NETWORK 0 p2p_client_list"},
		},
		{
			name: "network_parms",
			yml:  "pbc_in_use: true\nsave_config_enabled: false\nnetwork_parms: ['ssid \"DIRECT-PP-group\"', 'psk \"12345678\"']",
			replies: map[string]string{
				"LIST_NETWORKS": "network id / ssid / bssid / flags\n",
				"ADD_NETWORK":   "1",
				"STATUS":        devStatus,
			},
			want: []string{":P2P_SET per_sta_psk 1", ":INTERFACES", ":LIST_NETWORKS", ":ADD_NETWORK", `:SET_NETWORK 1 ssid "DIRECT-PP-group"`, `:SET_NETWORK 1 psk "12345678"`,
				":SET_NETWORK 1 mode 3", ":SET_NETWORK 1 disabled 2", ":STATUS", ":SET_NETWORK 1 bssid 42:00:00:00:00:00",
				":P2P_GROUP_ADD persistent=1", ":GET_NETWORK 1 p2p_client_list"},
		},
		{
			name: "address unknown: started anyway",
			yml:  "pbc_in_use: true",
			replies: map[string]string{
				"LIST_NETWORKS":       "network id / ssid / bssid / flags\n0\tDIRECT-PP-group\tany\t[DISABLED][P2P-PERSISTENT]\n",
				"GET_NETWORK 0 mode":  "3",
				"GET_NETWORK 0 bssid": "FAIL\n",
				"STATUS":              "FAIL\n",
			},
			want: []string{":P2P_SET per_sta_psk 1", ":INTERFACES", ":LIST_NETWORKS", ":GET_NETWORK 0 mode", ":GET_NETWORK 0 bssid", ":STATUS",
				":SAVE_CONFIG", ":P2P_GROUP_ADD persistent=0", ":GET_NETWORK 0 p2p_client_list"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(cfgFor(t, tt.yml), nil, nil)
			got := drive(s, s.Start(t0), tt.replies, t0)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("commands (-want +got):\n%s", diff)
			}
		})
	}
}
