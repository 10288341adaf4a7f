package daemon

import (
	"time"

	"github.com/hostp2pd/hostp2pd/wpaevent"
)

// staCopies pairs the group socket's copies of AP-STA-CONNECTED and
// AP-STA-DISCONNECTED with the device socket's ones the loop already took.
//
// wpa_supplicant sends each of these events on the group socket and a copy
// on the P2P device socket (ap_sta_set_authorized, wpa_msg_no_global to
// msg_ctx_parent). The loop takes them from the device socket until it has
// the group monitor, and from the group socket after. Between the group
// monitor's ATTACH and the loop taking the monitor over, an event is
// delivered to both: the loop took it from the device socket, and the
// group monitor queued its own copy. The group stream is the same sequence
// from its ATTACH on, so each of its first events is the copy of one taken
// here, in order, received within moments of it (two sends of one event).
type staCopies struct {
	seen []staSeen
}

type staSeen struct {
	kind wpaevent.Kind
	addr wpaevent.MAC
	at   time.Time
}

const (
	// staCopyWithin bounds how far apart two copies of one event are
	// received (two datagrams sent back to back; the loop can be slow to
	// read them, never by this much).
	staCopyWithin = time.Second
	// staCopiesMax bounds what is remembered: a handful of events fit
	// between an ATTACH and the loop's next turn.
	staCopiesMax = 32
)

// taken records an event taken from the device socket.
func (c *staCopies) taken(ev wpaevent.Event, at time.Time) {
	if len(c.seen) == staCopiesMax {
		c.seen = c.seen[1:]
	}
	c.seen = append(c.seen, staSeen{kind: ev.Kind, addr: ev.Addr, at: at})
}

// copyOf reports whether ev, from the group socket, is the copy of an
// event already taken; the taken events before its match are forgotten
// (the group stream is in order: their copies came before, or never).
// Of several matches the one received closest in time is the copy.
func (c *staCopies) copyOf(ev wpaevent.Event, at time.Time) bool {
	best, bestD := -1, staCopyWithin+1
	for i, s := range c.seen {
		if s.kind != ev.Kind || s.addr != ev.Addr {
			continue
		}
		d := at.Sub(s.at).Abs()
		if d <= staCopyWithin && d < bestD {
			best, bestD = i, d
		}
	}
	if best < 0 {
		return false
	}
	c.seen = c.seen[best+1:]
	if len(c.seen) == 0 {
		c.seen = nil
	}
	return true
}
