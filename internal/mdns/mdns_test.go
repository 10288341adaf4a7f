package mdns

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/hostp2pd/hostp2pd/internal/services"
)

func zone() *Zone {
	return &Zone{Host: "hostp2pd", Addr: netip.MustParseAddr("192.168.49.1"),
		Services: []services.DNSSD{{Instance: "Kiosk", Type: "_http._tcp", Port: 80, TXT: []string{"path=/"}}}}
}

func question(name string, t uint16) *dns.Msg {
	m := new(dns.Msg)
	m.SetQuestion(name, t)
	return m
}

func TestAnswer(t *testing.T) {
	z := zone()
	ans, extra := z.Answer(question("_http._tcp.local.", dns.TypePTR))
	if len(ans) != 1 || ans[0].(*dns.PTR).Ptr != "Kiosk._http._tcp.local." {
		t.Fatalf("PTR answer = %v", ans)
	}
	var types []uint16
	for _, rr := range extra {
		types = append(types, rr.Header().Rrtype)
	}
	if !slices.Equal(types, []uint16{dns.TypeSRV, dns.TypeTXT, dns.TypeA}) {
		t.Errorf("additional = %v", extra)
	}
	ans, _ = z.Answer(question("HOSTP2PD.local.", dns.TypeA))
	if len(ans) != 1 || ans[0].(*dns.A).A.String() != "192.168.49.1" {
		t.Errorf("A answer = %v", ans)
	}
	ans, extra = z.Answer(question("Kiosk._http._tcp.local.", dns.TypeSRV))
	if len(ans) != 1 || ans[0].(*dns.SRV).Port != 80 || ans[0].(*dns.SRV).Target != "hostp2pd.local." || len(extra) != 1 {
		t.Errorf("SRV answer = %v + %v", ans, extra)
	}
	ans, _ = z.Answer(question("Kiosk._http._tcp.local.", dns.TypeTXT))
	if len(ans) != 1 || !slices.Equal(ans[0].(*dns.TXT).Txt, []string{"path=/"}) {
		t.Errorf("TXT answer = %v", ans)
	}
	ans, _ = z.Answer(question("_services._dns-sd._udp.local.", dns.TypePTR))
	if len(ans) != 1 || ans[0].(*dns.PTR).Ptr != "_http._tcp.local." {
		t.Errorf("service enumeration = %v", ans)
	}
	for _, q := range []*dns.Msg{question("other.local.", dns.TypeA), question("_ipp._tcp.local.", dns.TypePTR),
		question("hostp2pd.local.", dns.TypeAAAA)} {
		if ans, extra := z.Answer(q); ans != nil || extra != nil {
			t.Errorf("%v: answered %v %v", q.Question, ans, extra)
		}
	}
}

// TestServeLegacyUnicast runs the responder on a loopback socket and
// resolves the instance as the lab's phone does: a query from an ephemeral
// port, answered to it with the query's ID and short TTLs.
func TestServeLegacyUnicast(t *testing.T) {
	srv, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var st Stats
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, srv, Group, zone(), &st, slog.New(slog.NewTextHandler(io.Discard, nil))) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	}()

	cl, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	// Garbage first: counted, not fatal.
	if _, err := cl.WriteTo([]byte{1, 2, 3}, srv.LocalAddr()); err != nil {
		t.Fatal(err)
	}
	rctx, rcancel := context.WithTimeout(ctx, 5*time.Second)
	defer rcancel()
	list, err := Resolve(rctx, cl, srv.LocalAddr(), "_http._tcp.local")
	if err != nil {
		t.Fatal(err)
	}
	want := Instance{Name: "Kiosk._http._tcp.local.", Target: "hostp2pd.local.", Port: 80,
		Addr: netip.MustParseAddr("192.168.49.1"), TXT: []string{"path=/"}}
	if len(list) != 1 || list[0].Name != want.Name || list[0].Addr != want.Addr || list[0].Port != want.Port ||
		!slices.Equal(list[0].TXT, want.TXT) {
		t.Fatalf("resolved %+v, want %+v", list, want)
	}
	// The responder counts an answer after sending it: the reply can reach
	// us before the counter moves.
	for end := time.Now().Add(2 * time.Second); st.Answered.Load() < 1 && time.Now().Before(end); {
		time.Sleep(5 * time.Millisecond)
	}
	if st.Bad.Load() != 1 || st.Answered.Load() < 1 {
		t.Errorf("stats: bad %d answered %d", st.Bad.Load(), st.Answered.Load())
	}

	// The TTLs of a legacy unicast answer are at most 10 s (RFC 6762 §6.7).
	q := question("hostp2pd.local.", dns.TypeA)
	out, _ := q.Pack()
	if _, err := cl.WriteTo(out, srv.LocalAddr()); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1500)
	_ = cl.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, _, err := cl.ReadFrom(buf)
	if err != nil {
		t.Fatal(err)
	}
	var r dns.Msg
	if err := r.Unpack(buf[:n]); err != nil {
		t.Fatal(err)
	}
	if r.Id != q.Id || len(r.Question) != 1 || len(r.Answer) != 1 || r.Answer[0].Header().Ttl > legacyTTL ||
		r.Answer[0].Header().Class != dns.ClassINET {
		t.Errorf("legacy answer: %v", &r)
	}
}

func TestListenBindsToInterface(t *testing.T) {
	pc, err := Listen(context.Background(), "no-such-iface0")
	if err == nil {
		pc.Close()
		t.Fatal("Listen on a missing interface succeeded")
	}
}
