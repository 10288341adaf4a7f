package mdns

import (
	"context"
	"fmt"
	"net"
	"syscall"

	"golang.org/x/net/ipv4"
	"golang.org/x/sys/unix"
)

// Listen opens the mDNS socket of the interface iface: 0.0.0.0:5353 bound
// to that device (SO_BINDTODEVICE: queries of other interfaces never reach
// it), shared with another responder (SO_REUSEADDR/SO_REUSEPORT, as avahi
// does), joined to 224.0.0.251 there, sending there with TTL 255.
func Listen(ctx context.Context, iface string) (net.PacketConn, error) {
	ifi, err := net.InterfaceByName(iface)
	if err != nil {
		return nil, fmt.Errorf("mdns: %w", err)
	}
	lc := net.ListenConfig{Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) {
			for _, o := range []int{unix.SO_REUSEADDR, unix.SO_REUSEPORT} {
				if serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, o, 1); serr != nil {
					return
				}
			}
			serr = unix.BindToDevice(int(fd), iface)
		})
		if err != nil {
			return err
		}
		return serr
	}}
	pc, err := lc.ListenPacket(ctx, "udp4", fmt.Sprintf("0.0.0.0:%d", Port))
	if err != nil {
		return nil, fmt.Errorf("mdns: %s: %w", iface, err)
	}
	p := ipv4.NewPacketConn(pc)
	for _, f := range []func() error{
		func() error { return p.JoinGroup(ifi, &net.UDPAddr{IP: Group.IP}) },
		func() error { return p.SetMulticastInterface(ifi) },
		func() error { return p.SetMulticastTTL(255) },
		func() error { return p.SetMulticastLoopback(false) },
	} {
		if err := f(); err != nil {
			_ = pc.Close()
			return nil, fmt.Errorf("mdns: %s: %w", iface, err)
		}
	}
	return pc, nil
}
