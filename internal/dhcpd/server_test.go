package dhcpd

import (
	"context"
	"encoding/json"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/insomniacslk/dhcp/dhcpv4"
)

// replyInfo is what a client learns from an OFFER or ACK.
type replyInfo struct {
	Type      string
	YIAddr    netip.Addr
	ServerID  netip.Addr
	Mask      string
	LeaseTime time.Duration
	T1, T2    time.Duration
	Router    []string
	DNS       []string
}

func infoOf(p *dhcpv4.DHCPv4) replyInfo {
	ri := replyInfo{
		Type:      p.MessageType().String(),
		YIAddr:    addr4(p.YourIPAddr),
		ServerID:  addr4(p.ServerIdentifier()),
		LeaseTime: p.IPAddressLeaseTime(0),
		T1:        p.IPAddressRenewalTime(0),
		T2:        p.IPAddressRebindingTime(0),
	}
	if m := p.SubnetMask(); m != nil {
		ri.Mask = net.IP(m).String()
	}
	for _, r := range p.Router() {
		ri.Router = append(ri.Router, r.String())
	}
	for _, d := range p.DNS() {
		ri.DNS = append(ri.DNS, d.String())
	}
	return ri
}

func TestServer_RouterAndDNSOnlyWhenConfigured(t *testing.T) {
	cfg := baseConfig()
	cfg.Router = true
	cfg.DNS = []netip.Addr{ip("192.168.49.1"), ip("9.9.9.9")}
	cfg.LeaseTime = 10 * time.Minute
	ts := startServer(t, cfg)

	got := infoOf(ts.dora(macA))
	want := replyInfo{
		Type:      "ACK",
		YIAddr:    ip("192.168.49.2"),
		ServerID:  ip("192.168.49.1"),
		Mask:      "255.255.255.0",
		LeaseTime: 10 * time.Minute,
		T1:        5 * time.Minute,
		T2:        8*time.Minute + 45*time.Second,
		Router:    []string{"192.168.49.1"},
		DNS:       []string{"192.168.49.1", "9.9.9.9"},
	}
	if diff := cmp.Diff(want, got, cmpOpts()); diff != "" {
		t.Errorf("ACK (-want +got):\n%s", diff)
	}
}

func TestServer_SameClientGetsSameAddress(t *testing.T) {
	ts := startServer(t, baseConfig())
	a := yiaddr(ts.dora(macA))
	b := yiaddr(ts.dora(macB))
	if a == b {
		t.Fatalf("two clients share %v", a)
	}
	// A reconnects (new DISCOVER without a requested address).
	if got := yiaddr(ts.dora(macA)); got != a {
		t.Errorf("second DORA of A: got %v, want %v", got, a)
	}

	// A client identifier wins over the MAC: a phone that randomises its
	// MAC but keeps its identifier keeps its address.
	id := dhcpv4.WithOption(dhcpv4.OptClientIdentifier([]byte("\x00phone-c")))
	c := yiaddr(ts.dora(macC, id))
	if got := yiaddr(ts.dora(mac(99), id)); got != c {
		t.Errorf("same client id, new MAC: got %v, want %v", got, c)
	}
}

