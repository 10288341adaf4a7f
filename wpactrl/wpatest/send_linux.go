package wpatest

import (
	"net"
	"syscall"
	"time"
)

// sendTo sends one datagram without blocking the server for long: like
// wpa_supplicant it uses MSG_DONTWAIT; a full receiver is retried for up
// to a second.
func sendTo(uc *net.UnixConn, addr string, b []byte) error {
	rc, err := uc.SyscallConn()
	if err != nil {
		return err
	}
	to := &syscall.SockaddrUnix{Name: addr}
	deadline := time.Now().Add(time.Second)
	for {
		var serr error
		if err := rc.Control(func(fd uintptr) {
			serr = syscall.Sendto(int(fd), b, syscall.MSG_DONTWAIT|syscall.MSG_NOSIGNAL, to)
		}); err != nil {
			return err
		}
		if serr != syscall.EAGAIN || time.Now().After(deadline) {
			return serr
		}
		time.Sleep(time.Millisecond)
	}
}
