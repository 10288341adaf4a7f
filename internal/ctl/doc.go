// Package ctl is hostp2pd's control API: HTTP+JSON over a unix socket,
// served while the daemon runs and used by the "hostp2pd status|clients|
// pin|disconnect|reload" subcommands. Every request goes through the same
// [status.Controller] as the interactive console.
//
// # Routes
//
//	GET  /v1/status                     the whole status.Status snapshot
//	GET  /v1/clients                    connected clients ([]status.Client)
//	GET  /v1/peers                      the address register ([]status.Peer)
//	POST /v1/pin         {"peer","pin"} PIN a phone displays (display method)
//	POST /v1/disconnect  {"peer"}       remove a client from the group
//	POST /v1/reload      {"path"}       reload ("" = same file, "reset" = defaults)
//	POST /v1/wpa         {"cmd"}        raw wpa_supplicant command → {"reply"}
//
// Successful POSTs answer {"ok": true} (or {"reply": …} for /v1/wpa). Errors
// answer {"error": "…"} with a 4xx/5xx status: the controller's typed
// errors map to 400 ([status.ErrInvalid]), 404 ([status.ErrNotFound]), 409
// ([status.ErrConflict]) and 503 ([status.ErrNotRunning]). Bodies are
// limited to [MaxBody] bytes and decoded strictly (unknown fields are a 400).
//
// # Privilege
//
// Each request is authorised from its peer's credentials (SO_PEERCRED,
// read by [Serve]; see [Peer]). Root and the daemon's own user may use
// every route. Other users who can open the socket (ctl_group members) may
// read, enter PINs, disconnect and reload the configured file; /v1/wpa and
// reloading another file or the defaults answer 403 for them. A file to
// reload must be a regular file only root could have written, and one
// that sets no hostp2pd setting is refused without reading it further.
//
// # Limits
//
// [Serve] and [ServeHTTP] use read, write and idle timeouts and cap the open
// connections with [LimitListener].
//
// For debugging:
//
//	curl --unix-socket /run/hostp2pd-p2p-dev-wlan0.sock http://hostp2pd/v1/status
//
// # Socket
//
// [Listen] creates the socket mode 0600 (root only) or 0660 for a group,
// atomically (bind under a temporary name, chmod/chown, rename), and replaces
// a stale socket only when nothing answers on it.
package ctl
