//go:build !unix

package pidfile

import (
	"errors"
	"os"
	"runtime"
)

var errWouldBlock = errors.New("would block")

var errUnimplemented = errors.New("pidfile: not implemented on " + runtime.GOOS)

func lockExclusive(*os.File) error    { return errUnimplemented }
func isLocked(*os.File) (bool, error) { return false, errUnimplemented }
func kill(int, os.Signal) error       { return errUnimplemented }

func owner(os.FileInfo) (uid, nlink int, ok bool) { return 0, 0, false }

func lockHolders(*os.File) ([]int, error) { return nil, errUnimplemented }

const openFlags = 0

func isLoop(error) bool { return false }
