package main

// mDNS from the phone's namespace once it joined (issue 18): what a
// DNS-SD browser on the phone does (Android's NsdManager, avahi-browse,
// mDNSResponder): a socket on port 5353 joined to 224.0.0.251 on the group
// interface, queries to 224.0.0.251:5353 with ID 0 (RFC 6762 §18.1), QM
// (answers multicast) or QU (the unicast-response bit, §5.4), the PTR of
// the service type first, then SRV/TXT of the instance and the A of its
// target when the answer did not carry them as additional records
// (RFC 6763 §12), each question repeated every second until answered.

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/miekg/dns"
	"golang.org/x/net/ipv4"
)

var mdnsGroup = &net.UDPAddr{IP: net.IPv4(224, 0, 0, 251), Port: 5353}

// mdnsInNetns runs this step again inside the phone's network namespace
// (the socket must live there); its PHONE line is ours.
func (p *phone) mdnsInNetns(args []string) int {
	exe, err := os.Executable()
	if err != nil {
		return p.fail("mdns", err)
	}
	c := exec.Command("/sbin/ip", append([]string{"netns", "exec", p.netns, exe, "--netns", "-", "--phone", p.name}, args...)...)
	c.Stdout, c.Stderr = os.Stdout, os.Stderr
	if err := c.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		return p.fail("mdns", err)
	}
	return 0
}

type mdnsClient struct {
	c   *net.UDPConn
	qu  bool
	rrs []dns.RR // every record of every response seen
	src string   // sender of the last useful response
}

func (m *mdnsClient) find(name string, t uint16) dns.RR {
	for _, rr := range m.rrs {
		h := rr.Header()
		if h.Rrtype == t && strings.EqualFold(h.Name, name) {
			return rr
		}
	}
	return nil
}

// ask sends the question (name, t) every second until a record of that
// name and type has been seen, or the deadline.
func (m *mdnsClient) ask(name string, t uint16, deadline time.Time) (dns.RR, error) {
	name = dns.Fqdn(name)
	if rr := m.find(name, t); rr != nil {
		return rr, nil
	}
	q := new(dns.Msg)
	q.SetQuestion(name, t)
	q.Id, q.RecursionDesired = 0, false
	if m.qu {
		q.Question[0].Qclass |= 1 << 15
	}
	out, err := q.Pack()
	if err != nil {
		return nil, err
	}
	buf := make([]byte, 9000)
	for time.Now().Before(deadline) {
		if _, err := m.c.WriteToUDP(out, mdnsGroup); err != nil {
			return nil, err
		}
		end := time.Now().Add(time.Second)
		if end.After(deadline) {
			end = deadline
		}
		_ = m.c.SetReadDeadline(end)
		for {
			n, from, err := m.c.ReadFromUDP(buf)
			if err != nil {
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					break
				}
				return nil, err
			}
			var r dns.Msg
			if r.Unpack(buf[:n]) != nil || !r.Response {
				continue
			}
			for _, rr := range append(append(r.Answer, r.Ns...), r.Extra...) {
				rr.Header().Class &^= 1 << 15 // cache-flush bit
				m.rrs = append(m.rrs, rr)
			}
			if rr := m.find(name, t); rr != nil {
				m.src = from.String()
				return rr, nil
			}
		}
	}
	return nil, fmt.Errorf("no mDNS answer for %s %s", name, dns.TypeToString[t])
}

// mdns resolves the first instance of service (e.g. _http._tcp) and the
// host name host (e.g. hostp2pd) on the phone's group interface. With
// --instance, that instance must be among the PTR answers.
func (p *phone) mdns(service, instance, host string, qu bool) int {
	mode := "qm"
	if qu {
		mode = "qu"
	}
	kv := []string{"mode", mode, "service", service, "host", host}
	g, err := p.group()
	if err != nil {
		return p.fail("mdns", err, kv...)
	}
	kv = append(kv, "group", g)
	ifi, err := net.InterfaceByName(g)
	if err != nil {
		return p.fail("mdns", err, kv...)
	}
	// Binds 0.0.0.0:5353 (SO_REUSEADDR), joins 224.0.0.251 and sends on ifi.
	c, err := net.ListenMulticastUDP("udp4", ifi, mdnsGroup)
	if err != nil {
		return p.fail("mdns", err, kv...)
	}
	defer c.Close()
	_ = ipv4.NewPacketConn(c).SetMulticastTTL(255) // RFC 6762 §11
	m := &mdnsClient{c: c, qu: qu}
	deadline := time.Now().Add(p.to(10 * time.Second))
	var out []string
	if service != "" {
		svc := dns.Fqdn(service + ".local")
		rr, err := m.ask(svc, dns.TypePTR, deadline)
		if err != nil {
			return p.fail("mdns", err, kv...)
		}
		inst := rr.(*dns.PTR).Ptr
		if instance != "" {
			want := dns.Fqdn(instance + "." + service + ".local")
			inst = ""
			for _, x := range m.rrs {
				if v, ok := x.(*dns.PTR); ok && strings.EqualFold(v.Hdr.Name, svc) && strings.EqualFold(v.Ptr, want) {
					inst = v.Ptr
				}
			}
			if inst == "" {
				return p.fail("mdns", fmt.Errorf("no PTR %s → %s", svc, want), kv...)
			}
		}
		srvRR, err := m.ask(inst, dns.TypeSRV, deadline)
		if err != nil {
			return p.fail("mdns", err, kv...)
		}
		txtRR, err := m.ask(inst, dns.TypeTXT, deadline)
		if err != nil {
			return p.fail("mdns", err, kv...)
		}
		srv := srvRR.(*dns.SRV)
		aRR, err := m.ask(srv.Target, dns.TypeA, deadline)
		if err != nil {
			return p.fail("mdns", err, kv...)
		}
		out = append(out, "instance", strings.TrimSuffix(inst, "."), "target", strings.TrimSuffix(srv.Target, "."),
			"port", strconv.Itoa(int(srv.Port)), "txt", strings.Join(txtRR.(*dns.TXT).Txt, ","), "addr", aRR.(*dns.A).A.String())
	}
	if host != "" {
		m.rrs = nil // a fresh question, not the A seen with the service
		aRR, err := m.ask(host+".local", dns.TypeA, deadline)
		if err != nil {
			return p.fail("mdns", err, kv...)
		}
		out = append(out, "host_addr", aRR.(*dns.A).A.String())
	}
	return p.emit("mdns", true, append(append(kv, out...), "from", m.src)...)
}
