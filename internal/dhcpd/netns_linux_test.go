//go:build linux

package dhcpd

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4/nclient4"
	"github.com/vishvananda/netns"
)

// shell runs a command and fails the test if it fails.
func shell(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// inNetns runs fn on a goroutine whose thread is in the named netns. The
// thread is never unlocked, so it exits with the goroutine and the netns
// cannot leak to other goroutines.
func inNetns(name string, fn func() error) <-chan error {
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		h, err := netns.GetFromName(name)
		if err != nil {
			done <- err
			return
		}
		defer h.Close()
		if err := netns.Set(h); err != nil {
			done <- err
			return
		}
		done <- fn()
	}()
	return done
}

var topologySeq atomic.Uint32

// groupTopology is a GO namespace and a client namespace joined by a veth:
// goIf (192.168.49.1/24) in goNS, clIf (no address) in clNS.
type groupTopology struct {
	goNS, clNS string
	goIf, clIf string
	clMAC      net.HardwareAddr
}

func newGroupTopology(t *testing.T) groupTopology {
	t.Helper()
	requireRoot(t)
	if _, err := exec.LookPath("ip"); err != nil {
		if os.Getenv("HOSTP2PD_REQUIRE_NETNS") == "1" {
			t.Fatal("ip (iproute2) not installed")
		}
		t.Skip("ip (iproute2) not installed")
	}
	// Unique per test in this process: a netns deleted by the previous
	// test may still hold its veth names for a moment.
	id := fmt.Sprintf("%d%04d", os.Getpid()%10000, topologySeq.Add(1)%10000)
	g := groupTopology{
		goNS: "hp2pd-go-" + id, clNS: "hp2pd-cl-" + id,
		goIf: "p2p-go" + id[len(id)-4:], clIf: "p2p-cl" + id[len(id)-4:],
	}
	if out, err := exec.Command("ip", "netns", "add", g.goNS).CombinedOutput(); err != nil {
		if os.Getenv("HOSTP2PD_REQUIRE_NETNS") == "1" {
			t.Fatalf("ip netns add: %v\n%s", err, out)
		}
		t.Skipf("cannot create a network namespace: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", g.goNS).Run() })
	shell(t, "ip", "netns", "add", g.clNS)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", g.clNS).Run() })
	shell(t, "ip", "link", "add", g.goIf, "netns", g.goNS, "type", "veth", "peer", "name", g.clIf, "netns", g.clNS)
	shell(t, "ip", "-n", g.goNS, "addr", "add", "192.168.49.1/24", "dev", g.goIf)
	shell(t, "ip", "-n", g.goNS, "link", "set", g.goIf, "up")
	shell(t, "ip", "-n", g.clNS, "link", "set", g.clIf, "up")
	mac, err := net.ParseMAC(strings.TrimSpace(shell(t, "ip", "netns", "exec", g.clNS, "cat", "/sys/class/net/"+g.clIf+"/address")))
	if err != nil {
		t.Fatal(err)
	}
	g.clMAC = mac
	return g
}

// TestNetns_UnconfiguredClientGetsAnAddress proves the production path: the
// server opens its own socket bound to the group interface, and its
// broadcast replies reach a client that has no address yet.
func TestNetns_UnconfiguredClientGetsAnAddress(t *testing.T) {
	g := newGroupTopology(t)
	cfg := baseConfig()
	cfg.Iface = g.goIf
	logs := &logBuffer{}
	srv, err := New(cfg, testLogger(t, logs))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := inNetns(g.goNS, func() error { return srv.Run(ctx) })
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})

	hasLease := func(t *testing.T, addr netip.Addr) {
		t.Helper()
		for _, l := range srv.Leases() {
			if l.IP == addr && equalMAC(l.MAC, g.clMAC) {
				return
			}
		}
		t.Errorf("no lease of %v to %v in %v", addr, g.clMAC, srv.Leases())
	}

	t.Run("busybox udhcpc", func(t *testing.T) {
		if _, err := os.Stat("/bin/busybox"); err != nil {
			t.Skip("/bin/busybox not installed")
		}
		cctx, ccancel := context.WithTimeout(ctx, 30*time.Second)
		defer ccancel()
		out, err := exec.CommandContext(cctx, "ip", "netns", "exec", g.clNS, "/bin/busybox", "udhcpc",
			"-i", g.clIf, "-f", "-q", "-n", "-t", "10", "-T", "1", "-s", "/bin/true").CombinedOutput()
		if err != nil {
			t.Fatalf("udhcpc: %v\n%s\nserver log:\n%s", err, out, logs.String())
		}
		m := regexp.MustCompile(`lease of (\S+) obtained`).FindSubmatch(out)
		if m == nil {
			t.Fatalf("udhcpc got no lease:\n%s", out)
		}
		got, err := netip.ParseAddr(string(m[1]))
		if err != nil || got != ip("192.168.49.2") {
			t.Errorf("udhcpc lease: got %q, want 192.168.49.2", m[1])
		}
		hasLease(t, got)
	})

	t.Run("nclient4", func(t *testing.T) {
		var lease *nclient4.Lease
		err := <-inNetns(g.clNS, func() error {
			c, err := nclient4.New(g.clIf, nclient4.WithTimeout(time.Second), nclient4.WithRetry(10))
			if err != nil {
				return err
			}
			defer c.Close()
			cctx, ccancel := context.WithTimeout(ctx, 30*time.Second)
			defer ccancel()
			lease, err = c.Request(cctx)
			return err
		})
		if err != nil {
			t.Fatalf("nclient4: %v\nserver log:\n%s", err, logs.String())
		}
		got := addr4(lease.ACK.YourIPAddr)
		// Same veth MAC as the udhcpc run: the same address again.
		if got != ip("192.168.49.2") {
			t.Errorf("nclient4 lease: got %v, want 192.168.49.2", got)
		}
		hasLease(t, got)
	})
}
