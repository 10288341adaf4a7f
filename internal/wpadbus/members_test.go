package wpadbus

import (
	"testing"

	"github.com/hostp2pd/hostp2pd/wpaevent"
)

func TestMemberTracker_OneNewMemberIsTheStation(t *testing.T) {
	a, b, c := wpaevent.MAC{0xa}, wpaevent.MAC{0xb}, wpaevent.MAC{0xc}
	staA, staB, staL, staC := wpaevent.MAC{2, 0xa}, wpaevent.MAC{2, 0xb}, wpaevent.MAC{2, 0x1e}, wpaevent.MAC{2, 0xc}
	m := newMemberTracker()
	step := func(name string, got wpaevent.MAC, ok bool, want wpaevent.MAC, wantOK bool) {
		t.Helper()
		if got != want || ok != wantOK {
			t.Errorf("%s: got %v %v, want %v %v", name, got, ok, want, wantOK)
		}
	}
	d, ok := m.connected(staA, []wpaevent.MAC{a})
	step("first phone", d, ok, a, true)
	d, ok = m.connected(staL, []wpaevent.MAC{a}) // a legacy station: no new member
	step("legacy station", d, ok, wpaevent.MAC{}, false)
	d, ok = m.connected(staB, []wpaevent.MAC{a, b})
	step("second phone", d, ok, b, true)
	d, ok = m.disconnected(staA)
	step("first phone leaves", d, ok, a, true)
	d, ok = m.disconnected(staL)
	step("legacy leaves", d, ok, wpaevent.MAC{}, false)
	// a comes back while a is still listed (Members not yet updated) and c
	// is new: a was forgotten at its disconnect, so both are new → no guess.
	d, ok = m.connected(staC, []wpaevent.MAC{a, b, c})
	step("two new at once", d, ok, wpaevent.MAC{}, false)
}
