//go:build linux

package dhcpd

import (
	"bufio"
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/server4"
)

// udhcpcScript configures the address like a real client does, so that its
// unicast renewals can leave from ciaddr, and prints one line per event.
const udhcpcScript = `#!/bin/sh
case "$1" in
deconfig) ip -4 addr flush dev "$interface" ;;
bound|renew)
	ip -4 addr replace "$ip/${mask:-24}" dev "$interface"
	echo "EVENT $1 ip=$ip serverid=$serverid" ;;
esac
exit 0
`

// TestNetns_UnicastRenewalIsAnswered drives busybox udhcpc: it binds, then
// each SIGUSR1 sends one unicast REQUEST (RENEWING: ciaddr set, no server
// id) to 192.168.49.1. Each must be ACKed within 1 s, not left to a
// broadcast rebind. Before the broadcast copy of such ACKs (replyDest),
// 2 or 3 of these 20 renewals were lost each run.
func TestNetns_UnicastRenewalIsAnswered(t *testing.T) {
	if _, err := os.Stat("/bin/busybox"); err != nil {
		t.Skip("/bin/busybox not installed")
	}
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
	script := filepath.Join(t.TempDir(), "udhcpc.sh")
	if err := os.WriteFile(script, []byte(udhcpcScript), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("ip", "netns", "exec", g.clNS, "/bin/busybox", "udhcpc",
		"-i", g.clIf, "-f", "-t", "10", "-T", "1", "-s", script)
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait(); pw.Close() })
	lines := make(chan string, 64)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	var out []string
	waitFor := func(prefix string, within time.Duration) (time.Duration, bool) {
		t0 := time.Now()
		tm := time.After(within)
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					return 0, false
				}
				out = append(out, time.Since(t0).String()+" "+l)
				if strings.HasPrefix(l, prefix) {
					return time.Since(t0), true
				}
			case <-tm:
				return 0, false
			}
		}
	}
	if _, ok := waitFor("EVENT bound", 15*time.Second); !ok {
		t.Fatalf("udhcpc never bound:\n%s\nserver log:\n%s", strings.Join(out, "\n"), logs.String())
	}
	for i := range 20 {
		time.Sleep(100 * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGUSR1); err != nil {
			t.Fatal(err)
		}
		d, ok := waitFor("EVENT renew", 5*time.Second)
		if !ok || d > time.Second {
			t.Errorf("renewal %d: answered=%v after %v", i, ok, d)
		}
	}
	all := strings.Join(out, "\n")
	if n := strings.Count(all, "broadcasting renew"); n > 0 || t.Failed() {
		t.Errorf("%d of 20 unicast renewals fell back to a broadcast rebind:\n%s\nserver log:\n%s", n, all, logs.String())
	}
}

// TestNetns_ARPProbeFindsTheHolder: the ARP probe names the host that
// holds an address on the link, and nobody for a free one.
func TestNetns_ARPProbeFindsTheHolder(t *testing.T) {
	g := newGroupTopology(t)
	shell(t, "ip", "-n", g.clNS, "addr", "add", "192.168.49.7/24", "dev", g.clIf)
	var held, free net.HardwareAddr
	err := <-inNetns(g.goNS, func() error {
		var err error
		if held, err = arpProbe(context.Background(), g.goIf, ip("192.168.49.7"), probeCount, probeWait); err != nil {
			return err
		}
		free, err = arpProbe(context.Background(), g.goIf, ip("192.168.49.8"), probeCount, probeWait)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !equalMAC(held, g.clMAC) {
		t.Errorf("probe of a held address: got %v, want %v", held, g.clMAC)
	}
	if free != nil {
		t.Errorf("probe of a free address: got %v, want nobody", free)
	}
}

// TestNetns_RivalOfferIsHeard: a second server's broadcast OFFER on the
// group interface is noticed by the server's port-68 listener.
func TestNetns_RivalOfferIsHeard(t *testing.T) {
	g := newGroupTopology(t)
	shell(t, "ip", "-n", g.clNS, "addr", "add", "192.168.49.250/24", "dev", g.clIf)
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
	offer := mustPacket(t)(dhcpv4.NewReplyFromRequest(mustPacket(t)(dhcpv4.NewDiscovery(macA)),
		dhcpv4.WithMessageType(dhcpv4.MessageTypeOffer), dhcpv4.WithYourIP(net.IPv4(192, 168, 49, 77)),
		dhcpv4.WithOption(dhcpv4.OptServerIdentifier(net.IPv4(192, 168, 49, 250)))))
	err = <-inNetns(g.clNS, func() error {
		c, err := server4.NewIPv4UDPConn(g.clIf, &net.UDPAddr{Port: dhcpv4.ServerPort})
		if err != nil {
			return err
		}
		defer c.Close()
		for range 20 { // until the server listens
			if _, err := c.WriteTo(offer.ToBytes(), &net.UDPAddr{IP: net.IPv4bcast, Port: dhcpv4.ClientPort}); err != nil {
				return err
			}
			time.Sleep(50 * time.Millisecond)
			if srv.Counters()["dhcp_rival_server"] > 0 {
				return nil
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if srv.Counters()["dhcp_rival_server"] == 0 || !strings.Contains(logs.String(), "server_id=192.168.49.250") {
		t.Errorf("rival OFFER not noticed:\n%s", logs.String())
	}
}
