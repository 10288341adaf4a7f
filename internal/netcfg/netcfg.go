package netcfg

import (
	"context"
	"fmt"
	"net/netip"
)

// AssignAddr puts addr (host address and prefix length, e.g.
// 192.168.49.1/24) on iface, replacing the same address if it is already
// there, and sets the link up. It is idempotent. If iface does not exist
// the error wraps fs.ErrNotExist.
func AssignAddr(iface string, addr netip.Prefix) error {
	if err := check(addr); err != nil {
		return fmt.Errorf("netcfg: assign %v to %s: %w", addr, iface, err)
	}
	return assignAddr(iface, addr)
}

// RemoveAddr takes addr off iface. It is idempotent: an address that is not
// there, or an interface that is already gone (as after the group was
// removed), is not an error.
func RemoveAddr(iface string, addr netip.Prefix) error {
	if err := check(addr); err != nil {
		return fmt.Errorf("netcfg: remove %v from %s: %w", addr, iface, err)
	}
	return removeAddr(iface, addr)
}

// WaitLink blocks until an interface named iface exists or ctx is done. It
// returns nil at once if the interface is already there, and ctx's error,
// wrapped, if ctx ends first.
func WaitLink(ctx context.Context, iface string) error {
	return waitLink(ctx, iface)
}

// check rejects prefixes that cannot be an interface address.
func check(addr netip.Prefix) error {
	if !addr.IsValid() || addr.Addr().Zone() != "" {
		return fmt.Errorf("invalid address %v", addr)
	}
	if addr.Addr().Is4In6() {
		return fmt.Errorf("IPv4-mapped address %v: use the IPv4 form", addr)
	}
	if addr.Addr().IsUnspecified() {
		return fmt.Errorf("unspecified address %v", addr)
	}
	return nil
}
