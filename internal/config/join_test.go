package config

import (
	"strings"
	"testing"
)

// TestParse_NetworkParmsCredentials: the ssid and psk of network_parms are
// what a phone without WPS types in: what Android's WifiP2pConfig.Builder
// or wpa_supplicant would refuse is an error at load, with file:line:key.
func TestParse_NetworkParmsCredentials(t *testing.T) {
	tests := []struct{ name, items, want string }{
		{"readme example", `[ssid "DIRECT-PP-group", psk "12345678", proto RSN, key_mgmt WPA-PSK, pairwise CCMP]`, ""},
		{"hex ssid", `[ssid 4449524543542d61622d78]`, ""}, // DIRECT-ab-x
		{"no DIRECT-xy", `[ssid "Kitchen"]`, `t.yaml:1: network_parms: item 1: ssid "Kitchen" must start with DIRECT-xy`},
		{"one alnum", `[proto RSN, ssid "DIRECT-a"]`, `t.yaml:1: network_parms: item 2: ssid "DIRECT-a" must start with DIRECT-xy`},
		{"too long", `[ssid "DIRECT-ab-abcdefghijklmnopqrstuvwxy"]`, `item 1: ssid "DIRECT-ab-abcdefghijklmnopqrstuvwxy" is 35 bytes; at most 32 allowed`},
		{"bad hex", `[ssid 4449zz]`, `item 1: ssid: want "DIRECT-xy…" (quoted) or the SSID in hex`},
		{"short psk", `[psk "1234567"]`, `item 1: psk: the passphrase is 7 characters; a WPA2 passphrase has 8 to 63`},
		{"long psk", `[psk "` + strings.Repeat("p", 64) + `"]`, `item 1: psk: the passphrase is 64 characters`},
		{"raw psk", `[psk ` + strings.Repeat("ab", 32) + `]`, `item 1: psk: want "passphrase" (quoted): a raw 64-hex-digit PSK`},
		{"unclosed", `['psk "12345678']`, `item 1: psk: the value has no closing quote`},
		{"non-ascii psk", `[psk "pässwort1"]`, `item 1: psk: the passphrase has a byte 0xc3 at position 2`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Parse("t.yaml", []byte("network_parms: "+tt.items+"\n"))
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Parse: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Parse error = %v, want one containing %q", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "12345678") {
				t.Errorf("the error repeats the passphrase: %v", err)
			}
		})
	}
}
