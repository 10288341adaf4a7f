package ctl

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// DefaultPath returns the control socket of iface: /run/hostp2pd-<iface>.sock
// for root, <tmp>/hostp2pd-<iface>.sock otherwise. The ctl_socket key
// overrides it.
func DefaultPath(iface string) string {
	dir := "/run"
	if os.Geteuid() != 0 {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "hostp2pd-"+iface+".sock")
}

// ErrInUse is returned by [Listen] when a live server answers on the path.
var ErrInUse = errors.New("ctl: socket in use by a running server")

// Listen creates the control socket at path. Without group the socket is
// mode 0600 (its owner, normally root, only); with group (a name or a
// numeric gid) it is 0660 and owned by that group. An existing socket is
// replaced only when a connection to it is refused ([ErrInUse] otherwise,
// also when it cannot be opened, e.g. root's socket for a non-root run); a path
// that is not a socket, or that belongs to another non-root user, is never
// touched. The returned listener removes the socket when closed.
func Listen(path, group string) (net.Listener, error) {
	gid := -1
	mode := os.FileMode(0o600)
	if group != "" {
		g, err := lookupGroup(group)
		if err != nil {
			return nil, err
		}
		gid, mode = g, 0o660
	}
	if err := removeStale(path); err != nil {
		return nil, err
	}
	// Bind under a temporary name and rename into place once mode and
	// owner are right, so there is no moment where others may connect.
	tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
	_ = os.Remove(tmp)
	ul, err := net.ListenUnix("unix", &net.UnixAddr{Name: tmp, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("ctl: listen: %w", err)
	}
	ul.SetUnlinkOnClose(false)
	fail := func(err error) (net.Listener, error) {
		_ = ul.Close()
		_ = os.Remove(tmp)
		return nil, err
	}
	if err := os.Chmod(tmp, mode); err != nil {
		return fail(fmt.Errorf("ctl: chmod: %w", err))
	}
	if gid >= 0 {
		if err := os.Chown(tmp, -1, gid); err != nil {
			return fail(fmt.Errorf("ctl: chown to group %s: %w", group, err))
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return fail(fmt.Errorf("ctl: %w", err))
	}
	st, err := os.Stat(path)
	if err != nil {
		return fail(fmt.Errorf("ctl: %w", err))
	}
	return &listener{UnixListener: ul, path: path, fi: st}, nil
}

func lookupGroup(group string) (int, error) {
	if n, err := strconv.Atoi(group); err == nil && n >= 0 {
		return n, nil
	}
	g, err := user.LookupGroup(group)
	if err != nil {
		return 0, fmt.Errorf("ctl: ctl_group: %w", err)
	}
	n, err := strconv.Atoi(g.Gid)
	if err != nil {
		return 0, fmt.Errorf("ctl: ctl_group %s: gid %q", group, g.Gid)
	}
	return n, nil
}

// removeStale removes a socket left at path by a dead server.
func removeStale(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("ctl: %w", err)
	}
	if fi.Mode().Type() != fs.ModeSocket {
		return fmt.Errorf("ctl: %s exists and is not a socket; refusing to replace it", path)
	}
	if uid, ok := owner(fi); ok && uid != 0 && uid != os.Geteuid() {
		return fmt.Errorf("ctl: %s belongs to uid %d; refusing to replace it", path, uid)
	}
	c, err := net.DialTimeout("unix", path, time.Second)
	if err == nil {
		_ = c.Close()
		return fmt.Errorf("%w: %s (is another hostp2pd running?)", ErrInUse, path)
	}
	// Only a refused connection means nobody listens. EACCES is a live
	// socket we may not use (root's, for a non-root run); a timeout is a
	// busy one: neither is ours to remove.
	if !errors.Is(err, syscall.ECONNREFUSED) && !errors.Is(err, syscall.ENOENT) {
		return fmt.Errorf("%w: %s answers with %v; not replacing it", ErrInUse, path, err)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("ctl: remove stale socket: %w", err)
	}
	return nil
}

// listener removes its socket on Close, unless the path was replaced since.
type listener struct {
	*net.UnixListener
	path string
	fi   os.FileInfo
	once sync.Once
}

func (l *listener) Close() error {
	err := l.UnixListener.Close()
	l.once.Do(func() {
		if fi, serr := os.Lstat(l.path); serr == nil && os.SameFile(fi, l.fi) {
			_ = os.Remove(l.path)
		}
	})
	return err
}
