//go:build !linux

package wpatest

import (
	"net"
	"time"
)

// sendTo sends one datagram, waiting at most a second for a full receiver.
func sendTo(uc *net.UnixConn, addr string, b []byte) error {
	_ = uc.SetWriteDeadline(time.Now().Add(time.Second))
	_, err := uc.WriteToUnix(b, &net.UnixAddr{Name: addr, Net: "unixgram"})
	return err
}
