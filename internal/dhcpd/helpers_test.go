package dhcpd

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/insomniacslk/dhcp/dhcpv4"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// baseConfig is a group like Android's: GO 192.168.49.1/24.
func baseConfig() Config {
	return Config{
		ServerIP: netip.MustParseAddr("192.168.49.1"),
		Prefix:   netip.MustParsePrefix("192.168.49.0/24"),
	}
}

var (
	macA = net.HardwareAddr{0x02, 0, 0, 0, 0, 0x0a}
	macB = net.HardwareAddr{0x02, 0, 0, 0, 0, 0x0b}
	macC = net.HardwareAddr{0x02, 0, 0, 0, 0, 0x0c}
)

func mac(n byte) net.HardwareAddr { return net.HardwareAddr{0x02, 0, 0, 0, 1, n} }

// fakeClock is a settable clock for WithClock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// logBuffer collects log output written from any goroutine.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testLogger logs at debug level to logs, and to the test log with -v.
func testLogger(t testing.TB, logs *logBuffer) *slog.Logger {
	var w interface{ Write([]byte) (int, error) } = logs
	if testing.Verbose() {
		w = multiWriter{logs, tWriter{t}}
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t testing.TB }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

type multiWriter []interface{ Write([]byte) (int, error) }

func (m multiWriter) Write(p []byte) (int, error) {
	for _, w := range m {
		_, _ = w.Write(p)
	}
	return len(p), nil
}

// testServer is a Server running on 127.0.0.1 with a client socket.
type testServer struct {
	*Server
	t      *testing.T
	addr   *net.UDPAddr // server socket
	client *net.UDPConn
	logs   *logBuffer
	stop   func()
}

// startServer runs a Server for cfg on a loopback socket until the test
// ends or stop is called.
func startServer(t *testing.T, cfg Config, opts ...Option) *testServer {
	t.Helper()
	return startServerWith(t, cfg, nil, opts...)
}

// startServerWith is startServer that calls before(s) before Run.
func startServerWith(t *testing.T, cfg Config, before func(*Server), opts ...Option) *testServer {
	t.Helper()
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	logs := &logBuffer{}
	s, err := New(cfg, testLogger(t, logs), append(opts, WithConn(pc))...)
	if err != nil {
		_ = pc.Close()
		t.Fatalf("New: %v", err)
	}
	cl, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	if before != nil {
		before(s)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
			_ = pc.Close()
			_ = cl.Close()
		})
	}
	t.Cleanup(stop)
	return &testServer{Server: s, t: t, addr: pc.LocalAddr().(*net.UDPAddr), client: cl, logs: logs, stop: stop}
}

// send sends raw bytes to the server.
func (ts *testServer) send(b []byte) {
	ts.t.Helper()
	if _, err := ts.client.WriteTo(b, ts.addr); err != nil {
		ts.t.Fatal(err)
	}
}

// exchange sends req and returns the reply with the same xid, or nil when
// none comes within wait.
func (ts *testServer) exchange(req *dhcpv4.DHCPv4, wait time.Duration) *dhcpv4.DHCPv4 {
	ts.t.Helper()
	ts.send(req.ToBytes())
	deadline := time.Now().Add(wait)
	buf := make([]byte, 4096)
	for {
		_ = ts.client.SetReadDeadline(deadline)
		n, _, err := ts.client.ReadFrom(buf)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return nil
		}
		if err != nil {
			ts.t.Fatal(err)
		}
		resp, err := dhcpv4.FromBytes(buf[:n])
		if err != nil {
			ts.t.Fatalf("server sent a malformed reply: %v", err)
		}
		if resp.TransactionID == req.TransactionID {
			return resp
		}
	}
}

// mustReply is exchange that fails the test without a reply of type want.
func (ts *testServer) mustReply(req *dhcpv4.DHCPv4, want dhcpv4.MessageType) *dhcpv4.DHCPv4 {
	ts.t.Helper()
	resp := ts.exchange(req, 2*time.Second)
	if resp == nil {
		ts.t.Fatalf("no reply to %v", req.MessageType())
	}
	if got := resp.MessageType(); got != want {
		ts.t.Fatalf("reply to %v: got %v (%q), want %v", req.MessageType(), got, resp.Message(), want)
	}
	return resp
}

// mustIgnore fails the test if req gets a reply.
func (ts *testServer) mustIgnore(req *dhcpv4.DHCPv4) {
	ts.t.Helper()
	if resp := ts.exchange(req, 150*time.Millisecond); resp != nil {
		ts.t.Fatalf("%v got a reply: %v", req.MessageType(), resp.Summary())
	}
}

// dora runs DISCOVER, OFFER, REQUEST, ACK for hw and returns the ACK.
func (ts *testServer) dora(hw net.HardwareAddr, mods ...dhcpv4.Modifier) *dhcpv4.DHCPv4 {
	ts.t.Helper()
	offer := ts.mustReply(mustPacket(ts.t)(dhcpv4.NewDiscovery(hw, mods...)), dhcpv4.MessageTypeOffer)
	return ts.mustReply(mustPacket(ts.t)(dhcpv4.NewRequestFromOffer(offer, mods...)), dhcpv4.MessageTypeAck)
}

// mustPacket unwraps a packet constructor's result.
func mustPacket(t testing.TB) func(*dhcpv4.DHCPv4, error) *dhcpv4.DHCPv4 {
	return func(p *dhcpv4.DHCPv4, err error) *dhcpv4.DHCPv4 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
}

// cmpOpts lets cmp compare netip values.
func cmpOpts() cmp.Option { return cmpopts.EquateComparable(netip.Addr{}, netip.Prefix{}) }

func ip(s string) netip.Addr { return netip.MustParseAddr(s) }

func yiaddr(p *dhcpv4.DHCPv4) netip.Addr { return addr4(p.YourIPAddr) }

// requireRoot skips the test unless it runs as root; with
// HOSTP2PD_REQUIRE_NETNS=1 it fails instead.
func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("HOSTP2PD_REQUIRE_NETNS") == "1" {
		t.Fatal("not root, but HOSTP2PD_REQUIRE_NETNS=1")
	}
	t.Skip("needs root for network namespaces (set HOSTP2PD_REQUIRE_NETNS=1 to fail instead)")
}
