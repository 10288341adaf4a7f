package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/internal/radio"
	"github.com/hostp2pd/hostp2pd/internal/status"
	"github.com/hostp2pd/hostp2pd/wpactrl/wpatest"
)

// noIw is the iw of a host without it: the daemon tests do not depend on
// the radios of the machine that runs them.
func noIw(context.Context, string, ...string) (string, error) { return "", radio.ErrNoIw }

// fakeIw answers iw dev / iw phy / iw reg get from the hwsim captures of
// internal/radio/testdata; dev can be changed while the daemon runs.
type fakeIw struct {
	mu            sync.Mutex
	dev, phy, reg string
}

func newFakeIw(t *testing.T, dev, phy string) *fakeIw {
	return &fakeIw{dev: readTestdata(t, dev), phy: readTestdata(t, phy), reg: readTestdata(t, "hwsim-reg.txt")}
}

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "radio", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func (f *fakeIw) setDev(t *testing.T, name string) {
	s := readTestdata(t, name)
	f.mu.Lock()
	f.dev = s
	f.mu.Unlock()
}

func (f *fakeIw) run(_ context.Context, name string, args ...string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch strings.Join(append([]string{name}, args...), " ") {
	case "iw dev":
		return f.dev, nil
	case "iw phy":
		return f.phy, nil
	case "iw reg get":
		return f.reg, nil
	}
	return "", fmt.Errorf("fakeIw: unexpected %s %v", name, args)
}

// logBuf collects the daemon's log lines.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) lines(substr string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, line := range strings.Split(l.b.String(), "\n") {
		if strings.Contains(line, substr) {
			out = append(out, line)
		}
	}
	return out
}

// boxRun is a daemon started by startBox.
type boxRun struct {
	*harness
	log  *logBuf
	done chan error
}

// startBox runs a daemon like start does, with options o (Iw, StateDir)
// and a captured log; it does not wait for the session.
func startBox(t *testing.T, srv *wpatest.Server, yml string, o Options) *boxRun {
	t.Helper()
	cfg, _, err := config.Parse("test.yaml", []byte(yml+"\ninterface: "+dev+"\nctrl_interface: "+srv.Dir()+"\n"))
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	lb := &logBuf{}
	h := &harness{t: t, srv: srv, dir: srv.Dir(), ready: make(chan struct{}, 8)}
	o.OnReady = func() { h.ready <- struct{}{} }
	o.PingInterval = 200 * time.Millisecond
	o.Logger = slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelDebug}))
	d, err := New(cfg, o)
	if err != nil {
		t.Fatal(err)
	}
	h.d = d
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	var once sync.Once
	h.stop = func() {
		once.Do(func() {
			cancel()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Error("Run did not return within 5 s of cancel")
			}
		})
	}
	t.Cleanup(h.stop)
	return &boxRun{harness: h, log: lb, done: done}
}

func newBoxServer(t *testing.T, setup ...func(*wpatest.Server)) *wpatest.Server {
	t.Helper()
	dir, err := os.MkdirTemp("", "hp2p")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	srv, err := wpatest.NewServer(dir, "wlan0", dev)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	for _, f := range setup {
		f(srv)
	}
	return srv
}

// statusWith answers STATUS on the P2P device with the device address
// *addr (changed by the test between restarts).
func statusWith(mu *sync.Mutex, addr *string) wpatest.HandlerFunc {
	return func(string, string) string {
		mu.Lock()
		defer mu.Unlock()
		return "wpa_state=DISCONNECTED\np2p_device_address=" + *addr + "\naddress=" + *addr + "\nuuid=0\n"
	}
}

func readState(t *testing.T, path string) boxState {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var st boxState
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return st
}

