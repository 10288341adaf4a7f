//go:build !linux

package wpactrl

import (
	"context"
	"fmt"
	"net"
	"runtime"
)

var errUnimplemented = fmt.Errorf("wpactrl: not implemented on %s", runtime.GOOS)

// Dial opens a request/reply connection to the control socket at path. It
// is implemented only on Linux.
func Dial(ctx context.Context, path string, opts ...Option) (*Conn, error) {
	return nil, errUnimplemented
}

// Attach opens an ATTACHed monitor connection to path. It is implemented
// only on Linux.
func Attach(ctx context.Context, path string, opts ...Option) (*Monitor, error) {
	return nil, errUnimplemented
}

func recvNonblock(*net.UnixConn, []byte) (int, error) { return 0, errUnimplemented }

func truncated(int) bool { return false }
