package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// thpMode is where Linux says when it backs anonymous memory with
// transparent huge pages: "always [madvise] never", the mode in brackets.
const thpMode = "/sys/kernel/mm/transparent_hugepage/enabled"

// hugePages is what noHugePages needs from the system (tests fake it).
type hugePages struct {
	mode     func() (string, error) // the contents of thpMode
	disabled func() (bool, error)   // prctl(PR_GET_THP_DISABLE)
	disable  func() error           // prctl(PR_SET_THP_DISABLE, 1)
	exec     func() error           // execve of this program, same arguments and environment; returns only on failure
}

// noHugePages keeps the daemon out of transparent huge pages where the
// kernel gives them to every anonymous mapping (mode "always", the
// default of Debian's kernels). There the Go heap of this small daemon
// is resident in whole 2 MB pages: 6 MB for the 2 MB it uses (lab bench,
// docs/performance.md "Footprint"), and the runtime maps and touches its
// first heap pages before main runs. So the daemon turns huge pages off
// for itself (PR_SET_THP_DISABLE, kept across execve and inherited by the
// -d child and the hooks) and executes itself again, before it has read
// its configuration or opened anything: the new image starts without
// them. Nothing happens in the modes "madvise" and "never" (Go asks for
// none), without THP support, or when they are off already.
//
// It returns only when the program was not executed again; the error
// says why not, nil when there was nothing to do.
func noHugePages() error { return realHugePages.run() }

var realHugePages = hugePages{
	mode: func() (string, error) {
		b, err := os.ReadFile(thpMode)
		return string(b), err
	},
	disabled: func() (bool, error) {
		v, err := unix.PrctlRetInt(unix.PR_GET_THP_DISABLE, 0, 0, 0, 0)
		return v == 1, err
	},
	disable: func() error { return unix.Prctl(unix.PR_SET_THP_DISABLE, 1, 0, 0, 0) },
	exec: func() error {
		// /proc/self/exe: this very binary, even if a package upgrade
		// replaced the file meanwhile.
		return syscall.Exec("/proc/self/exe", os.Args, os.Environ())
	},
}

func (h hugePages) run() error {
	mode, err := h.mode()
	if err != nil || !strings.Contains(mode, "[always]") {
		return nil // no THP, or only where asked for
	}
	off, err := h.disabled()
	if err != nil {
		return fmt.Errorf("prctl(PR_GET_THP_DISABLE): %w", err)
	}
	if off {
		return nil // already (after the execve, or set by the caller)
	}
	if err := h.disable(); err != nil {
		return fmt.Errorf("prctl(PR_SET_THP_DISABLE): %w", err)
	}
	// Executed again only when the flag is seen set: the new image takes
	// the branch above, never a loop.
	if off, err := h.disabled(); err != nil || !off {
		return errors.New("prctl(PR_SET_THP_DISABLE) did not take effect")
	}
	if err := h.exec(); err != nil {
		return fmt.Errorf("cannot execute myself again: %w", err)
	}
	return nil
}
