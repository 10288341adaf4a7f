//go:build linux

package netcfg

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// enterNewNetns creates a named network namespace, deleted when the test
// ends, and moves the test goroutine's thread into it. The thread stays
// locked: when the test goroutine exits, the runtime discards the thread,
// so no other goroutine ever runs in the namespace by accident.
func enterNewNetns(t *testing.T) string {
	t.Helper()
	required := os.Getenv("HOSTP2PD_REQUIRE_NETNS") == "1"
	skip := func(format string, args ...any) {
		t.Helper()
		if required {
			t.Fatalf(format+" (HOSTP2PD_REQUIRE_NETNS=1)", args...)
		}
		t.Skipf(format, args...)
	}
	if os.Geteuid() != 0 {
		skip("needs root for network namespaces")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		skip("ip (iproute2) not installed")
	}
	name := fmt.Sprintf("hp2pd-netcfg-%d-%d", os.Getpid(), time.Now().UnixNano())
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		skip("cannot create a network namespace: %v: %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", name).Run() })
	runtime.LockOSThread()
	h, err := netns.GetFromName(name)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if err := netns.Set(h); err != nil {
		t.Fatal(err)
	}
	return name
}

func ipCmd(t *testing.T, ns string, args ...string) {
	t.Helper()
	out, err := exec.Command("ip", append([]string{"-n", ns}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func addrsOf(t *testing.T, iface string) []string {
	t.Helper()
	link, err := netlink.LinkByName(iface)
	if err != nil {
		t.Fatal(err)
	}
	as, err := netlink.AddrList(link, netlink.FAMILY_V4)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range as {
		out = append(out, a.IPNet.String())
	}
	return out
}

func TestAssignAddr_InFreshNetns(t *testing.T) {
	ns := enterNewNetns(t)
	const iface = "p2p-wlan0-0"
	ipCmd(t, ns, "link", "add", iface, "type", "veth", "peer", "name", "peer0")
	addr := netip.MustParsePrefix("192.168.49.1/24")

	for range 2 { // idempotent
		if err := AssignAddr(iface, addr); err != nil {
			t.Fatalf("AssignAddr: %v", err)
		}
	}
	if diff := cmp.Diff([]string{"192.168.49.1/24"}, addrsOf(t, iface)); diff != "" {
		t.Errorf("addresses (-want +got):\n%s", diff)
	}
	link, err := netlink.LinkByName(iface)
	if err != nil {
		t.Fatal(err)
	}
	if link.Attrs().Flags&net.FlagUp == 0 {
		t.Error("link is not up")
	}

	for range 2 { // idempotent
		if err := RemoveAddr(iface, addr); err != nil {
			t.Fatalf("RemoveAddr: %v", err)
		}
	}
	if got := addrsOf(t, iface); len(got) != 0 {
		t.Errorf("addresses after RemoveAddr: %v", got)
	}

	if err := AssignAddr("p2p-nothere-0", addr); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("AssignAddr on a missing link: got %v, want fs.ErrNotExist", err)
	}
	if err := RemoveAddr("p2p-nothere-0", addr); err != nil {
		t.Errorf("RemoveAddr on a missing link: %v", err)
	}
}

func TestWaitLink_InFreshNetns(t *testing.T) {
	ns := enterNewNetns(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	if err := WaitLink(ctx, "lo"); err != nil {
		t.Fatalf("existing link: %v", err)
	}

	const iface = "p2p-wlan0-1"
	created := make(chan error, 1)
	timer := time.AfterFunc(200*time.Millisecond, func() {
		out, err := exec.Command("ip", "-n", ns, "link", "add", iface, "type", "veth", "peer", "name", "peer1").CombinedOutput()
		if err != nil {
			err = fmt.Errorf("%w: %s", err, out)
		}
		created <- err
	})
	defer timer.Stop()
	start := time.Now()
	err := WaitLink(ctx, iface)
	if err := <-created; err != nil {
		t.Fatalf("ip link add: %v", err)
	}
	if err != nil {
		t.Fatalf("link created later: %v", err)
	}
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Errorf("returned after %v, before the link was created", d)
	}

	short, cancelShort := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancelShort()
	if err := WaitLink(short, "p2p-never-0"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("link never created: got %v, want context.DeadlineExceeded", err)
	}
}
