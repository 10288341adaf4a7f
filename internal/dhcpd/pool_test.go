package dhcpd

import (
	"net"
	"strings"
	"testing"
)

func TestClientKey(t *testing.T) {
	hw := net.HardwareAddr{2, 0, 0, 0, 0, 1}
	tests := []struct {
		name string
		id   []byte
		want string
	}{
		{"no identifier", nil, "hw:02:00:00:00:00:01"},
		{"identifier is type 1 + chaddr", []byte{1, 2, 0, 0, 0, 0, 1}, "hw:02:00:00:00:00:01"},
		{"identifier is type 1 + another MAC", []byte{1, 2, 0, 0, 0, 0, 9}, "id:01020000000009"},
		{"opaque identifier", []byte("\x00phone"), "id:0070686f6e65"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := clientKey(hw, tt.id); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCleanHostname(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Pixel 7", "Pixel 7"},
		{"evil\nlog\x1b[31m", "evillog[31m"},
		{"\xff\xfebad utf8", "bad utf8"},
		{string(make([]byte, 100)), ""},
		{"ä" + strings.Repeat("é", 40), "ä" + strings.Repeat("é", 31)}, // cut to 64 bytes, on a rune boundary
	}
	for _, tt := range tests {
		if got := cleanHostname(tt.in); got != tt.want {
			t.Errorf("cleanHostname(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
