package metrics

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/ctl"
	"github.com/hostp2pd/hostp2pd/internal/status"
)

// TestProbeMetrics_IdleConnectionFlood replays the S3 probe on the /metrics
// listener: MaxConns+50 keep-alive-style connections that send nothing. At
// most MaxConns stay open, the rest are closed and counted in
// hostp2pd_http_connections_dropped_total, and a scrape still works.
func TestProbeMetrics_IdleConnectionFlood(t *testing.T) {
	t.Parallel()
	tl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	lim := ctl.LimitListener(tl, MaxConns)
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", Handler(func() status.Status { return status.Status{Supplicant: "connected"} },
		map[string]func() uint64{"metrics": lim.Dropped}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ctl.ServeHTTP(ctx, lim, mux, nil) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	addr := tl.Addr().String()

	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			_ = c.Close()
		}
	}()
	for range MaxConns + 50 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	deadline := time.Now().Add(5 * time.Second)
	for lim.Dropped() < 50 {
		if time.Now().After(deadline) {
			t.Fatalf("dropped %d, want 50", lim.Dropped())
		}
		time.Sleep(5 * time.Millisecond)
	}
	closed := 0
	for _, c := range conns {
		_ = c.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
		if _, err := c.Read(make([]byte, 1)); errors.Is(err, io.EOF) {
			closed++
		}
	}
	if closed < 50 || lim.Open() > MaxConns {
		t.Errorf("closed %d of %d flood connections, %d open; want >= 50 closed, <= %d open", closed, len(conns), lim.Open(), MaxConns)
	}

	hc := &http.Client{Timeout: 2 * time.Second}
	resp, err := hc.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatalf("scrape during the flood: %v", err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	want := fmt.Sprintf(`hostp2pd_http_connections_dropped_total{listener="metrics"} %d`, lim.Dropped())
	if resp.StatusCode != 200 || !strings.Contains(string(b), want) {
		t.Errorf("scrape: %d, want a body with %q:\n%.400s", resp.StatusCode, want, b)
	}
	hc.CloseIdleConnections()
}
