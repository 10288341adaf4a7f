//go:build unix

package pidfile

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

var errWouldBlock = unix.EWOULDBLOCK

func lockExclusive(f *os.File) error {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if !errors.Is(err, unix.EINTR) {
			return err
		}
	}
}

// isLocked reports whether another open file description holds a lock on f.
func isLocked(f *os.File) (bool, error) {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_SH|unix.LOCK_NB)
		switch {
		case err == nil:
			_ = unix.Flock(int(f.Fd()), unix.LOCK_UN)
			return false, nil
		case errors.Is(err, unix.EWOULDBLOCK):
			return true, nil
		case errors.Is(err, unix.EINTR):
			continue
		default:
			return false, err
		}
	}
}

func kill(pid int, sig os.Signal) error { return unix.Kill(pid, sig.(unix.Signal)) }

// owner returns the owner uid and the link count of fi.
func owner(fi os.FileInfo) (uid, nlink int, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return int(st.Uid), int(st.Nlink), true
}

// lockHolders returns the pids holding a flock(2) on f, from /proc/locks
// (flock locks are invisible to fcntl F_GETLK; the kernel lists their
// owner, in our pid namespace, there).
func lockHolders(f *os.File) ([]int, error) {
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return nil, err
	}
	locks, err := os.Open("/proc/locks")
	if err != nil {
		return nil, err
	}
	defer func() { _ = locks.Close() }()
	return parseLocks(bufio.NewScanner(locks), uint32(unix.Major(st.Dev)), uint32(unix.Minor(st.Dev)), st.Ino)
}

// parseLocks reads /proc/locks lines such as
//
//	1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF
//
// and returns the pids of the FLOCK entries on device major:minor, inode
// ino. Blocked waiters ("1: -> FLOCK …") are not holders.
func parseLocks(sc *bufio.Scanner, major, minor uint32, ino uint64) ([]int, error) {
	want := fmt.Sprintf("%02x:%02x:%d", major, minor, ino)
	var out []int
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 6 || f[1] == "->" || f[1] != "FLOCK" {
			continue
		}
		if !sameDevIno(f[5], want, major, minor, ino) {
			continue
		}
		pid, err := strconv.Atoi(f[4])
		if err == nil && pid > 0 {
			out = append(out, pid)
		}
	}
	return out, sc.Err()
}

// sameDevIno compares a /proc/locks "MAJ:MIN:INODE" field (hex device
// numbers, decimal inode) with the wanted file.
func sameDevIno(field, want string, major, minor uint32, ino uint64) bool {
	if field == want {
		return true
	}
	parts := strings.Split(field, ":")
	if len(parts) != 3 {
		return false
	}
	ma, err1 := strconv.ParseUint(parts[0], 16, 32)
	mi, err2 := strconv.ParseUint(parts[1], 16, 32)
	in, err3 := strconv.ParseUint(parts[2], 10, 64)
	return err1 == nil && err2 == nil && err3 == nil && uint32(ma) == major && uint32(mi) == minor && in == ino
}

// openFlags are added to every open: no final symbolic link, no blocking
// on a FIFO, no leak into hooks.
const openFlags = unix.O_NOFOLLOW | unix.O_NONBLOCK | unix.O_CLOEXEC

func isLoop(err error) bool { return errors.Is(err, unix.ELOOP) }
