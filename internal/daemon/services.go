package daemon

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"sync"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/internal/mdns"
	"github.com/hostp2pd/hostp2pd/internal/services"
	"github.com/hostp2pd/hostp2pd/internal/status"
)

// svcState is the loop's state about advertised services (issue 18).
type svcState struct {
	regs     []services.Registration // registered with the wpa_supplicant we are connected to
	failed   int                     // registrations wpa_supplicant refused
	counters map[string]uint64       // sd_requests, sd_requests_malformed, services_registered, …

	mdnsStop  func()
	mdnsStats *mdns.Stats
	mdnsIface string
}

func (s *svcState) count(k string) {
	if s.counters == nil {
		s.counters = map[string]uint64{}
	}
	s.counters[k]++
}

// resetStats clears the service counters, the running mDNS responder's
// included (it keeps counting from zero).
func (s *svcState) resetStats() {
	clear(s.counters)
	if st := s.mdnsStats; st != nil {
		st.Queries.Store(0)
		st.Answered.Store(0)
		st.Bad.Store(0)
	}
}

// registerServices registers the configured services with wpa_supplicant
// after a (re)connect. What an earlier run registered is unknown here, so
// with services configured the table is flushed first (P2P_SERVICE_FLUSH);
// without, it is left alone (services added by hand with wpa_cli stay).
func (l *loop) registerServices(ctx context.Context) {
	cfg := l.d.config()
	l.svc.regs, l.svc.failed = nil, 0
	if len(cfg.Services) == 0 {
		return
	}
	regs, err := services.Registrations(cfg.Services)
	if err != nil {
		l.d.log.Error("services not advertised", "err", err)
		return
	}
	if _, err := l.svcCmd(ctx, "P2P_SERVICE_FLUSH"); err != nil {
		return
	}
	var adds []string
	for _, r := range regs {
		adds = append(adds, r.Add)
	}
	l.svc.regs = l.svcApply(ctx, nil, adds, regs)
	l.d.log.Info("services advertised for P2P service discovery", "records", len(l.svc.regs), "services", len(cfg.Services))
}

// reloadServices turns the registrations of the old configuration into
// the new one's: P2P_SERVICE_DEL of each record that went, ADD of each new
// one; unchanged records are not touched.
func (l *loop) reloadServices(ctx context.Context, cfg *config.Config) {
	if l.conn == nil {
		return
	}
	regs, err := services.Registrations(cfg.Services)
	if err != nil {
		l.d.log.Error("services not advertised", "err", err)
		return
	}
	del, add := services.Diff(l.svc.regs, regs)
	if len(del) == 0 && len(add) == 0 {
		return
	}
	l.svc.regs = l.svcApply(ctx, del, add, regs)
	l.d.log.Info("services changed on reload", "removed", len(del), "added", len(add), "records", len(l.svc.regs))
	if l.svc.mdnsStop != nil {
		iface := l.svc.mdnsIface
		l.stopMDNS()
		l.startMDNS(iface)
	}
}

// svcApply sends del then add and returns the registrations of want that
// wpa_supplicant holds afterwards (a refused ADD is left out).
func (l *loop) svcApply(ctx context.Context, del, add []string, want []services.Registration) []services.Registration {
	for _, c := range del {
		_, _ = l.svcCmd(ctx, c)
	}
	refused := map[string]bool{}
	for _, c := range add {
		if _, err := l.svcCmd(ctx, c); err != nil {
			refused[c] = true
			l.svc.failed++
		}
	}
	var out []services.Registration
	for _, r := range want {
		if !refused[r.Add] {
			out = append(out, r)
		}
	}
	return out
}

// svcCmd sends one service command; a FAIL reply is an error, logged.
func (l *loop) svcCmd(ctx context.Context, cmd string) (string, error) {
	reply, err := l.request(ctx, "", cmd)
	if err == nil && strings.HasPrefix(strings.TrimSpace(reply), "FAIL") {
		err = errFail
	}
	l.d.log.Debug("command", "cmd", cmd, "reply", strings.TrimSpace(reply), "err", err)
	if err != nil {
		l.d.log.Warn("wpa_supplicant refused a service command", "cmd", cmd, "err", err)
	}
	return reply, err
}

