//go:build linux

package netcfg

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/netip"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// nlAddr converts addr to netlink's form, keeping the host bits.
func nlAddr(addr netip.Prefix) *netlink.Addr {
	ip := addr.Addr()
	return &netlink.Addr{IPNet: &net.IPNet{IP: ip.AsSlice(), Mask: net.CIDRMask(addr.Bits(), ip.BitLen())}}
}

// linkByName looks iface up; a missing link wraps fs.ErrNotExist.
func linkByName(iface string) (netlink.Link, error) {
	link, err := netlink.LinkByName(iface)
	if errors.As(err, &netlink.LinkNotFoundError{}) {
		return nil, fmt.Errorf("link %s: %w", iface, fs.ErrNotExist)
	}
	if err != nil {
		return nil, fmt.Errorf("link %s: %w", iface, err)
	}
	return link, nil
}

func assignAddr(iface string, addr netip.Prefix) error {
	link, err := linkByName(iface)
	if err != nil {
		return fmt.Errorf("netcfg: assign %v: %w", addr, err)
	}
	if err := netlink.AddrReplace(link, nlAddr(addr)); err != nil {
		return fmt.Errorf("netcfg: assign %v to %s: %w", addr, iface, err)
	}
	if err := netlink.LinkSetUp(link); err != nil {
		return fmt.Errorf("netcfg: set %s up: %w", iface, err)
	}
	return nil
}

func removeAddr(iface string, addr netip.Prefix) error {
	link, err := linkByName(iface)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("netcfg: remove %v: %w", addr, err)
	}
	err = netlink.AddrDel(link, nlAddr(addr))
	if errors.Is(err, unix.EADDRNOTAVAIL) || errors.Is(err, unix.ENODEV) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("netcfg: remove %v from %s: %w", addr, iface, err)
	}
	return nil
}

func waitLink(ctx context.Context, iface string) error {
	updates := make(chan netlink.LinkUpdate, 16)
	done := make(chan struct{})
	subErr := make(chan error, 1)
	err := netlink.LinkSubscribeWithOptions(updates, done, netlink.LinkSubscribeOptions{
		ErrorCallback: func(err error) {
			select {
			case subErr <- err:
			default:
			}
		},
	})
	if err != nil {
		return fmt.Errorf("netcfg: wait for %s: subscribe: %w", iface, err)
	}
	defer func() {
		// Closing done closes the socket; the reader then closes updates.
		// Drain it so that the reader never blocks and has exited on return.
		close(done)
		for range updates {
		}
	}()

	// Look only after subscribing, so that a link created in between is
	// seen one way or the other.
	if _, err := linkByName(iface); err == nil {
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("netcfg: wait for %w", err)
	}
	for {
		select {
		case <-ctx.Done():
			return fmt.Errorf("netcfg: wait for %s: %w", iface, ctx.Err())
		case u, ok := <-updates:
			if !ok {
				var err error
				select {
				case err = <-subErr:
				default:
					err = errors.New("closed")
				}
				return fmt.Errorf("netcfg: wait for %s: subscription ended: %w", iface, err)
			}
			if u.Header.Type == unix.RTM_NEWLINK && u.Link != nil && u.Attrs().Name == iface {
				return nil
			}
		}
	}
}