func TestServer_RequestForWrongAddressIsNAKed(t *testing.T) {
	ts := startServer(t, baseConfig())
	pkt := mustPacket(t)
	ackB := ts.dora(macB) // holds .2

	offer := ts.mustReply(pkt(dhcpv4.NewDiscovery(macA)), dhcpv4.MessageTypeOffer)
	if yiaddr(offer) != ip("192.168.49.3") {
		t.Fatalf("offer: got %v, want 192.168.49.3", yiaddr(offer))
	}
	tests := []struct {
		name string
		req  *dhcpv4.DHCPv4
	}{
		{"selecting an address that was not offered", pkt(dhcpv4.NewRequestFromOffer(offer,
			dhcpv4.WithOption(dhcpv4.OptRequestedIPAddress(net.IPv4(192, 168, 49, 9)))))},
		{"init-reboot into another client's address", pkt(dhcpv4.New(
			dhcpv4.WithHwAddr(macA), dhcpv4.WithMessageType(dhcpv4.MessageTypeRequest),
			dhcpv4.WithOption(dhcpv4.OptRequestedIPAddress(ackB.YourIPAddr))))},
		{"init-reboot from another network", pkt(dhcpv4.New(
			dhcpv4.WithHwAddr(macA), dhcpv4.WithMessageType(dhcpv4.MessageTypeRequest),
			dhcpv4.WithOption(dhcpv4.OptRequestedIPAddress(net.IPv4(10, 0, 0, 7)))))},
		{"renewing another client's address", pkt(dhcpv4.New(
			dhcpv4.WithHwAddr(macA), dhcpv4.WithMessageType(dhcpv4.MessageTypeRequest),
			dhcpv4.WithClientIP(ackB.YourIPAddr)))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nak := ts.mustReply(tt.req, dhcpv4.MessageTypeNak)
			if addr4(nak.YourIPAddr).IsValid() || nak.Options.Has(dhcpv4.OptionIPAddressLeaseTime) {
				t.Errorf("NAK offers an address: %v", nak.Summary())
			}
			if got := addr4(nak.ServerIdentifier()); got != ip("192.168.49.1") {
				t.Errorf("NAK server id: got %v", got)
			}
		})
	}

	// A REQUEST for another server's offer is not for us.
	ts.mustIgnore(pkt(dhcpv4.NewRequestFromOffer(offer,
		dhcpv4.WithOption(dhcpv4.OptServerIdentifier(net.IPv4(192, 168, 49, 254))))))
	// B's lease is untouched by all this.
	if got := ts.Leases(); len(got) != 1 || !equalMAC(got[0].MAC, macB) {
		t.Errorf("Leases: %v", got)
	}
}

func equalMAC(a, b net.HardwareAddr) bool { return a.String() == b.String() }

func TestServer_InitRebootAndRenewExtendTheLease(t *testing.T) {
	clk := newFakeClock()
	ts := startServer(t, baseConfig(), WithClock(clk.Now))
	pkt := mustPacket(t)
	ack := ts.dora(macA)

	clk.Advance(40 * time.Minute)
	renew := ts.mustReply(pkt(dhcpv4.NewRenewFromAck(ack)), dhcpv4.MessageTypeAck)
	if yiaddr(renew) != yiaddr(ack) || !renew.ClientIPAddr.Equal(ack.YourIPAddr) {
		t.Errorf("renew ACK: yiaddr %v ciaddr %v", renew.YourIPAddr, renew.ClientIPAddr)
	}
	if got, want := ts.Leases()[0].Expiry, clk.Now().Add(time.Hour); !got.Equal(want) {
		t.Errorf("expiry after renew: got %v, want %v", got, want)
	}

	// The phone rejoins later, after the lease ran out, and asks for its
	// old address straight away (INIT-REBOOT).
	clk.Advance(3 * time.Hour)
	reboot := ts.mustReply(pkt(dhcpv4.New(dhcpv4.WithHwAddr(macA),
		dhcpv4.WithMessageType(dhcpv4.MessageTypeRequest), dhcpv4.WithBroadcast(true),
		dhcpv4.WithOption(dhcpv4.OptRequestedIPAddress(ack.YourIPAddr)))), dhcpv4.MessageTypeAck)
	if yiaddr(reboot) != yiaddr(ack) {
		t.Errorf("init-reboot: got %v, want %v", yiaddr(reboot), yiaddr(ack))
	}

	// Authoritative: a client we have no record of may take a free address.
	fresh := ts.mustReply(pkt(dhcpv4.New(dhcpv4.WithHwAddr(macB),
		dhcpv4.WithMessageType(dhcpv4.MessageTypeRequest),
		dhcpv4.WithOption(dhcpv4.OptRequestedIPAddress(net.IPv4(192, 168, 49, 77))))), dhcpv4.MessageTypeAck)
	if yiaddr(fresh) != ip("192.168.49.77") {
		t.Errorf("init-reboot of unknown client: got %v", yiaddr(fresh))
	}
}

