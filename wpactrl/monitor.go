package wpactrl

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/redact"
)

// Monitor is an ATTACHed connection that delivers wpa_supplicant's events,
// like wpa_cli's mon_conn. Create it with Attach.
//
// One goroutine reads the socket. It never blocks on the consumer: when
// the Events channel is full, the event is dropped and counted. The same
// goroutine sends PING at the configured interval. A send that finds the
// socket gone (ECONNREFUSED, ENOENT) stops the Monitor at once with
// ErrGone; a wpa_supplicant that is merely slow is given the ping timeout
// (see WithPingTimeout) to answer before the Monitor stops with ErrGone.
type Monitor struct {
	c        *Conn
	events   chan Message
	interval time.Duration // 0: no PING (WithoutPing)
	timeout  time.Duration
	dropped  atomic.Uint64

	closing   atomic.Bool
	exited    atomic.Int64 // pid of the server, once its exit was seen (WithExitWatch)
	unwatch   func()       // stops the exit watch; nil: none
	unwatchMu sync.Once
	done      chan struct{}
	closeOnce sync.Once
	closeErr  error

	errMu sync.Mutex
	err   error
}

func newMonitor(c *Conn, o options) *Monitor {
	m := &Monitor{
		c:        c,
		events:   make(chan Message, o.queueLen),
		interval: o.pingInterval,
		timeout:  o.pingTimeoutOrDefault(),
		done:     make(chan struct{}),
	}
	if o.noPing {
		m.interval = 0
	}
	if o.exitWatch > 0 && m.interval > 0 {
		m.unwatch = watchExit(c.path, func(pid int) {
			m.exited.Store(int64(pid))
			_ = c.uc.SetReadDeadline(time.Now()) // wake the reader
		})
		if m.unwatch != nil {
			c.log.Debug("watching the wpa_supplicant process", "ping_every", max(m.interval, o.exitWatch).String())
			m.interval = max(m.interval, o.exitWatch)
		}
	}
	go m.run()
	return m
}

// Events returns the channel of events. It is closed when the Monitor
// stops, after Close or after a fatal error (see Err).
func (m *Monitor) Events() <-chan Message { return m.events }

// Err returns why the Monitor stopped: nil while it runs and after Close,
// otherwise an error wrapping ErrGone (or the I/O error). It is set before
// the Events channel is closed.
func (m *Monitor) Err() error {
	m.errMu.Lock()
	defer m.errMu.Unlock()
	return m.err
}

// Dropped returns how many events were dropped because the Events channel
// was full.
func (m *Monitor) Dropped() uint64 { return m.dropped.Load() }

// Close sends DETACH (best effort, without waiting for the reply), closes
// the socket, removes the client's local socket file and waits for the
// reading goroutine to exit. Close is idempotent.
func (m *Monitor) Close() error {
	m.closeOnce.Do(func() {
		m.closing.Store(true)
		if !m.c.closed.Load() {
			_ = m.c.uc.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
			_, _ = m.c.uc.Write([]byte("DETACH"))
		}
		m.closeErr = m.c.Close()
		<-m.done
		m.stopWatch()
	})
	return m.closeErr
}

// Watching reports whether the Monitor watches wpa_supplicant's process
// (WithExitWatch took effect).
func (m *Monitor) Watching() bool { return m.unwatch != nil }

func (m *Monitor) stopWatch() {
	if m.unwatch != nil {
		m.unwatchMu.Do(m.unwatch)
	}
}

// checkExited stops the Monitor if the watched process has exited.
func (m *Monitor) checkExited() bool {
	pid := m.exited.Load()
	if pid == 0 {
		return false
	}
	m.stop(fmt.Errorf("wpactrl: monitor: %s: %w: process %d exited", m.c.path, ErrGone, pid))
	return true
}

// stop records why the Monitor stops; nothing is recorded once Close has
// begun, so Err is nil after Close.
func (m *Monitor) stop(err error) {
	if m.closing.Load() {
		return
	}
	m.errMu.Lock()
	defer m.errMu.Unlock()
	if m.err == nil {
		m.err = err
	}
}

func (m *Monitor) run() {
	defer close(m.done)
	defer close(m.events)
	defer m.stopWatch()

	uc, log := m.c.uc, m.c.log
	debug := log.Enabled(context.Background(), slog.LevelDebug)
	// The monitor's connection makes no requests after ATTACH: its
	// receive buffer is the reader's. A buffer of its own here would be
	// 64 KiB on this goroutine's stack, zeroed (resident) and growing the
	// stack to 128 KiB, for every monitor (TestMonitor_StackStaysSmall).
	buf := m.c.buf
	oob := make([]byte, 0)
	var next time.Time // read deadline: the next PING; zero: none (no PING)
	if m.interval > 0 {
		next = time.Now().Add(m.interval)
	}
	var unanswered time.Time // when the oldest unanswered PING was sent; zero: none
	var lastPing time.Time   // when the last PING was sent

	for {
		if err := uc.SetReadDeadline(next); err != nil {
			m.fail(err)
			return
		}
		// After the deadline is set: an exit seen after this check has
		// moved the deadline to the past (see newMonitor).
		if m.checkExited() {
			return
		}
		n, _, flags, _, err := uc.ReadMsgUnix(buf, oob)
		if m.closing.Load() {
			return
		}
		if err != nil {
			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() {
				m.fail(err)
				return
			}
			if m.checkExited() {
				return
			}
			now := time.Now()
			if !unanswered.IsZero() && now.Sub(unanswered) >= m.timeout {
				m.stop(fmt.Errorf("wpactrl: monitor: %s: %w: no PONG for %v", m.c.path, ErrGone, now.Sub(unanswered).Round(time.Millisecond)))
				return
			}
			_ = uc.SetWriteDeadline(now.Add(m.interval))
			if _, err := uc.Write([]byte("PING")); err != nil {
				if m.closing.Load() {
					return
				}
				m.fail(err)
				return
			}
			if unanswered.IsZero() {
				unanswered = now
			}
			lastPing = now
			next = now.Add(m.interval)
			if giveUp := unanswered.Add(m.timeout); giveUp.Before(next) {
				next = giveUp
			}
			continue
		}

		b := buf[:n]
		if truncated(flags) {
			log.Warn("event truncated", "size", len(buf))
		}
		switch {
		case isEvent(b):
			msg := parseMessage(b, time.Now())
			if debug {
				// Redacting costs four regular expressions: only for a record written.
				log.Debug("event", "iface", msg.Iface, "level", msg.Level, "event", redact.Line(msg.Text))
			}
			select {
			case m.events <- msg:
			default:
				m.dropped.Add(1)
				log.Debug("event dropped: queue full", "event", redact.Line(msg.Text))
			}
		case string(b) == "PONG\n":
			if !unanswered.IsZero() {
				// The deadline was the give-up time: back to the next PING
				// (a timeout shorter than the interval must not make the
				// PINGs go out at the timeout's pace).
				next = lastPing.Add(m.interval)
			}
			unanswered = time.Time{}
		default:
			// Replies to ATTACH and DETACH ("OK\n", "FAIL\n").
			log.Debug("reply on monitor socket", "data", redact.Line(string(b)))
		}
	}
}

func (m *Monitor) fail(err error) {
	m.stop(ioError(m.c.path, "monitor", false, err))
}
