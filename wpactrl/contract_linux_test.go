package wpactrl_test

// Contract tests: the same test bodies run against wpatest (the fake) and a
// real wpa_supplicant, like WireGuard's genTestPair(tb, realSocket). The
// real one needs root and the wpa_supplicant binary; without them these
// tests skip, unless HOSTP2PD_REQUIRE_WPA=1 (set by CI) makes them fail.

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hostp2pd/hostp2pd/wpactrl"
	"github.com/hostp2pd/hostp2pd/wpactrl/wpatest"
)

// supplicant is one wpa_supplicant under test, real or fake.
type supplicant struct {
	path      string // the control socket under test
	kill      func() // like SIGKILL: no event, stale socket file
	terminate func() // like SIGTERM: CTRL-EVENT-TERMINATING, socket removed
	restart   func() // start again after kill or terminate
	// interfaces is the expected INTERFACES reply of a global socket.
	interfaces string
}

type transport struct {
	name string
	// iface starts a supplicant with one interface; path is its socket.
	iface func(testing.TB) *supplicant
	// global starts a supplicant with a global socket; path is that socket.
	global func(testing.TB) *supplicant
}

var transports = []transport{
	{name: "fake", iface: fakeIface, global: fakeGlobal},
	{name: "real", iface: realIface, global: realGlobal},
}

// connectCmds make a -Dwired interface "connect" (no authentication), which
// gives a CTRL-EVENT-CONNECTED event; the fake is taught the same.
var connectCmds = []struct{ cmd, want string }{
	{"SET ap_scan 0", "OK\n"},
	{"ADD_NETWORK", "0\n"},
	{"SET_NETWORK 0 key_mgmt NONE", "OK\n"},
	{"SELECT_NETWORK 0", "OK\n"},
}

func fakeIface(tb testing.TB) *supplicant {
	s, err := wpatest.NewServer(tb.TempDir(), "veth0")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	s.Reply("", "ADD_NETWORK", "0\n")
	s.Reply("", "SET_NETWORK", "OK\n")
	s.Handle("", "SELECT_NETWORK", func(iface, cmd string) string {
		s.Emit(iface, "CTRL-EVENT-CONNECTED - Connection to 01:80:c2:00:00:03 completed [id=0 id_str=]")
		return "OK\n"
	})
	return &supplicant{
		path:      s.Path("veth0"),
		kill:      s.Kill,
		terminate: s.Terminate,
		restart: func() {
			if err := s.Restart(); err != nil {
				tb.Fatal(err)
			}
		},
	}
}

