package ctl_test

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/ctl"
	"github.com/hostp2pd/hostp2pd/internal/status/statustest"
)

// openFDs counts this process's open file descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot count file descriptors: %v", err)
	}
	return len(ents)
}

// flood opens n connections that send nothing, waits until the server
// has dropped wantDropped of them, then closes on our side those the
// server closed, and returns the ones still open (for closeAll).
func flood(t *testing.T, lim *ctl.Listener, dial func() (net.Conn, error), n int, wantDropped uint64) []net.Conn {
	t.Helper()
	conns := make([]net.Conn, 0, n)
	for range n {
		c, err := dial()
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		conns = append(conns, c)
	}
	deadline := time.Now().Add(5 * time.Second)
	for lim.Dropped() < wantDropped {
		if time.Now().After(deadline) {
			t.Fatalf("dropped %d connections, want %d", lim.Dropped(), wantDropped)
		}
		time.Sleep(5 * time.Millisecond)
	}
	var open []net.Conn
	buf := make([]byte, 1)
	for _, c := range conns {
		_ = c.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
		if _, err := c.Read(buf); errors.Is(err, io.EOF) {
			_ = c.Close()
			continue
		}
		open = append(open, c)
	}
	return open
}

func closeAll(conns []net.Conn) {
	for _, c := range conns {
		_ = c.Close()
	}
}

// TestProbeServe_IdleConnectionFlood replays the S3 probe on the control
// socket: MaxConns+50 connections that never send a request. The server
// keeps at most MaxConns of them (the oldest silent ones are closed and
// counted), a real request still gets its answer at once, and the open
// file descriptors stay bounded.
func TestProbeServe_IdleConnectionFlood(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "ctl.sock")
	l, err := ctl.Listen(path, "")
	if err != nil {
		t.Fatal(err)
	}
	lim := ctl.LimitListener(l, ctl.MaxConns)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ctl.Serve(ctx, lim, &statustest.Controller{Snapshot: sampleStatus()}, nil) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()

	before := openFDs(t)
	open := flood(t, lim, func() (net.Conn, error) { return net.Dial("unix", path) }, ctl.MaxConns+50, 50)
	defer closeAll(open) // before the server stops: Shutdown waits for silent connections
	if n := lim.Open(); n > ctl.MaxConns {
		t.Errorf("server holds %d connections, cap %d", n, ctl.MaxConns)
	}
	if len(open) > ctl.MaxConns {
		t.Errorf("%d flood connections still open, cap %d", len(open), ctl.MaxConns)
	}
	// Ours and the server's ends of at most MaxConns connections, plus a
	// few for the runtime.
	if grown := openFDs(t) - before; grown > 2*ctl.MaxConns+8 {
		t.Errorf("open fds grew by %d with a cap of %d connections", grown, ctl.MaxConns)
	}
	start := time.Now()
	c := ctl.NewClient(path)
	defer c.Close()
	rctx, rcancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer rcancel()
	st, err := c.Status(rctx)
	if err != nil || st.Interface != "p2p-dev-wlan0" {
		t.Fatalf("status during the flood: %v, %v", st.Interface, err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("status took %v during the flood", d)
	}
}

// TestLimitListener_BusyConnectionsAreKept: when every connection is in a
// request, a new one is closed instead, and counted.
func TestLimitListener_BusyConnectionsAreKept(t *testing.T) {
	t.Parallel()
	inner, err := net.Listen("unix", filepath.Join(t.TempDir(), "l.sock"))
	if err != nil {
		t.Fatal(err)
	}
	lim := ctl.LimitListener(inner, 1)
	defer func() { _ = lim.Close() }()
	addr := inner.Addr().String()
	c1, err := net.Dial("unix", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c1.Close() }()
	s1, err := lim.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s1.Close() }()
	lim.ConnState(s1, 1 /* http.StateActive */)
	c2, err := net.Dial("unix", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c2.Close() }()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := lim.Accept()
		if err == nil {
			accepted <- c
		}
	}()
	_ = c2.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := c2.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Errorf("new connection at the cap with the old one busy: read = %v, want EOF", err)
	}
	if lim.Dropped() != 1 || lim.Open() != 1 {
		t.Errorf("dropped %d open %d, want 1 1", lim.Dropped(), lim.Open())
	}
	_ = c1.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	if _, err := c1.Read(make([]byte, 1)); errors.Is(err, io.EOF) {
		t.Error("the busy connection was closed")
	}
	_ = lim.Close()
	select {
	case c := <-accepted:
		_ = c.Close()
		t.Error("Accept returned a connection past the cap")
	case <-time.After(50 * time.Millisecond):
	}
}

// TestProbeServe_StalledHeaderIsClosed: a client that sends half a request
// header and stops is closed by the header timeout (5 s), not kept for
// ever; one that sends an oversized header gets 431.
func TestProbeServe_StalledHeaderIsClosed(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "ctl.sock")
	l, err := ctl.Listen(path, "")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ctl.Serve(ctx, l, &statustest.Controller{}, nil) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()

	c, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	if _, err := c.Write([]byte("GET /v1/status HTTP/1.1\r\nHost: x\r\nX-Slow: ")); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err = io.ReadAll(c)
	if err != nil || time.Since(start) > 7*time.Second {
		t.Errorf("stalled header: read ended after %v with %v; want EOF within the 5 s header timeout", time.Since(start), err)
	}

	big, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = big.Close() }()
	req := "GET /v1/status HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 64<<10) + "\r\n\r\n"
	go func() { _, _ = big.Write([]byte(req)) }()
	_ = big.SetReadDeadline(time.Now().Add(5 * time.Second))
	b := make([]byte, 64)
	n, _ := io.ReadAtLeast(big, b, 12)
	if !strings.HasPrefix(string(b[:n]), "HTTP/1.1 431") {
		t.Errorf("oversized header: answer %q, want 431", b[:n])
	}
}
