//go:build !linux

package dhcpd

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"runtime"
)

// arpProber is not implemented outside Linux: addresses are offered
// without a probe.
func arpProber(string) Prober {
	return func(context.Context, netip.Addr) (net.HardwareAddr, error) {
		return nil, errors.New("dhcpd: ARP probe not implemented on " + runtime.GOOS)
	}
}
