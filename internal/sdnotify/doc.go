// Package sdnotify tells systemd about the daemon's life cycle: READY=1,
// RELOADING=1 with MONOTONIC_USEC (Type=notify-reload), STOPPING=1, STATUS=
// lines and watchdog keep-alives. It is a thin wrapper over go-systemd's
// daemon.SdNotify (sd_notify(3)); when $NOTIFY_SOCKET is unset (not started
// by systemd) every call is a silent no-op.
//
// A [Notifier] takes a send function so tests can record messages without a
// socket; [New] wires the real one.
package sdnotify
