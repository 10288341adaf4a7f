//go:build linux

// nclient4 builds only on Linux.

package dhcpd

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/nclient4"
)

func TestServer_DORAWithNClient4(t *testing.T) {
	clk := newFakeClock()
	acked := make(chan Lease, 1)
	ts := startServerWith(t, baseConfig(), func(s *Server) {
		s.OnLease(func(l Lease) { acked <- l })
	}, WithClock(clk.Now))

	c, err := nclient4.NewWithConn(ts.client, macA, nclient4.WithServerAddr(ts.addr),
		nclient4.WithTimeout(2*time.Second), nclient4.WithRetry(1))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	lease, err := c.Request(ctx, dhcpv4.WithOption(dhcpv4.OptHostName("Pixel 7")))
	if err != nil {
		t.Fatalf("DORA: %v", err)
	}

	want := replyInfo{
		Type:      "ACK",
		YIAddr:    ip("192.168.49.2"),
		ServerID:  ip("192.168.49.1"),
		Mask:      "255.255.255.0",
		LeaseTime: time.Hour,
		T1:        30 * time.Minute,
		T2:        52*time.Minute + 30*time.Second,
	}
	if diff := cmp.Diff(want, infoOf(lease.ACK), cmpOpts()); diff != "" {
		t.Errorf("ACK (-want +got):\n%s", diff)
	}
	want.Type = "OFFER"
	if diff := cmp.Diff(want, infoOf(lease.Offer), cmpOpts()); diff != "" {
		t.Errorf("OFFER (-want +got):\n%s", diff)
	}

	wantLease := Lease{MAC: macA, IP: ip("192.168.49.2"), Hostname: "Pixel 7", Expiry: clk.Now().Add(time.Hour)}
	if diff := cmp.Diff([]Lease{wantLease}, ts.Leases(), cmpOpts()); diff != "" {
		t.Errorf("Leases (-want +got):\n%s", diff)
	}
	select {
	case got := <-acked:
		if diff := cmp.Diff(wantLease, got, cmpOpts()); diff != "" {
			t.Errorf("OnLease (-want +got):\n%s", diff)
		}
	case <-time.After(2 * time.Second):
		t.Error("OnLease was not called")
	}
	if logs := ts.logs.String(); !strings.Contains(logs, `hostname="Pixel 7"`) {
		t.Errorf("peer-supplied hostname is not a quoted attribute in logs:\n%s", logs)
	}
}
