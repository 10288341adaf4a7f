//go:build linux

package dhcpd

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"

	"golang.org/x/sys/unix"
)

const (
	// probeCount ARP probes go out probeWait apart; a host that holds the
	// address answers within that time (a power-saving phone answers on
	// the next beacon, about 100 ms).
	probeCount = 2
	probeWait  = 150 * time.Millisecond
)

// arpProber probes with ARP on iface (RFC 5227: sender address 0.0.0.0,
// so no host updates its ARP cache for us).
func arpProber(iface string) Prober {
	return func(ctx context.Context, ip netip.Addr) (net.HardwareAddr, error) {
		return arpProbe(ctx, iface, ip, probeCount, probeWait)
	}
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// arpProbe sends n ARP probes for ip on iface, wait apart, and returns the
// hardware address of the first host that answers for ip, or nil.
func arpProbe(ctx context.Context, iface string, ip netip.Addr, n int, wait time.Duration) (net.HardwareAddr, error) {
	ifi, err := net.InterfaceByName(iface)
	if err != nil {
		return nil, fmt.Errorf("dhcpd: arp probe: %w", err)
	}
	if len(ifi.HardwareAddr) != 6 || !ip.Is4() {
		return nil, fmt.Errorf("dhcpd: arp probe of %v on %s: not Ethernet and IPv4", ip, iface)
	}
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, int(htons(unix.ETH_P_ARP)))
	if err != nil {
		return nil, fmt.Errorf("dhcpd: arp probe: socket: %w", err)
	}
	defer unix.Close(fd)
	ll := &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ARP), Ifindex: ifi.Index}
	if err := unix.Bind(fd, ll); err != nil {
		return nil, fmt.Errorf("dhcpd: arp probe: bind %s: %w", iface, err)
	}
	req := arpPacket(1, ifi.HardwareAddr, netip.IPv4Unspecified(), ip)
	to := &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ARP), Ifindex: ifi.Index, Halen: 6,
		Addr: [8]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}
	buf := make([]byte, 256)
	for range n {
		if err := unix.Sendto(fd, req, 0, to); err != nil {
			return nil, fmt.Errorf("dhcpd: arp probe: send on %s: %w", iface, err)
		}
		deadline := time.Now().Add(wait)
		for {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			left := time.Until(deadline)
			if left <= 0 {
				break
			}
			k, err := unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}, int(left/time.Millisecond)+1)
			if errors.Is(err, unix.EINTR) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("dhcpd: arp probe: poll: %w", err)
			}
			if k == 0 {
				break
			}
			m, _, err := unix.Recvfrom(fd, buf, unix.MSG_DONTWAIT)
			if err != nil {
				continue
			}
			if mac := arpHolder(buf[:m], ip, ifi.HardwareAddr); mac != nil {
				return mac, nil
			}
		}
	}
	return nil, nil
}

// arpPacket builds an Ethernet/IPv4 ARP packet (without the link header).
func arpPacket(op uint16, sha net.HardwareAddr, spa, tpa netip.Addr) []byte {
	b := make([]byte, 28)
	binary.BigEndian.PutUint16(b[0:], 1)      // Ethernet
	binary.BigEndian.PutUint16(b[2:], 0x0800) // IPv4
	b[4], b[5] = 6, 4
	binary.BigEndian.PutUint16(b[6:], op)
	copy(b[8:14], sha)
	s, t := spa.As4(), tpa.As4()
	copy(b[14:18], s[:])
	copy(b[24:28], t[:])
	return b
}

// arpHolder returns the sender hardware address of an ARP packet in which
// a host other than us claims ip (a reply, or a request from ip), or nil.
func arpHolder(b []byte, ip netip.Addr, self net.HardwareAddr) net.HardwareAddr {
	if len(b) < 28 || binary.BigEndian.Uint16(b[0:]) != 1 || binary.BigEndian.Uint16(b[2:]) != 0x0800 ||
		b[4] != 6 || b[5] != 4 {
		return nil
	}
	if op := binary.BigEndian.Uint16(b[6:]); op != 1 && op != 2 {
		return nil
	}
	want := ip.As4()
	sha := net.HardwareAddr(bytes.Clone(b[8:14]))
	if !bytes.Equal(b[14:18], want[:]) || bytes.Equal(sha, self) {
		return nil
	}
	return sha
}
