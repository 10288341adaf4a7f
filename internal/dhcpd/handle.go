package dhcpd

import (
	"net"
	"net/netip"
	"slices"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/iana"
)

// result is what handling one packet decided; serve carries it out.
type result struct {
	reply *dhcpv4.DHCPv4
	dst   *net.UDPAddr
	lease *Lease // an ACK bound or renewed this lease
	dirty bool   // bindings changed: write the lease file
	// bcastCopy: send the reply to 255.255.255.255:68 as well (see replyDest).
	bcastCopy bool
	// probe: check that no host answers for this address before sending
	// the offer; chaddr is the client's MAC (its own answer is no conflict).
	probe  netip.Addr
	chaddr net.HardwareAddr
}

// handle decodes one datagram from peer, updates the pool and returns the
// reply to send, if any. It does no I/O and never panics on input.
func (s *Server) handle(data []byte, peer net.Addr) result {
	req, err := dhcpv4.FromBytes(data)
	if err != nil {
		s.stats.bad.Add(1)
		s.log.Debug("ignoring malformed packet", "len", len(data), "err", err)
		return result{}
	}
	if why := unsupported(req); why != "" {
		s.stats.bad.Add(1)
		s.log.Debug("ignoring packet", "reason", why, "op", req.OpCode.String(), "len", len(data),
			"mac", req.ClientHWAddr.String())
		return result{}
	}
	c := client{mac: slices.Clone(req.ClientHWAddr), hostname: cleanHostname(req.HostName())}
	if id := req.GetOneOption(dhcpv4.OptionClientIdentifier); len(id) > 0 {
		c.clientID = slices.Clone(id)
	}
	c.key = clientKey(c.mac, c.clientID)

	s.mu.Lock()
	defer s.mu.Unlock()
	s.pool.adopt(c)
	var r result
	switch mt := req.MessageType(); mt {
	case dhcpv4.MessageTypeDiscover:
		r = s.discover(req, c)
	case dhcpv4.MessageTypeRequest:
		r = s.request(req, c)
	case dhcpv4.MessageTypeDecline:
		r = s.decline(req, c)
	case dhcpv4.MessageTypeRelease:
		r = s.release(req, c)
	case dhcpv4.MessageTypeInform:
		r = s.inform(req, c)
	default:
		s.log.Debug("ignoring message type", "type", mt.String(), "mac", c.mac.String())
	}
	if r.reply != nil {
		r.dst = replyDest(req, r.reply, peer)
		r.chaddr = c.mac
		switch r.reply.MessageType() {
		case dhcpv4.MessageTypeAck:
			s.stats.acks.Add(1)
			r.bcastCopy = r.dst.Port == dhcpv4.ClientPort && !r.dst.IP.Equal(net.IPv4bcast) &&
				r.lease != nil
		case dhcpv4.MessageTypeNak:
			s.stats.naks.Add(1)
		}
	} else {
		r.probe = netip.Addr{}
	}
	return r
}

// unsupported says why req is not for us, or returns "".
func unsupported(req *dhcpv4.DHCPv4) string {
	switch {
	case req.OpCode != dhcpv4.OpcodeBootRequest:
		return "not a BOOTREQUEST"
	case req.HWType != iana.HWTypeEthernet || len(req.ClientHWAddr) != 6:
		return "not an Ethernet client"
	case isZero(req.ClientHWAddr):
		return "zero client MAC"
	case req.ClientHWAddr[0]&1 != 0:
		return "broadcast or multicast client MAC"
	case req.GatewayIPAddr != nil && !req.GatewayIPAddr.IsUnspecified():
		return "relayed"
	case req.MessageType() == dhcpv4.MessageTypeNone:
		return "no message type (BOOTP)"
	}
	return ""
}

func isZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}

// addr4 converts an address from the wire; zero and invalid give the zero Addr.
func addr4(ip net.IP) netip.Addr {
	a, ok := netip.AddrFromSlice(ip.To4())
	if !ok || a.IsUnspecified() {
		return netip.Addr{}
	}
	return a
}

// foreign reports whether req names another server as its server identifier.
func (s *Server) foreign(req *dhcpv4.DHCPv4) bool {
	sid := addr4(req.ServerIdentifier())
	return sid.IsValid() && sid != s.cfg.ServerIP
}

