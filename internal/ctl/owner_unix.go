//go:build unix

package ctl

import (
	"os"
	"syscall"
)

// owner returns the uid owning fi.
func owner(fi os.FileInfo) (int, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(st.Uid), true
}

// nonblock makes opening a FIFO return at once.
const nonblock = syscall.O_NONBLOCK
