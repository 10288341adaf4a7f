//go:build !linux

package mdns

import (
	"context"
	"errors"
	"net"
)

// Listen is only implemented on Linux.
func Listen(context.Context, string) (net.PacketConn, error) {
	return nil, errors.New("mdns: not implemented on this system")
}
