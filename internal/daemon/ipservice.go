package daemon

import (
	"context"
	"fmt"
	"log/slog"
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
// address (192.168.49.1/24 by default) and serves DHCP on it.
type IPService struct{ Log *slog.Logger }

var _ GroupNet = IPService{}

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
	srv, err := dhcpd.New(dc, log)
	if err != nil {
		return nil, err
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
		if err := netcfg.RemoveAddr(group, pfx); err != nil {
			log.Debug("remove group address", "err", err)
		}
	}, nil
}
