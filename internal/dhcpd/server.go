package dhcpd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/server4"
)

// DefaultLeaseTime is the lease time used when Config.LeaseTime is zero.
const DefaultLeaseTime = time.Hour

// maxReadErrors is how many read errors in a row make Run give up.
const maxReadErrors = 10

// Config describes what the server hands out.
type Config struct {
	// Iface is the group interface to serve on; Run binds its socket to
	// it. It may be empty only when a conn is given with WithConn.
	Iface string
	// ServerIP is the group owner's address on Iface, e.g. 192.168.49.1.
	// It is the server identifier and, with Router, the default route.
	ServerIP netip.Addr
	// Prefix is the group subnet, e.g. 192.168.49.0/24. It must contain
	// ServerIP and be between /16 and /30.
	Prefix netip.Prefix
	// RangeFrom and RangeTo bound the pool (inclusive). Zero values mean
	// the second host address of Prefix (.2) and the last one before the
	// broadcast address (.254). ServerIP is never handed out.
	RangeFrom, RangeTo netip.Addr
	// LeaseTime is the lease duration; zero means DefaultLeaseTime.
	LeaseTime time.Duration
	// Router advertises ServerIP as the default router. It is off by
	// default so that phones keep their mobile data for the Internet.
	Router bool
	// DNS lists the name servers to advertise; none by default.
	DNS []netip.Addr
	// LeaseFile is the JSON file that keeps bindings across restarts;
	// empty keeps them in memory only.
	LeaseFile string
	// EAPOLFrom and EAPOLTo (inclusive, inside RangeFrom-RangeTo) are the
	// addresses wpa_supplicant hands out in the WPA2 4-way handshake (IP
	// address allocation, ip_addr_start/ip_addr_end). DHCP never offers
	// them to a new client; an address in it is given only to the client
	// that [Server.Bind] bound it to. Zero values reserve nothing.
	EAPOLFrom, EAPOLTo netip.Addr
}

// Lease is an address bound to a client.
type Lease struct {
	MAC      net.HardwareAddr `json:"mac"`
	IP       netip.Addr       `json:"ip"`
	Hostname string           `json:"hostname,omitempty"` // supplied by the client: untrusted
	Expiry   time.Time        `json:"expiry"`
}

// leaseJSON is Lease with the MAC address as text rather than base64.
type leaseJSON struct {
	MAC      string     `json:"mac"`
	IP       netip.Addr `json:"ip"`
	Hostname string     `json:"hostname,omitempty"`
	Expiry   time.Time  `json:"expiry"`
}

// MarshalJSON encodes l with the MAC address as "aa:bb:cc:dd:ee:ff".
func (l Lease) MarshalJSON() ([]byte, error) {
	var mac string
	if len(l.MAC) > 0 {
		mac = l.MAC.String()
	}
	return json.Marshal(leaseJSON{MAC: mac, IP: l.IP, Hostname: l.Hostname, Expiry: l.Expiry})
}

// UnmarshalJSON decodes what MarshalJSON encodes.
func (l *Lease) UnmarshalJSON(b []byte) error {
	var j leaseJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	var mac net.HardwareAddr
	if j.MAC != "" {
		var err error
		if mac, err = net.ParseMAC(j.MAC); err != nil {
			return fmt.Errorf("dhcpd: lease: %w", err)
		}
	}
	*l = Lease{MAC: mac, IP: j.IP, Hostname: j.Hostname, Expiry: j.Expiry}
	return nil
}

// Option configures a Server.
type Option func(*Server)

// WithConn makes Run serve on c instead of opening a socket bound to
// Config.Iface, e.g. a UDP socket on 127.0.0.1:0 in tests. Run does not
// close c, but leaves its read deadline in the past when it returns.
func WithConn(c net.PacketConn) Option { return func(s *Server) { s.conn = c } }

// WithClock sets the clock used for lease times (default time.Now).
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// Prober tells whether ip is in use on the link: it returns the hardware
// address of a host that answers for it, or nil when none does.
type Prober func(ctx context.Context, ip netip.Addr) (net.HardwareAddr, error)

// WithProber sets how an address is checked before it is offered (see
// [Server] on when). Without it, Run probes with ARP on Config.Iface, and
// a server given WithConn does not probe.
func WithProber(p Prober) Option { return func(s *Server) { s.prober = p } }