func (s *Server) discover(req *dhcpv4.DHCPv4, c client) result {
	now := s.now()
	ip, ok := s.pool.choose(c.key, addr4(req.RequestedIPAddress()), now)
	if !ok {
		s.stats.poolExhausted.Add(1)
		if n, due := s.limit("pool").due(now, warnEvery); due {
			s.log.Warn("address pool exhausted: no offer", "mac", c.mac.String(), "hostname", c.hostname,
				"discovers_unanswered", n, "since", warnEvery, "pool", s.pool.from.String()+"-"+s.pool.to.String())
		}
		return result{}
	}
	var r result
	prev := s.pool.byIP[ip]
	if s.prober != nil && ((prev != nil && prev.key != c.key) || (prev == nil && now.Before(s.blindUntil))) {
		r.probe = ip
	}
	if b := s.pool.byKey[c.key]; b == nil || b.ip != ip || b.state != stateBound || !b.active(now) {
		_, ev := s.pool.assign(c, ip, stateOffered, now.Add(offerHold))
		if ev != nil {
			s.log.Info("reclaimed address", "ip", ip, "from_mac", ev.mac.String(), "mac", c.mac.String())
			r.dirty = true
		}
	}
	r.reply = s.reply(req, dhcpv4.MessageTypeOffer, ip, true)
	s.log.Debug("offer", "mac", c.mac.String(), "ip", ip, "hostname", c.hostname)
	return r
}

// request handles the four REQUEST states of RFC 2131 §4.3.2.
func (s *Server) request(req *dhcpv4.DHCPv4, c client) result {
	now := s.now()
	sid := addr4(req.ServerIdentifier())
	requested := addr4(req.RequestedIPAddress())
	ciaddr := addr4(req.ClientIPAddr)
	b := s.pool.byKey[c.key]

	switch {
	case sid.IsValid(): // SELECTING
		if sid != s.cfg.ServerIP {
			// The client took another server's offer; free ours.
			if b != nil && b.state == stateOffered {
				b.expiry = now
			}
			s.rival(sid, "a client's REQUEST", "client_mac", c.mac.String(), "requested_ip", requested)
			return result{}
		}
		if !requested.IsValid() {
			requested = ciaddr
		}
		if b == nil || b.ip != requested || !s.pool.usable(requested, now) {
			return s.nak(req, c, requested, "requested address was not offered")
		}
		return s.ack(req, c, requested)

	case requested.IsValid(): // INIT-REBOOT
		if !s.cfg.Prefix.Contains(requested) {
			return s.nak(req, c, requested, "wrong network")
		}
		if !s.pool.availableTo(requested, c.key, now) {
			return s.nak(req, c, requested, "address not available")
		}
		return s.ack(req, c, requested)

	case ciaddr.IsValid(): // RENEWING (unicast) or REBINDING (broadcast)
		if !s.pool.availableTo(ciaddr, c.key, now) {
			return s.nak(req, c, ciaddr, "address not available")
		}
		return s.ack(req, c, ciaddr)
	}
	s.log.Debug("ignoring REQUEST without address", "mac", c.mac.String())
	return result{}
}

func (s *Server) ack(req *dhcpv4.DHCPv4, c client, ip netip.Addr) result {
	now := s.now()
	prev := s.pool.byKey[c.key]
	renewal := prev != nil && prev.ip == ip && prev.state == stateBound && prev.active(now)
	b, ev := s.pool.assign(c, ip, stateBound, now.Add(s.cfg.LeaseTime))
	if ev != nil {
		s.log.Info("reclaimed address", "ip", ip, "from_mac", ev.mac.String(), "mac", c.mac.String())
	}
	reply := s.reply(req, dhcpv4.MessageTypeAck, ip, true)
	if reply == nil {
		return result{dirty: true}
	}
	l := b.lease()
	if renewal {
		s.log.Debug("lease renewed", "mac", c.mac.String(), "ip", ip, "hostname", l.Hostname)
	} else {
		s.log.Info("lease bound", "mac", c.mac.String(), "ip", ip, "hostname", l.Hostname,
			"expiry", l.Expiry)
	}
	return result{reply: reply, lease: &l, dirty: true}
}

func (s *Server) nak(req *dhcpv4.DHCPv4, c client, ip netip.Addr, why string) result {
	s.log.Info("NAK", "mac", c.mac.String(), "ip", ip, "reason", why)
	reply := s.reply(req, dhcpv4.MessageTypeNak, netip.Addr{}, false)
	if reply != nil {
		reply.UpdateOption(dhcpv4.OptMessage(why))
	}
	return result{reply: reply}
}

func (s *Server) decline(req *dhcpv4.DHCPv4, c client) result {
	ip := addr4(req.RequestedIPAddress())
	b := s.pool.byKey[c.key]
	if s.foreign(req) || b == nil || b.ip != ip {
		s.log.Debug("ignoring DECLINE", "mac", c.mac.String(), "ip", ip)
		return result{}
	}
	s.stats.declines.Add(1)
	s.pool.decline(ip, s.now().Add(declineHold))
	s.log.Warn("address declined by client: in use, quarantined", "mac", c.mac.String(), "ip", ip,
		"for", declineHold)
	return result{dirty: true}
}

