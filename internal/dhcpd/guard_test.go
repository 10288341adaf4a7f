package dhcpd

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

// TestServer_PoolExhaustionLogsOncePerInterval: a DISCOVER flood on a full
// pool is one warning per minute with the count, and a counter (R12).
func TestServer_PoolExhaustionLogsOncePerInterval(t *testing.T) {
	clk := newFakeClock()
	ts := startServer(t, smallPool(), WithClock(clk.Now))
	for i := range 5 {
		ts.dora(mac(byte(i)))
	}
	for i := range 200 {
		ts.mustIgnoreFast(mustPacket(t)(dhcpv4.NewDiscovery(mac(byte(100 + i%50)))))
	}
	if n := strings.Count(ts.logs.String(), "address pool exhausted"); n != 1 {
		t.Errorf("%d exhaustion lines for 200 DISCOVERs, want 1", n)
	}
	clk.Advance(warnEvery)
	ts.mustIgnore(mustPacket(t)(dhcpv4.NewDiscovery(mac(200))))
	logs := ts.logs.String()
	if n := strings.Count(logs, "address pool exhausted"); n != 2 {
		t.Errorf("%d exhaustion lines after the interval, want 2", n)
	}
	if !strings.Contains(logs, "discovers_unanswered=200") {
		t.Errorf("second line does not count the 200 unanswered DISCOVERs since the first:\n%s", logs)
	}
	if got := ts.Counters()["dhcp_pool_exhausted"]; got != 201 {
		t.Errorf("dhcp_pool_exhausted = %d, want 201", got)
	}
}

// mustIgnoreFast sends req and checks no reply comes within 20 ms.
func (ts *testServer) mustIgnoreFast(req *dhcpv4.DHCPv4) {
	ts.t.Helper()
	if resp := ts.exchange(req, 20*time.Millisecond); resp != nil {
		ts.t.Fatalf("%v got a reply: %v", req.MessageType(), resp.Summary())
	}
}

// TestServer_FiftyClientsExpireAndAreReused: 50 distinct client ids fill a
// 50-address pool; after expiry 50 new ones get the same 50 addresses.
func TestServer_FiftyClientsExpireAndAreReused(t *testing.T) {
	clk := newFakeClock()
	cfg := baseConfig()
	cfg.RangeFrom, cfg.RangeTo = ip("192.168.49.10"), ip("192.168.49.59")
	cfg.LeaseFile = filepath.Join(t.TempDir(), "leases.json")
	ts := startServer(t, cfg, WithClock(clk.Now))
	id := func(gen, i int) dhcpv4.Modifier {
		return dhcpv4.WithOption(dhcpv4.OptClientIdentifier([]byte(fmt.Sprintf("phone-%d-%d", gen, i))))
	}
	first := map[netip.Addr]bool{}
	for i := range 50 {
		// The same MAC for all: the client identifier names the client.
		a := yiaddr(ts.dora(macA, id(1, i)))
		if first[a] {
			t.Fatalf("client %d got %v twice", i, a)
		}
		first[a] = true
	}
	ts.mustIgnore(mustPacket(t)(dhcpv4.NewDiscovery(macA, id(1, 50))))
	if n := len(ts.Leases()); n != 50 {
		t.Fatalf("%d leases, want 50", n)
	}
	clk.Advance(DefaultLeaseTime + time.Second)
	if n := len(ts.Leases()); n != 0 {
		t.Fatalf("%d leases after expiry, want 0", n)
	}
	second := map[netip.Addr]bool{}
	for i := range 50 {
		a := yiaddr(ts.dora(macB, id(2, i)))
		if !first[a] || second[a] {
			t.Fatalf("new client %d got %v: not a reused, unique address", i, a)
		}
		second[a] = true
	}
	if n := len(ts.Leases()); n != 50 {
		t.Fatalf("%d leases after reuse, want 50", n)
	}
	var f leaseFile
	data, err := os.ReadFile(cfg.LeaseFile)
	if err != nil || json.Unmarshal(data, &f) != nil || len(f.Bindings) != 50 {
		t.Fatalf("lease file: %v, %d bindings", err, len(f.Bindings))
	}
}

// TestServer_ClientChangingMACKeepsOneAddress: a client that keeps its
// identifier but changes MAC per request gets one address, not one each.
func TestServer_ClientChangingMACKeepsOneAddress(t *testing.T) {
	ts := startServer(t, smallPool())
	cid := dhcpv4.WithOption(dhcpv4.OptClientIdentifier([]byte("randomising-phone")))
	want := yiaddr(ts.dora(mac(1), cid))
	for i := 2; i < 20; i++ {
		if got := yiaddr(ts.dora(mac(byte(i)), cid)); got != want {
			t.Fatalf("request %d: got %v, want %v", i, got, want)
		}
	}
	ls := ts.Leases()
	if len(ls) != 1 || !equalMAC(ls[0].MAC, mac(19)) {
		t.Errorf("leases %v, want one with the last MAC", ls)
	}
}

