package main

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/status"
)

// TestSystemdStatus_SendsOnlyChanges: the STATUS= line goes to systemd
// when it changed, not at every look: an idle daemon sends nothing.
func TestSystemdStatus_SendsOnlyChanges(t *testing.T) {
	var mu sync.Mutex
	st := status.Status{Interface: "p2p-dev-wlan0", State: "group"}
	looks := 0
	get := func() status.Status {
		mu.Lock()
		defer mu.Unlock()
		looks++
		switch looks {
		case 5: // a group comes up after four looks
			st.Group = &status.Group{Iface: "p2p-wlan0-0"}
		case 10: // and a client joins
			st.Clients = []status.Client{{}}
		}
		return st
	}
	sent := make(chan string, 100)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		systemdStatus(ctx, time.Millisecond, get, func(s string) error { sent <- s; return nil })
	}()
	for {
		mu.Lock()
		n := looks
		mu.Unlock()
		if n >= 20 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	close(sent)
	var got []string
	for s := range sent {
		got = append(got, s)
	}
	want := []string{
		"p2p-dev-wlan0: group, no group",
		"p2p-dev-wlan0: group, group p2p-wlan0-0 up, 0 clients",
		"p2p-dev-wlan0: group, group p2p-wlan0-0 up, 1 clients",
	}
	if len(got) != len(want) {
		t.Fatalf("sent %d lines in 20 looks, want %d: %q", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d = %q, want %q", i, got[i], want[i])
		}
	}
}
