package daemon

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/internal/status"
	"github.com/hostp2pd/hostp2pd/wpactrl/wpatest"
	"github.com/hostp2pd/hostp2pd/wpaevent"
)

// linkNet is a GroupNet at the daemon's seam: it records what the daemon
// asks of the IP side and lets the test hand out DHCP leases.
type linkNet struct {
	mu     sync.Mutex
	eapol  []bool   // cfg.DHCP.EAPOLIP of each Up
	binds  []string // "group mac ip"
	leases func(wpaevent.MAC, string)
}

func (n *linkNet) Up(_ context.Context, _, _ string, cfg *config.Config, leases func(wpaevent.MAC, string)) (func(), error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.eapol = append(n.eapol, cfg.DHCP.EAPOLIP)
	n.leases = leases
	return func() {}, nil
}

func (n *linkNet) Bind(group string, mac wpaevent.MAC, ip string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.binds = append(n.binds, group+" "+mac.String()+" "+ip)
	return nil
}

func (n *linkNet) Counters() map[string]uint64 { return map[string]uint64{"dhcp_acks": 7} }

func (n *linkNet) snapshot() ([]bool, []string, func(wpaevent.MAC, string)) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]bool(nil), n.eapol...), append([]string(nil), n.binds...), n.leases
}

// startNet is start with net as the GroupNet and a recording run_program;
// it returns the file the hook appends "args | HOSTP2PD_CLIENT_IP" to.
func startNet(t *testing.T, yml string, net GroupNet, setup ...func(*wpatest.Server)) (*harness, string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "hp2p")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	hookOut := filepath.Join(dir, "hooks.txt")
	hook := filepath.Join(dir, "hook.sh")
	if err := os.WriteFile(hook, []byte("#!/bin/sh\necho \"$* | $HOSTP2PD_CLIENT_IP\" >> "+hookOut+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	srv, err := wpatest.NewServer(dir, "wlan0", dev)
	if err != nil {
		t.Fatal(err)
	}
	srv.SetVar("config_methods", "virtual_push_button keypad display")
	for _, f := range setup {
		f(srv)
	}
	cfg, _, err := config.Parse("test.yaml", []byte(yml+"\nrun_program: "+hook+"\ninterface: "+dev+"\nctrl_interface: "+dir+"\n"))
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	h := &harness{t: t, srv: srv, dir: dir, ready: make(chan struct{}, 8)}
	d, err := New(cfg, Options{OnReady: func() { h.ready <- struct{}{} }, PingInterval: 200 * time.Millisecond, Net: net})
	if err != nil {
		t.Fatal(err)
	}
	h.d = d
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	var once sync.Once
	h.stop = func() { once.Do(func() { h.halt(cancel, done) }) }
	t.Cleanup(func() { h.stop() })
	h.waitReady()
	return h, hookOut
}

// waitHook waits until the hook file has a line with prefix and returns it.
func waitHook(t *testing.T, path, prefix string) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		b, _ := os.ReadFile(path)
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, prefix) {
				return l
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no hook %q; hooks run:\n%s", prefix, b)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

const autonomousPBC = "activate_persistent_group: false\nactivate_autonomous_group: true\npbc_in_use: true"

// TestEAPOL_AddressFromTheHandshakeIsTheLease: the daemon sets up IP
// address allocation at start; the client's ip_addr= goes into the lease
// store, the status, the connect hook's environment and an ip hook; a
// DHCP lease later fires the ip hook again.
func TestEAPOL_AddressFromTheHandshakeIsTheLease(t *testing.T) {
	n := &linkNet{}
	h, hooks := startNet(t, autonomousPBC, n)
	for _, want := range []string{"SET ip_addr_go 192.168.49.1", "SET ip_addr_mask 255.255.255.0",
		"SET ip_addr_start 192.168.49.128", "SET ip_addr_end 192.168.49.254"} {
		if c := h.want(dev, want); c.Cmd != want {
			t.Errorf("got %q, want %q", c.Cmd, want)
		}
	}
	h.want(dev, "P2P_GROUP_ADD")
	st := h.groupUp()
	h.srv.Emit(dev, evFound)
	h.srv.Emit(dev, evPBCReq)
	h.want(st.Group.Iface, "WPS_PBC")
	h.srv.Emit(st.Group.Iface, "AP-STA-CONNECTED "+sta+" ip_addr=192.168.49.128 p2p_dev_addr="+phone)
	h.eventually("client with its address", func(s status.Status) bool {
		return len(s.Clients) == 1 && s.Clients[0].IP == "192.168.49.128"
	})
	if l := waitHook(t, hooks, "connect "); l != "connect "+phone+" phone "+st.Group.Iface+" | 192.168.49.128" {
		t.Errorf("connect hook: %q", l)
	}
	if l := waitHook(t, hooks, "ip "); l != "ip "+phone+" 192.168.49.128 "+st.Group.Iface+" | " {
		t.Errorf("ip hook: %q", l)
	}
	eapol, binds, leases := n.snapshot()
	if len(eapol) != 1 || !eapol[0] {
		t.Errorf("GroupNet.Up saw eapol_ip %v, want [true]", eapol)
	}
	if want := st.Group.Iface + " " + sta + " 192.168.49.128"; len(binds) != 1 || binds[0] != want {
		t.Errorf("binds %v, want [%s]", binds, want)
	}
	// A DHCP lease (bound or renewed) fires the hook too.
	m, err := wpaevent.ParseMAC(sta)
	if err != nil {
		t.Fatal(err)
	}
	leases(m, "192.168.49.128")
	deadline := time.Now().Add(5 * time.Second)
	for {
		b, _ := os.ReadFile(hooks)
		if strings.Count("\n"+string(b), "\nip "+phone+" 192.168.49.128 ") == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no second ip hook after a lease:\n%s", b)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := h.d.Status().Counters["dhcp_acks"]; got != 7 {
		t.Errorf("status counter dhcp_acks = %d, want the GroupNet's 7", got)
	}
}

// TestEAPOL_RefusedMeansDHCPAlone: a wpa_supplicant that refuses the
// settings is said once, and DHCP then serves the whole range.
func TestEAPOL_RefusedMeansDHCPAlone(t *testing.T) {
	n := &linkNet{}
	h, _ := startNet(t, autonomousPBC, n, func(s *wpatest.Server) {
		s.Reply(dev, "SET ip_addr_go", "FAIL\n")
	})
	h.want(dev, "P2P_GROUP_ADD")
	h.groupUp()
	h.eventually("group", func(s status.Status) bool { return s.Group != nil })
	deadline := time.Now().Add(5 * time.Second)
	for {
		if eapol, _, _ := n.snapshot(); len(eapol) == 1 {
			if eapol[0] {
				t.Fatal("GroupNet.Up saw eapol_ip true after wpa_supplicant refused")
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("GroupNet.Up not called")
		}
		time.Sleep(5 * time.Millisecond)
	}
	for _, c := range h.srv.Commands() {
		if strings.HasPrefix(c.Cmd, "SET ip_addr_mask") {
			t.Errorf("went on after the refusal: %q", c.Cmd)
		}
	}
}

// TestNoAddress_WarnedOncePerStation: a client associated for 10 s with no
// address is warned about once, and counted.
func TestNoAddress_WarnedOncePerStation(t *testing.T) {
	n := &linkNet{}
	h, _ := startNet(t, autonomousPBC+"\ndhcp:\n  eapol_ip: false", n)
	// eapol_ip off: whatever an earlier run left in wpa_supplicant is cleared.
	h.want(dev, "SET ip_addr_go 0.0.0.0")
	h.want(dev, "SET ip_addr_end 0.0.0.0")
	st := h.groupUp()
	h.srv.Emit(dev, evFound)
	h.srv.Emit(dev, evPBCReq)
	h.want(st.Group.Iface, "WPS_PBC")
	h.srv.Emit(st.Group.Iface, evStaConn)
	h.eventually("client", func(s status.Status) bool { return len(s.Clients) == 1 })
	check := func(after time.Duration) bool {
		var warned bool
		if err := h.d.do(context.Background(), func(l *loop) error {
			warned = l.checkAddresses(time.Now().Add(after))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return warned
	}
	if check(5 * time.Second) {
		t.Error("warned after 5 s")
	}
	if !check(11 * time.Second) {
		t.Error("not warned after 11 s")
	}
	if check(20 * time.Second) {
		t.Error("warned twice about one station")
	}
	h.eventually("counter", func(s status.Status) bool { return s.Counters["clients_without_address"] == 1 })
}

// TestNoAddress_CheckArmedOnlyWhileAClientWaits: no ticker runs the address
// check; it is due noAddressAfter after a client joined without an
// address, and not at all once the client has one or has been warned about.
func TestNoAddress_CheckArmedOnlyWhileAClientWaits(t *testing.T) {
	n := &linkNet{}
	h, _ := startNet(t, autonomousPBC+"\ndhcp:\n  eapol_ip: false", n)
	st := h.groupUp()
	due := func(at time.Time) (in time.Duration, ok bool) {
		if err := h.d.do(context.Background(), func(l *loop) error { in, ok = l.addrCheckIn(at); return nil }); err != nil {
			t.Fatal(err)
		}
		return in, ok
	}
	if in, ok := due(time.Now()); ok {
		t.Errorf("address check due in %v with no client", in)
	}
	h.srv.Emit(dev, evFound)
	h.srv.Emit(dev, evPBCReq)
	h.want(st.Group.Iface, "WPS_PBC")
	h.srv.Emit(st.Group.Iface, evStaConn)
	h.eventually("client", func(s status.Status) bool { return len(s.Clients) == 1 })
	now := time.Now()
	if in, ok := due(now); !ok || in <= 8*time.Second || in > noAddressAfter {
		t.Errorf("address check due in %v (armed %v) after a client joined without an address, want just under %v", in, ok, noAddressAfter)
	}
	if in, ok := due(now.Add(time.Minute)); !ok || in != 0 {
		t.Errorf("address check overdue: due in %v (armed %v), want 0", in, ok)
	}
	if err := h.d.do(context.Background(), func(l *loop) error { l.checkAddresses(now.Add(time.Minute)); return nil }); err != nil {
		t.Fatal(err)
	}
	if in, ok := due(now.Add(time.Minute)); ok {
		t.Errorf("address check due in %v for a client already warned about", in)
	}
}
