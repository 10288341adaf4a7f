package mdns

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// Instance is a resolved DNS-SD instance.
type Instance struct {
	Name   string // Kiosk._http._tcp.local.
	Target string // hostp2pd.local.
	Port   int
	Addr   netip.Addr
	TXT    []string
}

// Resolve asks over conn (a UDP socket on an ephemeral port: a legacy
// unicast query, RFC 6762 §6.7) for the PTR records of service (e.g.
// "_http._tcp.local") and returns the instances found in the first answer
// with their SRV, TXT and A records. It retries every 500 ms until ctx is
// done.
func Resolve(ctx context.Context, conn net.PacketConn, to net.Addr, service string) ([]Instance, error) {
	q := new(dns.Msg)
	q.SetQuestion(dns.Fqdn(service), dns.TypePTR)
	q.RecursionDesired = false
	out, err := q.Pack()
	if err != nil {
		return nil, err
	}
	buf := make([]byte, 9000)
	for {
		if _, err := conn.WriteTo(out, to); err != nil {
			return nil, err
		}
		deadline := time.Now().Add(500 * time.Millisecond)
		if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
			deadline = d
		}
		_ = conn.SetReadDeadline(deadline)
		for {
			n, _, err := conn.ReadFrom(buf)
			if err != nil {
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					break
				}
				return nil, err
			}
			var r dns.Msg
			if r.Unpack(buf[:n]) != nil || !r.Response || r.Id != q.Id {
				continue
			}
			if list := instances(&r, service); len(list) > 0 {
				return list, nil
			}
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("mdns: no answer for %s: %w", service, ctx.Err())
		}
	}
}

func instances(r *dns.Msg, service string) []Instance {
	all := append(append([]dns.RR{}, r.Answer...), r.Extra...)
	var out []Instance
	for _, rr := range r.Answer {
		p, ok := rr.(*dns.PTR)
		if !ok || !strings.EqualFold(p.Hdr.Name, dns.Fqdn(service)) {
			continue
		}
		in := Instance{Name: p.Ptr}
		for _, x := range all {
			switch v := x.(type) {
			case *dns.SRV:
				if strings.EqualFold(v.Hdr.Name, p.Ptr) {
					in.Target, in.Port = v.Target, int(v.Port)
				}
			case *dns.TXT:
				if strings.EqualFold(v.Hdr.Name, p.Ptr) {
					in.TXT = v.Txt
				}
			}
		}
		for _, x := range all {
			if a, ok := x.(*dns.A); ok && in.Target != "" && strings.EqualFold(a.Hdr.Name, in.Target) {
				in.Addr, _ = netip.AddrFromSlice(a.A.To4())
			}
		}
		out = append(out, in)
	}
	return out
}