func fakeGlobal(tb testing.TB) *supplicant {
	s, err := wpatest.NewServer(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	if err := s.AddGlobal("global"); err != nil {
		tb.Fatal(err)
	}
	return &supplicant{path: s.Path("global"), interfaces: "p2p-dev-wlan0\n"}
}

// requireReal returns the wpa_supplicant binary, or skips (fails under
// HOSTP2PD_REQUIRE_WPA=1) with the reason it cannot run.
func requireReal(tb testing.TB, needNetns bool) string {
	tb.Helper()
	fail := func(reason string) {
		tb.Helper()
		if os.Getenv("HOSTP2PD_REQUIRE_WPA") == "1" {
			tb.Fatalf("HOSTP2PD_REQUIRE_WPA=1 but %s", reason)
		}
		tb.Skipf("skipping real wpa_supplicant: %s", reason)
	}
	if os.Geteuid() != 0 {
		fail("not root")
	}
	bin, err := exec.LookPath("wpa_supplicant")
	if err != nil {
		for _, p := range []string{"/sbin/wpa_supplicant", "/usr/sbin/wpa_supplicant"} {
			if _, serr := os.Stat(p); serr == nil {
				bin, err = p, nil
				break
			}
		}
	}
	if err != nil {
		fail("wpa_supplicant binary not found (Debian package wpasupplicant)")
	}
	if needNetns {
		if _, err := exec.LookPath("ip"); err != nil {
			fail("ip (iproute2) not found")
		}
	}
	return bin
}

func shell(tb testing.TB, args ...string) {
	tb.Helper()
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		tb.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// proc is a wpa_supplicant child process that can be killed and started
// again with the same command line.
type proc struct {
	tb   testing.TB
	args []string
	log  string

	mu  sync.Mutex
	cmd *exec.Cmd
}

func (p *proc) start() {
	p.tb.Helper()
	out, err := os.OpenFile(p.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		p.tb.Fatal(err)
	}
	defer out.Close()
	cmd := exec.Command(p.args[0], p.args[1:]...)
	cmd.Stdout, cmd.Stderr = out, out // files: no copying goroutines
	if err := cmd.Start(); err != nil {
		p.tb.Fatal(err)
	}
	p.mu.Lock()
	p.cmd = cmd
	p.mu.Unlock()
}

// signal sends sig to the running process (by its pid) and reaps it.
func (p *proc) signal(sig syscall.Signal) {
	p.mu.Lock()
	cmd := p.cmd
	p.cmd = nil
	p.mu.Unlock()
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

func (p *proc) dumpLogOnFailure() {
	if p.tb.Failed() {
		b, _ := os.ReadFile(p.log)
		p.tb.Logf("wpa_supplicant output:\n%s", b)
	}
}

// waitReady waits until the socket at path answers PING.
func waitReady(tb testing.TB, path string) {
	tb.Helper()
	local := tb.TempDir()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		c, err := wpactrl.Dial(ctx, path, wpactrl.WithLocalDir(local))
		if err == nil {
			_, err = c.Request(ctx, "PING")
			_ = c.Close()
		}
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("wpa_supplicant at %s not ready: %v", path, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var netnsSeq atomic.Uint64

// realIface runs wpa_supplicant -Dwired on a veth inside a fresh network
// namespace; its control socket is a pathname in our temp dir, reached
// from the root namespace.
func realIface(tb testing.TB) *supplicant {
	bin := requireReal(tb, true)
	dir := tb.TempDir()
	ctrl := filepath.Join(dir, "ctrl")
	conf := filepath.Join(dir, "wpa.conf")
	if err := os.WriteFile(conf, []byte("ctrl_interface=DIR="+ctrl+"\n"), 0o600); err != nil {
		tb.Fatal(err)
	}
	ns := fmt.Sprintf("hp2p-wpactrl-%d-%d", os.Getpid(), netnsSeq.Add(1))
	if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
		if os.Getenv("HOSTP2PD_REQUIRE_WPA") == "1" {
			tb.Fatalf("ip netns add: %v: %s", err, out)
		}
		tb.Skipf("skipping real wpa_supplicant: cannot create a network namespace: %v: %s", err, out)
	}
	tb.Cleanup(func() { _ = exec.Command("ip", "netns", "del", ns).Run() })
	shell(tb, "ip", "-n", ns, "link", "add", "veth0", "type", "veth", "peer", "name", "veth1")
	shell(tb, "ip", "-n", ns, "link", "set", "veth0", "up")
	shell(tb, "ip", "-n", ns, "link", "set", "veth1", "up")

	p := &proc{tb: tb, log: filepath.Join(dir, "wpa_supplicant.log"),
		args: []string{"ip", "netns", "exec", ns, bin, "-Dwired", "-i", "veth0", "-c", conf}}
	p.start()
	tb.Cleanup(p.dumpLogOnFailure)
	tb.Cleanup(func() { p.signal(syscall.SIGKILL) })
	path := filepath.Join(ctrl, "veth0")
	waitReady(tb, path)
	return &supplicant{
		path:      path,
		kill:      func() { p.signal(syscall.SIGKILL) },
		terminate: func() { p.signal(syscall.SIGTERM) },
		restart: func() {
			p.start()
			waitReady(tb, path)
		},
	}
}

// realGlobal runs wpa_supplicant with only a global control socket.
func realGlobal(tb testing.TB) *supplicant {
	bin := requireReal(tb, false)
	dir := tb.TempDir()
	global := filepath.Join(dir, "global")
	p := &proc{tb: tb, log: filepath.Join(dir, "wpa_supplicant.log"),
		args: []string{bin, "-g", global, "-C", filepath.Join(dir, "ctrl")}}
	p.start()
	tb.Cleanup(p.dumpLogOnFailure)
	tb.Cleanup(func() { p.signal(syscall.SIGKILL) })
	waitReady(tb, global)
	return &supplicant{path: global, interfaces: ""}
}

func TestContract_Interface(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			testInterface(t, tr.iface(t))
		})
	}
}

// testInterface: request/reply, events, SIGKILL → ErrGone, restart and
// reconnect, SIGTERM → TERMINATING, ErrGone and a missing socket.
func testInterface(t *testing.T, sup *supplicant) {
	const ping = 200 * time.Millisecond
	local := t.TempDir()
	ctx := ctxT(t, 30*time.Second)

	c := dial(t, sup.path, local)
	request := func(c *wpactrl.Conn, cmd, want string) {
		t.Helper()
		if got, err := c.Request(ctx, cmd); err != nil || got != want {
			t.Fatalf("%s = %q, %v; want %q", cmd, got, err, want)
		}
	}
	request(c, "PING", "PONG\n")
	status, err := c.Request(ctx, "STATUS")
	if err != nil || !strings.Contains(status, "wpa_state=") || !strings.HasSuffix(status, "\n") {
		t.Fatalf("STATUS = %q, %v", status, err)
	}
	reply, err := c.Request(ctx, "NO_SUCH_COMMAND")
	if !errors.Is(err, wpactrl.ErrUnknownCommand) || reply != "UNKNOWN COMMAND\n" {
		t.Fatalf("NO_SUCH_COMMAND = %q, %v", reply, err)
	}

	m := attach(t, sup.path, local, wpactrl.WithPingInterval(ping))
	for _, step := range connectCmds {
		request(c, step.cmd, step.want)
	}
	for {
		msg := next(t, m, 5*time.Second)
		if strings.HasPrefix(msg.Text, "CTRL-EVENT-CONNECTED ") {
			if msg.Level != 3 || msg.Iface != "" || msg.Time.IsZero() {
				t.Fatalf("event = %+v", msg)
			}
			break
		}
	}

	// SIGKILL: the monitor notices within two ping intervals.
	sup.kill()
	if d := waitStopped(t, m, 5*time.Second); d > 2*ping+300*time.Millisecond {
		t.Errorf("monitor noticed the kill after %v; ping interval %v", d, ping)
	}
	if err := m.Err(); !errors.Is(err, wpactrl.ErrGone) {
		t.Fatalf("monitor Err = %v; want ErrGone", err)
	}
	if _, err := c.Request(ctx, "PING"); !errors.Is(err, wpactrl.ErrGone) || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("PING after kill = %v; want ErrGone (ECONNREFUSED)", err)
	}

	// Restart: the old connection never recovers, a new one works.
	sup.restart()
	if _, err := c.Request(ctx, "PING"); !errors.Is(err, wpactrl.ErrGone) {
		t.Fatalf("old conn after restart = %v; want ErrGone", err)
	}
	c2 := dial(t, sup.path, local)
	request(c2, "PING", "PONG\n")
	// A shutting-down wpa_supplicant may not answer PING for a while, so
	// this monitor uses a longer interval to be sure to see TERMINATING.
	m2 := attach(t, sup.path, local, wpactrl.WithPingInterval(2*time.Second))

	// SIGTERM: CTRL-EVENT-TERMINATING, then gone, and the file is removed.
	sup.terminate()
	for {
		msg := next(t, m2, 5*time.Second)
		if msg.Text == "CTRL-EVENT-TERMINATING " {
			break
		}
	}
	waitStopped(t, m2, 5*time.Second)
	if err := m2.Err(); !errors.Is(err, wpactrl.ErrGone) {
		t.Fatalf("monitor Err after terminate = %v; want ErrGone", err)
	}
	_, err = c2.Request(ctx, "PING")
	if !errors.Is(err, wpactrl.ErrGone) || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("PING after terminate = %v; want ErrGone and fs.ErrNotExist", err)
	}
	if _, err := wpactrl.Dial(ctx, sup.path, wpactrl.WithLocalDir(local)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Dial after terminate = %v; want fs.ErrNotExist", err)
	}
	_ = m.Close()
	_ = m2.Close()
	_ = c.Close()
	_ = c2.Close()
	if files := localFiles(t, local); len(files) != 0 {
		t.Fatalf("local sockets left: %v", files)
	}
}

