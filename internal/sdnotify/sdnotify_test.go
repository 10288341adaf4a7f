package sdnotify_test

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/hostp2pd/hostp2pd/internal/sdnotify"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type recorder struct {
	mu   sync.Mutex
	msgs []string
}

func (r *recorder) send(s string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, s)
	return nil
}

func (r *recorder) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.msgs...)
}

func TestNotifier_Messages(t *testing.T) {
	t.Parallel()
	var r recorder
	n := sdnotify.NewWith(r.send, 0)
	_ = n.Ready()
	_ = n.Status("group p2p-wlan0-0 up,\n2 clients")
	_ = n.Stopping()
	want := []string{"READY=1", "STATUS=group p2p-wlan0-0 up, 2 clients", "STOPPING=1"}
	if diff := cmp.Diff(want, r.got()); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}
}

func TestNotifier_ReloadingCarriesMonotonicUsec(t *testing.T) {
	t.Parallel()
	var r recorder
	_ = sdnotify.NewWith(r.send, 0).Reloading()
	got := r.got()
	if len(got) != 1 || !strings.HasPrefix(got[0], "RELOADING=1\nMONOTONIC_USEC=") {
		t.Errorf("Reloading sent %q", got)
	}
}

func TestRunWatchdog_PetsAtHalfIntervalWhileAlive(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var r recorder
		n := sdnotify.NewWith(r.send, 30*time.Second)
		if got := n.WatchdogInterval(); got != 15*time.Second {
			t.Fatalf("WatchdogInterval = %v, want 15s", got)
		}
		ctx, cancel := context.WithCancel(t.Context())
		alive := true
		var mu sync.Mutex
		done := make(chan struct{})
		go func() {
			defer close(done)
			n.RunWatchdog(ctx, func() bool { mu.Lock(); defer mu.Unlock(); return alive })
		}()
		time.Sleep(31 * time.Second)
		synctest.Wait()
		if got := len(r.got()); got != 2 {
			t.Errorf("after 31s: %d WATCHDOG=1, want 2", got)
		}
		mu.Lock()
		alive = false
		mu.Unlock()
		time.Sleep(60 * time.Second)
		synctest.Wait()
		if got := len(r.got()); got != 2 {
			t.Errorf("wedged loop still petted: %d messages", got)
		}
		cancel()
		<-done
	})
}

func TestRunWatchdog_DisabledReturnsAtOnce(t *testing.T) {
	t.Parallel()
	sdnotify.NewWith(func(string) error { return nil }, 0).RunWatchdog(t.Context(), nil)
}

// TestNew_WritesToNotifySocket checks the real transport end to end.
func TestNew_WritesToNotifySocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notify.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	t.Setenv("NOTIFY_SOCKET", path)
	t.Setenv("WATCHDOG_USEC", "")

	n := sdnotify.New()
	if err := n.Ready(); err != nil {
		t.Fatal(err)
	}
	if n.WatchdogInterval() != 0 {
		t.Error("watchdog enabled without WATCHDOG_USEC")
	}
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 256)
	k, err := conn.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(buf[:k]); got != "READY=1" {
		t.Errorf("got %q, want READY=1", got)
	}
}

func TestNew_NoSocketIsSilent(t *testing.T) {
	t.Setenv("NOTIFY_SOCKET", "")
	if err := sdnotify.New().Stopping(); err != nil {
		t.Errorf("Stopping without systemd: %v", err)
	}
}
