package wpactrl

import (
	"log/slog"
	"os"
	"time"
)

const (
	defaultQueueLen     = 256
	defaultPingInterval = time.Second
	// defaultRequestTimeout bounds a Request whose context has no deadline,
	// as wpa_cli does (it waits 10 s). wpa_supplicant drops some datagrams
	// without any reply, so waiting forever is never right.
	defaultRequestTimeout = 10 * time.Second
	// maxCommandLen is CTRL_IFACE_MAX_LEN: longer commands are dropped by
	// wpa_supplicant with no reply.
	maxCommandLen = 8192
	// readBufferLen is the receive buffer. Replies are at most 4 KiB, but
	// events have no size limit.
	readBufferLen = 64 << 10
	// monitorSocketBuffer is SO_RCVBUF asked for the monitor socket, so
	// that bursts do not make wpa_supplicant throttle every monitor.
	monitorSocketBuffer = 1 << 20
)

// Option configures Dial and Attach.
type Option func(*options)

type options struct {
	localDir     string
	queueLen     int
	log          *slog.Logger
	pingInterval time.Duration
	noPing       bool
	pingTimeout  time.Duration // 0: defaultPingMisses × pingInterval
	exitWatch    time.Duration // >0: WithExitWatch's ping interval
}

// defaultPingMisses is how many ping intervals without a PONG a Monitor
// waits by default before it takes wpa_supplicant for gone.
const defaultPingMisses = 3

func (o options) pingTimeoutOrDefault() time.Duration {
	if o.pingTimeout > 0 {
		return o.pingTimeout
	}
	return defaultPingMisses * o.pingInterval
}

func newOptions(opts []Option) options {
	o := options{
		localDir:     os.TempDir(),
		queueLen:     defaultQueueLen,
		pingInterval: defaultPingInterval,
	}
	for _, opt := range opts {
		opt(&o)
	}
	if o.log == nil {
		o.log = slog.New(slog.DiscardHandler)
	}
	o.log = o.log.With("component", "wpactrl")
	return o
}

// WithLocalDir sets the directory where the client's own bound sockets are
// created, named like wpa_cli's: hostp2pd_<pid>-<n>. The default is
// os.TempDir(). It must be a filesystem path that wpa_supplicant can reach,
// which also works across network namespaces.
func WithLocalDir(dir string) Option {
	return func(o *options) {
		if dir != "" {
			o.localDir = dir
		}
	}
}

// WithQueueLen sets the capacity of a Monitor's event channel (default 256).
// When the channel is full, further events are dropped and counted by
// Monitor.Dropped.
func WithQueueLen(n int) Option {
	return func(o *options) {
		if n > 0 {
			o.queueLen = n
		}
	}
}

// WithLogger sets the logger. Every datagram is logged at Debug level, with
// its text in an attribute. The default discards everything.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.log = l }
}

// WithPingInterval sets how often a Monitor sends PING on its socket
// (default 1 s). A send that fails because the socket is gone stops the
// Monitor with ErrGone at once, so a killed wpa_supplicant is noticed within
// one interval.
func WithPingInterval(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.pingInterval = d
		}
	}
}

// WithoutPing makes a Monitor send no PING: it wakes only for what
// wpa_supplicant sends, and does not notice a wpa_supplicant that died.
// For a second Monitor on a process that another one already watches (a
// P2P group interface beside its P2P device); it overrides
// WithPingInterval.
func WithoutPing() Option {
	return func(o *options) { o.noPing = true }
}

// WithExitWatch makes a Monitor watch the process that serves the socket
// (Linux: the process holding the bound socket, found in /proc, watched
// with a pidfd), so that its exit (a SIGKILL included, which a datagram
// socket does not report) stops the Monitor with ErrGone at once. While
// the watch holds, PINGs go out only every interval (when it is longer than
// the ping interval): they are then needed only to notice a wpa_supplicant
// that hangs. Where the process cannot be found or watched (no /proc,
// no permission, a server in this very process) nothing changes.
func WithExitWatch(interval time.Duration) Option {
	return func(o *options) { o.exitWatch = interval }
}

// WithPingTimeout sets how long a Monitor waits for a PONG before it stops
// with ErrGone (default: 3 ping intervals). PINGs keep going out every
// interval meanwhile, so a wpa_supplicant that stalls for less than the
// timeout (a slow command, a loaded host) is not taken for dead.
func WithPingTimeout(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.pingTimeout = d
		}
	}
}