// TestServer_RivalServerIsNamed: a REQUEST for another server's offer
// names that server, once per interval, and counts every sighting.
func TestServer_RivalServerIsNamed(t *testing.T) {
	ts := startServer(t, baseConfig())
	offer := mustPacket(t)(dhcpv4.NewReplyFromRequest(mustPacket(t)(dhcpv4.NewDiscovery(macA)),
		dhcpv4.WithMessageType(dhcpv4.MessageTypeOffer), dhcpv4.WithYourIP(net.IPv4(192, 168, 49, 77)),
		dhcpv4.WithOption(dhcpv4.OptServerIdentifier(net.IPv4(192, 168, 49, 254)))))
	for range 3 {
		ts.mustIgnore(mustPacket(t)(dhcpv4.NewRequestFromOffer(offer)))
	}
	logs := ts.logs.String()
	if n := strings.Count(logs, "another DHCP server answers"); n != 1 {
		t.Errorf("%d rival lines, want 1:\n%s", n, logs)
	}
	if !strings.Contains(logs, "server_id=192.168.49.254") {
		t.Errorf("rival not named:\n%s", logs)
	}
	// A reply heard on port 68 counts too; our own broadcast does not.
	ts.heard(offer.ToBytes(), &net.UDPAddr{IP: net.IPv4(192, 168, 49, 254), Port: 67})
	own := mustPacket(t)(dhcpv4.NewReplyFromRequest(mustPacket(t)(dhcpv4.NewDiscovery(macA)),
		dhcpv4.WithMessageType(dhcpv4.MessageTypeOffer),
		dhcpv4.WithOption(dhcpv4.OptServerIdentifier(net.IPv4(192, 168, 49, 1)))))
	ts.heard(own.ToBytes(), &net.UDPAddr{IP: net.IPv4(192, 168, 49, 1), Port: 67})
	if got := ts.Counters()["dhcp_rival_server"]; got != 4 {
		t.Errorf("dhcp_rival_server = %d, want 4", got)
	}
}

// netProber is a fake link: hosts answer ARP for the addresses they hold.
type netProber struct {
	mu     sync.Mutex
	holds  map[netip.Addr]net.HardwareAddr
	probed []netip.Addr
}

func (p *netProber) hold(ip netip.Addr, hw net.HardwareAddr) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.holds[ip] = hw
}

func (p *netProber) probes() []netip.Addr {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]netip.Addr(nil), p.probed...)
}

func (p *netProber) probe(_ context.Context, ip netip.Addr) (net.HardwareAddr, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.probed = append(p.probed, ip)
	return p.holds[ip], nil
}