// A restart of wpa_supplicant with another P2P device address: one ERROR
// naming both addresses and the fix, the change in the status, the
// counter, and the state file follows the new address. A daemon started
// later with the same state file says nothing more.
func TestBoxes_DeviceAddressChangeAcrossRestart(t *testing.T) {
	var mu sync.Mutex
	addr := "42:00:00:00:00:00"
	srv := newBoxServer(t, func(s *wpatest.Server) { s.Handle(dev, "STATUS", statusWith(&mu, &addr)) })
	stateDir := t.TempDir()
	r := startBox(t, srv, "activate_persistent_group: true", Options{Iw: noIw, StateDir: stateDir})
	r.waitReady()
	r.want(dev, "P2P_GROUP_ADD")
	statePath := filepath.Join(stateDir, "state-"+dev+".json")
	if st := readState(t, statePath); st.DeviceAddress != addr {
		t.Fatalf("state file address = %q, want %s", st.DeviceAddress, addr)
	}
	if got := r.log.lines("P2P device address changed"); len(got) != 0 {
		t.Fatalf("ERROR on the first run: %v", got)
	}

	mu.Lock()
	addr = "42:00:00:00:00:99"
	mu.Unlock()
	srv.Kill()
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	r.waitReady()
	st := r.eventually("address change in the status", func(s status.Status) bool {
		return s.Radio != nil && s.Radio.AddressChanged != nil
	})
	if c := st.Radio.AddressChanged; c.Old != "42:00:00:00:00:00" || c.New != "42:00:00:00:00:99" || st.Radio.DeviceAddress != "42:00:00:00:00:99" {
		t.Errorf("radio status = %+v, change %+v", st.Radio, c)
	}
	if st.Counters["device_address_changes"] != 1 {
		t.Errorf("device_address_changes = %d, want 1", st.Counters["device_address_changes"])
	}
	errs := r.log.lines("P2P device address changed")
	if len(errs) != 1 {
		t.Fatalf("want one ERROR, got %q", errs)
	}
	for _, w := range []string{"level=ERROR", "old=42:00:00:00:00:00", "new=42:00:00:00:00:99", "p2p_device_random_mac_addr", "p2p_device_persistent_mac_addr", "brcmfmac", "will not reconnect"} {
		if !strings.Contains(errs[0], w) {
			t.Errorf("ERROR line lacks %q: %s", w, errs[0])
		}
	}
	if st := readState(t, statePath); st.DeviceAddress != "42:00:00:00:00:99" {
		t.Errorf("state file address = %q after the change", st.DeviceAddress)
	}

	// Another restart with the same new address: no second ERROR.
	srv.Kill()
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	r.waitReady()
	if errs := r.log.lines("P2P device address changed"); len(errs) != 1 {
		t.Errorf("after a restart with the same address: %d ERRORs", len(errs))
	}
	r.stop()

	// A new daemon on the same state file: the address is the one saved.
	r2 := startBox(t, srv, "activate_persistent_group: true", Options{Iw: noIw, StateDir: stateDir})
	r2.waitReady()
	if errs := r2.log.lines("P2P device address changed"); len(errs) != 0 {
		t.Errorf("second daemon: %q", errs)
	}
	if st := r2.eventually("radio status", func(s status.Status) bool { return s.Radio != nil }); st.Radio.AddressChanged != nil || st.Counters["device_address_changes"] != 0 {
		t.Errorf("second daemon radio status = %+v", st.Radio)
	}
}

