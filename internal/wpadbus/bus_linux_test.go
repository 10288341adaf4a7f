package wpadbus

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// These tests run a private dbus-daemon (never the host's system bus) and,
// for the contract tests, the real wpa_supplicant -u on it. Without the
// binaries or root they skip, unless HOSTP2PD_REQUIRE_WPA=1 (CI) makes
// them fail.

func need(tb testing.TB, reason string) {
	tb.Helper()
	if os.Getenv("HOSTP2PD_REQUIRE_WPA") == "1" {
		tb.Fatalf("HOSTP2PD_REQUIRE_WPA=1 but %s", reason)
	}
	tb.Skipf("skipping: %s", reason)
}

func lookBin(tb testing.TB, name string, dirs ...string) string {
	tb.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, name)); err == nil {
			return filepath.Join(d, name)
		}
	}
	need(tb, name+" not found")
	return ""
}

// openPolicy lets everyone own any name and send to anyone.
const openPolicy = `<policy context="default"><allow user="*"/><allow own="*"/><allow send_destination="*"/><allow receive_sender="*"/></policy>`

// deniedPolicy is a distribution policy without a rule for our user: the
// supplicant may own its name, nobody may call it.
const deniedPolicy = `<policy context="default"><allow user="*"/><allow own="*"/><allow send_destination="*"/>
<allow receive_sender="*"/><deny send_destination="fi.w1.wpa_supplicant1"/></policy>`

// privateBus starts dbus-daemon with policy on a socket in a temp dir and
// returns its address and a function that kills it.
func privateBus(tb testing.TB, policy string) (string, func()) {
	tb.Helper()
	bin := lookBin(tb, "dbus-daemon", "/usr/bin", "/bin")
	dir := tb.TempDir()
	sock := filepath.Join(dir, "bus")
	conf := filepath.Join(dir, "bus.conf")
	err := os.WriteFile(conf, []byte(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>system</type><listen>unix:path=`+sock+`</listen><auth>EXTERNAL</auth>`+policy+`</busconfig>`), 0o600)
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(bin, "--config-file="+conf, "--nofork", "--nopidfile")
	log := filepath.Join(dir, "dbus.log")
	out, _ := os.Create(log)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	_ = out.Close()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		})
	}
	tb.Cleanup(stop)
	addr := "unix:path=" + sock
	deadline := time.Now().Add(5 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		c, err := connect(ctx, addr)
		cancel()
		if err == nil {
			_ = c.Close()
			return addr, stop
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(log)
			tb.Fatalf("private bus not up: %v\n%s", err, b)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var nsSeq atomic.Uint64

// supplicant is a real wpa_supplicant -u -Dwired on a veth in its own
// network namespace, on the bus at addr.
type supplicant struct {
	tb    testing.TB
	args  []string
	env   []string
	log   string
	mu    sync.Mutex
	cmd   *exec.Cmd
	iface string
}

func realSupplicant(tb testing.TB, addr string) *supplicant {
	tb.Helper()
	if os.Geteuid() != 0 {
		need(tb, "not root (wpa_supplicant needs a network namespace)")
	}
	bin := lookBin(tb, "wpa_supplicant", "/sbin", "/usr/sbin")
	lookBin(tb, "ip", "/sbin", "/usr/sbin", "/bin")
	dir := tb.TempDir()
	conf := filepath.Join(dir, "wpa.conf")
	if err := os.WriteFile(conf, []byte("ctrl_interface=DIR="+filepath.Join(dir, "ctrl")+"\n"), 0o600); err != nil {
		tb.Fatal(err)
	}
	ns := fmt.Sprintf("hp2p-wpadbus-%d-%d", os.Getpid(), nsSeq.Add(1))
	if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
		need(tb, fmt.Sprintf("ip netns add: %v: %s", err, out))
	}
	tb.Cleanup(func() { _ = exec.Command("ip", "netns", "del", ns).Run() })
	for _, a := range [][]string{{"link", "add", "veth0", "type", "veth", "peer", "name", "veth1"},
		{"link", "set", "veth0", "up"}, {"link", "set", "veth1", "up"}} {
		if out, err := exec.Command("ip", append([]string{"-n", ns}, a...)...).CombinedOutput(); err != nil {
			tb.Fatalf("ip %v: %v: %s", a, err, out)
		}
	}
	s := &supplicant{tb: tb, iface: "veth0", log: filepath.Join(dir, "wpa_supplicant.log"),
		args: []string{"ip", "netns", "exec", ns, bin, "-u", "-Dwired", "-i", "veth0", "-c", conf},
		env:  append(os.Environ(), "DBUS_SYSTEM_BUS_ADDRESS="+addr)}
	s.start(addr)
	tb.Cleanup(func() {
		if tb.Failed() {
			b, _ := os.ReadFile(s.log)
			tb.Logf("wpa_supplicant output:\n%s", b)
		}
	})
	tb.Cleanup(s.kill)
	return s
}

// start runs wpa_supplicant and waits until it manages its interface on
// the bus.
func (s *supplicant) start(addr string) {
	s.tb.Helper()
	out, err := os.OpenFile(s.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		s.tb.Fatal(err)
	}
	cmd := exec.Command(s.args[0], s.args[1:]...)
	cmd.Env = s.env
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		s.tb.Fatal(err)
	}
	_ = out.Close()
	s.mu.Lock()
	s.cmd = cmd
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	c, err := connect(ctx, addr)
	cancel()
	if err != nil {
		s.tb.Fatal(err)
	}
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var p dbus.ObjectPath
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := c.Object(Service, rootPath).CallWithContext(ctx, Service+".GetInterface", 0, s.iface).Store(&p)
		cancel()
		var de dbus.Error
		if err == nil || errors.As(err, &de) && de.Name == "org.freedesktop.DBus.Error.AccessDenied" {
			return // up (a denying policy answers only once the name has an owner)
		}
		if time.Now().After(deadline) {
			s.tb.Fatalf("wpa_supplicant not on the bus: %v", err)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// stop sends sig and reaps the process.
func (s *supplicant) stop(sig syscall.Signal) {
	s.mu.Lock()
	cmd := s.cmd
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(sig)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

func (s *supplicant) kill() { s.stop(syscall.SIGKILL) }

func contains(s string, subs ...string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}
