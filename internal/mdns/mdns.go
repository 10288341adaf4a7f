// Package mdns is a small multicast DNS responder (RFC 6762) for the P2P
// group interface: it answers for the group owner's host name
// (hostp2pd.local → the GO address) and for the DNS-SD services of
// hostp2pd.yaml (PTR, SRV, TXT, A), on that interface only.
//
// hashicorp/mdns was considered: its server listens on every interface
// (a socket bound to 224.0.0.251:5353 also receives the queries of other
// interfaces) and needs IPv6 or fails; the group must not advertise the GO
// address on the uplink. The wire format is github.com/miekg/dns.
package mdns

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"sync/atomic"

	"github.com/miekg/dns"

	"github.com/hostp2pd/hostp2pd/internal/services"
)

// Port and Group are mDNS's UDP port and IPv4 group.
const Port = 5353

// Group is the mDNS IPv4 multicast address, 224.0.0.251:5353.
var Group = &net.UDPAddr{IP: net.IPv4(224, 0, 0, 251), Port: Port}

// TTLs of the records (RFC 6762 §10: 120 s for records with a host name,
// 75 min for the others).
const (
	hostTTL  = 120
	otherTTL = 4500
	// legacyTTL caps the TTL of answers to a legacy unicast query (§6.7).
	legacyTTL = 10
)

// Zone is what the responder answers for.
type Zone struct {
	Host     string     // host label, e.g. "hostp2pd": hostp2pd.local
	Addr     netip.Addr // the GO address (IPv4)
	Services []services.DNSSD
}

func (z *Zone) hostName() string { return dns.Fqdn(strings.ToLower(z.Host) + ".local") }

func (z *Zone) a(ttl uint32) dns.RR {
	return &dns.A{Hdr: dns.RR_Header{Name: z.hostName(), Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: ttl}, A: z.Addr.AsSlice()}
}

func (z *Zone) srv(d *services.DNSSD, ttl uint32) dns.RR {
	return &dns.SRV{Hdr: dns.RR_Header{Name: dns.Fqdn(d.FQDN()), Rrtype: dns.TypeSRV, Class: dns.ClassINET, Ttl: ttl},
		Port: uint16(d.Port), Target: z.hostName()}
}

func (z *Zone) txt(d *services.DNSSD, ttl uint32) dns.RR {
	rr := d.TXTRecord(dns.Fqdn(d.FQDN()))
	rr.Hdr.Ttl = ttl
	return rr
}

func ptr(name, target string, ttl uint32) dns.RR {
	return &dns.PTR{Hdr: dns.RR_Header{Name: dns.Fqdn(name), Rrtype: dns.TypePTR, Class: dns.ClassINET, Ttl: ttl}, Ptr: dns.Fqdn(target)}
}

func wants(q dns.Question, t uint16) bool { return q.Qtype == t || q.Qtype == dns.TypeANY }

// Answer returns the answers and additional records for the questions of
// q, or nil answers when none is ours.
func (z *Zone) Answer(q *dns.Msg) (ans, extra []dns.RR) {
	seen := map[string]bool{}
	add := func(list *[]dns.RR, rr dns.RR) {
		k := rr.String()
		if !seen[k] {
			seen[k] = true
			*list = append(*list, rr)
		}
	}
	var extras []dns.RR
	for _, qq := range q.Question {
		if qq.Qclass&0x7fff != dns.ClassINET && qq.Qclass&0x7fff != dns.ClassANY {
			continue
		}
		name := strings.ToLower(qq.Name)
		if name == z.hostName() && wants(qq, dns.TypeA) && z.Addr.Is4() {
			add(&ans, z.a(hostTTL))
		}
		if name == "_services._dns-sd._udp.local." && wants(qq, dns.TypePTR) {
			for i := range z.Services {
				add(&ans, ptr("_services._dns-sd._udp.local", z.Services[i].ServiceName(), otherTTL))
			}
		}
		for i := range z.Services {
			d := &z.Services[i]
			switch name {
			case strings.ToLower(dns.Fqdn(d.ServiceName())):
				if wants(qq, dns.TypePTR) {
					add(&ans, ptr(d.ServiceName(), d.FQDN(), otherTTL))
					extras = append(extras, z.srv(d, hostTTL), z.txt(d, otherTTL), z.a(hostTTL))
				}
			case strings.ToLower(dns.Fqdn(d.FQDN())):
				if wants(qq, dns.TypeSRV) {
					add(&ans, z.srv(d, hostTTL))
					extras = append(extras, z.a(hostTTL))
				}
				if wants(qq, dns.TypeTXT) {
					add(&ans, z.txt(d, otherTTL))
				}
			}
		}
	}
	if len(ans) == 0 {
		return nil, nil
	}
	for _, rr := range extras {
		if rr.Header().Rrtype == dns.TypeA && !z.Addr.Is4() {
			continue
		}
		add(&extra, rr)
	}
	return ans, extra
}

// Stats counts what a responder did.
type Stats struct {
	Queries  atomic.Uint64 // mDNS queries received
	Answered atomic.Uint64 // queries we answered
	Bad      atomic.Uint64 // datagrams that were not DNS messages
}

// Serve answers the queries read from conn until ctx is done or conn
// fails. A legacy unicast query (source port not 5353) or one with the
// unicast-response bit is answered to its sender; the others to the
// group (to, normally Group).
func Serve(ctx context.Context, conn net.PacketConn, to net.Addr, z *Zone, st *Stats, log *slog.Logger) error {
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()
	buf := make([]byte, 9000)
	for {
		n, from, err := conn.ReadFrom(buf)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		var q dns.Msg
		if err := q.Unpack(buf[:n]); err != nil {
			st.Bad.Add(1)
			log.Debug("mdns: not a DNS message", "from", from, "err", err)
			continue
		}
		if q.Response || q.Opcode != dns.OpcodeQuery {
			continue
		}
		st.Queries.Add(1)
		ans, extra := z.Answer(&q)
		if ans == nil {
			continue
		}
		r := new(dns.Msg)
		r.Response, r.Authoritative = true, true
		dest := to
		legacy := false
		if u, ok := from.(*net.UDPAddr); ok && u.Port != Port {
			legacy = true
		}
		unicast := legacy
		for _, qq := range q.Question {
			if qq.Qclass&0x8000 != 0 {
				unicast = true
			}
		}
		if unicast {
			dest = from
		}
		if legacy {
			// RFC 6762 §6.7: the query's ID and questions, short TTLs,
			// no cache-flush bit.
			r.Id = q.Id
			r.Question = q.Question
			for _, rr := range append(ans, extra...) {
				rr.Header().Ttl = min(rr.Header().Ttl, legacyTTL)
			}
		} else {
			for _, rr := range append(ans, extra...) {
				if rr.Header().Rrtype != dns.TypePTR {
					rr.Header().Class |= 0x8000 // cache flush: the record is ours alone
				}
			}
		}
		r.Answer, r.Extra = ans, extra
		out, err := r.Pack()
		if err != nil {
			log.Warn("mdns: cannot pack an answer", "err", err)
			continue
		}
		if _, err := conn.WriteTo(out, dest); err != nil {
			log.Debug("mdns: answer not sent", "to", dest, "err", err)
			continue
		}
		st.Answered.Add(1)
	}
}
