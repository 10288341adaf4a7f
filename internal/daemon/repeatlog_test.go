package daemon

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/wpactrl/wpatest"
)

// One identical warning every 2 s for an hour: logged with a gap that
// doubles up to 5 minutes, each line with the count of those left out.
func TestRepeatLog_BacksOffToFiveMinutes(t *testing.T) {
	now := time.Unix(0, 0)
	r := newRepeatLog(func() time.Time { return now }, 2*time.Second, 5*time.Minute)
	var at []time.Duration
	var counts []int
	total := 0
	for i := 0; i < 1800; i++ { // 1 h
		if ok, n := r.allow("connect: connection refused"); ok {
			at = append(at, now.Sub(time.Unix(0, 0)))
			counts = append(counts, n)
			total += 1 + n
		}
		now = now.Add(2 * time.Second)
	}
	if len(at) > 20 {
		t.Errorf("%d lines in an hour: %v", len(at), at)
	}
	for i := 1; i < len(at); i++ {
		if gap := at[i] - at[i-1]; gap > 5*time.Minute+2*time.Second {
			t.Errorf("gap %v > 5 min between lines %d and %d", gap, i-1, i)
		}
	}
	if last := at[len(at)-1] - at[len(at)-2]; last < 5*time.Minute-2*time.Second {
		t.Errorf("last gap %v, want ~5 min", last)
	}
	if counts[0] != 0 || counts[len(counts)-1] != 149 {
		t.Errorf("repeat counts %v: the first line has none, the next ones count what was left out", counts)
	}
	if total+r.suppressed != 1800 {
		t.Errorf("counted %d + %d pending of 1800 warnings", total, r.suppressed)
	}
	// A different warning is logged at once and starts over.
	if ok, n := r.allow("no such file"); !ok || n != 0 {
		t.Errorf("a new warning was held back (%v, %d)", ok, n)
	}
	if ok, _ := r.allow("no such file"); ok {
		t.Error("its repeat at once was logged too")
	}
}

// syncBuffer is a log sink for a handler used from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// While wpa_supplicant is down, "waiting for wpa_supplicant" does not
// come with every retry.
func TestWaiting_WarningNotRepeatedEveryRetry(t *testing.T) {
	dir := t.TempDir()
	srv, err := wpatest.NewServer(dir, "wlan0", dev)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	srv.Kill() // stale sockets: every connect is refused
	cfg := config.Default()
	cfg.Interface, cfg.CtrlInterface = dev, dir
	var logs syncBuffer
	d, err := New(cfg, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil)), LocalDir: filepath.Join(t.TempDir())})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	time.Sleep(1600 * time.Millisecond) // retries at 0.1, 0.3, 0.7, 1.5 s
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(logs.String(), "waiting for wpa_supplicant"); n != 1 {
		t.Errorf("%d warnings in 1.6 s of retries, want 1:\n%s", n, logs.String())
	}
}
