// Package dhcpd is the DHCPv4 server that runs on a P2P group interface
// (p2p-wlan0-0 and the like) while hostp2pd is the group owner. Android
// removes a group whose DHCP fails, so the GO must answer.
//
// The wire format and the interface-bound broadcast socket come from
// github.com/insomniacslk/dhcp (dhcpv4 and server4.NewIPv4UDPConn). The
// receive loop, the lease pool and the lease file are ours: one goroutine
// reads, handles and answers each packet in turn, so there is no goroutine
// per packet.
//
// # Protocol
//
// The server follows RFC 2131 for DISCOVER, REQUEST (SELECTING, INIT-REBOOT,
// RENEWING, REBINDING), DECLINE, RELEASE and INFORM. It is authoritative for
// its subnet, as the only DHCP server on a P2P group: a REQUEST for an
// address that is free, or already bound to the same client, is ACKed even
// when the server has no record of the client (for example after the lease
// file was lost), and any other REQUEST for a wrong address is NAKed. Relayed
// packets (giaddr set), BOOTP and non-Ethernet clients are ignored.
//
// Replies go to 255.255.255.255:68 when ciaddr is zero or the broadcast flag
// is set, and to ciaddr:68 otherwise; NAKs are always broadcast. An ACK sent
// to ciaddr:68 (a renewal) is broadcast as well: busybox udhcpc loses a
// unicast ACK that arrives before it closes the socket it sent the renewal
// from (see replyDest). A request
// that comes from a source port other than 68 (a probe tool, or a test on
// 127.0.0.1) is answered at its source address, the only place its sender
// can read a reply.
//
// # Leases
//
// A client is known by its client identifier (option 61) or, without one, by
// its MAC address. It keeps its address across DISCOVERs, RELEASEs, expiry
// and server restarts for as long as no other client needed it: new clients
// get never-used addresses first, and only when the pool is exhausted are
// released or expired bindings reclaimed, oldest first. A DECLINEd address
// is quarantined for ten minutes, and so is one that an ARP probe finds in
// use before it is offered (see [Server]). Bad packets, pool exhaustion and
// other servers on the link are counted ([Server.Counters]); repeated
// warnings are logged once per interval with a count, never per packet.
//
// Addresses that wpa_supplicant hands out in the WPA2 4-way handshake
// (Config.EAPOLFrom-EAPOLTo) live in the same pool: [Server.Bind] records
// them, DHCP gives each to its client only, and the lease file keeps them.
//
// With Config.LeaseFile set, the bindings are kept in a JSON file that is
// replaced atomically (temp file, fsync, rename, directory fsync) after each
// change, and loaded by [New]. A missing file starts an empty pool; a
// corrupt one is logged and ignored. New also removes the temporary files
// that a write killed midway (kill -9, power loss) left beside it.
package dhcpd
