package daemon

import (
	"context"
	"github.com/hostp2pd/hostp2pd/internal/p2p"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/status"
	"github.com/hostp2pd/hostp2pd/wpaevent"
)

// noAddressAfter is how long an associated client may go without an
// address (DHCP or the 4-way handshake) before it is warned about: Android
// removes the group when it has none after about 36 s.
const noAddressAfter = 10 * time.Second

// addrWatch is the loop's state about client addresses.
type addrWatch struct {
	eapol       bool              // wpa_supplicant took the IP allocation settings
	eapolWarned bool              // "cannot" said once
	warned      map[string]bool   // interface addresses warned about (no address)
	counters    map[string]uint64 // clients_without_address
}

// setupEAPOL gives wpa_supplicant the group's addressing for IP address
// allocation in the 4-way handshake (ip_addr_go, ip_addr_mask,
// ip_addr_start, ip_addr_end: global settings, which the P2P device copies
// into each new group). The range is the upper half of the DHCP range
// (EAPOLRange); DHCP keeps it for those clients. If wpa_supplicant refuses
// (built without CONFIG_P2P IP allocation, or an old version), that is said
// once and DHCP serves the whole range. With dhcp.eapol_ip off the four
// are set to 0.0.0.0, which switches the allocation off.
func (l *loop) setupEAPOL(ctx context.Context) {
	cfg := l.d.config()
	l.addr.eapol = false
	if !cfg.DHCP.Enabled || l.d.o.Net == nil {
		return
	}
	if _, ok := l.d.o.Net.(AddrBinder); !ok {
		return
	}
	if !cfg.DHCP.EAPOLIP {
		// Settings left by an earlier run (they outlive us in wpa_supplicant)
		// would hand out addresses DHCP also offers: switch them off.
		for _, k := range []string{"ip_addr_go", "ip_addr_mask", "ip_addr_start", "ip_addr_end"} {
			if _, err := l.request(ctx, "", "SET "+k+" 0.0.0.0"); err != nil {
				l.d.log.Debug("cannot clear IP address allocation", "key", k, "err", err)
			}
		}
		return
	}
	pfx, err := netip.ParsePrefix(cfg.DHCP.Subnet)
	from, to, ok := EAPOLRange(cfg)
	if err != nil || !ok || !pfx.Addr().Is4() {
		return
	}
	mask := net.IP(net.CIDRMask(pfx.Bits(), 32)).String()
	for _, kv := range [][2]string{
		{"ip_addr_go", pfx.Addr().String()}, {"ip_addr_mask", mask},
		{"ip_addr_start", from.String()}, {"ip_addr_end", to.String()},
	} {
		cmd := "SET " + kv[0] + " " + kv[1]
		reply, err := l.request(ctx, "", cmd)
		r := strings.TrimSpace(reply)
		if err == nil && r == "OK" {
			continue
		}
		if refused := err == nil && (r == "FAIL" || strings.HasPrefix(r, "UNKNOWN")); refused && !l.addr.eapolWarned {
			l.d.log.Warn("wpa_supplicant does not take the IP address allocation settings: clients get their address by DHCP only",
				"cmd", cmd, "reply", r)
			l.addr.eapolWarned = true
		} else if !refused {
			// A timeout or a stray reply: try again at the next session.
			l.d.log.Debug("IP address allocation not set up this time", "cmd", cmd, "reply", r, "err", err)
		}
		return
	}
	l.addr.eapol = true
	l.d.log.Info("IP address allocation in the 4-way handshake set up", "go_ip", pfx.Addr(),
		"range_from", from, "range_to", to)
}

// handshakeAddr takes the address wpa_supplicant gave a client in the
// 4-way handshake (AP-STA-CONNECTED … ip_addr=) into the lease store.
func (l *loop) handshakeAddr(ev wpaevent.Event) bool {
	a, err := netip.ParseAddr(ev.IPAddr)
	if err != nil || !a.Is4() {
		l.d.log.Warn("ignoring a bad ip_addr in AP-STA-CONNECTED", "iface_addr", ev.Addr, "ip_addr", ev.IPAddr)
		return false
	}
	l.leases[ev.Addr] = a.String()
	if b, ok := l.d.o.Net.(AddrBinder); ok && l.gname != "" {
		if err := b.Bind(l.gname, ev.Addr, a.String()); err != nil {
			l.d.log.Warn("address from the 4-way handshake not recorded in the lease store", "iface_addr", ev.Addr,
				"ip", a, "err", err)
		}
	}
	return true
}

