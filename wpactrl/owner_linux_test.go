package wpactrl_test

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/hostp2pd/hostp2pd/wpactrl"
	"github.com/hostp2pd/hostp2pd/wpactrl/wpatest"
)

// TestProbeDial_RefusesSocketsOfAnotherUser: the owner check applies to every
// socket the package dials, the P2P device's and a group interface's
// alike (issue 21 S6: group sockets skipped it), for Dial and Attach.
func TestProbeDial_RefusesSocketsOfAnotherUser(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("needs root to chown a socket to another user")
	}
	s, local := fakePair(t)
	const group = "p2p-wlan0-0"
	if err := s.AddIface(group); err != nil {
		t.Fatal(err)
	}
	for _, iface := range []string{dev, group} {
		dial(t, s.Path(iface), local) // ours (root's): accepted
		if err := os.Lchown(s.Path(iface), 4321, 4321); err != nil {
			t.Fatal(err)
		}
		_, err := wpactrl.Dial(context.Background(), s.Path(iface), wpactrl.WithLocalDir(local))
		if !errors.Is(err, fs.ErrPermission) || !strings.Contains(err.Error(), "uid 4321") {
			t.Errorf("Dial(%s owned by uid 4321) = %v; want a refusal naming the uid", iface, err)
		}
		_, err = wpactrl.Attach(context.Background(), s.Path(iface), wpactrl.WithLocalDir(local))
		if !errors.Is(err, fs.ErrPermission) {
			t.Errorf("Attach(%s owned by uid 4321) = %v; want fs.ErrPermission", iface, err)
		}
	}
	if err := os.Lchown(s.Path(group), os.Geteuid(), -1); err != nil {
		t.Fatal(err)
	}
	dial(t, s.Path(group), local) // our own uid again: accepted
}

// TestProbeDial_NonRootNeverRemovesALiveClientSocket: a client socket of our
// naming whose pid is dead but that is still bound (here: root's, which a
// non-root dialer cannot connect to, EACCES) is not stale and stays.
func TestProbeDial_NonRootNeverRemovesALiveClientSocket(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("needs root to own the live socket and to act as a second user")
	}
	sdir, err := os.MkdirTemp("", "wpasrv")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(sdir) })
	if err := os.Chmod(sdir, 0o711); err != nil {
		t.Fatal(err)
	}
	s, err := wpatest.NewServer(sdir, "wlan0", dev)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if err := os.Chmod(s.Path(dev), 0o777); err != nil {
		t.Fatal(err)
	}
	local, err := os.MkdirTemp("", "wpalocal")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(local) })
	if err := os.Chmod(local, 0o777); err != nil {
		t.Fatal(err)
	}
	// pid 2^22+1 is above pid_max's ceiling: always dead.
	livePath := filepath.Join(local, "hostp2pd_4194305-1")
	live, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: livePath, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = live.Close() }()
	if err := os.Chmod(livePath, 0o600); err != nil {
		t.Fatal(err)
	}
	var derr error
	if err := runAs(65534, func() {
		var c *wpactrl.Conn
		if c, derr = wpactrl.Dial(context.Background(), s.Path(dev), wpactrl.WithLocalDir(local)); c != nil {
			_ = c.Close()
		}
	}); err != nil {
		t.Fatal(err)
	}
	if derr != nil {
		t.Fatalf("Dial as uid 65534: %v", derr)
	}
	if _, err := os.Lstat(livePath); err != nil {
		t.Errorf("the live client socket was removed: %v", err)
	}
}

// runAs runs f with effective uid and gid set to id on one OS thread only
// (raw setresuid/setresgid affect the calling thread alone). The thread is
// never unlocked: it ends with its goroutine.
func runAs(id int, f func()) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		keep := ^uintptr(0)
		if _, _, e := syscall.RawSyscall(syscall.SYS_SETRESGID, keep, uintptr(id), keep); e != 0 {
			errc <- e
			return
		}
		if _, _, e := syscall.RawSyscall(syscall.SYS_SETRESUID, keep, uintptr(id), keep); e != 0 {
			errc <- e
			return
		}
		f()
		errc <- nil
	}()
	return <-errc
}
