package wpactrl

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// localPrefix starts the name of every client socket this package binds,
// like wpa_cli's "wpa_ctrl_".
const localPrefix = "hostp2pd_"

// Dial opens a request/reply connection to the control socket at path, for
// example /var/run/wpa_supplicant/p2p-dev-wlan0 or a global socket.
//
// It binds a pathname client socket (never an abstract one, which fails
// across network namespaces) in the local directory and connects it to
// path. A socket owned by a user other than root and us is refused
// (fs.ErrPermission). Stale client sockets of this package's naming left by dead
// processes are removed first. If path does not exist, the error wraps
// ErrGone and fs.ErrNotExist; if nothing listens on it, ErrGone.
func Dial(ctx context.Context, path string, opts ...Option) (*Conn, error) {
	return dial(ctx, path, newOptions(opts))
}

// Attach opens a second socket to path, sends ATTACH and starts delivering
// events through the returned Monitor. The context bounds only the ATTACH
// exchange; the Monitor runs until Close or until wpa_supplicant is gone.
func Attach(ctx context.Context, path string, opts ...Option) (*Monitor, error) {
	o := newOptions(opts)
	c, err := dial(ctx, path, o)
	if err != nil {
		return nil, err
	}
	_ = c.uc.SetReadBuffer(monitorSocketBuffer)
	reply, err := c.Request(ctx, "ATTACH")
	if err == nil && reply != "OK\n" {
		err = fmt.Errorf("wpactrl: attach: %s: unexpected reply %q", path, reply)
	}
	if err != nil {
		_ = c.Close()
		return nil, err
	}
	return newMonitor(c, o), nil
}

func dial(ctx context.Context, path string, o options) (*Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("wpactrl: dial %s: %w", path, err)
	}
	if fi, err := os.Stat(o.localDir); err != nil || !fi.IsDir() {
		if err == nil {
			err = fmt.Errorf("not a directory")
		}
		return nil, fmt.Errorf("wpactrl: dial %s: local directory %s: %w", path, o.localDir, err)
	}
	if err := checkOwner(path); err != nil {
		return nil, err
	}
	removeStale(o.localDir, o.log)
	local, uc, err := bindLocal(o.localDir, path, o.log)
	if err != nil {
		return nil, err
	}
	return newConn(path, o.localDir, local, uc, o.log), nil
}

// bindLocal binds a client socket of our naming in dir and connects it to
// path.
func bindLocal(dir, path string, log *slog.Logger) (string, *net.UnixConn, error) {
	pid := os.Getpid()
	for n, retried := 1, false; ; n++ {
		local := filepath.Join(dir, localPrefix+strconv.Itoa(pid)+"-"+strconv.Itoa(n))
		uc, err := bindConnect(local, path)
		switch {
		case err == nil:
			log.Debug("connected", "socket", path, "local", local)
			return local, uc, nil
		case errors.Is(err, errBind) && errors.Is(err, unix.EADDRINUSE):
			// In use by another Conn of ours, or left over by an earlier
			// process that had our pid (pid 1 in a container, say).
			if !retried && isStale(local) {
				log.Debug("removing stale client socket", "local", local)
				if os.Remove(local) == nil {
					n--
					retried = true
					continue
				}
			}
			retried = false
			continue
		case errors.Is(err, errBind):
			return "", nil, fmt.Errorf("wpactrl: dial %s: bind %s: %w", path, local, err)
		default:
			return "", nil, ioError(path, "dial", false, err)
		}
	}
}

// renew replaces the client socket by a new one, after a request was
// abandoned: its reply may still come, at any time, and it goes to the old
// socket, which is closed (wpa_supplicant's send fails and is only
// logged). Draining is not enough: a reply still in wpa_supplicant's queue
// arrives during the next request, before that request's own reply.
// Called with c.mu held.
func (c *Conn) renew() error {
	local, uc, err := bindLocal(c.localDir, c.path, c.log)
	if err != nil {
		return err
	}
	c.sockMu.Lock()
	defer c.sockMu.Unlock()
	if c.closed.Load() {
		_ = uc.Close()
		_ = os.Remove(local)
		return ErrClosed
	}
	old, oldLocal := c.uc, c.local
	c.uc, c.local = uc, local
	_ = os.Remove(oldLocal)
	_ = old.Close()
	return nil
}

// checkOwner refuses a control socket owned by a user other than root and
// us: whoever owns it could impersonate wpa_supplicant and steer the
// daemon. It applies to every socket this package dials (the P2P device's,
// the group interfaces', the global one). A missing path is left to
// connect, which reports it.
func checkOwner(path string) error {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return nil
	}
	if st.Uid != 0 && st.Uid != uint32(os.Geteuid()) {
		return fmt.Errorf("wpactrl: dial %s: control socket owned by uid %d, not root or us: refusing to use it: %w",
			path, st.Uid, fs.ErrPermission)
	}
	return nil
}

// errBind marks errors of the bind step, so they are not taken for the
// server's ENOENT.
var errBind = errors.New("bind")

// bindConnect creates a unixgram socket bound to local and connected to
// remote. On a connect error the bound file is removed again.
func bindConnect(local, remote string) (*net.UnixConn, error) {
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, 0)
	if err != nil {
		return nil, os.NewSyscallError("socket", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrUnix{Name: local}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("%w: %w", errBind, os.NewSyscallError("bind", err))
	}
	if err := unix.Connect(fd, &unix.SockaddrUnix{Name: remote}); err != nil {
		unix.Close(fd)
		_ = os.Remove(local)
		return nil, os.NewSyscallError("connect", err)
	}
	f := os.NewFile(uintptr(fd), local)
	defer f.Close()
	nc, err := net.FileConn(f)
	if err != nil {
		_ = os.Remove(local)
		return nil, err
	}
	uc, ok := nc.(*net.UnixConn)
	if !ok {
		nc.Close()
		_ = os.Remove(local)
		return nil, fmt.Errorf("unexpected connection type %T", nc)
	}
	return uc, nil
}

// isStale reports whether nothing is bound to the socket at p: a connect
// to it is refused. A live socket (even one connected elsewhere, which
// gives EPERM) is never stale.
func isStale(p string) bool {
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	return unix.Connect(fd, &unix.SockaddrUnix{Name: p}) == unix.ECONNREFUSED
}

// removeStale removes client sockets of our naming whose process is dead
// and to which nothing is bound any more.
func removeStale(dir string, log *slog.Logger) {
	names, err := filepath.Glob(filepath.Join(dir, localPrefix+"*-*"))
	if err != nil {
		return
	}
	self := os.Getpid()
	for _, p := range names {
		pidStr, _, ok := strings.Cut(strings.TrimPrefix(filepath.Base(p), localPrefix), "-")
		pid, err := strconv.Atoi(pidStr)
		if !ok || err != nil || pid <= 0 || pid == self {
			continue
		}
		if unix.Kill(pid, 0) != unix.ESRCH {
			continue
		}
		if fi, err := os.Lstat(p); err != nil || fi.Mode().Type() != fs.ModeSocket || !isStale(p) {
			continue
		}
		if os.Remove(p) == nil {
			log.Debug("removed stale client socket", "local", p, "pid", pid)
		}
	}
}

// truncated reports whether recvmsg flags say the datagram was cut.
func truncated(flags int) bool { return flags&unix.MSG_TRUNC != 0 }