func TestServer_ReleaseKeepsTheBinding(t *testing.T) {
	ts := startServer(t, baseConfig())
	pkt := mustPacket(t)
	ack := ts.dora(macA)
	ts.dora(macB)

	ts.mustIgnore(pkt(dhcpv4.NewReleaseFromACK(ack)))
	if got := ts.Leases(); len(got) != 1 || !equalMAC(got[0].MAC, macB) {
		t.Fatalf("after RELEASE of A, Leases = %v, want only B", got)
	}
	ts.dora(macC) // a newcomer gets a fresh address, not A's
	if got := yiaddr(ts.dora(macA)); got != yiaddr(ack) {
		t.Errorf("A after RELEASE: got %v, want %v", got, yiaddr(ack))
	}

	// Release from the daemon when the phone leaves the group.
	ts.Release(macA)
	for _, l := range ts.Leases() {
		if equalMAC(l.MAC, macA) {
			t.Errorf("A still leased after Release: %v", l)
		}
	}
	if got := yiaddr(ts.dora(macA)); got != yiaddr(ack) {
		t.Errorf("A after Release: got %v, want %v", got, yiaddr(ack))
	}
}

func TestServer_DeclinedAddressIsQuarantined(t *testing.T) {
	clk := newFakeClock()
	ts := startServer(t, baseConfig(), WithClock(clk.Now))
	pkt := mustPacket(t)
	ack := ts.dora(macA)

	ts.mustIgnore(pkt(dhcpv4.New(dhcpv4.WithHwAddr(macA),
		dhcpv4.WithMessageType(dhcpv4.MessageTypeDecline),
		dhcpv4.WithOption(dhcpv4.OptRequestedIPAddress(ack.YourIPAddr)),
		dhcpv4.WithOption(dhcpv4.OptServerIdentifier(net.IPv4(192, 168, 49, 1))))))
	if got := yiaddr(ts.dora(macA)); got == yiaddr(ack) {
		t.Errorf("declined address %v offered again at once", got)
	}
	if got := yiaddr(ts.dora(macB)); got == yiaddr(ack) {
		t.Errorf("declined address %v offered to another client", got)
	}
	clk.Advance(declineHold + time.Second)
	if got := yiaddr(ts.dora(macC)); got != yiaddr(ack) {
		t.Errorf("after quarantine: got %v, want %v back in the pool", got, yiaddr(ack))
	}
}

func TestServer_InformGetsConfigurationWithoutLease(t *testing.T) {
	cfg := baseConfig()
	cfg.DNS = []netip.Addr{ip("192.168.49.1")}
	ts := startServer(t, cfg)
	ack := ts.mustReply(mustPacket(t)(dhcpv4.NewInform(macA, net.IPv4(192, 168, 49, 200))), dhcpv4.MessageTypeAck)
	want := replyInfo{Type: "ACK", ServerID: ip("192.168.49.1"), Mask: "255.255.255.0", DNS: []string{"192.168.49.1"}}
	if diff := cmp.Diff(want, infoOf(ack), cmpOpts()); diff != "" {
		t.Errorf("INFORM ACK (-want +got):\n%s", diff)
	}
	if !ack.ClientIPAddr.Equal(net.IPv4(192, 168, 49, 200)) {
		t.Errorf("ciaddr: got %v", ack.ClientIPAddr)
	}
	if got := ts.Leases(); len(got) != 0 {
		t.Errorf("INFORM created leases: %v", got)
	}
}

// smallPool is a /29: .2 to .6, five addresses.
func smallPool() Config {
	return Config{
		ServerIP: netip.MustParseAddr("10.9.8.1"),
		Prefix:   netip.MustParsePrefix("10.9.8.0/29"),
	}
}