// Server is a DHCPv4 server for one group interface. Leases and Release are
// safe for concurrent use with Run; OnLease must be called before Run.
//
// # Address conflicts
//
// Before it offers an address that another client's lease may still hold
// (one it reclaims from an expired or released binding, or any address
// during the first lease time after a start without a lease file), the
// server probes it (ARP, RFC 5227). An address that a host answers for is
// quarantined like a DECLINEd one and another is chosen.
//
// # Rival servers
//
// A second DHCP server on the group interface (a stray dnsmasq, a client
// box that serves DHCP) makes phones take the wrong gateway address or
// lose their address at renewal. The server notices one when a client's
// REQUEST names another server identifier, and, on Linux, when it hears a
// broadcast OFFER or ACK from another server on port 68. Each rival is
// logged once per ten minutes, by its server identifier, and counted.
type Server struct {
	cfg     Config
	log     *slog.Logger
	now     func() time.Time
	conn    net.PacketConn
	onLease func(Lease)
	running atomic.Bool
	prober  Prober
	stats   stats

	// blindUntil: until then, no lease file told us which addresses
	// previous clients may still hold, so fresh addresses are probed.
	blindUntil time.Time

	// fileMu serialises lease-file writes. Each writer takes its snapshot
	// while holding it, so a later write never carries older state.
	fileMu sync.Mutex

	mu     sync.Mutex // guards pool and limits
	pool   *pool
	limits map[string]*every // rate limits of repeated warnings, by topic
}

// New checks cfg, fills in defaults and loads cfg.LeaseFile. It opens no
// socket; Run does. A nil log discards.
func New(cfg Config, log *slog.Logger, opts ...Option) (*Server, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{now: time.Now}
	for _, o := range opts {
		o(s)
	}
	if err := cfg.setDefaults(s.conn != nil); err != nil {
		return nil, err
	}
	s.cfg = cfg
	s.log = log.With("component", "dhcpd", "iface", cfg.Iface)
	s.pool = newPool(cfg.RangeFrom, cfg.RangeTo, cfg.ServerIP)
	s.pool.resFrom, s.pool.resTo = cfg.EAPOLFrom, cfg.EAPOLTo
	s.limits = map[string]*every{}
	loaded := false
	if cfg.LeaseFile != "" {
		removeStaleTemps(cfg.LeaseFile, s.log)
		loaded = s.load()
	}
	if !loaded {
		s.blindUntil = s.now().Add(cfg.LeaseTime)
	}
	return s, nil
}

// setDefaults validates c and fills in its zero fields.
func (c *Config) setDefaults(haveConn bool) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("dhcpd: config: "+format, args...)
	}
	if c.Iface == "" && !haveConn {
		return bad("no interface")
	}
	if !c.Prefix.IsValid() || !c.Prefix.Addr().Is4() {
		return bad("prefix %v: not an IPv4 prefix", c.Prefix)
	}
	if b := c.Prefix.Bits(); b < 16 || b > 30 {
		return bad("prefix %v: length must be /16 to /30", c.Prefix)
	}
	c.Prefix = c.Prefix.Masked()
	if !c.ServerIP.Is4() || !c.Prefix.Contains(c.ServerIP) {
		return bad("server address %v: not in %v", c.ServerIP, c.Prefix)
	}
	network, bcast := c.Prefix.Addr(), lastAddr(c.Prefix)
	if c.ServerIP == network || c.ServerIP == bcast {
		return bad("server address %v: network or broadcast address of %v", c.ServerIP, c.Prefix)
	}
	if !c.RangeFrom.IsValid() {
		c.RangeFrom = network.Next().Next()
	}
	if !c.RangeTo.IsValid() {
		c.RangeTo = bcast.Prev()
	}
	for _, a := range []netip.Addr{c.RangeFrom, c.RangeTo} {
		if !a.Is4() || !c.Prefix.Contains(a) || a == network || a == bcast {
			return bad("range %v-%v: not host addresses of %v", c.RangeFrom, c.RangeTo, c.Prefix)
		}
	}
	if c.RangeTo.Less(c.RangeFrom) {
		return bad("range %v-%v: empty", c.RangeFrom, c.RangeTo)
	}
	if c.RangeFrom == c.ServerIP && c.RangeTo == c.ServerIP {
		return bad("range %v-%v: holds only the server address", c.RangeFrom, c.RangeTo)
	}
	if c.EAPOLFrom.IsValid() || c.EAPOLTo.IsValid() {
		in := func(a netip.Addr) bool {
			return a.Is4() && c.RangeFrom.Compare(a) <= 0 && a.Compare(c.RangeTo) <= 0
		}
		if !in(c.EAPOLFrom) || !in(c.EAPOLTo) || c.EAPOLTo.Less(c.EAPOLFrom) {
			return bad("eapol range %v-%v: not inside %v-%v", c.EAPOLFrom, c.EAPOLTo, c.RangeFrom, c.RangeTo)
		}
	}
	switch {
	case c.LeaseTime == 0:
		c.LeaseTime = DefaultLeaseTime
	case c.LeaseTime < time.Minute || c.LeaseTime > math.MaxUint32*time.Second:
		return bad("lease time %v: out of range", c.LeaseTime)
	}
	for _, d := range c.DNS {
		if !d.Is4() {
			return bad("dns %v: not an IPv4 address", d)
		}
	}
	c.DNS = slices.Clone(c.DNS)
	return nil
}

// lastAddr returns the broadcast address of p.
func lastAddr(p netip.Prefix) netip.Addr {
	a := p.Masked().Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3]) | host
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// OnLease registers fn to be called on the Run goroutine after each ACK
// that binds or renews a lease. fn must not block for long. OnLease must be
// called before Run.
func (s *Server) OnLease(fn func(Lease)) { s.onLease = fn }