func TestContract_Global(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			testGlobal(t, tr.global(t))
		})
	}
}

// testGlobal: the global socket's own commands and IFNAME= routing.
func testGlobal(t *testing.T, sup *supplicant) {
	local := t.TempDir()
	ctx := ctxT(t, 30*time.Second)
	c := dial(t, sup.path, local)
	m := attach(t, sup.path, local)

	tests := []struct {
		cmd, iface string
		want       string
		wantErr    error
	}{
		{cmd: "PING", want: "PONG\n"},
		{cmd: "INTERFACES", want: sup.interfaces},
		{cmd: "NO_SUCH_COMMAND", want: "UNKNOWN COMMAND\n", wantErr: wpactrl.ErrUnknownCommand},
		{cmd: "LEVEL 2", want: "UNKNOWN COMMAND\n", wantErr: wpactrl.ErrUnknownCommand},
		{cmd: "PING", iface: "nosuch0", want: "FAIL-NO-IFNAME-MATCH\n", wantErr: wpactrl.ErrFail},
	}
	for _, tt := range tests {
		got, err := c.RequestIface(ctx, tt.iface, tt.cmd)
		if tt.iface == "" {
			got, err = c.Request(ctx, tt.cmd)
		}
		if got != tt.want || !errors.Is(err, tt.wantErr) {
			t.Errorf("%q on %q = %q, %v; want %q, %v", tt.cmd, tt.iface, got, err, tt.want, tt.wantErr)
		}
	}
	// INTERFACE_LIST lists driver interfaces; only its success is common.
	if _, err := c.Request(ctx, "INTERFACE_LIST"); err != nil {
		t.Errorf("INTERFACE_LIST: %v", err)
	}
	if err := m.Err(); err != nil {
		t.Errorf("monitor: %v", err)
	}
}

