package daemon

import (
	"context"
	"testing"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/status"
	"github.com/hostp2pd/hostp2pd/wpactrl"
)

// AP-STA-* events delivered on both sockets while the loop takes over the
// group monitor: the device socket's copies were taken, the group socket's
// copies of the same events are not taken again, and what happens after
// (a real reconnection) still is. The flaky
// TestReplay_NegotiatedOnDemandExactCommands lost in this window: the
// phone's connect and disconnect, taken from the device socket, came back
// from the group socket as a second visit.
func TestStaCopies_HandoverToTheGroupMonitor(t *testing.T) {
	type ev struct {
		group bool // from the group socket (else the device socket)
		text  string
		ms    int // receive time
	}
	// The loop takes the group monitor over; the group socket's events
	// reach it only after that.
	const handover = -1
	cases := []struct {
		name          string
		evs           []ev
		conns, discon uint64
		clients       int
	}{
		{"the device copies first, the group copies after the handover", []ev{
			{false, evStaConn, 1}, {false, evStaDisc, 100}, {false, "", handover},
			{true, evStaConn, 0}, {true, evStaDisc, 101}}, 1, 1, 0},
		{"a reconnection after the handover is taken", []ev{
			{false, evStaConn, 1}, {false, evStaDisc, 100}, {false, "", handover},
			{true, evStaConn, 0}, {true, evStaDisc, 101}, {true, evStaConn, 3000}}, 2, 1, 1},
		{"the group monitor attached after the first visit", []ev{
			{false, evStaConn, 1}, {false, evStaDisc, 100}, {false, evStaConn, 200}, {false, "", handover},
			{true, evStaConn, 200}, {true, evStaDisc, 400}}, 2, 2, 0},
		{"group copies only: nothing taken before", []ev{
			{false, "", handover}, {true, evStaConn, 0}, {true, evStaDisc, 100}}, 1, 1, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := start(t, autonomous)
			h.want(dev, "P2P_GROUP_ADD")
			h.groupUp()
			h.eventually("group monitor", func(status.Status) bool {
				var ok bool
				_ = h.d.do(context.Background(), func(l *loop) error { ok = l.gmon != nil; return nil })
				return ok
			})
			t0 := time.Now()
			err := h.d.do(context.Background(), func(l *loop) error {
				l.sess.ResetStats()
				gmon := l.gmon
				l.gmon = nil // as before the loop took the monitor over
				for _, e := range tc.evs {
					if e.ms == handover {
						l.gmon = gmon
						continue
					}
					src := dev
					if e.group {
						src = "p2p-wlan0-0"
					}
					m := wpactrl.Message{Text: e.text, Time: t0.Add(time.Duration(e.ms) * time.Millisecond)}
					if err := l.event(context.Background(), src, m); err != nil {
						return err
					}
				}
				l.gmon = gmon
				h.d.publish(l, "connected")
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			st := h.d.Status()
			if c, d := st.Counters["AP-STA-CONNECTED"], st.Counters["AP-STA-DISCONNECTED"]; c != tc.conns || d != tc.discon {
				t.Errorf("taken %d AP-STA-CONNECTED, %d AP-STA-DISCONNECTED; want %d, %d", c, d, tc.conns, tc.discon)
			}
			if len(st.Clients) != tc.clients {
				t.Errorf("%d clients, want %d", len(st.Clients), tc.clients)
			}
		})
	}
}
