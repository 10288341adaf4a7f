package sdnotify

import (
	"context"
	"strings"
	"time"

	"github.com/coreos/go-systemd/v22/daemon"
)

// Notifier sends state changes to the service manager. The zero value is
// not usable; use [New] or [NewWith]. Methods are safe for concurrent use
// (each is one datagram) and ignore "not under systemd".
type Notifier struct {
	send     func(state string) error
	watchdog func() (time.Duration, error)
}

// New returns a Notifier that writes to $NOTIFY_SOCKET and reads the
// watchdog interval from $WATCHDOG_USEC / $WATCHDOG_PID.
func New() *Notifier {
	return &Notifier{
		send: func(state string) error {
			_, err := daemon.SdNotify(false, state)
			return err
		},
		watchdog: func() (time.Duration, error) { return daemon.SdWatchdogEnabled(false) },
	}
}

// NewWith returns a Notifier that hands every message to send and reports
// the given watchdog interval (0 = disabled). It is meant for tests.
func NewWith(send func(state string) error, watchdog time.Duration) *Notifier {
	return &Notifier{send: send, watchdog: func() (time.Duration, error) { return watchdog, nil }}
}

// Ready sends READY=1: start-up or a reload is complete.
func (n *Notifier) Ready() error { return n.send(daemon.SdNotifyReady) }

// Reloading sends RELOADING=1 with the MONOTONIC_USEC systemd's
// Type=notify-reload requires. Send [Notifier.Ready] when the reload is done.
func (n *Notifier) Reloading() error {
	msg := daemon.SdNotifyReloading
	if usec := daemon.SdNotifyMonotonicUsec(); usec != "" {
		msg += "\n" + usec
	}
	return n.send(msg)
}

// Stopping sends STOPPING=1.
func (n *Notifier) Stopping() error { return n.send(daemon.SdNotifyStopping) }

// Status sends STATUS=<s> (shown by systemctl status). Newlines in s are
// replaced by spaces: a newline would start a new assignment.
func (n *Notifier) Status(s string) error {
	return n.send("STATUS=" + strings.ReplaceAll(s, "\n", " "))
}

// WatchdogInterval returns how often WATCHDOG=1 should be sent: half of
// WatchdogSec, or 0 when the watchdog is not enabled for this process.
func (n *Notifier) WatchdogInterval() time.Duration {
	d, err := n.watchdog()
	if err != nil || d <= 0 {
		return 0
	}
	return d / 2
}

// RunWatchdog sends WATCHDOG=1 every [Notifier.WatchdogInterval] while
// alive() returns true, until ctx is done. alive may be nil (always alive);
// it lets the caller stop petting when its event loop is wedged. It returns
// at once when the watchdog is disabled.
func (n *Notifier) RunWatchdog(ctx context.Context, alive func() bool) {
	every := n.WatchdogInterval()
	if every <= 0 {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if alive == nil || alive() {
				_ = n.send(daemon.SdNotifyWatchdog)
			}
		}
	}
}