func benchmarkPing(b *testing.B, path string) {
	c := dial(b, path, b.TempDir())
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.Request(ctx, "PING"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRequestRealSupplicant measures a PING round trip to a real
// wpa_supplicant's global socket.
func BenchmarkRequestRealSupplicant(b *testing.B) { benchmarkPing(b, realGlobal(b).path) }

// BenchmarkRequestFake measures a PING round trip to wpatest.
func BenchmarkRequestFake(b *testing.B) { benchmarkPing(b, fakeGlobal(b).path) }

// WithExitWatch: a SIGKILLed wpa_supplicant (which a datagram socket does
// not report) stops the Monitor at once although no PING is due for an
// hour; against the in-process fake the watch does not apply and the
// Monitor keeps its ping interval.
func TestContract_ExitWatchNoticesSIGKILL(t *testing.T) {
	t.Run("real", func(t *testing.T) {
		sup := realIface(t)
		m := attach(t, sup.path, t.TempDir(), wpactrl.WithPingInterval(time.Hour), wpactrl.WithExitWatch(time.Hour))
		if !m.Watching() {
			t.Fatal("the wpa_supplicant process serving the socket was not found")
		}
		t0 := time.Now()
		sup.kill()
		select {
		case _, ok := <-m.Events():
			for ok {
				_, ok = <-m.Events()
			}
		case <-time.After(5 * time.Second):
			t.Fatal("SIGKILL not noticed in 5 s")
		}
		if d := time.Since(t0); d > time.Second {
			t.Errorf("SIGKILL noticed after %v", d)
		}
		if err := m.Err(); !errors.Is(err, wpactrl.ErrGone) || !strings.Contains(err.Error(), "exited") {
			t.Errorf("Err = %v, want ErrGone: process exited", err)
		}
	})
	t.Run("fake", func(t *testing.T) {
		sup := fakeIface(t)
		m := attach(t, sup.path, t.TempDir(), wpactrl.WithExitWatch(time.Hour))
		if m.Watching() {
			t.Error("the in-process fake was taken for a process to watch")
		}
	})
}
