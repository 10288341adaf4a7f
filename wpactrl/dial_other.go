//go:build !linux

package wpactrl

import (
	"context"
	"fmt"
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

func (c *Conn) renew() error { return errUnimplemented }

func truncated(int) bool { return false }