// A state file that is a symbolic link is not followed, neither read nor
// written through.
func TestBoxes_StateFileSymlinkRefused(t *testing.T) {
	srv := newBoxServer(t)
	stateDir := t.TempDir()
	target := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(target, []byte(`{"version":1,"p2p_device_address":"42:00:00:00:00:77"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(stateDir, "state-"+dev+".json")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	r := startBox(t, srv, "", Options{Iw: noIw, StateDir: stateDir})
	r.waitReady()
	if errs := r.log.lines("P2P device address changed"); len(errs) != 0 {
		t.Errorf("read through the link: %q", errs)
	}
	if b, _ := os.ReadFile(target); !strings.Contains(string(b), "42:00:00:00:00:77") {
		t.Errorf("the link's target was written: %s", b)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink != 0 {
		t.Errorf("the link was not replaced by a file: %v %v", fi, err)
	}
	if st := readState(t, link); st.DeviceAddress != wpatest.DeviceAddress {
		t.Errorf("state address = %q", st.DeviceAddress)
	}
}

// An interface without P2P (p2p_disabled=1: STATUS has no
// p2p_device_address, P2P commands FAIL) stops the daemon at start with
// the reason: no READY, no P2P_GROUP_ADD retried for ever.
func TestBoxes_NoP2PRefusedAtStart(t *testing.T) {
	srv := newBoxServer(t, func(s *wpatest.Server) {
		s.Reply(dev, "STATUS", "wpa_state=DISCONNECTED\naddress=02:00:00:00:00:00\nuuid=0\n")
		s.Reply(dev, "P2P_", "FAIL\n")
	})
	r := startBox(t, srv, "activate_persistent_group: false\nactivate_autonomous_group: true", Options{Iw: noIw})
	var err error
	select {
	case err = <-r.done:
		r.done <- err
	case <-time.After(5 * time.Second):
		t.Fatalf("Run did not stop; commands: %v", cmdList(srv.Commands()))
	}
	if !errors.Is(err, ErrNoP2P) || !strings.Contains(err.Error(), "p2p_device_address") {
		t.Errorf("Run = %v, want the no-P2P error", err)
	}
	select {
	case <-r.ready:
		t.Error("READY was signalled")
	default:
	}
	for _, c := range srv.Commands() {
		if strings.HasPrefix(c.Cmd, "P2P_GROUP_ADD") {
			t.Errorf("sent %q", c.Cmd)
		}
	}
	if got := r.log.lines("has no P2P"); len(got) != 1 || !strings.Contains(got[0], "level=ERROR") || !strings.Contains(got[0], "p2p_disabled=1") {
		t.Errorf("log: %q", got)
	}
}

// A radio whose driver has no P2P-GO mode is refused at start too.
func TestBoxes_RadioWithoutGORefused(t *testing.T) {
	srv := newBoxServer(t)
	iw := newFakeIw(t, "hwsim-dev-idle.txt", "hwsim-phy.txt")
	iw.phy = strings.ReplaceAll(iw.phy, "\t\t * P2P-GO\n", "")
	r := startBox(t, srv, "activate_persistent_group: false\nactivate_autonomous_group: true", Options{Iw: iw.run})
	select {
	case err := <-r.done:
		r.done <- err
		if !errors.Is(err, ErrNoP2P) || !strings.Contains(err.Error(), "P2P-GO") {
			t.Errorf("Run = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop")
	}
}

// The channel policy: without group_freq an idle radio gets social
// channel 1; a station on a one-channel radio (iw dev) gives its channel,
// and so does wpa_supplicant's STATUS of the station when iw is missing.
func TestBoxes_ChannelPolicy(t *testing.T) {
	cases := []struct {
		name  string
		iw    func(t *testing.T) radio.Runner
		setup func(*wpatest.Server)
		yml   string
		want  string
	}{
		{name: "idle radio", yml: "activate_persistent_group: false\nactivate_autonomous_group: true", want: "P2P_GROUP_ADD freq=2412",
			iw: func(t *testing.T) radio.Runner { return newFakeIw(t, "hwsim-dev-idle.txt", "hwsim-phy.txt").run }},
		{name: "station on channel 6, one channel", yml: "activate_persistent_group: false\nactivate_autonomous_group: true", want: "P2P_GROUP_ADD freq=2437",
			iw: func(t *testing.T) radio.Runner { return newFakeIw(t, "hwsim-dev-station.txt", "hwsim-phy.txt").run }},
		{name: "no iw, station from STATUS", yml: "activate_persistent_group: false\nactivate_autonomous_group: true", want: "P2P_GROUP_ADD freq=2462",
			iw: func(*testing.T) radio.Runner { return noIw },
			setup: func(s *wpatest.Server) {
				s.Reply("wlan0", "STATUS", "bssid=02:00:00:00:01:00\nfreq=2462\nssid=uplink\nid=0\nmode=station\nwpa_state=COMPLETED\naddress=02:00:00:00:00:00\n")
			}},
		{name: "group_freq in MHz kept", yml: "activate_persistent_group: false\nactivate_autonomous_group: true\ngroup_freq: 2462", want: "P2P_GROUP_ADD freq=2462",
			iw: func(t *testing.T) radio.Runner { return newFakeIw(t, "hwsim-dev-idle.txt", "hwsim-phy.txt").run }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var setup []func(*wpatest.Server)
			if c.setup != nil {
				setup = append(setup, c.setup)
			}
			srv := newBoxServer(t, setup...)
			r := startBox(t, srv, c.yml, Options{Iw: c.iw(t)})
			r.waitReady()
			if got := r.want(dev, "P2P_GROUP_ADD"); got.Cmd != c.want {
				t.Errorf("got %q, want %q", got.Cmd, c.want)
			}
			st := r.groupUp()
			if st.Radio == nil || fmt.Sprintf("P2P_GROUP_ADD freq=%d", st.Radio.ChannelFreq) != c.want || st.Radio.ChannelWhy == "" {
				t.Errorf("radio status = %+v", st.Radio)
			}
			if got := r.log.lines("channel policy"); len(got) != 1 || !strings.Contains(got[0], "why=") {
				t.Errorf("channel policy log: %q", got)
			}
		})
	}
}

// The world domain 00 is a WARNING at start, once.
func TestBoxes_CountryWarning(t *testing.T) {
	srv := newBoxServer(t)
	iw := newFakeIw(t, "hwsim-dev-idle.txt", "hwsim-phy.txt")
	r := startBox(t, srv, "", Options{Iw: iw.run})
	r.waitReady()
	srv.Kill()
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	r.waitReady()
	got := r.log.lines("no regulatory country")
	if len(got) != 1 || !strings.Contains(got[0], "level=WARN") || !strings.Contains(got[0], "country=00") {
		t.Errorf("country warnings: %q", got)
	}
}

// A group that starts on another frequency than P2P_GROUP_ADD asked for is
// a WARNING with the reason: here wlan0 became a station on channel 6 of
// a one-channel radio.
func TestBoxes_GroupMovedWarning(t *testing.T) {
	srv := newBoxServer(t)
	iw := newFakeIw(t, "hwsim-dev-idle.txt", "hwsim-phy.txt")
	srv.Handle(dev, "P2P_GROUP_ADD", func(string, string) string {
		iw.setDev(t, "hwsim-dev-station.txt")
		if err := srv.AddIface("p2p-wlan0-0"); err != nil {
			t.Error(err)
		}
		go srv.Emit(dev, `P2P-GROUP-STARTED p2p-wlan0-0 GO ssid="DIRECT-xy" freq=2437 passphrase="12345678" go_dev_addr=42:00:00:00:00:00`)
		return "OK\n"
	})
	r := startBox(t, srv, "activate_persistent_group: false\nactivate_autonomous_group: true", Options{Iw: iw.run})
	r.waitReady()
	if c := r.want(dev, "P2P_GROUP_ADD"); c.Cmd != "P2P_GROUP_ADD freq=2412" {
		t.Fatalf("got %q", c.Cmd)
	}
	st := r.eventually("group", func(s status.Status) bool { return s.Group != nil })
	got := r.log.lines("another frequency than asked")
	if len(got) != 1 || !strings.Contains(got[0], "asked=2412") || !strings.Contains(got[0], "freq=2437") ||
		!strings.Contains(got[0], "wlan0 is a station on 2437 MHz") {
		t.Errorf("warning: %q", got)
	}
	if st.Counters["group_freq_moved"] != 1 {
		t.Errorf("group_freq_moved = %d", st.Counters["group_freq_moved"])
	}
}

// A persistent group comes back on the frequency it had: the first run
// shares the station's channel 6; after the station left and
// wpa_supplicant restarted, P2P_GROUP_ADD persistent=<id> asks for 2437
// again (the policy alone would give 2412), and so does a new daemon.
func TestBoxes_PersistentGroupKeepsItsFrequency(t *testing.T) {
	srv := newBoxServer(t)
	iw := newFakeIw(t, "hwsim-dev-station.txt", "hwsim-phy.txt")
	stateDir := t.TempDir()
	r := startBox(t, srv, "activate_persistent_group: true", Options{Iw: iw.run, StateDir: stateDir})
	r.waitReady()
	if c := r.want(dev, "P2P_GROUP_ADD"); c.Cmd != "P2P_GROUP_ADD persistent freq=2437" {
		t.Fatalf("first run: %q", c.Cmd)
	}
	r.groupUp()
	statePath := filepath.Join(stateDir, "state-"+dev+".json")
	deadline := time.Now().Add(5 * time.Second)
	for {
		if b, err := os.ReadFile(statePath); err == nil && strings.Contains(string(b), `"freq": 2437`) {
			break
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(statePath)
			t.Fatalf("state file has no persistent group on 2437: %s", b)
		}
		time.Sleep(10 * time.Millisecond)
	}
	st := readState(t, statePath)
	if p := st.Persistent; p == nil || p.NetworkID != 0 || p.Freq != 2437 || p.SSID != wpatest.SSID {
		t.Fatalf("state persistent = %+v", st.Persistent)
	}

	iw.setDev(t, "hwsim-dev-idle.txt")
	srv.Kill()
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	r.waitReady()
	if c := r.want(dev, "P2P_GROUP_ADD"); c.Cmd != "P2P_GROUP_ADD persistent=0 freq=2437" {
		t.Errorf("after a wpa_supplicant restart: %q", c.Cmd)
	}
	if got := r.log.lines("comes back on 2437 MHz"); len(got) != 1 {
		t.Errorf("group channel log: %q", got)
	}
	r.stop()

	srv.Kill()
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	r2 := startBox(t, srv, "activate_persistent_group: true", Options{Iw: iw.run, StateDir: stateDir})
	r2.waitReady()
	if c := r2.want(dev, "P2P_GROUP_ADD"); c.Cmd != "P2P_GROUP_ADD persistent=0 freq=2437" {
		t.Errorf("after a daemon restart: %q", c.Cmd)
	}
}
