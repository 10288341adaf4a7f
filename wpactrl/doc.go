// Package wpactrl is a client for wpa_supplicant's control interface: the
// unix datagram sockets under /var/run/wpa_supplicant (one per interface)
// and the optional global socket (wpa_supplicant -g). It speaks the wire
// protocol of hostap's src/common/wpa_ctrl.c and knows nothing of P2P; the
// package wpaevent parses the event texts.
//
// Like wpa_cli, a program uses two connections:
//
//   - a [Conn] from [Dial] for commands: [Conn.Request] sends one command
//     and returns the reply byte for byte ("OK\n", a bare PIN, or an empty
//     datagram). It is safe for concurrent callers;
//   - a [Monitor] from [Attach] for events: it sends ATTACH and delivers
//     every "<N>TEXT" datagram as a [Message] on a channel.
//
// # Errors
//
// A reply starting with "FAIL" or "UNKNOWN COMMAND" comes with a
// *[CommandError] that wraps [ErrFail] (and [ErrFailBusy] for FAIL-BUSY) or
// [ErrUnknownCommand]. When wpa_supplicant has exited or been killed, sends
// fail and the error wraps [ErrGone]; if the socket file is missing it also
// matches fs.ErrNotExist. A connection never recovers from that: wait for
// the socket to come back, then Dial and Attach again.
//
// # Liveness
//
// A killed wpa_supplicant sends nothing, and a blocked receive never
// notices. A Monitor therefore sends PING on its own socket every
// [WithPingInterval] (1 s by default) and stops with [ErrGone] when the
// send fails or no PONG comes back within the interval; its Events
// channel is then closed and [Monitor.Err] says why.
//
// # Sockets and network namespaces
//
// wpa_supplicant replies to the address a command came from, so the client
// binds its own socket, named like wpa_cli's (hostp2pd_<pid>-<n>) in
// [WithLocalDir] (default os.TempDir()). It is a pathname socket, never an
// abstract one: abstract addresses are per network namespace, so a
// supplicant in another namespace could not reply. Close removes it, and
// Dial removes stale ones left by dead processes.
//
// # Limits
//
// Commands longer than 8192 bytes are rejected locally, since
// wpa_supplicant would drop them without a reply. Replies are at most 4 KiB;
// page long lists (LIST_NETWORKS LAST_ID=, P2P_PEER NEXT-, STA-NEXT).
// Events are read with a 64 KiB buffer. A Request without a context
// deadline gives up after 10 s.
//
// # Testing
//
// The package wpactrl/wpatest is a fake wpa_supplicant on real sockets;
// point Dial and Attach at its paths.
package wpactrl
