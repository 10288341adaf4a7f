//go:build !linux

package ctl

import (
	"fmt"
	"net"
	"runtime"
)

// peerCred is not implemented outside Linux: every peer is unprivileged.
func peerCred(*net.UnixConn) (Peer, error) {
	return Peer{}, fmt.Errorf("ctl: peer credentials not implemented on %s", runtime.GOOS)
}
