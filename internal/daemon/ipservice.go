package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/internal/dhcpd"
	"github.com/hostp2pd/hostp2pd/internal/netcfg"
	"github.com/hostp2pd/hostp2pd/wpaevent"
)

// IPService is the Linux GroupNet: it gives the group interface the GO
// address (192.168.49.1/24 by default) and serves DHCP on it. Make it with
// NewIPService; the zero value (and IPService{Log: …}) serves DHCP too,
// but cannot take handshake addresses (Bind) or report counters.
type IPService struct {
	Log *slog.Logger
	reg *ipRegistry
}

// NewIPService returns an IPService that logs to log.
func NewIPService(log *slog.Logger) IPService {
	return IPService{Log: log, reg: &ipRegistry{servers: map[string]*dhcpd.Server{}, done: map[string]uint64{}}}
}

// ipRegistry holds the running DHCP servers by group interface.
type ipRegistry struct {
	mu      sync.Mutex
	servers map[string]*dhcpd.Server
	done    map[string]uint64 // counters of the servers that stopped
}

var (
	_ GroupNet   = IPService{}
	_ AddrBinder = IPService{}
)

// AddrBinder is a GroupNet that also takes addresses handed out outside
// DHCP (wpa_supplicant's IP address allocation in the 4-way handshake), so
// that DHCP gives each client that same address, and that counts.
type AddrBinder interface {
	Bind(group string, mac wpaevent.MAC, ip string) error
	Counters() map[string]uint64
}

// Bind records that the client with interface address mac got ip on group
// in the 4-way handshake.
func (s IPService) Bind(group string, mac wpaevent.MAC, ip string) error {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return fmt.Errorf("ip_addr=%q: %w", ip, err)
	}
	if s.reg == nil {
		return nil
	}
	s.reg.mu.Lock()
	srv := s.reg.servers[group]
	s.reg.mu.Unlock()
	if srv == nil {
		return fmt.Errorf("no DHCP server on %s", group)
	}
	return srv.Bind(net.HardwareAddr(mac[:]), a)
}

// Counters sums the DHCP servers' counters (dhcpd.Server.Counters), those
// of stopped servers included.
func (s IPService) Counters() map[string]uint64 {
	if s.reg == nil {
		return nil
	}
	s.reg.mu.Lock()
	defer s.reg.mu.Unlock()
	out := maps.Clone(s.reg.done)
	for _, srv := range s.reg.servers {
		for k, v := range srv.Counters() {
			out[k] += v
		}
	}
	return out
}

// EAPOLRange is the upper half of the DHCP range, which wpa_supplicant
// hands out in the 4-way handshake when dhcp.eapol_ip is on; ok is false
// when the range is too small to share.
func EAPOLRange(cfg *config.Config) (from, to netip.Addr, ok bool) {
	f, err1 := netip.ParseAddr(cfg.DHCP.RangeFrom)
	t, err2 := netip.ParseAddr(cfg.DHCP.RangeTo)
	if err1 != nil || err2 != nil || !f.Is4() || !t.Is4() || !f.Less(t) {
		return netip.Addr{}, netip.Addr{}, false
	}
	a, b := f.As4(), t.As4()
	lo := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	hi := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	mid := lo + (hi-lo+1)/2
	return netip.AddrFrom4([4]byte{byte(mid >> 24), byte(mid >> 16), byte(mid >> 8), byte(mid)}), t, true
}

// Up assigns the address and starts the DHCP server on group.
func (s IPService) Up(ctx context.Context, dev, group string, cfg *config.Config, leases func(wpaevent.MAC, string)) (func(), error) {
	log := s.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "dhcpd", "group", group)
	pfx, err := netip.ParsePrefix(cfg.DHCP.Subnet)
	if err != nil {
		return nil, fmt.Errorf("dhcp.subnet: %w", err)
	}
	wctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := netcfg.WaitLink(wctx, group); err != nil {
		return nil, err
	}
	if err := netcfg.AssignAddr(group, pfx); err != nil {
		return nil, err
	}
	dc := dhcpd.Config{Iface: group, ServerIP: pfx.Addr(), Prefix: pfx.Masked(),
		LeaseTime: config.Seconds(cfg.DHCP.LeaseSecs), Router: cfg.DHCP.Router,
		LeaseFile: cfg.LeaseFilePath(dev)}
	if a, err := netip.ParseAddr(cfg.DHCP.RangeFrom); err == nil {
		dc.RangeFrom = a
	}
	if a, err := netip.ParseAddr(cfg.DHCP.RangeTo); err == nil {
		dc.RangeTo = a
	}
	for _, d := range cfg.DHCP.DNS {
		if a, err := netip.ParseAddr(strings.TrimSpace(d)); err == nil {
			dc.DNS = append(dc.DNS, a)
		}
	}
	if cfg.DHCP.EAPOLIP {
		dc.EAPOLFrom, dc.EAPOLTo, _ = EAPOLRange(cfg)
	}
	srv, err := dhcpd.New(dc, log)
	if err != nil {
		return nil, err
	}
	if s.reg != nil {
		s.reg.mu.Lock()
		s.reg.servers[group] = srv
		s.reg.mu.Unlock()
	}
	srv.OnLease(func(l dhcpd.Lease) {
		var m wpaevent.MAC
		if len(l.MAC) == 6 {
			copy(m[:], l.MAC)
			leases(m, l.IP.String())
		}
	})
	rctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := srv.Run(rctx); err != nil {
			log.Warn("DHCP server stopped", "err", err)
		}
	})
	log.Info("group address and DHCP up", "address", pfx.String())
	return func() {
		stop()
		wg.Wait()
		if s.reg != nil {
			s.reg.mu.Lock()
			if s.reg.servers[group] == srv {
				delete(s.reg.servers, group)
				for k, v := range srv.Counters() {
					s.reg.done[k] += v
				}
			}
			s.reg.mu.Unlock()
		}
		if err := netcfg.RemoveAddr(group, pfx); err != nil {
			log.Debug("remove group address", "err", err)
		}
	}, nil
}
