package redact_test

import (
	"strings"
	"testing"

	"github.com/hostp2pd/hostp2pd/internal/redact"
)

func TestLine(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{`P2P-GROUP-STARTED p2p-wlan0-0 GO ssid="DIRECT-xy" freq=2412 passphrase="abc def\"gh" go_dev_addr=42:00:00:00:00:00`,
			`P2P-GROUP-STARTED p2p-wlan0-0 GO ssid="DIRECT-xy" freq=2412 passphrase=[redacted] go_dev_addr=42:00:00:00:00:00`},
		{`P2P-GROUP-STARTED p2p-wlan0-0 client ssid="DIRECT-xy" freq=2412 psk=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef go_dev_addr=42:00:00:00:00:00 [PERSISTENT]`,
			`P2P-GROUP-STARTED p2p-wlan0-0 client ssid="DIRECT-xy" freq=2412 psk=[redacted] go_dev_addr=42:00:00:00:00:00 [PERSISTENT]`},
		{"wpa_passphrase=secret1\nkey_mgmt=WPA-PSK\nsae_password=s2", "wpa_passphrase=[redacted]\nkey_mgmt=WPA-PSK\nsae_password=[redacted]"},
		{"WPS_PIN any 12345670", "WPS_PIN any [redacted]"},
		{"WPS_PIN any 12345670 120 42:00:00:00:01:00", "WPS_PIN any [redacted] 120 42:00:00:00:01:00"},
		{"IFNAME=p2p-wlan0-0 WPS_PIN 42:00:00:00:01:00 1234", "IFNAME=p2p-wlan0-0 WPS_PIN 42:00:00:00:01:00 [redacted]"},
		{"WPS_PIN get", "WPS_PIN get"},
		{"WPS_REG 02:00:00:00:00:01 12345670", "WPS_REG 02:00:00:00:00:01 [redacted]"},
		{"WPS_AP_PIN set 12345670 300", "WPS_AP_PIN set [redacted] 300"},
		{"P2P_CONNECT 42:00:00:00:01:00 12345670 display persistent", "P2P_CONNECT 42:00:00:00:01:00 [redacted] display persistent"},
		{"P2P_CONNECT 42:00:00:00:01:00 pbc persistent=0", "P2P_CONNECT 42:00:00:00:01:00 pbc persistent=0"},
		{"P2P-PROV-DISC-SHOW-PIN 42:00:00:00:01:00 11442752 p2p_dev_addr=42:00:00:00:01:00 name='phone'",
			"P2P-PROV-DISC-SHOW-PIN 42:00:00:00:01:00 [redacted] p2p_dev_addr=42:00:00:00:01:00 name='phone'"},
		{`SET_NETWORK 0 psk "my secret phrase"`, `SET_NETWORK 0 psk [redacted]`},
		{`SET_NETWORK 3 sae_password "x"`, `SET_NETWORK 3 sae_password [redacted]`},
		{`SET_NETWORK 0 ssid "DIRECT-xy"`, `SET_NETWORK 0 ssid "DIRECT-xy"`},
		{"SET sae_password s3cret", "SET sae_password [redacted]"},
		{"IFNAME=wlan0 SET wps_nfc_dh_privkey_psk abc", "IFNAME=wlan0 SET wps_nfc_dh_privkey_psk [redacted]"},
		{"SET device_name hostp2pd", "SET device_name hostp2pd"},
		{"P2P_SET per_sta_psk 1", "P2P_SET per_sta_psk 1"},
		{"WPS_PBC p2p_dev_addr=42:00:00:00:01:00", "WPS_PBC p2p_dev_addr=42:00:00:00:01:00"},
		{"P2P_GROUP_ADD persistent=0 freq=2412", "P2P_GROUP_ADD persistent=0 freq=2412"},
		{"p2p_set per_sta_psk 1", "p2p_set per_sta_psk 1"},
		{"WPS-PIN-NEEDED 572cf82f pin=87654321", "WPS-PIN-NEEDED 572cf82f pin=[redacted]"},
	}
	for _, tt := range tests {
		if got := redact.Line(tt.in); got != tt.want {
			t.Errorf("Line(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestReply(t *testing.T) {
	t.Parallel()
	tests := []struct{ cmd, reply, want string }{
		{"P2P_GET_PASSPHRASE", "abcdefgh\n", "[redacted]"},
		{"IFNAME=p2p-wlan0-0 P2P_GET_PASSPHRASE", "abcdefgh", "[redacted]"},
		{"P2P_GET_PASSPHRASE", "FAIL\n", "FAIL\n"},
		{"WPS_PIN any", "48271645\n", "[redacted]"},
		{"WPS_PIN any 12345670", "12345670\n", "[redacted]"},
		{"WPS_AP_PIN random", "87654321", "[redacted]"},
		{"P2P_CONNECT 42:00:00:00:01:00 pin", "48271645\n", "[redacted]"},
		{"P2P_CONNECT 42:00:00:00:01:00 pbc", "OK\n", "OK\n"},
		{"GET_NETWORK 0 psk", `"the phrase"`, "[redacted]"},
		{"GET_NETWORK 0 ssid", `"DIRECT-xy"`, `"DIRECT-xy"`},
		{"STATUS", "wpa_state=COMPLETED\npassphrase=abcdefgh\n", "wpa_state=COMPLETED\npassphrase=[redacted]\n"},
		{"PING", "PONG\n", "PONG\n"},
		{"", "", ""},
	}
	for _, tt := range tests {
		if got := redact.Reply(tt.cmd, tt.reply); got != tt.want {
			t.Errorf("Reply(%q, %q) = %q, want %q", tt.cmd, tt.reply, got, tt.want)
		}
	}
}

// FuzzLine: never panics, and what it masks stays masked when it runs
// again (idempotent), so logs never show a half-masked secret.
func FuzzLine(f *testing.F) {
	for _, s := range []string{`passphrase="a b"`, "WPS_PIN any 12345670", `SET_NETWORK 0 psk "x`, `psk=`, `"passphrase=`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := redact.Line(s)
		if twice := redact.Line(once); twice != once {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, once, twice)
		}
		if strings.Contains(s, "passphrase=\"topsecret") && strings.Contains(once, "topsecret") {
			t.Fatalf("secret left in %q", once)
		}
	})
}
