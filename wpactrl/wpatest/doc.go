// Package wpatest is a fake wpa_supplicant for tests: a real server on unix
// datagram sockets in a directory, byte-faithful to wpa_supplicant 2.10's
// control interface. Point wpactrl (or any client) at [Server.Path].
//
// It fakes the peer at the wire, not the client: replies are the exact
// datagrams ("OK\n", "FAIL\n", "PONG\n", "UNKNOWN COMMAND\n", bare PINs,
// empty datagrams), events are "<3>TEXT" sent to ATTACHed monitors, and
// replies go to the sender's address, so an unbound client gets none.
//
// # Default model
//
// Without handlers the server plays a small P2P group owner
// (see [Server.Handle] to override any command):
//
//   - PING → "PONG\n"; ATTACH, DETACH, LEVEL as in wpa_supplicant.
//   - P2P_FIND, P2P_LISTEN, P2P_SET, WPS_CANCEL, P2P_CONNECT, P2P_INVITE,
//     P2P_PROV_DISC, P2P_REMOVE_CLIENT, DEAUTHENTICATE, SAVE_CONFIG → "OK\n".
//     P2P_STOP_FIND emits "P2P-FIND-STOPPED " first if a find was running;
//     WPS_PBC on a group emits "WPS-PBC-ACTIVE " before its OK.
//   - WPS_PIN any|<addr> <pin> → the PIN without newline (GeneratedPIN
//     when none is given); P2P_CONNECT <addr> pin → GeneratedPIN.
//   - SET/GET of a variable map ([Server.SetVar]); device_name is limited
//     to 32 bytes.
//   - INTERFACES lists the interfaces, newest group first; STATUS gives
//     key=value lines (a group reports mode=P2P GO).
//   - LIST_NETWORKS, GET_NETWORK <id> ssid|bssid|mode|disabled|psk and
//     REMOVE_NETWORK over [Server.AddNetwork]'s list.
//   - P2P_GROUP_ADD [persistent[=<id>]] [freq=<MHz>] creates the group
//     interface p2p-wlan0-N with its socket, replies OK, then emits
//     P2P-GROUP-STARTED on the P2P device. "persistent" adds a network
//     with [DISABLED][P2P-PERSISTENT], mode 3, disabled 2.
//   - P2P_GROUP_REMOVE <ifname>|* emits P2P-GROUP-REMOVED ... reason=REQUESTED,
//     removes the socket and replies OK (FAIL for an unknown group).
//   - STA-FIRST/STA-NEXT on a group → an empty datagram (no stations);
//     P2P_CANCEL, P2P_PEER and STA → "FAIL\n"; anything else → "UNKNOWN
//     COMMAND\n".
//
// # Process life
//
// [Server.Kill], [Server.Terminate] and [Server.Restart] reproduce what
// the traces in testdata/traces show for SIGKILL, SIGTERM and a restart:
// stale socket files that refuse sends, CTRL-EVENT-TERMINATING, and fresh
// sockets (new inodes) that old connections never reach again.
//
// # Traces
//
// [LoadTrace] reads the recorded sessions in testdata/traces, and
// [Server.ReplayEvents] plays their events to a client under test.
package wpatest
