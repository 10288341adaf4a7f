package wpactrl

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// A datagram socket tells its client nothing when the server dies: a
// SIGKILLed wpa_supplicant leaves its socket file, and only a PING that
// finds nobody (ECONNREFUSED) or goes unanswered shows it. With
// WithExitWatch the Monitor finds the process that bound the socket and
// opens a pidfd on it, which the kernel makes readable when the process
// exits: the exit is noticed at once, without a timer.

// serverPID returns the process that has the unix socket bound at path
// open: the socket's inode comes from /proc/PID/net/unix of each network
// namespace (wpa_supplicant may run in another one), the owner from the
// socket:[inode] links in /proc/PID/fd. Zero when none is found (no /proc,
// no permission to read other processes' fds). inodes are the socket's
// fd link names.
func serverPID(path string) (pid int, inodes map[string]bool) {
	want := canonical(path)
	procs, err := os.ReadDir("/proc")
	if err != nil {
		return 0, nil
	}
	seenNS := map[string]bool{}
	inodes = map[string]bool{} // "socket:[N]"
	var pids []int
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil || pid == os.Getpid() {
			continue // our own sockets are never the server (an in-process fake)
		}
		pids = append(pids, pid)
		ns, err := os.Readlink("/proc/" + p.Name() + "/ns/net")
		if err != nil || seenNS[ns] {
			continue
		}
		seenNS[ns] = true
		for _, ino := range boundInodes("/proc/"+p.Name()+"/net/unix", want) {
			inodes["socket:["+ino+"]"] = true
		}
	}
	if len(inodes) == 0 {
		return 0, nil
	}
	// Every process holding the socket: a child between fork and exec
	// holds its parent's descriptors for a moment (a hook of ours, a
	// script of wpa_supplicant's), and it still runs its parent's program.
	// Such a child of a holder (or of us) is never the server.
	holders := map[int]bool{}
	for _, pid := range pids {
		if ownsSocket(pid, inodes) {
			holders[pid] = true
		}
	}
	for _, pid := range pids {
		if !holders[pid] {
			continue
		}
		if pp := ppid(pid); (holders[pp] || pp == os.Getpid()) && sameExe(pid, pp) {
			continue
		}
		return pid, inodes
	}
	return 0, nil
}

// sameExe reports whether processes a and b run the same program.
func sameExe(a, b int) bool {
	ea, err1 := os.Readlink("/proc/" + strconv.Itoa(a) + "/exe")
	eb, err2 := os.Readlink("/proc/" + strconv.Itoa(b) + "/exe")
	return err1 == nil && err2 == nil && ea == eb
}

// ppid reads the parent of pid from /proc/PID/stat ("pid (comm) state ppid …",
// comm may hold spaces and parentheses); -1 if it cannot.
func ppid(pid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return -1
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return -1
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 2 {
		return -1
	}
	n, err := strconv.Atoi(f[1])
	if err != nil {
		return -1
	}
	return n
}

// boundInodes lists the inodes of the sockets bound at path in a
// /proc/net/unix table ("Num RefCount Protocol Flags Type St Inode Path").
func boundInodes(table, path string) []string {
	b, err := os.ReadFile(table)
	if err != nil {
		return nil
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 8 && f[7] != "" && f[7][0] == '/' && canonical(f[7]) == path {
			out = append(out, f[6])
		}
	}
	return out
}

// canonical resolves the directory of a socket path (/var/run is often a
// link to /run), so that the dialled and the bound path compare equal.
func canonical(p string) string {
	dir, base := filepath.Split(filepath.Clean(p))
	if d, err := filepath.EvalSymlinks(dir); err == nil {
		dir = d
	}
	return filepath.Join(dir, base)
}

func ownsSocket(pid int, inodes map[string]bool) bool {
	dir := "/proc/" + strconv.Itoa(pid) + "/fd"
	fds, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, fd := range fds {
		if l, err := os.Readlink(dir + "/" + fd.Name()); err == nil && inodes[l] {
			return true
		}
	}
	return false
}

// watchExit opens a pidfd on the process serving path and calls exited
// (once) when it ends. It returns a function that stops the watch, or nil
// when the process cannot be found or watched (the caller keeps pinging).
func watchExit(path string, exited func(pid int)) (stop func()) {
	pid, inodes := serverPID(path)
	if pid == 0 {
		return nil
	}
	fd, err := unix.PidfdOpen(pid, unix.PIDFD_NONBLOCK)
	if err != nil {
		return nil
	}
	// The pid could have been reused between the scan and the open: the
	// process behind the pidfd must still hold the socket.
	if !ownsSocket(pid, inodes) {
		_ = unix.Close(fd)
		return nil
	}
	f := os.NewFile(uintptr(fd), "pidfd:"+strconv.Itoa(pid))
	rc, err := f.SyscallConn()
	if err != nil {
		_ = f.Close()
		return nil
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ready bool
		err := rc.Read(func(fd uintptr) bool {
			// A pidfd is readable once the process has exited.
			n, perr := unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}, 0)
			ready = perr == nil && n > 0
			return ready || (perr != nil && !errors.Is(perr, unix.EINTR))
		})
		if err == nil && ready {
			exited(pid)
		}
	}()
	return func() {
		_ = f.Close() // ends rc.Read with an error
		<-done
	}
}
