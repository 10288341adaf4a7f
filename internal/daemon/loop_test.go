package daemon

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/internal/status"
	"github.com/hostp2pd/hostp2pd/wpactrl/wpatest"
	"github.com/hostp2pd/hostp2pd/wpaevent"
)

// recorder is a run_program that appends one line per call: its
// arguments, then " done" once it has slept for its delay, so a hook that
// is killed half-way shows no "done".
type recorder struct {
	t    *testing.T
	out  string
	prog string
}

func newRecorder(t *testing.T, delays map[string]string) *recorder {
	t.Helper()
	dir := t.TempDir()
	r := &recorder{t: t, out: filepath.Join(dir, "calls"), prog: filepath.Join(dir, "hook.sh")}
	cases := ""
	for verb, d := range delays {
		cases += verb + ") sleep " + d + " ;; "
	}
	body := "#!/bin/sh\ncase \"$1\" in " + cases + "*) ;; esac\necho \"$*\" >> " + r.out + "\n"
	if err := os.WriteFile(r.prog, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	return r
}

// calls returns the recorded calls, one per finished hook.
func (r *recorder) calls() []string {
	b, _ := os.ReadFile(r.out)
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

func (r *recorder) count(prefix string) int {
	n := 0
	for _, c := range r.calls() {
		if strings.HasPrefix(c, prefix) {
			n++
		}
	}
	return n
}

// waitCalls waits until a call starting with prefix has been recorded n
// times.
func (r *recorder) waitCalls(prefix string, n int, within time.Duration) {
	r.t.Helper()
	deadline := time.Now().Add(within)
	for r.count(prefix) < n {
		if time.Now().After(deadline) {
			r.t.Fatalf("%d %q hooks within %v, want %d; calls: %q", r.count(prefix), prefix, within, n, r.calls())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

const autonomous = "activate_persistent_group: false\nactivate_autonomous_group: true\npbc_in_use: true"

// ---------------------------------------------------------------------------
// The loop's contract (issue 16 item 6)

// Run returns an error it cannot recover from, instead of retrying forever.
func TestRun_ReturnsFatalError(t *testing.T) {
	dir := t.TempDir()
	srv, err := wpatest.NewServer(dir, "wlan0", dev)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Interface, cfg.CtrlInterface = dev, dir
	d, err := New(cfg, Options{LocalDir: filepath.Join(notDir, "sub")})
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { errc <- d.Run(context.Background()) }()
	select {
	case err := <-errc:
		if err == nil || !strings.Contains(err.Error(), "client socket directory") {
			t.Errorf("Run = %v, want the client socket directory error", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Run kept retrying an error that cannot heal")
	}
	if err := d.Run(context.Background()); err == nil {
		t.Error("a second Run was accepted")
	}
}

// Controller calls after Run has returned fail at once.
func TestController_AfterExitFailsAtOnce(t *testing.T) {
	h := start(t, autonomous)
	h.want(dev, "P2P_GROUP_ADD")
	h.stop()
	t0 := time.Now()
	h.d.ResetStats()
	if d := time.Since(t0); d > time.Second {
		t.Errorf("ResetStats after exit took %v", d)
	}
	ctx := context.Background()
	if err := h.d.EnterPIN(ctx, phone, "12345670"); !errors.Is(err, ErrStopped) {
		t.Errorf("EnterPIN after exit = %v, want ErrStopped", err)
	}
	if err := h.d.Disconnect(ctx, phone); !errors.Is(err, ErrStopped) {
		t.Errorf("Disconnect after exit = %v, want ErrStopped", err)
	}
	if err := h.d.ReloadConfig(config.Default()); !errors.Is(err, ErrStopped) {
		t.Errorf("ReloadConfig after exit = %v, want ErrStopped", err)
	}
}

// A waiting hook ("stop" before a group is created) runs off the loop: the
// loop keeps serving, and the group is created once the hook has ended.
func TestWaitingHook_RunsOffTheLoop(t *testing.T) {
	rec := newRecorder(t, map[string]string{"stop": "1.5"})
	h := launch(t, autonomous+"\nrun_program: "+rec.prog, nil)
	time.Sleep(500 * time.Millisecond) // the stop hook runs
	t0 := time.Now()
	if err := h.d.Disconnect(context.Background(), phone); err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Disconnect = %v, want the session's own answer (no such client)", err)
	}
	if d := time.Since(t0); d > 300*time.Millisecond {
		t.Errorf("a controller call waited %v behind the stop hook", d)
	}
	if !h.d.Alive(time.Second) {
		t.Error("the loop stopped turning while the stop hook runs")
	}
	if n := countPrefix(h.srv.Commands(), "P2P_GROUP_ADD"); n != 0 {
		t.Fatalf("P2P_GROUP_ADD sent before the stop hook ended")
	}
	c := h.want(dev, "P2P_GROUP_ADD")
	if rec.count("stop") != 1 {
		t.Errorf("P2P_GROUP_ADD at %v, before the stop hook finished: %q", c.Time, rec.calls())
	}
	h.waitReady()
	h.groupUp()
	rec.waitCalls("start_group p2p-wlan0-0", 1, 5*time.Second)
}

// Paused means no actions, not blind: state events still update the
// session, and what it asks for meanwhile is done on resume.
func TestPause_FollowsStateEventsAndActsOnResume(t *testing.T) {
	rec := newRecorder(t, nil)
	h := start(t, autonomous+"\nrun_program: "+rec.prog)
	h.want(dev, "P2P_GROUP_ADD")
	h.groupUp()
	// The group's attach asks STATUS off the loop once the monitor is on
	// (askJoin): a read started before the pause, which under qemu-user
	// can go out after it. Wait for it, so only the pause is measured.
	h.want("p2p-wlan0-0", "STATUS")
	h.eventually("group attached", func(s status.Status) bool { return s.Group != nil && s.Group.BSSID != "" })
	rec.waitCalls("start_group", 1, 5*time.Second)
	h.d.Pause()
	h.eventually("paused", func(s status.Status) bool { return s.Paused })
	before := len(h.srv.Commands())

	h.srv.Emit(dev, evFound) // names the phone; no action while paused
	h.srv.Emit("p2p-wlan0-0", evStaConn)
	h.eventually("client seen while paused", func(s status.Status) bool { return len(s.Clients) == 1 })
	h.srv.Emit(dev, evPBCReq) // no enrolment while paused
	h.srv.Emit(dev, "P2P-GROUP-REMOVED p2p-wlan0-0 GO reason=UNAVAILABLE")
	if err := h.srv.RemoveIface("p2p-wlan0-0"); err != nil {
		t.Fatal(err)
	}
	h.eventually("group gone while paused", func(s status.Status) bool { return s.Group == nil && len(s.Clients) == 0 })
	time.Sleep(200 * time.Millisecond)
	if got := h.srv.Commands()[before:]; len(got) != 0 {
		t.Fatalf("commands sent while paused: %q", cmdList(got))
	}
	if n := rec.count("connect") + rec.count("disconnect") + rec.count("stop_group"); n != 0 {
		t.Fatalf("hooks ran while paused: %q", rec.calls())
	}

	h.d.Resume()
	// The held hooks run in order, and the always-on group comes back.
	rec.waitCalls("stop_group p2p-wlan0-0", 1, 5*time.Second)
	calls := rec.calls()
	// (DEVICE-FOUND is not followed while paused: the name is unknown.)
	i, j := slices.Index(calls, "connect "+phone+"  p2p-wlan0-0"), slices.Index(calls, "disconnect "+phone+"  p2p-wlan0-0")
	if i < 0 || j < i {
		t.Errorf("held hooks out of order or lost: %q", calls)
	}
	h.want(dev, "P2P_GROUP_ADD")
	h.eventually("group back", func(s status.Status) bool { return s.Group != nil && !s.Paused })
	if n := countPrefix(h.srv.Commands(), "WPS_PBC"); n != 0 {
		t.Errorf("a request made while paused was answered: %d WPS_PBC", n)
	}
}

// ---------------------------------------------------------------------------
// R1: the final hooks of a stop run to completion.

func TestStop_FinalHooksRunToCompletion(t *testing.T) {
	for i := range 4 {
		rec := newRecorder(t, map[string]string{"disconnect": "0.2", "stop_group": "0.2", "start": "0.3"})
		h := start(t, autonomous+"\nrun_program: "+rec.prog)
		h.want(dev, "P2P_GROUP_ADD")
		h.groupUp()
		h.srv.Emit(dev, evFound)
		h.eventually("peer named", func(s status.Status) bool { return len(s.Peers) == 1 && s.Peers[0].Name == "phone" })
		h.srv.Emit("p2p-wlan0-0", evStaConn)
		rec.waitCalls("connect", 1, 5*time.Second)
		h.stop() // cancels ctx and waits for Run
		calls := rec.calls()
		n := len(calls)
		want := []string{"disconnect " + phone + " phone p2p-wlan0-0", "stop_group p2p-wlan0-0", "start"}
		if n < 3 || !slices.Equal(calls[n-3:], want) {
			t.Fatalf("run %d: final hooks = %q, want them all, completed, in order: %q", i+1, calls, want)
		}
	}
}

// ---------------------------------------------------------------------------
// R13: a stalled supplicant is told apart from a dead one.

func TestStall_ShortStallTearsNothingDown(t *testing.T) {
	rec := newRecorder(t, nil)
	h := start(t, autonomous+"\nrun_program: "+rec.prog)
	h.want(dev, "P2P_GROUP_ADD")
	h.groupUp()
	rec.waitCalls("start_group", 1, 5*time.Second)
	h.srv.Stall(2 * time.Second)
	deadline := time.Now().Add(2500 * time.Millisecond)
	for time.Now().Before(deadline) {
		if st := h.d.Status(); st.Supplicant != "connected" || st.Group == nil {
			t.Fatalf("a 2 s stall was taken for a loss: %+v", st)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := rec.count("stop_group") + rec.count("terminated"); n != 0 {
		t.Errorf("hooks ran for a 2 s stall: %q", rec.calls())
	}
	h.srv.Emit("p2p-wlan0-0", evStaConn)
	h.eventually("client after the stall", func(s status.Status) bool { return len(s.Clients) == 1 })
}

func TestStall_KillDetectedWithinASecond(t *testing.T) {
	h := startWith(t, autonomous, func(o *Options) { o.PingInterval = 0 }) // the default, 1 s
	h.want(dev, "P2P_GROUP_ADD")
	h.groupUp()
	t0 := time.Now()
	h.srv.Kill()
	h.eventually("lost", func(s status.Status) bool { return s.Supplicant == "lost" })
	if d := time.Since(t0); d > 1200*time.Millisecond {
		t.Errorf("kill noticed after %v", d)
	}
}

// A stall longer than StallTimeout is a loss; after the reconnect the
// daemon adopts the group that kept running and reports it (R2): exactly
// one more start_group.
func TestStall_LongStallReconnectsAndAdoptsGroup(t *testing.T) {
	rec := newRecorder(t, nil)
	h := startWith(t, autonomous+"\nrun_program: "+rec.prog, func(o *Options) { o.StallTimeout = 500 * time.Millisecond })
	h.want(dev, "P2P_GROUP_ADD")
	h.groupUp()
	rec.waitCalls("start_group p2p-wlan0-0", 1, 5*time.Second)
	h.srv.Stall(1500 * time.Millisecond)
	h.eventually("lost", func(s status.Status) bool { return s.Supplicant == "lost" })
	h.waitReady()
	h.want("p2p-wlan0-0", "STATUS") // adoption of the running group
	h.eventually("group adopted", func(s status.Status) bool { return s.Group != nil && s.Group.Iface == "p2p-wlan0-0" })
	rec.waitCalls("start_group p2p-wlan0-0", 2, 5*time.Second)
	time.Sleep(300 * time.Millisecond)
	if n := rec.count("start_group"); n != 2 {
		t.Errorf("%d start_group, want 2 (one per group-up): %q", n, rec.calls())
	}
	if n := countPrefix(h.srv.Commands(), "P2P_GROUP_ADD"); n != 1 {
		t.Errorf("%d P2P_GROUP_ADD, want 1 (the running group is adopted)", n)
	}
}

// ---------------------------------------------------------------------------
// R3: a group interface that appears late is set up when it does.

// lateNet is the IP side of the group: it fails while the group's socket
// (standing in for its netdev) is not there yet.
type lateNet struct {
	dir string
	mu  sync.Mutex
	up  []string
	n   int
}

func (n *lateNet) Up(ctx context.Context, dev, group string, cfg *config.Config, leases func(wpaevent.MAC, string)) (func(), error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.n++
	if _, err := os.Stat(filepath.Join(n.dir, group)); err != nil {
		return nil, err
	}
	n.up = append(n.up, group)
	return func() {}, nil
}

func (n *lateNet) state() (tries int, up []string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.n, slices.Clone(n.up)
}

func TestGroupInterfaceLate_SetupRetried(t *testing.T) {
	net := &lateNet{}
	h := startWith(t, autonomous+"\ndhcp:\n  enabled: true", func(o *Options) { o.Net = net },
		func(s *wpatest.Server) { net.dir = s.Dir(); s.SetGroupSocketDelay(3 * time.Second) })
	h.want(dev, "P2P_GROUP_ADD")
	t0 := time.Now()
	deadline := t0.Add(8 * time.Second)
	for h.srv.Monitors("p2p-wlan0-0") == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no monitor on the group interface 8 s after it appeared late")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if d := time.Since(t0); d < 2500*time.Millisecond {
		t.Errorf("attached after %v, before the socket appeared?", d)
	}
	deadline = time.Now().Add(3 * time.Second)
	for {
		tries, up := net.state()
		if slices.Equal(up, []string{"p2p-wlan0-0"}) {
			if tries < 2 {
				t.Errorf("IP service up at the first try, yet the interface came late")
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("IP service not up on the late group: %d tries, up %q", tries, up)
		}
		time.Sleep(20 * time.Millisecond)
	}
	h.srv.Emit("p2p-wlan0-0", evStaConn)
	h.eventually("client", func(s status.Status) bool { return len(s.Clients) == 1 })
}

// ---------------------------------------------------------------------------
// R4: of two quick reloads the last one wins.

func TestReload_TwoQuickReloadsEndInTheLast(t *testing.T) {
	h := start(t, autonomous, func(s *wpatest.Server) { s.SetGroupStartDelay(30 * time.Millisecond) })
	h.want(dev, "P2P_GROUP_ADD")
	h.groupUp()
	parse := func(yml string) *config.Config {
		cfg, _, err := config.Parse("r.yaml", []byte(yml+"\ninterface: "+dev+"\nctrl_interface: "+h.dir+"\n"))
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	for i := range 50 {
		persistent, auto := parse("activate_persistent_group: true"), parse(autonomous)
		// As two SIGHUPs: one after the other, 5 ms apart.
		if err := h.d.ReloadConfig(persistent); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
		if err := h.d.ReloadConfig(auto); err != nil {
			t.Fatal(err)
		}
		settled := func(s status.Status) bool {
			return s.Mode == "autonomous" && s.State == "group" && s.Group != nil && !s.Group.Persistent
		}
		h.eventually("the last config in force", settled)
		time.Sleep(20 * time.Millisecond)
		if st := h.d.Status(); !settled(st) {
			t.Fatalf("try %d: after both reloads: mode %s, state %s, group %+v; want autonomous, a non-persistent group",
				i+1, st.Mode, st.State, st.Group)
		}
		if y := h.d.Config(); !strings.Contains(y, "activate_persistent_group: false") {
			t.Fatalf("try %d: configuration in force is not the last one", i+1)
		}
		// The running group is the one the last mode created, not the
		// persistent group of the first reload, adopted.
		var last string
		for _, c := range h.srv.Commands() {
			if strings.HasPrefix(c.Cmd, "P2P_GROUP_ADD") {
				last = c.Cmd
			}
		}
		if last != "P2P_GROUP_ADD freq=2412" {
			t.Fatalf("try %d: the last group was created by %q: the autonomous mode runs a persistent group", i+1, last)
		}
	}
}

// A control socket of another user is refused for good: Run returns.
func TestRun_ForeignSocketIsFatal(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to chown")
	}
	dir := t.TempDir()
	srv, err := wpatest.NewServer(dir, "wlan0", dev)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if err := os.Chown(srv.Path(dev), 4321, 4321); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Interface, cfg.CtrlInterface = dev, dir
	d, err := New(cfg, Options{LocalDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { errc <- d.Run(context.Background()) }()
	select {
	case err := <-errc:
		if err == nil || !strings.Contains(err.Error(), "uid 4321") {
			t.Errorf("Run = %v, want the refusal naming uid 4321", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Run kept retrying a socket of another user")
	}
}

// pausedOverflow starts an autonomous group whose run_program records its
// calls, lowers the bound of what is held while paused to bound, pauses,
// and has bound stations connect and leave: the held actions overflow.
func pausedOverflow(t *testing.T, bound int) (*harness, *recorder) {
	t.Helper()
	rec := newRecorder(t, nil)
	h := start(t, autonomous+"\nrun_program: "+rec.prog)
	h.want(dev, "P2P_GROUP_ADD")
	h.groupUp()
	if err := h.d.do(context.Background(), func(l *loop) error { l.maxHeld = bound; return nil }); err != nil {
		t.Fatal(err)
	}
	h.d.Pause()
	h.eventually("paused", func(s status.Status) bool { return s.Paused })
	for range bound {
		h.srv.Emit("p2p-wlan0-0", evStaConn)
		h.srv.Emit("p2p-wlan0-0", evStaDisc)
	}
	return h, rec
}

// What is held while paused is bounded: past the bound the session is
// re-read from wpa_supplicant on resume, and the group it finds is ours
// again.
func TestPause_OverflowResynchronisesOnResume(t *testing.T) {
	const bound = 100
	h, rec := pausedOverflow(t, bound)
	h.eventually("the stations followed", func(s status.Status) bool {
		return s.Counters["AP-STA-DISCONNECTED"] >= bound/2 && len(s.Clients) == 0
	})
	interfaces := countPrefix(h.srv.Commands(), "INTERFACES")
	h.d.Resume()
	h.waitReady()
	h.eventually("group re-adopted", func(s status.Status) bool { return s.Group != nil && s.Group.Iface == "p2p-wlan0-0" && !s.Paused })
	if n := countPrefix(h.srv.Commands(), "INTERFACES"); n != interfaces+1 {
		t.Errorf("INTERFACES sent %d times on resume, want 1 (the session re-read)", n-interfaces)
	}
	if n := countPrefix(h.srv.Commands(), "P2P_GROUP_ADD"); n != 1 {
		t.Errorf("%d P2P_GROUP_ADD: the running group was not adopted", n)
	}
	if n := rec.count("connect"); n > 0 {
		t.Errorf("%d held connect hooks ran after the overflow", n)
	}
}

// The loop can learn of a Resume from an event before its wake-up (the
// select picks at random among ready inputs, which -race made frequent):
// the resynchronisation still comes first, and nothing held after the
// overflow runs. Here the wake-up is withheld altogether.
func TestPause_OverflowResyncWhenAnEventBeatsTheWakeUp(t *testing.T) {
	const bound = 4
	h, rec := pausedOverflow(t, bound)
	// One more connection after the overflow: its hook is part of the
	// history the resynchronisation replaces.
	h.srv.Emit("p2p-wlan0-0", evStaConn)
	h.eventually("the stations followed", func(s status.Status) bool {
		return s.Counters["AP-STA-CONNECTED"] >= bound+1 && len(s.Clients) == 1
	})
	interfaces := countPrefix(h.srv.Commands(), "INTERFACES")
	h.d.paused.Store(false) // Resume without its wake-up
	h.srv.Emit("p2p-wlan0-0", evStaDisc)
	h.waitReady()
	h.eventually("group re-adopted", func(s status.Status) bool { return s.Group != nil && s.Group.Iface == "p2p-wlan0-0" })
	if n := countPrefix(h.srv.Commands(), "INTERFACES"); n != interfaces+1 {
		t.Errorf("INTERFACES sent %d times after the event, want 1 (the session re-read)", n-interfaces)
	}
	if n := rec.count("connect"); n > 0 {
		t.Errorf("%d held connect hooks ran after the overflow", n)
	}
}

// The loop never waits on one command for longer than half of what the
// systemd watchdog allows (hostp2pd.Daemon.Alive: 10 s): with
// wpa_supplicant stalled (but not for long enough to be taken for dead),
// an operator's disconnect sends two commands that both time out, and the
// loop's last turn is never more than 5 s old.
func TestStall_CommandsNeverHoldTheLoopPastTheWatchdog(t *testing.T) {
	if testing.Short() {
		t.Skip("an 8 s stall")
	}
	h := startWith(t, autonomous, func(o *Options) { o.StallTimeout = 20 * time.Second })
	h.want(dev, "P2P_GROUP_ADD")
	h.groupUp()
	h.srv.Emit("p2p-wlan0-0", evStaConn)
	h.eventually("client", func(s status.Status) bool { return len(s.Clients) == 1 })
	h.srv.Stall(9 * time.Second)
	errc := make(chan error, 1)
	go func() { errc <- h.d.Disconnect(context.Background(), phone) }()
	const watchdog = 10 * time.Second
	t0 := time.Now()
	for time.Since(t0) < 8500*time.Millisecond {
		if !h.d.Alive(watchdog / 2) {
			t.Fatalf("%v into the stall, the loop had not turned for %v", time.Since(t0).Round(time.Millisecond), watchdog/2)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := <-errc; err != nil {
		t.Fatalf("Disconnect: %v", err)
	}
	if d := time.Since(t0); d > 9500*time.Millisecond {
		t.Errorf("two stalled commands held the loop for %v", d)
	}
}

// An idle loop is woken by no ticker to prove it lives: Alive asks it, and
// it answers; once Run has returned, Alive is false.
func TestAlive_IdleLoopAnswersTheProbe(t *testing.T) {
	h := start(t, autonomous)
	h.want(dev, "P2P_GROUP_ADD")
	h.groupUp()
	time.Sleep(100 * time.Millisecond)
	h.d.Status()
	builds := h.d.builds.Load()
	if !h.d.Alive(10 * time.Millisecond) {
		t.Error("an idle loop did not answer the probe")
	}
	if h.d.Alive(10 * time.Millisecond); h.d.stale.Load() {
		t.Error("the probe marked the snapshot stale")
	}
	if n := h.d.builds.Load() - builds; n != 0 {
		t.Errorf("the probe built %d snapshots", n)
	}
	h.stop()
	time.Sleep(20 * time.Millisecond)
	if h.d.Alive(10 * time.Millisecond) {
		t.Error("Alive after Run returned")
	}
}