// leased records a DHCP lease (bound or renewed) and runs the ip hook.
func (l *loop) leased(ctx context.Context, ln leaseNote) {
	l.leases[ln.mac] = ln.ip
	l.ipHook(ctx, ln.mac, ln.ip)
}

// ipHook runs `run_program ip <p2p-dev-addr> <ip> <group>`.
func (l *loop) ipHook(ctx context.Context, iface wpaevent.MAC, ip string) {
	dev := iface.String()
	for _, c := range l.clients() {
		if c.IfaceAddr == iface.String() && c.DevAddr != "" {
			dev = c.DevAddr
		}
	}
	// Through exec, so that it keeps its place behind pending actions and
	// waits while paused.
	_ = l.exec(ctx, []p2p.Action{p2p.RunHook{Args: []string{"ip", dev, ip, l.gname}}})
}

// clients returns the session's clients with their addresses.
func (l *loop) clients() []status.Client {
	return l.sess.Clients(func(mac wpaevent.MAC) string { return l.leases[mac] })
}

// addrCheckIn returns when checkAddresses has something to do: the first
// client without an address (not yet warned about) reaches
// noAddressAfter. ok is false when no client waits for an address.
func (l *loop) addrCheckIn(now time.Time) (in time.Duration, ok bool) {
	if l.d.o.Net == nil || !l.d.config().DHCP.Enabled {
		return 0, false
	}
	var next time.Time
	l.sess.EachClient(func(iface wpaevent.MAC, joined time.Time) {
		if l.leases[iface] != "" || l.addr.warned[iface.String()] {
			return
		}
		if due := joined.Add(noAddressAfter); next.IsZero() || due.Before(next) {
			next = due
		}
	})
	if next.IsZero() {
		return 0, false
	}
	return max(next.Sub(now), 0), true
}

// ipOfDev returns the address of the client with P2P device address dev.
func (l *loop) ipOfDev(dev string) string {
	for _, c := range l.clients() {
		if c.DevAddr == dev || c.DevAddr == "" && c.IfaceAddr == dev { // a legacy station: its interface address
			return c.IP
		}
	}
	return ""
}

// checkAddresses warns, once per station, about clients associated for
// noAddressAfter without an address. It reports whether it warned.
func (l *loop) checkAddresses(now time.Time) bool {
	if !l.d.config().DHCP.Enabled || l.d.o.Net == nil {
		return false
	}
	if l.addr.warned == nil {
		l.addr.warned, l.addr.counters = map[string]bool{}, map[string]uint64{}
	}
	present := map[string]bool{}
	warned := false
	for _, c := range l.clients() {
		present[c.IfaceAddr] = true
		if c.IP != "" || now.Sub(c.Joined) < noAddressAfter || l.addr.warned[c.IfaceAddr] {
			continue
		}
		l.addr.warned[c.IfaceAddr] = true
		l.addr.counters["clients_without_address"]++
		l.d.log.Warn("client associated but has no address after 10 s: Android drops a group without one (another DHCP server on the group? a firewall on UDP 67?)",
			"peer", c.DevAddr, "iface_addr", c.IfaceAddr, "dev_name", c.Name, "group", l.gname,
			"since", now.Sub(c.Joined).Round(time.Second).String())
		warned = true
	}
	for k := range l.addr.warned {
		if !present[k] {
			delete(l.addr.warned, k)
		}
	}
	return warned
}

// addCounters adds the address counters (ours and the DHCP servers') to st.
func (l *loop) addCounters(st *status.Status) {
	var dhcp map[string]uint64
	if b, ok := l.d.o.Net.(AddrBinder); ok {
		dhcp = b.Counters()
	}
	if len(dhcp) == 0 && len(l.addr.counters) == 0 {
		return
	}
	if st.Counters == nil {
		st.Counters = map[string]uint64{}
	}
	for _, m := range []map[string]uint64{dhcp, l.addr.counters} {
		for k, v := range m {
			st.Counters[k] += v
		}
	}
}