// TestServer_ProbesBeforeReclaiming: an expired lease's address is probed
// before another client gets it; a host still using it keeps it.
func TestServer_ProbesBeforeReclaiming(t *testing.T) {
	clk := newFakeClock()
	cfg := smallPool()
	cfg.LeaseFile = filepath.Join(t.TempDir(), "leases.json")
	if err := os.WriteFile(cfg.LeaseFile, []byte(`{"version":1,"bindings":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	link := &netProber{holds: map[netip.Addr]net.HardwareAddr{}}
	ts := startServer(t, cfg, WithClock(clk.Now), WithProber(link.probe))
	var addrs []netip.Addr
	for i := range 5 {
		addrs = append(addrs, yiaddr(ts.dora(mac(byte(i)))))
	}
	if p := link.probes(); len(p) != 0 {
		t.Fatalf("fresh addresses probed with a lease file: %v", p)
	}
	clk.Advance(2 * time.Hour)
	link.hold(addrs[0], mac(0)) // client 0 still uses its expired address
	got := yiaddr(ts.dora(mac(50)))
	if got == addrs[0] || got != addrs[1] {
		t.Errorf("newcomer got %v; want %v (the oldest expired address not in use)", got, addrs[1])
	}
	if p := link.probes(); len(p) != 2 || p[0] != addrs[0] {
		t.Errorf("probed %v, want %v then %v", p, addrs[0], addrs[1])
	}
	if !strings.Contains(ts.logs.String(), "address in use on the link") {
		t.Errorf("conflict not logged:\n%s", ts.logs.String())
	}
	if got := ts.Counters()["dhcp_address_conflicts"]; got != 1 {
		t.Errorf("dhcp_address_conflicts = %d, want 1", got)
	}
}

// TestServer_ProbesFreshAddressesWithoutLeaseFile: after a start with no
// lease file, a previous run's client may still hold any address.
func TestServer_ProbesFreshAddressesWithoutLeaseFile(t *testing.T) {
	link := &netProber{holds: map[netip.Addr]net.HardwareAddr{ip("10.9.8.2"): macC}}
	ts := startServer(t, smallPool(), WithProber(link.probe))
	if got := yiaddr(ts.dora(macA)); got != ip("10.9.8.3") {
		t.Errorf("got %v, want 10.9.8.3 (.2 answers ARP)", got)
	}
	// The client's own answer is no conflict: it gets its address back.
	link.hold(ip("10.9.8.4"), macB)
	if got := yiaddr(ts.dora(macB)); got != ip("10.9.8.4") {
		t.Errorf("got %v, want 10.9.8.4 (held by the same client)", got)
	}
}

// TestServer_EAPOLBindingIsTheDHCPAddress: the address wpa_supplicant gave
// in the handshake is the one DHCP gives the client, with or without a
// client identifier, after a restart too; the reserved range is never
// offered to anyone else.
func TestServer_EAPOLBindingIsTheDHCPAddress(t *testing.T) {
	cfg := baseConfig()
	cfg.EAPOLFrom, cfg.EAPOLTo = ip("192.168.49.128"), ip("192.168.49.254")
	cfg.LeaseFile = filepath.Join(t.TempDir(), "leases.json")
	ts := startServer(t, cfg)
	if err := ts.Bind(macA, ip("192.168.49.128")); err != nil {
		t.Fatal(err)
	}
	if got := yiaddr(ts.dora(macA)); got != ip("192.168.49.128") {
		t.Errorf("DHCP gave the EAPOL client %v, want 192.168.49.128", got)
	}
	if got := yiaddr(ts.dora(macB)); got != ip("192.168.49.2") {
		t.Errorf("DHCP-only client got %v, want 192.168.49.2", got)
	}
	// Asking for a reserved address it was not given: no.
	ts.mustReply(mustPacket(t)(dhcpv4.NewDiscovery(macC, dhcpv4.WithMessageType(dhcpv4.MessageTypeRequest),
		dhcpv4.WithOption(dhcpv4.OptRequestedIPAddress(net.IPv4(192, 168, 49, 200))))), dhcpv4.MessageTypeNak)
	offer := ts.mustReply(mustPacket(t)(dhcpv4.NewDiscovery(macC,
		dhcpv4.WithOption(dhcpv4.OptRequestedIPAddress(net.IPv4(192, 168, 49, 200))))), dhcpv4.MessageTypeOffer)
	if y := yiaddr(offer); y != ip("192.168.49.3") {
		t.Errorf("offer for a reserved request: %v, want 192.168.49.3", y)
	}
	if err := ts.Bind(net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, ip("192.168.49.129")); err == nil {
		t.Error("Bind accepted a broadcast MAC")
	}
	if err := ts.Bind(macC, ip("10.0.0.1")); err == nil {
		t.Error("Bind accepted an address outside the pool")
	}
	ts.stop()

	// After a restart, a client identifier that is not the MAC still finds it.
	ts2 := startServer(t, cfg)
	cid := dhcpv4.WithOption(dhcpv4.OptClientIdentifier([]byte("android-1")))
	if got := yiaddr(ts2.dora(macA, cid)); got != ip("192.168.49.128") {
		t.Errorf("after restart, with a client id: got %v, want 192.168.49.128", got)
	}
}

// TestNew_RemovesStaleTempFiles: temp files of a write killed midway are
// removed at start, and unrelated files are kept (R11).
func TestNew_RemovesStaleTempFiles(t *testing.T) {
	dir := t.TempDir()
	cfg := baseConfig()
	cfg.LeaseFile = filepath.Join(dir, "leases.json")
	for _, n := range []string{".leases.json.tmp123", ".leases.json.tmp9", "other.json", ".other.json.tmp1"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("{"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	newTestServer(t, cfg)
	got, _ := filepath.Glob(filepath.Join(dir, "*"))
	for i := range got {
		got[i] = filepath.Base(got[i])
	}
	want := map[string]bool{"other.json": true, ".other.json.tmp1": true}
	if len(got) != len(want) {
		t.Fatalf("files left: %v, want %v", got, want)
	}
	for _, g := range got {
		if !want[g] {
			t.Errorf("unexpected file left: %s", g)
		}
	}
}