var errFail = errors.New("FAIL")

// serviceEvent counts a P2P-SERV-DISC-REQ (wpa_supplicant answers it from
// the registered services); a malformed one is counted apart and ignored.
func (l *loop) serviceEvent(text string) {
	r, err := services.ParseRequest(text)
	switch {
	case errors.Is(err, services.ErrNotRequest):
		return
	case err != nil:
		l.svc.count("sd_requests_malformed")
		l.d.log.Debug("malformed service discovery request ignored", "err", err)
		return
	}
	l.svc.count("sd_requests")
	l.d.log.Info("service discovery request", "peer", r.Peer, "freq", r.Freq, "protocols", r.Protos, "answered_from", len(l.svc.regs))
}

// startMDNS runs the mDNS responder on the group interface once its
// address is set (the IP service is up), when services are configured.
func (l *loop) startMDNS(iface string) {
	cfg := l.d.config()
	var sd []services.DNSSD
	for _, s := range cfg.Services {
		if s.DNSSD != nil {
			sd = append(sd, *s.DNSSD)
		}
	}
	if len(cfg.Services) == 0 || cfg.MDNSHost == config.Off || l.svc.mdnsStop != nil {
		return
	}
	goip, err := netip.ParsePrefix(cfg.DHCP.Subnet)
	if err != nil {
		return
	}
	log := l.d.log.With("component", "mdns", "group", iface)
	conn, err := mdns.Listen(context.Background(), iface)
	if err != nil {
		log.Warn("mDNS responder not started", "err", err)
		return
	}
	z := &mdns.Zone{Host: cfg.MDNSHost, Addr: goip.Addr(), Services: sd}
	st := &mdns.Stats{}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := mdns.Serve(ctx, conn, mdns.Group, z, st, log); err != nil {
			log.Warn("mDNS responder stopped", "err", err)
		}
	})
	l.svc.mdnsStats, l.svc.mdnsIface = st, iface
	l.d.mdnsLive.Store(st)
	l.svc.mdnsStop = func() { cancel(); wg.Wait() }
	log.Info("mDNS responder up", "host", cfg.MDNSHost+".local", "addr", z.Addr.String(), "services", len(sd))
}

func (l *loop) stopMDNS() {
	if l.svc.mdnsStop == nil {
		return
	}
	l.svc.mdnsStop()
	l.svc.mdnsStop = nil
	l.d.mdnsLive.Store(nil)
	if st := l.svc.mdnsStats; st != nil {
		if l.svc.counters == nil {
			l.svc.counters = map[string]uint64{}
		}
		l.svc.counters["mdns_queries"] += st.Queries.Load()
		l.svc.counters["mdns_answers"] += st.Answered.Load()
		l.svc.counters["mdns_malformed"] += st.Bad.Load()
	}
	l.svc.mdnsStats, l.svc.mdnsIface = nil, ""
}

// addServices adds the advertised services and their counters to st.
func (l *loop) addServices(st *status.Status) {
	cfg := l.d.config()
	reg := map[string]bool{}
	for _, r := range l.svc.regs {
		reg[r.Add] = true
	}
	for _, s := range cfg.Services {
		one := []services.Service{s}
		regs, _ := services.Registrations(one)
		ok := len(regs) > 0
		for _, r := range regs {
			ok = ok && reg[r.Add]
		}
		st.Services = append(st.Services, status.Service{Kind: s.Kind(), Name: s.Name(), Registered: ok,
			MDNS: s.DNSSD != nil && l.svc.mdnsStop != nil})
	}
	c := map[string]uint64{}
	for k, v := range l.svc.counters {
		c[k] = v
	}
	// The running responder's counters are added by Status, when read.
	if len(c) == 0 {
		return
	}
	if st.Counters == nil {
		st.Counters = map[string]uint64{}
	}
	for k, v := range c {
		st.Counters[k] += v
	}
}
