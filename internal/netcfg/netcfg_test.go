package netcfg

import (
	"net/netip"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestAssignAddr_RejectsBadAddresses(t *testing.T) {
	tests := []struct {
		name string
		addr netip.Prefix
		want string
	}{
		{"zero prefix", netip.Prefix{}, "invalid address"},
		{"IPv4-mapped", netip.MustParsePrefix("::ffff:192.168.49.1/120"), "IPv4-mapped"},
		{"unspecified", netip.MustParsePrefix("0.0.0.0/0"), "unspecified"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for name, f := range map[string]func(string, netip.Prefix) error{"AssignAddr": AssignAddr, "RemoveAddr": RemoveAddr} {
				err := f("p2p-wlan0-0", tt.addr)
				if err == nil || !strings.HasPrefix(err.Error(), "netcfg: ") || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("%s: got %v, want an error containing %q", name, err, tt.want)
				}
			}
		})
	}
}
