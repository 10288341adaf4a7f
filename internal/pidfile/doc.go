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
// It does not daemonize and does not know about the control socket.
package pidfile
