package dhcpd

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"sync/atomic"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

const (
	// warnEvery is how often a repeated warning (pool exhausted, the
	// same rival server) is logged; the line counts what happened since.
	warnEvery = time.Minute
	// rivalEvery is how often the same rival server is logged again.
	rivalEvery = 10 * time.Minute
	// conflictHold is how long an address found in use by a probe stays
	// out of the pool.
	conflictHold = declineHold
)

// stats are the server's counters; see [Server.Counters].
type stats struct {
	poolExhausted, rivals, conflicts, declines, bad, acks, naks atomic.Uint64
}

// Counters returns the server's counters since New, named like the
// daemon's other counters (they become hostp2pd_<name>_total metrics):
//
//   - dhcp_pool_exhausted: DISCOVERs left without an offer, pool empty
//   - dhcp_rival_server: replies or requests that show another DHCP server
//   - dhcp_address_conflicts: addresses a probe found in use
//   - dhcp_declines: addresses clients DECLINEd
//   - dhcp_bad_packets: malformed or unsupported packets ignored
//   - dhcp_acks, dhcp_naks: ACKs and NAKs sent
//
// It is safe for concurrent use.
func (s *Server) Counters() map[string]uint64 {
	return map[string]uint64{
		"dhcp_pool_exhausted":    s.stats.poolExhausted.Load(),
		"dhcp_rival_server":      s.stats.rivals.Load(),
		"dhcp_address_conflicts": s.stats.conflicts.Load(),
		"dhcp_declines":          s.stats.declines.Load(),
		"dhcp_bad_packets":       s.stats.bad.Load(),
		"dhcp_acks":              s.stats.acks.Load(),
		"dhcp_naks":              s.stats.naks.Load(),
	}
}

// every rate-limits one repeated warning.
type every struct {
	last time.Time
	n    uint64 // occurrences since the last line
}

// due counts one occurrence and reports whether to log it now, with the
// number of occurrences the line stands for.
func (e *every) due(now time.Time, interval time.Duration) (uint64, bool) {
	e.n++
	if !e.last.IsZero() && now.Sub(e.last) < interval {
		return 0, false
	}
	n := e.n
	e.last, e.n = now, 0
	return n, true
}

// limit returns the limiter of topic; s.mu must be held.
func (s *Server) limit(topic string) *every {
	e := s.limits[topic]
	if e == nil {
		if len(s.limits) >= 256 { // bounded: forget the oldest topics
			clear(s.limits)
		}
		e = &every{}
		s.limits[topic] = e
	}
	return e
}

// rival records a sign of another DHCP server with identifier sid; s.mu
// must be held.
func (s *Server) rival(sid netip.Addr, how string, attrs ...any) {
	s.stats.rivals.Add(1)
	if n, ok := s.limit("rival "+sid.String()).due(s.now(), rivalEvery); ok {
		s.log.Warn("another DHCP server answers on the group interface: phones may get a wrong address or lose it; stop it on this interface",
			append([]any{"server_id", sid, "seen_by", how, "times", n}, attrs...)...)
	}
}

// conflict quarantines ip, which holder answered for in a probe, and
// forgets the offer made on it.
func (s *Server) conflict(ip netip.Addr, holder net.HardwareAddr) {
	s.stats.conflicts.Add(1)
	s.mu.Lock()
	s.pool.decline(ip, s.now().Add(conflictHold))
	s.mu.Unlock()
	s.log.Warn("address in use on the link (ARP probe answered): quarantined", "ip", ip,
		"holder_mac", holder.String(), "for", conflictHold)
	s.persist()
}

// listenRivals reads port 68 and reports every OFFER, ACK or NAK from a
// server other than us, until ctx is done.
func (s *Server) listenRivals(ctx context.Context, conn net.PacketConn) {
	buf := make([]byte, 1500)
	for {
		n, peer, err := conn.ReadFrom(buf)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		s.heard(buf[:n], peer)
	}
}

// heard checks one datagram received on port 68 for another server's reply.
func (s *Server) heard(data []byte, peer net.Addr) {
	p, err := dhcpv4.FromBytes(data)
	if err != nil || p.OpCode != dhcpv4.OpcodeBootReply {
		return
	}
	switch p.MessageType() {
	case dhcpv4.MessageTypeOffer, dhcpv4.MessageTypeAck, dhcpv4.MessageTypeNak:
	default:
		return
	}
	sid := addr4(p.ServerIdentifier())
	var src netip.Addr
	if u, ok := peer.(*net.UDPAddr); ok {
		src = addr4(u.IP)
	}
	if !sid.IsValid() {
		sid = src
	}
	if !sid.IsValid() || sid == s.cfg.ServerIP {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rival(sid, "its "+p.MessageType().String(), "source", src, "client_mac", p.ClientHWAddr.String(),
		"offered_ip", addr4(p.YourIPAddr))
}

// Bind records that ip was given to the client with MAC address mac
// outside DHCP: by wpa_supplicant's IP address allocation in the WPA2
// 4-way handshake (AP-STA-CONNECTED … ip_addr=). The client then gets the
// same address from DHCP, with or without a client identifier, and no
// other client gets it. Any other binding of ip is dropped: the handshake
// has already given it away.
func (s *Server) Bind(mac net.HardwareAddr, ip netip.Addr) error {
	if len(mac) != 6 || isZero(mac) || mac[0]&1 != 0 {
		return fmt.Errorf("dhcpd: bind %v: bad MAC address %q", ip, mac.String())
	}
	now := s.now()
	s.mu.Lock()
	if !s.pool.inRange(ip) {
		s.mu.Unlock()
		return fmt.Errorf("dhcpd: bind %v: outside the pool %v-%v", ip, s.pool.from, s.pool.to)
	}
	c := client{mac: slices.Clone(mac), key: clientKey(mac, nil)}
	if b := s.pool.byKey[c.key]; b != nil {
		c.hostname = b.hostname
	}
	b, ev := s.pool.assign(c, ip, stateBound, now.Add(s.cfg.LeaseTime))
	b.eapol = true
	delete(s.pool.declined, ip)
	s.mu.Unlock()
	if ev != nil {
		s.log.Info("address handed out in the 4-way handshake replaces a DHCP binding", "ip", ip,
			"from_mac", ev.mac.String(), "mac", mac.String())
	}
	s.log.Info("lease bound (EAPOL)", "mac", mac.String(), "ip", ip)
	s.persist()
	return nil
}
