package wpactrl_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hostp2pd/hostp2pd/wpactrl"
	"github.com/hostp2pd/hostp2pd/wpactrl/wpatest"
)

const dev = "p2p-dev-wlan0"

// fakePair starts a fake supplicant with p2p-dev-wlan0 and a global socket,
// and returns it with the directory for our client sockets.
func fakePair(t testing.TB) (*wpatest.Server, string) {
	t.Helper()
	s, err := wpatest.NewServer(t.TempDir(), "wlan0", dev)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddGlobal("global"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, t.TempDir()
}

func dial(t testing.TB, path, local string, opts ...wpactrl.Option) *wpactrl.Conn {
	t.Helper()
	c, err := wpactrl.Dial(context.Background(), path, append([]wpactrl.Option{wpactrl.WithLocalDir(local)}, opts...)...)
	if err != nil {
		t.Fatalf("Dial(%s): %v", path, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func attach(t testing.TB, path, local string, opts ...wpactrl.Option) *wpactrl.Monitor {
	t.Helper()
	m, err := wpactrl.Attach(context.Background(), path, append([]wpactrl.Option{wpactrl.WithLocalDir(local)}, opts...)...)
	if err != nil {
		t.Fatalf("Attach(%s): %v", path, err)
	}
	t.Cleanup(func() { _ = m.Close() })
	return m
}

func ctxT(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// next returns the next event, failing after d.
func next(t testing.TB, m *wpactrl.Monitor, d time.Duration) wpactrl.Message {
	t.Helper()
	select {
	case msg, ok := <-m.Events():
		if !ok {
			t.Fatalf("monitor stopped: %v", m.Err())
		}
		return msg
	case <-time.After(d):
		t.Fatalf("no event within %v", d)
	}
	return wpactrl.Message{}
}

// waitStopped waits for the Events channel to close, draining it.
func waitStopped(t testing.TB, m *wpactrl.Monitor, d time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	timeout := time.After(d)
	for {
		select {
		case _, ok := <-m.Events():
			if !ok {
				return time.Since(start)
			}
		case <-timeout:
			t.Fatalf("monitor still running after %v", d)
		}
	}
}

func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func localFiles(t testing.TB, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func TestRequest_RepliesVerbatimWithTypedErrors(t *testing.T) {
	t.Parallel()
	s, local := fakePair(t)
	s.Reply("", "SCAN", "FAIL-BUSY\n")
	s.Reply("", "GET_NETWORK 0 ssid", `"DIRECT-SJ"`)
	c := dial(t, s.Path(dev), local)
	g := dial(t, s.Path("global"), local)

	tests := []struct {
		name    string
		conn    *wpactrl.Conn
		iface   string
		cmd     string
		want    string
		wantErr []error
		errText string
	}{
		{name: "pong", conn: c, cmd: "PING", want: "PONG\n"},
		{name: "ok", conn: c, cmd: "P2P_FIND", want: "OK\n"},
		{name: "bare pin", conn: c, cmd: "WPS_PIN any 12345678", want: "12345678"},
		{name: "quoted value", conn: c, cmd: "GET_NETWORK 0 ssid", want: `"DIRECT-SJ"`},
		{name: "fail", conn: c, cmd: "P2P_CANCEL", want: "FAIL\n",
			wantErr: []error{wpactrl.ErrFail}, errText: "wpactrl: p2p_cancel: FAIL"},
		{name: "fail busy", conn: c, cmd: "SCAN", want: "FAIL-BUSY\n",
			wantErr: []error{wpactrl.ErrFailBusy, wpactrl.ErrFail}, errText: "wpactrl: scan: FAIL-BUSY"},
		{name: "unknown", conn: c, cmd: "LIST_STA", want: "UNKNOWN COMMAND\n",
			wantErr: []error{wpactrl.ErrUnknownCommand}, errText: "wpactrl: list_sta: UNKNOWN COMMAND"},
		{name: "pin not in error text", conn: c, cmd: "SET device_name " + strings.Repeat("x", 33), want: "FAIL\n",
			wantErr: []error{wpactrl.ErrFail}, errText: "wpactrl: set: FAIL"},
		{name: "global ifname", conn: g, iface: dev, cmd: "PING", want: "PONG\n"},
		{name: "global no ifname match", conn: g, iface: "nosuch0", cmd: "PING", want: "FAIL-NO-IFNAME-MATCH\n",
			wantErr: []error{wpactrl.ErrFail}, errText: "wpactrl: nosuch0: ping: FAIL-NO-IFNAME-MATCH"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			var err error
			if tt.iface != "" {
				got, err = tt.conn.RequestIface(ctxT(t, 5*time.Second), tt.iface, tt.cmd)
			} else {
				got, err = tt.conn.Request(ctxT(t, 5*time.Second), tt.cmd)
			}
			if got != tt.want {
				t.Errorf("reply = %q, want %q", got, tt.want)
			}
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			for _, want := range tt.wantErr {
				if !errors.Is(err, want) {
					t.Errorf("error %v does not match %v", err, want)
				}
			}
			var ce *wpactrl.CommandError
			if !errors.As(err, &ce) {
				t.Fatalf("error %T is not a *CommandError", err)
			}
			if ce.Reply != tt.want || !strings.HasSuffix(ce.Cmd, tt.cmd) {
				t.Errorf("CommandError = %+v", ce)
			}
			if err.Error() != tt.errText {
				t.Errorf("Error() = %q, want %q", err.Error(), tt.errText)
			}
		})
	}
}

func TestRequest_EmptyReply(t *testing.T) {
	t.Parallel()
	s, local := fakePair(t)
	if err := s.AddIface("p2p-wlan0-0"); err != nil {
		t.Fatal(err)
	}
	got, err := dial(t, s.Path("p2p-wlan0-0"), local).Request(ctxT(t, 5*time.Second), "STA-FIRST")
	if err != nil || got != "" {
		t.Fatalf("STA-FIRST = %q, %v; want empty reply", got, err)
	}
}

func TestRequest_SkipsEventsOnRequestSocket(t *testing.T) {
	t.Parallel()
	s, local := fakePair(t)
	c := dial(t, s.Path(dev), local)
	g := dial(t, s.Path("global"), local)
	ctx := ctxT(t, 5*time.Second)
	// Attach the request sockets themselves, as the trace recorder did, so
	// events land between command and reply.
	for _, conn := range []*wpactrl.Conn{c, g} {
		if _, err := conn.Request(ctx, "ATTACH"); err != nil {
			t.Fatal(err)
		}
	}
	s.Handle(dev, "NOISY", func(iface, cmd string) string {
		s.Emit(dev, "P2P-DEVICE-LOST p2p_dev_addr=42:00:00:00:01:00")
		s.Emit("wlan0", "CTRL-EVENT-SCAN-STARTED ")
		return "reply\n"
	})
	for _, conn := range []*wpactrl.Conn{c, g} {
		got, err := conn.RequestIface(ctx, dev, "NOISY")
		if conn == c {
			got, err = conn.Request(ctx, "NOISY")
		}
		if err != nil || got != "reply\n" {
			t.Errorf("%s: NOISY = %q, %v; want the reply, events skipped", conn.Path(), got, err)
		}
	}
}

func TestRequest_ConcurrentCallersGetTheirOwnReplies(t *testing.T) {
	t.Parallel()
	s, local := fakePair(t)
	s.Handle("", "ECHO ", func(_, cmd string) string { return strings.TrimPrefix(cmd, "ECHO ") + "\n" })
	c := dial(t, s.Path(dev), local)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Go(func() {
			for i := range 200 {
				want := fmt.Sprintf("%d-%d", w, i)
				got, err := c.Request(context.Background(), "ECHO "+want)
				if err != nil || got != want+"\n" {
					errs <- fmt.Errorf("ECHO %s = %q, %v", want, got, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestRequest_ContextCancelUnblocksAndConnStaysUsable(t *testing.T) {
	t.Parallel()
	s, local := fakePair(t)
	late := make(chan struct{})
	s.Handle("", "HANG", func(string, string) string {
		return wpatest.NoReply
	})
	s.Handle("", "SLOW", func(string, string) string {
		<-late
		return "late reply\n"
	})
	c := dial(t, s.Path(dev), local)

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.Request(ctx, "HANG")
	if !errors.Is(err, context.Canceled) || time.Since(start) > 2*time.Second {
		t.Fatalf("cancelled Request = %v after %v; want context.Canceled at once", err, time.Since(start))
	}

	_, err = c.Request(ctxT(t, 50*time.Millisecond), "HANG")
	if !errors.Is(err, wpactrl.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("expired Request = %v; want ErrTimeout and DeadlineExceeded", err)
	}

	// A reply that arrives after its request gave up is not taken as the
	// answer to the next command.
	if _, err := c.Request(ctxT(t, 30*time.Millisecond), "SLOW"); !errors.Is(err, wpactrl.ErrTimeout) {
		t.Fatalf("SLOW = %v; want timeout", err)
	}
	close(late)
	eventually(t, "SLOW answered", func() bool { return len(s.Commands()) >= 3 })
	time.Sleep(50 * time.Millisecond) // the late reply is queued by now
	if got, err := c.Request(ctxT(t, 5*time.Second), "PING"); err != nil || got != "PONG\n" {
		t.Fatalf("PING after timeouts = %q, %v", got, err)
	}
}

// A stalled wpa_supplicant answers its queue in order: the reply to a
// request that timed out comes during the next request, just before that
// one's own reply. It is not taken as the answer (it went to the old
// client socket).
func TestRequest_LateReplyDuringTheNextRequest(t *testing.T) {
	t.Parallel()
	s, local := fakePair(t)
	late := make(chan struct{})
	s.Handle("", "SLOW", func(string, string) string {
		<-late
		return "late reply\n"
	})
	c := dial(t, s.Path(dev), local)
	if _, err := c.Request(ctxT(t, 30*time.Millisecond), "SLOW"); !errors.Is(err, wpactrl.ErrTimeout) {
		t.Fatalf("SLOW = %v; want timeout", err)
	}
	// The server is still in SLOW's handler: PING waits behind it.
	time.AfterFunc(100*time.Millisecond, func() { close(late) })
	for i := range 3 {
		if got, err := c.Request(ctxT(t, 5*time.Second), "PING"); err != nil || got != "PONG\n" {
			t.Fatalf("PING %d after the timeout = %q, %v; want PONG", i+1, got, err)
		}
	}
	// The abandoned socket was removed: only the live one is left.
	if m, _ := filepath.Glob(filepath.Join(local, "hostp2pd_*")); len(m) != 1 {
		t.Errorf("client sockets %q, want the one in use", m)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if m, _ := filepath.Glob(filepath.Join(local, "hostp2pd_*")); len(m) != 0 {
		t.Errorf("client sockets %q after Close", m)
	}
}

func TestRequest_TooLongIsRejectedLocally(t *testing.T) {
	t.Parallel()
	s, local := fakePair(t)
	c := dial(t, s.Path(dev), local)
	if _, err := c.Request(context.Background(), "SET x "+strings.Repeat("y", 8192)); err == nil {
		t.Fatal("8 KiB+ command accepted")
	}
	if n := len(s.Commands()); n != 0 {
		t.Fatalf("server got %d commands", n)
	}
}

func TestMonitor_DeliversLevelIfaceAndTime(t *testing.T) {
	t.Parallel()
	s, local := fakePair(t)
	if err := s.AddIface("p2p-wlan0-0"); err != nil {
		t.Fatal(err)
	}
	m := attach(t, s.Path(dev), local)
	gm := attach(t, s.Path("global"), local)

	before := time.Now()
	s.Emit(dev, "P2P-FIND-STOPPED ")
	s.Emit("p2p-wlan0-0", "AP-STA-CONNECTED 46:00:00:00:01:00 p2p_dev_addr=42:00:00:00:01:00")

	got := []wpactrl.Message{next(t, m, 5*time.Second), next(t, gm, 5*time.Second), next(t, gm, 5*time.Second)}
	want := []wpactrl.Message{
		{Level: 3, Text: "P2P-FIND-STOPPED "},
		{Level: 3, Text: "P2P-FIND-STOPPED "},
		{Level: 3, Iface: "p2p-wlan0-0", Text: "AP-STA-CONNECTED 46:00:00:00:01:00 p2p_dev_addr=42:00:00:00:01:00"},
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(wpactrl.Message{}, "Time")); diff != "" {
		t.Errorf("unexpected events (-want +got):\n%s", diff)
	}
	for _, msg := range got {
		if msg.Time.Before(before) || time.Since(msg.Time) > 5*time.Second {
			t.Errorf("event %q has time %v", msg.Text, msg.Time)
		}
	}
	if got, want := got[2].String(), "IFNAME=p2p-wlan0-0 <3>AP-STA-CONNECTED 46:00:00:00:01:00 p2p_dev_addr=42:00:00:00:01:00"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestMonitor_FullQueueDropsAndCountsWithoutBlocking(t *testing.T) {
	t.Parallel()
	s, local := fakePair(t)
	m := attach(t, s.Path(dev), local, wpactrl.WithQueueLen(4))
	start := time.Now()
	for i := range 100 {
		s.Emit(dev, "EV "+strconv.Itoa(i))
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("emitting 100 events took %v", d)
	}
	eventually(t, "96 drops", func() bool { return m.Dropped() == 96 })
	for i := range 4 {
		if msg := next(t, m, time.Second); msg.Text != "EV "+strconv.Itoa(i) {
			t.Errorf("event %d = %q", i, msg.Text)
		}
	}
	s.Emit(dev, "AFTER")
	if msg := next(t, m, 5*time.Second); msg.Text != "AFTER" {
		t.Errorf("event after drain = %q", msg.Text)
	}
}

func TestMonitor_IgnoresRepliesOnItsSocket(t *testing.T) {
	t.Parallel()
	s, local := fakePair(t)
	m := attach(t, s.Path(dev), local, wpactrl.WithPingInterval(50*time.Millisecond))
	time.Sleep(300 * time.Millisecond) // ~6 PING/PONG round trips
	s.Emit(dev, "X")
	if msg := next(t, m, 5*time.Second); msg.Text != "X" {
		t.Fatalf("first event = %q; PONG or OK leaked as events", msg.Text)
	}
	if err := m.Err(); err != nil {
		t.Fatal(err)
	}
}

func TestMonitor_CloseDetachesAndRemovesLocalFile(t *testing.T) {
	t.Parallel()
	s, local := fakePair(t)
	m, err := wpactrl.Attach(context.Background(), s.Path(dev), wpactrl.WithLocalDir(local))
	if err != nil {
		t.Fatal(err)
	}
	if n := s.Monitors(dev); n != 1 {
		t.Fatalf("Monitors = %d after Attach", n)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, ok := <-m.Events(); ok {
		t.Fatal("Events not closed")
	}
	if err := m.Err(); err != nil {
		t.Fatalf("Err after Close = %v", err)
	}
	eventually(t, "DETACH", func() bool { return s.Monitors(dev) == 0 })
	if files := localFiles(t, local); len(files) != 0 {
		t.Fatalf("local files left: %v", files)
	}
}

func TestConn_CloseRemovesLocalFileAndIsIdempotent(t *testing.T) {
	t.Parallel()
	s, local := fakePair(t)
	c, err := wpactrl.Dial(context.Background(), s.Path(dev), wpactrl.WithLocalDir(local))
	if err != nil {
		t.Fatal(err)
	}
	c2 := dial(t, s.Path(dev), local)
	if files := localFiles(t, local); len(files) != 2 || !strings.HasPrefix(files[0], "hostp2pd_"+strconv.Itoa(os.Getpid())+"-") {
		t.Fatalf("local files = %v; want two hostp2pd_<pid>-<n>", files)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := c.Request(context.Background(), "PING"); !errors.Is(err, wpactrl.ErrClosed) {
		t.Fatalf("Request after Close = %v; want ErrClosed", err)
	}
	if files := localFiles(t, local); len(files) != 1 {
		t.Fatalf("local files after Close = %v", files)
	}
	if got, err := c2.Request(context.Background(), "PING"); err != nil || got != "PONG\n" {
		t.Fatalf("other conn broken: %q, %v", got, err)
	}
}

func TestConn_CloseInterruptsRequest(t *testing.T) {
	t.Parallel()
	s, local := fakePair(t)
	s.Reply("", "HANG", wpatest.NoReply)
	c := dial(t, s.Path(dev), local)
	errc := make(chan error, 1)
	go func() {
		_, err := c.Request(context.Background(), "HANG")
		errc <- err
	}()
	if _, err := s.WaitCommand(ctxT(t, 5*time.Second), dev, "HANG"); err != nil {
		t.Fatal(err)
	}
	_ = c.Close()
	select {
	case err := <-errc:
		if !errors.Is(err, wpactrl.ErrClosed) {
			t.Fatalf("interrupted Request = %v; want ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not interrupt Request")
	}
}

func TestDial_MissingSocketIsGoneAndNotExist(t *testing.T) {
	t.Parallel()
	s, local := fakePair(t)
	_, err := wpactrl.Dial(context.Background(), filepath.Join(s.Dir(), "nosuch"), wpactrl.WithLocalDir(local))
	if !errors.Is(err, wpactrl.ErrGone) || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Dial(missing) = %v; want ErrGone and fs.ErrNotExist", err)
	}
	s.Kill()
	_, err = wpactrl.Dial(context.Background(), s.Path(dev), wpactrl.WithLocalDir(local))
	if !errors.Is(err, wpactrl.ErrGone) || errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Dial(stale) = %v; want ErrGone only", err)
	}
	if files := localFiles(t, local); len(files) != 0 {
		t.Fatalf("failed Dial left %v", files)
	}
}

func TestDial_RemovesStaleClientSockets(t *testing.T) {
	t.Parallel()
	s, local := fakePair(t)
	// A pid that is certainly dead: a child we already reaped.
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skipf("cannot run true: %v", err)
	}
	dead := cmd.Process.Pid
	stale := func(name string) string {
		p := filepath.Join(local, name)
		uc, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: p, Net: "unixgram"})
		if err != nil {
			t.Fatal(err)
		}
		uc.Close() // the file stays, nothing bound
		return p
	}
	deadFile := stale(fmt.Sprintf("hostp2pd_%d-1", dead))
	ownFile := stale(fmt.Sprintf("hostp2pd_%d-1", os.Getpid())) // same pid, earlier life
	other := stale("wpa_ctrl_1-1")                              // not our naming: untouched

	c := dial(t, s.Path(dev), local)
	if _, err := os.Stat(deadFile); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stale socket of dead pid not removed: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("foreign socket removed: %v", err)
	}
	// Our own stale name was reused for the new connection.
	if got, err := c.Request(context.Background(), "PING"); err != nil || got != "PONG\n" {
		t.Fatalf("PING = %q, %v", got, err)
	}
	if _, err := os.Stat(ownFile); err != nil {
		t.Errorf("own name not reused: %v", err)
	}
	_ = c.Close()
	if _, err := os.Stat(ownFile); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Close left %s", ownFile)
	}
}

func TestConn_GoneAfterKill(t *testing.T) {
	t.Parallel()
	s, local := fakePair(t)
	c := dial(t, s.Path(dev), local)
	s.Kill()
	for i := range 2 { // ECONNREFUSED first, ENOTCONN after
		_, err := c.Request(ctxT(t, 5*time.Second), "PING")
		if !errors.Is(err, wpactrl.ErrGone) {
			t.Fatalf("PING %d after Kill = %v; want ErrGone", i, err)
		}
	}
	if !errors.Is(func() error { _, err := c.Request(context.Background(), "PING"); return err }(), syscall.ENOTCONN) {
		t.Error("later sends should fail with ENOTCONN, as with the real one")
	}
}

// A stall shorter than the ping timeout is not taken for death: the PONGs
// come late, and the events held during the stall arrive in order.
func TestMonitor_StallShorterThanPingTimeoutSurvives(t *testing.T) {
	t.Parallel()
	s, local := fakePair(t)
	m := attach(t, s.Path(dev), local, wpactrl.WithPingInterval(100*time.Millisecond), wpactrl.WithPingTimeout(time.Second))
	s.Stall(600 * time.Millisecond)
	go s.Emit(dev, "DURING")
	time.Sleep(900 * time.Millisecond) // several PINGs unanswered, then answered
	if msg := next(t, m, 2*time.Second); msg.Text != "DURING" {
		t.Fatalf("event = %q", msg.Text)
	}
	if err := m.Err(); err != nil {
		t.Fatalf("monitor stopped after a 0.6 s stall with a 1 s ping timeout: %v", err)
	}
}

// A stall longer than the ping timeout is: ErrGone, within the timeout
// plus one interval.
func TestMonitor_StallLongerThanPingTimeoutIsGone(t *testing.T) {
	t.Parallel()
	s, local := fakePair(t)
	m := attach(t, s.Path(dev), local, wpactrl.WithPingInterval(100*time.Millisecond), wpactrl.WithPingTimeout(400*time.Millisecond))
	t0 := time.Now()
	s.Stall(5 * time.Second)
	for range m.Events() {
	}
	if d := time.Since(t0); d > 800*time.Millisecond {
		t.Errorf("stall noticed after %v; want within ~0.5 s", d)
	}
	if err := m.Err(); !errors.Is(err, wpactrl.ErrGone) {
		t.Fatalf("Err = %v, want ErrGone", err)
	}
}

// A killed wpa_supplicant (socket refused) is gone at the next PING, however
// long the ping timeout.
func TestMonitor_KillIsGoneAtOnce(t *testing.T) {
	t.Parallel()
	s, local := fakePair(t)
	m := attach(t, s.Path(dev), local, wpactrl.WithPingInterval(200*time.Millisecond), wpactrl.WithPingTimeout(time.Minute))
	t0 := time.Now()
	s.Kill()
	for range m.Events() {
	}
	if d := time.Since(t0); d > 500*time.Millisecond {
		t.Errorf("kill noticed after %v; want within one interval", d)
	}
	if err := m.Err(); !errors.Is(err, wpactrl.ErrGone) || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("Err = %v, want ErrGone (ECONNREFUSED)", err)
	}
}

// WithoutPing: the Monitor sends no PING, so a stall far past what the
// ping options would allow goes unnoticed, and it still delivers events.
func TestMonitor_WithoutPingSendsNone(t *testing.T) {
	t.Parallel()
	s, local := fakePair(t)
	m := attach(t, s.Path(dev), local, wpactrl.WithPingInterval(50*time.Millisecond), wpactrl.WithPingTimeout(200*time.Millisecond), wpactrl.WithoutPing())
	s.Stall(600 * time.Millisecond)
	time.Sleep(700 * time.Millisecond)
	s.Emit(dev, "AFTER")
	if msg := next(t, m, 2*time.Second); msg.Text != "AFTER" {
		t.Fatalf("event = %q", msg.Text)
	}
	if err := m.Err(); err != nil {
		t.Fatalf("a Monitor without PING stopped: %v", err)
	}
}

// A ping timeout shorter than the interval bounds the wait for a PONG, not
// the pace of the PINGs: once answered, the next PING waits its interval.
func TestMonitor_PingPaceIsTheIntervalWhateverTheTimeout(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "srv")
	srv, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	var pings atomic.Int32
	go func() {
		buf := make([]byte, 256)
		for {
			n, from, err := srv.ReadFromUnix(buf)
			if err != nil {
				return
			}
			reply := "OK\n"
			if string(buf[:n]) == "PING" {
				pings.Add(1)
				reply = "PONG\n"
			}
			_, _ = srv.WriteToUnix([]byte(reply), from)
		}
	}()
	m := attach(t, path, t.TempDir(), wpactrl.WithPingInterval(300*time.Millisecond), wpactrl.WithPingTimeout(50*time.Millisecond))
	time.Sleep(1050 * time.Millisecond)
	if err := m.Err(); err != nil {
		t.Fatalf("monitor stopped: %v", err)
	}
	if n := pings.Load(); n < 2 || n > 4 {
		t.Errorf("%d PINGs in 1.05 s at a 300 ms interval (50 ms timeout), want 3", n)
	}
}

// TestMonitor_StackStaysSmall: a monitor's reader goroutine reads into the
// connection's heap buffer; a 64 KiB buffer on its stack made every
// monitor's stack 128 KiB, its buffer zeroed and resident (footprint,
// docs/performance.md). Not parallel: it reads the process's stack total.
func TestMonitor_StackStaysSmall(t *testing.T) {
	const n = 8
	s, local := fakePair(t)
	stacks := func() uint64 {
		m := []metrics.Sample{{Name: "/memory/classes/heap/stacks:bytes"}}
		metrics.Read(m)
		return m[0].Value.Uint64()
	}
	before := stacks()
	for range n {
		m := attach(t, s.Path(dev), local)
		s.Emit(dev, "P2P-FIND-STOPPED ")
		next(t, m, 5*time.Second) // its reader runs and has read
	}
	// Signed: other goroutines' stacks may shrink meanwhile (a GC), and the
	// total then falls below before (it wrapped around as unsigned on arm).
	if grown := int64(stacks()) - int64(before); grown > n*32<<10 {
		t.Errorf("%d monitors grew the goroutine stacks by %d KiB, want at most %d KiB", n, grown>>10, n*32)
	}
}
