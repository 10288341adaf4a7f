package dhcpd

import (
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/iana"
)

// clientPeer is where a real client sends from before it has an address.
var clientPeer = &net.UDPAddr{IP: net.IPv4zero, Port: dhcpv4.ClientPort}

func newTestServer(t testing.TB, cfg Config, opts ...Option) *Server {
	t.Helper()
	cfg.Iface = "p2p-test-0"
	s, err := New(cfg, nil, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// validDiscover is a well-formed DISCOVER as bytes.
func validDiscover(t testing.TB) []byte {
	t.Helper()
	return mustPacket(t)(dhcpv4.NewDiscovery(macA, dhcpv4.WithTransactionID(dhcpv4.TransactionID{1, 2, 3, 4}))).ToBytes()
}

func TestHandle_IgnoresBadPackets(t *testing.T) {
	good := validDiscover(t)
	edit := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	build := func(mods ...dhcpv4.Modifier) []byte {
		return mustPacket(t)(dhcpv4.NewDiscovery(macA, mods...)).ToBytes()
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"one byte", []byte{1}},
		{"truncated header", good[:100]},
		{"truncated before cookie", good[:236]},
		{"garbage", []byte(strings.Repeat("\xde\xad\xbe\xef", 100))},
		{"all zero", make([]byte, 300)},
		{"wrong op (BOOTREPLY)", edit(func(b []byte) []byte { b[0] = 2; return b })},
		{"wrong hlen", edit(func(b []byte) []byte { b[2] = 16; return b })},
		{"hlen zero", edit(func(b []byte) []byte { b[2] = 0; return b })},
		{"wrong htype", edit(func(b []byte) []byte { b[1] = byte(iana.HWTypeIEEE802); return b })},
		{"bad magic cookie", edit(func(b []byte) []byte { b[236] ^= 0xff; return b })},
		{"option overruns packet", edit(func(b []byte) []byte { return append(b[:240], 53, 200, 1) })},
		{"no message type (BOOTP)", build(dhcpv4.WithoutOption(dhcpv4.OptionDHCPMessageType))},
		{"relayed", build(dhcpv4.WithGatewayIP(net.IPv4(10, 1, 1, 1)))},
		{"zero MAC", mustPacket(t)(dhcpv4.NewDiscovery(net.HardwareAddr{0, 0, 0, 0, 0, 0})).ToBytes()},
		{"broadcast MAC", mustPacket(t)(dhcpv4.NewDiscovery(net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff})).ToBytes()},
		{"multicast MAC", mustPacket(t)(dhcpv4.NewDiscovery(net.HardwareAddr{0x01, 0x00, 0x5e, 0, 0, 1})).ToBytes()},
		{"OFFER from a client", build(dhcpv4.WithMessageType(dhcpv4.MessageTypeOffer))},
		{"RELEASE for an unknown binding", build(dhcpv4.WithMessageType(dhcpv4.MessageTypeRelease),
			dhcpv4.WithClientIP(net.IPv4(192, 168, 49, 2)))},
		{"DECLINE for another server", build(dhcpv4.WithMessageType(dhcpv4.MessageTypeDecline),
			dhcpv4.WithOption(dhcpv4.OptServerIdentifier(net.IPv4(192, 168, 49, 9))))},
		{"INFORM for another server", build(dhcpv4.WithMessageType(dhcpv4.MessageTypeInform),
			dhcpv4.WithOption(dhcpv4.OptServerIdentifier(net.IPv4(192, 168, 49, 9))))},
		{"REQUEST without any address", build(dhcpv4.WithMessageType(dhcpv4.MessageTypeRequest))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestServer(t, baseConfig())
			r := s.handle(tt.data, clientPeer)
			if r.reply != nil || r.lease != nil || r.dirty {
				t.Errorf("handled: reply %v, lease %v, dirty %v", r.reply, r.lease, r.dirty)
			}
			if n := len(s.pool.byIP); n != 0 {
				t.Errorf("%d bindings created", n)
			}
		})
	}
	// The unedited packet is answered, so the cases above test what they say.
	if r := newTestServer(t, baseConfig()).handle(good, clientPeer); r.reply == nil {
		t.Fatal("valid DISCOVER not answered")
	}
}

