//go:build !linux

package netcfg

import (
	"context"
	"errors"
	"net/netip"
	"runtime"
)

// errUnimplemented is returned by every function on systems other than Linux.
var errUnimplemented = errors.New("netcfg: not implemented on " + runtime.GOOS)

func assignAddr(string, netip.Prefix) error { return errUnimplemented }

func removeAddr(string, netip.Prefix) error { return errUnimplemented }

func waitLink(context.Context, string) error { return errUnimplemented }
