package wpactrl

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/redact"
)

// Conn is a request/reply connection to one wpa_supplicant control socket,
// like wpa_cli's ctrl_conn. It does not ATTACH; use Attach for events.
//
// A Conn is safe for concurrent use: each Request holds a mutex around its
// send and receive, so replies are never mixed up.
type Conn struct {
	path     string
	localDir string
	log      *slog.Logger

	// uc and local are replaced (renew) with both mu and sockMu held;
	// Close reads them under sockMu alone.
	sockMu sync.Mutex
	local  string
	uc     *net.UnixConn

	mu     sync.Mutex // held for one send+receive; guards buf and desync
	buf    []byte
	desync bool // a request was abandoned; its reply may still arrive

	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error
}

// aLongTimeAgo is a deadline in the past, used to unblock a read at once.
var aLongTimeAgo = time.Unix(1, 0)

func newConn(path, localDir, local string, uc *net.UnixConn, log *slog.Logger) *Conn {
	return &Conn{
		path:     path,
		localDir: localDir,
		local:    local,
		uc:       uc,
		log:      log.With("socket", path),
		buf:      make([]byte, readBufferLen),
	}
}

// Path returns the path of wpa_supplicant's control socket.
func (c *Conn) Path() string { return c.path }

// Request sends cmd and returns the reply verbatim. Replies can be empty and
// often lack a trailing newline; nothing is trimmed.
//
// A reply starting with "FAIL" or "UNKNOWN COMMAND" is returned together
// with a *CommandError. Event datagrams that arrive on this socket while
// waiting are skipped. The context's deadline bounds the exchange (10 s when
// it has none) and cancelling it unblocks the wait. A send that finds
// wpa_supplicant gone returns an error wrapping ErrGone.
func (c *Conn) Request(ctx context.Context, cmd string) (string, error) {
	if len(cmd) > maxCommandLen {
		return "", fmt.Errorf("wpactrl: %s: command of %d bytes exceeds the %d bytes wpa_supplicant accepts",
			cmdName(cmd), len(cmd), maxCommandLen)
	}
	if err := ctx.Err(); err != nil {
		return "", ctxError(cmd, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed.Load() {
		return "", fmt.Errorf("wpactrl: %s: %w", cmdName(cmd), ErrClosed)
	}
	if c.desync {
		// The abandoned request's reply may come at any time, even
		// during this request: ask on a new socket.
		c.desync = false
		if err := c.renew(); err != nil {
			if errors.Is(err, ErrClosed) {
				return "", fmt.Errorf("wpactrl: %s: %w", cmdName(cmd), ErrClosed)
			}
			return "", fmt.Errorf("wpactrl: %s: new client socket after an abandoned request: %w", cmdName(cmd), err)
		}
	}

	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(defaultRequestTimeout)
	}
	if err := c.uc.SetDeadline(deadline); err != nil {
		return "", c.ioError(cmd, err)
	}
	stop := unblockOnDone(ctx, c.uc)
	defer stop()

	c.log.Debug("request", "cmd", cmdName(cmd))
	if _, err := c.uc.Write([]byte(cmd)); err != nil {
		return "", c.failed(ctx, cmd, err)
	}
	for {
		n, err := c.uc.Read(c.buf)
		if err != nil {
			return "", c.failed(ctx, cmd, err)
		}
		b := c.buf[:n]
		if isEvent(b) {
			c.log.Debug("event on request socket skipped", "event", redact.Line(string(b)))
			continue
		}
		reply := string(b)
		return reply, replyError(cmd, reply)
	}
}

// RequestIface sends cmd to interface iface through a global control
// interface, as "IFNAME=<iface> <cmd>". An unknown iface gives a
// *CommandError with the reply "FAIL-NO-IFNAME-MATCH\n".
func (c *Conn) RequestIface(ctx context.Context, iface, cmd string) (string, error) {
	if iface == "" || strings.ContainsAny(iface, " \t\n") {
		return "", fmt.Errorf("wpactrl: %s: invalid interface name %q", cmdName(cmd), iface)
	}
	return c.Request(ctx, "IFNAME="+iface+" "+cmd)
}

// Close closes the connection and removes the client's local socket file.
// It interrupts a Request in progress, which then returns ErrClosed. Close
// is idempotent.
func (c *Conn) Close() error {
	c.closeOnce.Do(func() {
		c.sockMu.Lock()
		defer c.sockMu.Unlock()
		c.closed.Store(true)
		// Unlink before close: once the fd is closed, another Dial may bind
		// the same name, and we must not remove its file.
		rmErr := os.Remove(c.local)
		if errors.Is(rmErr, fs.ErrNotExist) {
			rmErr = nil
		}
		c.closeErr = errors.Join(c.uc.Close(), rmErr)
	})
	return c.closeErr
}

// failed maps an I/O error of a request.
func (c *Conn) failed(ctx context.Context, cmd string, err error) error {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		c.desync = true
		if cerr := ctx.Err(); cerr != nil {
			return ctxError(cmd, cerr)
		}
		// The socket deadline can fire a moment before ctx notices its own.
		if d, ok := ctx.Deadline(); ok && !time.Now().Before(d) {
			return ctxError(cmd, context.DeadlineExceeded)
		}
		return fmt.Errorf("wpactrl: %s: %w", cmdName(cmd), ErrTimeout)
	}
	return c.ioError(cmd, err)
}

func (c *Conn) ioError(cmd string, err error) error {
	return ioError(c.path, cmdName(cmd), c.closed.Load(), err)
}

// ioError maps a socket error: ErrClosed after Close, ErrGone (plus
// fs.ErrNotExist when the server's socket file is missing) when the server
// went away.
func ioError(path, op string, closed bool, err error) error {
	if closed || errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("wpactrl: %s: %w", op, ErrClosed)
	}
	if isGone(err) {
		if _, serr := os.Stat(path); errors.Is(serr, fs.ErrNotExist) && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("wpactrl: %s: %s: %w: %w (%w)", op, path, ErrGone, err, fs.ErrNotExist)
		}
		return fmt.Errorf("wpactrl: %s: %s: %w: %w", op, path, ErrGone, err)
	}
	return fmt.Errorf("wpactrl: %s: %s: %w", op, path, err)
}

// isGone reports errors that mean the server socket is dead or missing.
func isGone(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ENOENT) ||
		errors.Is(err, syscall.ENOTCONN) ||
		errors.Is(err, syscall.ECONNRESET)
}

func ctxError(cmd string, err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("wpactrl: %s: %w: %w", cmdName(cmd), ErrTimeout, err)
	}
	return fmt.Errorf("wpactrl: %s: %w", cmdName(cmd), err)
}

// unblockOnDone makes blocked I/O on uc return as soon as ctx is done. The
// returned stop function must be called before uc's deadline is set again;
// it waits for a running callback, so the deadline it set cannot leak into
// the next request.
func unblockOnDone(ctx context.Context, uc *net.UnixConn) (stop func()) {
	if ctx.Done() == nil {
		return func() {}
	}
	fired := make(chan struct{})
	stopFn := context.AfterFunc(ctx, func() {
		_ = uc.SetDeadline(aLongTimeAgo)
		close(fired)
	})
	return func() {
		if !stopFn() {
			<-fired
		}
	}
}