func TestReplyDest(t *testing.T) {
	pkt := mustPacket(t)
	ci := net.IPv4(192, 168, 49, 5)
	discover := pkt(dhcpv4.NewDiscovery(macA, dhcpv4.WithBroadcast(false)))
	discoverB := pkt(dhcpv4.NewDiscovery(macA, dhcpv4.WithBroadcast(true)))
	renew := pkt(dhcpv4.NewDiscovery(macA, dhcpv4.WithBroadcast(false),
		dhcpv4.WithMessageType(dhcpv4.MessageTypeRequest), dhcpv4.WithClientIP(ci)))
	rebind := pkt(dhcpv4.NewDiscovery(macA, dhcpv4.WithBroadcast(true),
		dhcpv4.WithMessageType(dhcpv4.MessageTypeRequest), dhcpv4.WithClientIP(ci)))
	reply := func(req *dhcpv4.DHCPv4, mt dhcpv4.MessageType) *dhcpv4.DHCPv4 {
		return pkt(dhcpv4.NewReplyFromRequest(req, dhcpv4.WithMessageType(mt)))
	}
	bcast := "255.255.255.255:68"
	tests := []struct {
		name     string
		req      *dhcpv4.DHCPv4
		mt       dhcpv4.MessageType
		peer     net.Addr
		wantDest string
	}{
		{"offer, no ciaddr", discover, dhcpv4.MessageTypeOffer, clientPeer, bcast},
		{"offer, broadcast flag", discoverB, dhcpv4.MessageTypeOffer, clientPeer, bcast},
		{"ack to renewing client", renew, dhcpv4.MessageTypeAck, &net.UDPAddr{IP: ci, Port: 68}, "192.168.49.5:68"},
		{"ack to rebinding client with broadcast flag", rebind, dhcpv4.MessageTypeAck, &net.UDPAddr{IP: ci, Port: 68}, bcast},
		{"nak to renewing client", renew, dhcpv4.MessageTypeNak, &net.UDPAddr{IP: ci, Port: 68}, bcast},
		{"probe from an ephemeral port", discover, dhcpv4.MessageTypeOffer,
			&net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}, "127.0.0.1:40000"},
		{"nak to a probe", renew, dhcpv4.MessageTypeNak,
			&net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}, "127.0.0.1:40000"},
		{"unspecified source, odd port", discover, dhcpv4.MessageTypeOffer,
			&net.UDPAddr{IP: net.IPv4zero, Port: 40000}, bcast},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := replyDest(tt.req, reply(tt.req, tt.mt), tt.peer).String()
			if got != tt.wantDest {
				t.Errorf("got %s, want %s", got, tt.wantDest)
			}
		})
	}
}

func TestHandle_NAKAndOfferAreAddressedPerRFC(t *testing.T) {
	s := newTestServer(t, baseConfig())
	r := s.handle(validDiscover(t), clientPeer)
	if r.reply.MessageType() != dhcpv4.MessageTypeOffer || r.dst.String() != "255.255.255.255:68" {
		t.Errorf("offer: %v to %v", r.reply.MessageType(), r.dst)
	}
}