func TestServer_PoolExhaustionGivesNoOffer(t *testing.T) {
	ts := startServer(t, smallPool())
	var got []netip.Addr
	for i := range 5 {
		got = append(got, yiaddr(ts.dora(mac(byte(i)))))
	}
	want := []netip.Addr{ip("10.9.8.2"), ip("10.9.8.3"), ip("10.9.8.4"), ip("10.9.8.5"), ip("10.9.8.6")}
	if diff := cmp.Diff(want, got, cmpOpts()); diff != "" {
		t.Fatalf("pool (-want +got):\n%s", diff)
	}
	ts.mustIgnore(mustPacket(t)(dhcpv4.NewDiscovery(mac(5))))
	if !strings.Contains(ts.logs.String(), "address pool exhausted") {
		t.Errorf("exhaustion not logged:\n%s", ts.logs.String())
	}
}

func TestServer_ReclaimsExpiredLeasesOldestFirst(t *testing.T) {
	clk := newFakeClock()
	ts := startServer(t, smallPool(), WithClock(clk.Now))
	addrs := map[int]netip.Addr{}
	for i := range 5 { // bound one minute apart: client 0 expires first
		addrs[i] = yiaddr(ts.dora(mac(byte(i))))
		clk.Advance(time.Minute)
	}
	ts.mustIgnore(mustPacket(t)(dhcpv4.NewDiscovery(mac(10))))

	clk.Advance(time.Hour) // all expired
	if got := yiaddr(ts.dora(mac(10))); got != addrs[0] {
		t.Errorf("first newcomer: got %v, want %v (oldest expired)", got, addrs[0])
	}
	if got := yiaddr(ts.dora(mac(11))); got != addrs[1] {
		t.Errorf("second newcomer: got %v, want %v", got, addrs[1])
	}
	// An expired client that was not reclaimed gets its own address back.
	if got := yiaddr(ts.dora(mac(3))); got != addrs[3] {
		t.Errorf("returning client 3: got %v, want %v", got, addrs[3])
	}
	// Client 0 lost its address; it takes the oldest remaining one.
	if got := yiaddr(ts.dora(mac(0))); got != addrs[2] {
		t.Errorf("returning client 0: got %v, want %v", got, addrs[2])
	}
}

func TestServer_PersistsAcrossRestart(t *testing.T) {
	cfg := baseConfig()
	cfg.LeaseFile = t.TempDir() + "/state/leases.json"

	ts := startServer(t, cfg)
	ts.dora(macB) // .2
	a := yiaddr(ts.dora(macA, dhcpv4.WithOption(dhcpv4.OptHostName("tablet"))))
	ts.stop()

	ts = startServer(t, cfg)
	if got := yiaddr(ts.dora(macA)); got != a {
		t.Errorf("A after restart: got %v, want %v", got, a)
	}
	if got := ts.Leases(); len(got) != 2 || got[1].Hostname != "tablet" {
		t.Errorf("Leases after restart: %v", got)
	}
}

func TestServer_SurvivesGarbage(t *testing.T) {
	ts := startServer(t, baseConfig())
	for _, b := range [][]byte{nil, {1}, []byte(strings.Repeat("\xff", 600)), make([]byte, 60000)} {
		ts.send(b)
	}
	ts.dora(macA)
	if got := ts.Counters()["dhcp_bad_packets"]; got != 4 {
		t.Errorf("dhcp_bad_packets = %d, want 4", got)
	}
}

func TestServer_RunTwice(t *testing.T) {
	ts := startServer(t, baseConfig())
	ts.dora(macA) // Run is serving
	if err := ts.Run(context.Background()); err == nil {
		t.Error("second Run: got nil error")
	}
}

func TestLease_JSON(t *testing.T) {
	l := Lease{MAC: macA, IP: ip("192.168.49.7"), Hostname: "x", Expiry: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	b, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"mac":"02:00:00:00:00:0a","ip":"192.168.49.7","hostname":"x","expiry":"2026-01-02T03:04:05Z"}`
	if string(b) != want {
		t.Errorf("Marshal: got %s, want %s", b, want)
	}
	var back Lease
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(l, back, cmpOpts()); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}