func (s *Server) release(req *dhcpv4.DHCPv4, c client) result {
	ip := addr4(req.ClientIPAddr)
	b := s.pool.byKey[c.key]
	if s.foreign(req) || b == nil || b.ip != ip || b.state == stateReleased {
		s.log.Debug("ignoring RELEASE", "mac", c.mac.String(), "ip", ip)
		return result{}
	}
	b.state, b.expiry = stateReleased, s.now()
	s.log.Info("lease released", "mac", c.mac.String(), "ip", ip, "hostname", b.hostname)
	return result{dirty: true}
}

func (s *Server) inform(req *dhcpv4.DHCPv4, c client) result {
	if s.foreign(req) {
		return result{}
	}
	reply := s.reply(req, dhcpv4.MessageTypeAck, netip.Addr{}, false)
	s.log.Debug("inform", "mac", c.mac.String(), "ip", addr4(req.ClientIPAddr))
	return result{reply: reply}
}

// reply builds a reply of type mt to req. yiaddr may be zero. Offers and
// ACKs (full) carry the subnet mask, lease and renewal times, and router
// and DNS when configured; INFORM ACKs carry the same without times; NAKs
// carry only the server identifier.
func (s *Server) reply(req *dhcpv4.DHCPv4, mt dhcpv4.MessageType, yiaddr netip.Addr, lease bool) *dhcpv4.DHCPv4 {
	mods := []dhcpv4.Modifier{
		dhcpv4.WithMessageType(mt),
		dhcpv4.WithOption(dhcpv4.OptServerIdentifier(s.cfg.ServerIP.AsSlice())),
	}
	if yiaddr.IsValid() {
		mods = append(mods, dhcpv4.WithYourIP(yiaddr.AsSlice()))
	}
	if mt != dhcpv4.MessageTypeNak {
		mods = append(mods, dhcpv4.WithNetmask(net.CIDRMask(s.cfg.Prefix.Bits(), 32)))
		if s.cfg.Router {
			mods = append(mods, dhcpv4.WithRouter(s.cfg.ServerIP.AsSlice()))
		}
		if len(s.cfg.DNS) > 0 {
			dns := make([]net.IP, len(s.cfg.DNS))
			for i, d := range s.cfg.DNS {
				dns[i] = d.AsSlice()
			}
			mods = append(mods, dhcpv4.WithDNS(dns...))
		}
	}
	if lease {
		lt := s.cfg.LeaseTime
		mods = append(mods,
			dhcpv4.WithOption(dhcpv4.OptIPAddressLeaseTime(lt)),
			dhcpv4.WithOption(dhcpv4.OptRenewTimeValue(lt/2)),
			dhcpv4.WithOption(dhcpv4.OptRebindingTimeValue(lt*7/8)),
		)
	}
	if mt == dhcpv4.MessageTypeAck {
		mods = append(mods, dhcpv4.WithClientIP(req.ClientIPAddr))
	}
	resp, err := dhcpv4.NewReplyFromRequest(req, mods...)
	if err != nil {
		s.log.Warn("cannot build reply", "type", mt.String(), "err", err)
		return nil
	}
	return resp
}

// replyDest says where resp, the answer to req received from peer, goes
// (RFC 2131 §4.1, for a server with no relay agents and no way to unicast
// to an address the client has not configured yet):
//
//   - a request from a port other than 68 is answered at its source address;
//   - a NAK is broadcast;
//   - with ciaddr set and the broadcast flag clear, to ciaddr:68;
//   - otherwise broadcast to 255.255.255.255:68.
//
// An ACK that goes to ciaddr:68 (RENEWING, REBINDING) is also broadcast
// (result.bcastCopy). busybox udhcpc sends its unicast renewal from a
// short-lived socket bound to ciaddr:68 and connected to us, next to its
// listening socket on 0.0.0.0:68. An ACK that comes back before it closes
// that socket is matched to it and lost with it (the client's kernel
// counts it in UDP NoPorts), and the client falls back to a broadcast
// rebind a second or more later. A broadcast does not match the connected
// socket and reaches the listener. Measured in a netns with udhcpc 1.35:
// 7 of 60 unicast renewals lost without the copy, 0 of 60 with it.
func replyDest(req, resp *dhcpv4.DHCPv4, peer net.Addr) *net.UDPAddr {
	if u, ok := peer.(*net.UDPAddr); ok && u.Port != dhcpv4.ClientPort && u.Port != 0 &&
		addr4(u.IP).IsValid() && !u.IP.Equal(net.IPv4bcast) {
		return &net.UDPAddr{IP: u.IP, Port: u.Port}
	}
	bcast := &net.UDPAddr{IP: net.IPv4bcast, Port: dhcpv4.ClientPort}
	if resp.MessageType() == dhcpv4.MessageTypeNak {
		return bcast
	}
	if ci := addr4(req.ClientIPAddr); ci.IsValid() && !req.IsBroadcast() {
		return &net.UDPAddr{IP: ci.AsSlice(), Port: dhcpv4.ClientPort}
	}
	return bcast
}