func TestNew_ConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"no interface", func(c *Config) { c.Iface = "" }, "no interface"},
		{"no prefix", func(c *Config) { c.Prefix = netip.Prefix{} }, "not an IPv4 prefix"},
		{"IPv6 prefix", func(c *Config) { c.Prefix = netip.MustParsePrefix("fd00::/64") }, "not an IPv4 prefix"},
		{"prefix too long", func(c *Config) { c.Prefix = netip.MustParsePrefix("192.168.49.0/31") }, "/16 to /30"},
		{"server outside prefix", func(c *Config) { c.ServerIP = ip("10.0.0.1") }, "not in"},
		{"server is the broadcast address", func(c *Config) { c.ServerIP = ip("192.168.49.255") }, "broadcast"},
		{"range outside prefix", func(c *Config) { c.RangeTo = ip("192.168.50.10") }, "not host addresses"},
		{"range reversed", func(c *Config) { c.RangeFrom, c.RangeTo = ip("192.168.49.9"), ip("192.168.49.3") }, "empty"},
		{"only the server", func(c *Config) { c.RangeFrom, c.RangeTo = ip("192.168.49.1"), ip("192.168.49.1") }, "only the server"},
		{"lease too short", func(c *Config) { c.LeaseTime = time.Second }, "lease time"},
		{"IPv6 DNS", func(c *Config) { c.DNS = []netip.Addr{ip("::1")} }, "dns"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := baseConfig()
			cfg.Iface = "p2p-test-0"
			tt.edit(&cfg)
			_, err := New(cfg, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "dhcpd: ") {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestNew_Defaults(t *testing.T) {
	s := newTestServer(t, baseConfig())
	want := Config{
		Iface:     "p2p-test-0",
		ServerIP:  ip("192.168.49.1"),
		Prefix:    netip.MustParsePrefix("192.168.49.0/24"),
		RangeFrom: ip("192.168.49.2"),
		RangeTo:   ip("192.168.49.254"),
		LeaseTime: time.Hour,
	}
	if diff := cmp.Diff(want, s.cfg, cmpOpts()); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
}

func TestNew_BadLeaseFileStartsEmpty(t *testing.T) {
	tests := []struct {
		name     string
		content  string
		wantLog  string
		wantIPs  []string
		noExists bool
	}{
		{name: "missing", noExists: true},
		{name: "garbage", content: "\x00\x01not json", wantLog: "corrupt lease file"},
		{name: "truncated", content: `{"version":1,"bindings":[{"mac":"02:00:00:00`, wantLog: "corrupt lease file"},
		{name: "wrong version", content: `{"version":99,"bindings":[]}`, wantLog: "unknown lease file version"},
		{name: "bad records dropped, good kept", content: `{"version":1,"bindings":[
			{"mac":"zz","ip":"192.168.49.2","state":"bound","expiry":"2030-01-01T00:00:00Z"},
			{"mac":"02:00:00:00:00:0b","ip":"10.0.0.1","state":"bound","expiry":"2030-01-01T00:00:00Z"},
			{"mac":"02:00:00:00:00:0c","ip":"192.168.49.3","state":"dancing","expiry":"2030-01-01T00:00:00Z"},
			{"mac":"02:00:00:00:00:0d","ip":"192.168.49.4","state":"bound","expiry":"2030-01-01T00:00:00Z"},
			{"mac":"02:00:00:00:00:0e","ip":"192.168.49.4","state":"bound","expiry":"2030-01-01T00:00:00Z"}]}`,
			wantLog: "dropping lease file record", wantIPs: []string{"192.168.49.4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "leases.json")
			if !tt.noExists {
				if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			cfg := baseConfig()
			cfg.Iface = "p2p-test-0"
			cfg.LeaseFile = path
			logs := &logBuffer{}
			clk := newFakeClock()
			s, err := New(cfg, testLogger(t, logs), WithClock(clk.Now))
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if tt.wantLog != "" && !strings.Contains(logs.String(), tt.wantLog) {
				t.Errorf("log lacks %q:\n%s", tt.wantLog, logs.String())
			}
			var got []string
			for _, l := range s.Leases() {
				got = append(got, l.IP.String())
			}
			if diff := cmp.Diff(tt.wantIPs, got, cmpOpts()); diff != "" {
				t.Errorf("leases (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPersist_IsAtomicAndRoundTrips(t *testing.T) {
	dir := t.TempDir()
	cfg := baseConfig()
	cfg.LeaseFile = filepath.Join(dir, "leases.json")
	clk := newFakeClock()
	s := newTestServer(t, cfg, WithClock(clk.Now))
	id := dhcpv4.WithOption(dhcpv4.OptClientIdentifier([]byte{1, 2, 3}))
	disc := mustPacket(t)(dhcpv4.NewDiscovery(macA, id))
	offer := s.handle(disc.ToBytes(), clientPeer).reply
	req := mustPacket(t)(dhcpv4.NewRequestFromOffer(offer, dhcpv4.WithOption(dhcpv4.OptHostName("phone")), id))
	r := s.handle(req.ToBytes(), clientPeer)
	if r.lease == nil || !r.dirty {
		t.Fatalf("REQUEST: %+v", r)
	}
	s.persist()

	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "leases.json" {
		t.Errorf("directory holds %v, want only leases.json", entries)
	}
	s2 := newTestServer(t, cfg, WithClock(clk.Now))
	if diff := cmp.Diff(s.Leases(), s2.Leases(), cmpOpts()); diff != "" {
		t.Errorf("reloaded leases (-want +got):\n%s", diff)
	}
	if got := s2.pool.byIP[ip("192.168.49.2")].key; got != "id:010203" {
		t.Errorf("reloaded client key: %q", got)
	}
}

func FuzzHandle(f *testing.F) {
	pkt := mustPacket(f)
	f.Add(validDiscover(f))
	offer := pkt(dhcpv4.NewReplyFromRequest(pkt(dhcpv4.NewDiscovery(macA)),
		dhcpv4.WithMessageType(dhcpv4.MessageTypeOffer), dhcpv4.WithYourIP(net.IPv4(192, 168, 49, 2)),
		dhcpv4.WithOption(dhcpv4.OptServerIdentifier(net.IPv4(192, 168, 49, 1)))))
	f.Add(pkt(dhcpv4.NewRequestFromOffer(offer)).ToBytes())
	f.Add(pkt(dhcpv4.NewInform(macB, net.IPv4(192, 168, 49, 9))).ToBytes())
	f.Add(pkt(dhcpv4.NewDiscovery(macC, dhcpv4.WithMessageType(dhcpv4.MessageTypeDecline),
		dhcpv4.WithOption(dhcpv4.OptRequestedIPAddress(net.IPv4(192, 168, 49, 2))))).ToBytes())
	f.Add(pkt(dhcpv4.NewDiscovery(macA, dhcpv4.WithMessageType(dhcpv4.MessageTypeRelease),
		dhcpv4.WithClientIP(net.IPv4(192, 168, 49, 2)))).ToBytes())
	f.Add([]byte{})
	f.Add(validDiscover(f)[:240])

	s := newTestServer(f, smallPool())
	f.Fuzz(func(t *testing.T, data []byte) {
		r := s.handle(data, clientPeer)
		if r.reply == nil {
			return
		}
		if r.dst == nil {
			t.Fatal("reply without destination")
		}
		if r.reply.OpCode != dhcpv4.OpcodeBootReply {
			t.Fatalf("reply op %v", r.reply.OpCode)
		}
		if y := addr4(r.reply.YourIPAddr); y.IsValid() && !s.pool.inRange(y) {
			t.Fatalf("handed out %v outside the pool", y)
		}
		_ = r.reply.ToBytes()
	})
}