// Leases returns the bound, unexpired leases ordered by address.
func (s *Server) Leases() []Lease {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	var ls []Lease
	for _, b := range s.pool.sorted() {
		if b.state == stateBound && b.active(now) {
			ls = append(ls, b.lease())
		}
	}
	return ls
}

// Release frees the lease of the client with MAC address mac, for when it
// has left the group. The binding is kept, so the same client gets the same
// address next time unless the pool runs out.
func (s *Server) Release(mac net.HardwareAddr) {
	now := s.now()
	var released []netip.Addr
	s.mu.Lock()
	for _, b := range s.pool.byIP {
		if slices.Equal(b.mac, mac) && b.state != stateReleased {
			b.state, b.expiry = stateReleased, now
			released = append(released, b.ip)
		}
	}
	s.mu.Unlock()
	for _, ip := range released {
		s.log.Info("lease released: client left the group", "mac", mac.String(), "ip", ip)
	}
	if len(released) > 0 {
		s.persist()
	}
}

// Run serves until ctx is done, then returns nil. Without WithConn it opens
// a broadcast-capable UDP socket on port 67 bound to Config.Iface, which
// must exist and carry ServerIP, and closes it on return. Run handles one
// packet at a time on its own goroutine. It may be called once.
func (s *Server) Run(ctx context.Context) error {
	if !s.running.CompareAndSwap(false, true) {
		return errors.New("dhcpd: Run called twice")
	}
	conn := s.conn
	var wg sync.WaitGroup
	defer wg.Wait()
	if conn == nil {
		c, err := server4.NewIPv4UDPConn(s.cfg.Iface, &net.UDPAddr{Port: dhcpv4.ServerPort})
		if err != nil {
			return fmt.Errorf("dhcpd: listen on %s: %w", s.cfg.Iface, err)
		}
		defer c.Close()
		conn = c
		if s.prober == nil {
			s.prober = arpProber(s.cfg.Iface)
		}
		// Hear other servers' broadcast replies (rival detection). Not
		// fatal: a DHCP client may hold the port on this interface.
		if rc, err := server4.NewIPv4UDPConn(s.cfg.Iface, &net.UDPAddr{Port: dhcpv4.ClientPort}); err != nil {
			s.log.Debug("cannot listen on port 68: rival servers are seen only through client requests", "err", err)
		} else {
			defer rc.Close()
			stopRC := context.AfterFunc(ctx, func() { _ = rc.SetReadDeadline(time.Unix(1, 0)) })
			defer stopRC()
			wg.Go(func() { s.listenRivals(ctx, rc) })
		}
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()

	s.log.Info("serving", "addr", conn.LocalAddr().String(), "server_ip", s.cfg.ServerIP,
		"range_from", s.cfg.RangeFrom, "range_to", s.cfg.RangeTo)
	buf := make([]byte, 4096)
	errs := 0
	for {
		n, peer, err := conn.ReadFrom(buf)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			errs++
			if errs >= maxReadErrors || errors.Is(err, net.ErrClosed) {
				return fmt.Errorf("dhcpd: read: %w", err)
			}
			s.log.Warn("read failed", "err", err)
			continue
		}
		errs = 0
		s.serve(ctx, conn, buf[:n], peer)
	}
}

// maxProbes bounds the addresses probed for one DISCOVER.
const maxProbes = 3

// serve handles one datagram and performs what handle decided.
func (s *Server) serve(ctx context.Context, conn net.PacketConn, data []byte, peer net.Addr) {
	r := s.handle(data, peer)
	for try := 1; r.probe.IsValid(); try++ {
		holder, err := s.prober(ctx, r.probe)
		if err != nil {
			s.log.Debug("address probe failed; offering anyway", "ip", r.probe, "err", err)
		}
		if holder == nil || slices.Equal(holder, r.chaddr) {
			break
		}
		s.conflict(r.probe, holder)
		if try == maxProbes {
			s.log.Warn("no offer: every address probed is in use", "mac", r.chaddr.String(), "tried", try)
			return
		}
		r = s.handle(data, peer)
	}
	if r.reply != nil {
		b := r.reply.ToBytes()
		if _, err := conn.WriteTo(b, r.dst); err != nil {
			s.log.Warn("send failed", "type", r.reply.MessageType().String(),
				"mac", r.reply.ClientHWAddr.String(), "dst", r.dst.String(), "err", err)
		}
		if r.bcastCopy {
			// See replyDest: the unicast ACK to ciaddr can arrive while
			// the client's own sending socket still owns the 4-tuple.
			_, _ = conn.WriteTo(b, &net.UDPAddr{IP: net.IPv4bcast, Port: dhcpv4.ClientPort})
		}
	}
	if r.dirty {
		s.persist()
	}
	if r.lease != nil && s.onLease != nil {
		s.onLease(*r.lease)
	}
}
