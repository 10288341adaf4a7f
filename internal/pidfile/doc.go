// Package pidfile implements hostp2pd's single-instance guard: a file
// /var/run/hostp2pd-<iface>.pid (/tmp when not root) that holds the daemon's
// pid and an exclusive flock(2) for the whole life of the process.
//
// The lock, not the pid text, says whether a daemon is alive: a file left
// behind by a crashed or killed process carries no lock, so the next
// [Acquire] simply takes it over, and [Signal] refuses to send anything to a
// pid that may since have been reused. The lock is released by the kernel
// when the process exits, however it exits.
//
// The run directory may be world-writable (/tmp), so nothing at the path is
// trusted: [Acquire] opens it with O_NOFOLLOW and refuses anything but a
// regular, singly linked file of our own user, and [Signal] sends a signal
// only to the process that holds the lock (as /proc/locks lists it) when
// that is the pid written in the file and the process is a hostp2pd.
//
// It does not daemonize and does not know about the control socket.
package pidfile
