package p2p

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/status"
	"github.com/hostp2pd/hostp2pd/wpaevent"
)

// rearmPIN: a fresh wildcard copy of the fixed PIN for phones in flight.
var rearmPIN = grpCmd("WPS_PIN any 12345670 15", TagNone)

var stopRider = StopTimer{Name: timerRider}

func riderTimer(d time.Duration) ArmTimer { return ArmTimer{Name: timerRider, After: d} }

// registrar models wpa_supplicant 2.10's wildcard PINs (src/wps/wps_registrar.c):
// WPS_PIN any adds a copy after removing one unlocked copy
// (wps_registrar_add_pin -> wps_registrar_invalidate_unused); an enrollee
// locks an unlocked copy or is answered M2D + WPS-PIN-NEEDED
// (wps_registrar_get_pin: "Selected PIN locked"); success removes its copy
// and one more wildcard, an unlocked one first in the list being the newest
// (wps_registrar_complete -> wps_registrar_invalidate_wildcard_pin);
// WPS_CANCEL removes one.
type registrar struct{ unlocked, locked int }

func (r *registrar) do(c string) {
	switch {
	case strings.HasPrefix(c, "p2p-wlan0-0:WPS_PIN any "):
		if r.unlocked == 0 {
			r.unlocked = 1
		}
	case c == "p2p-wlan0-0:WPS_CANCEL":
		if r.unlocked > 0 {
			r.unlocked--
		} else if r.locked > 0 {
			r.locked--
		}
	}
}

// A crowd of keypad phones asks at once; some vanish mid-WPS (lock a copy,
// never finish). The phones that stay all join within a few seconds (each
// with its own copy of the PIN), while the serial registrar queue made
// each wait out every vanished phone before it; each vanished phone is
// timed out on its own, counted, and the PIN is cancelled at the end.
func TestCrowd_VanishingEnrolleesTimedOutPerEnrollee(t *testing.T) {
	for _, tc := range []struct {
		phones int
		vanish map[int]bool
	}{
		{phones: 8, vanish: map[int]bool{}},
		{phones: 8, vanish: map[int]bool{1: true, 2: true, 3: true}},
		{phones: 8, vanish: map[int]bool{2: true, 4: true, 6: true, 8: true}},
		{phones: 16, vanish: map[int]bool{1: true, 5: true, 9: true, 16: true}},
		{phones: 32, vanish: map[int]bool{3: true, 30: true}},
	} {
		t.Run(fmt.Sprintf("%d phones %d vanish", tc.phones, len(tc.vanish)), func(t *testing.T) {
			s := upAutonomous(t, "pbc_in_use: false\nwps_method: keypad\npin: \"12345670\"")
			now := t0
			dev := func(i int) string { return fmt.Sprintf("42:00:00:00:%02x:00", i) }
			sta := func(i int) string { return fmt.Sprintf("46:00:00:00:%02x:00", i) }
			reg := &registrar{}
			timers := map[Timer]time.Time{}
			cancels := 0
			do := func(a []Action) {
				applyTimers(timers, now, a)
				for _, c := range cmds(a) {
					reg.do(c)
					if c == "p2p-wlan0-0:WPS_CANCEL" {
						cancels++
					}
				}
			}
			for i := 1; i <= tc.phones; i++ {
				do(s.HandleEvent("p2p-dev-wlan0", ev(fmt.Sprintf("P2P-PROV-DISC-SHOW-PIN %s 87654321 p2p_dev_addr=%s pri_dev_type=1-0050F204-1 name='p%d' config_methods=0x188 dev_capab=0x25 group_capab=0x0", dev(i), dev(i), i)), now))
			}
			// Every 500 ms each phone not in a WPS run tries: it locks a copy,
			// or gets WPS-PIN-NEEDED. A run that locked a copy completes one
			// step later, except for the phones that vanish.
			running := map[int]bool{}
			joined := map[int]time.Duration{}
			gone := map[int]bool{}
			for step := 0; step < 40; step++ {
				now = now.Add(500 * time.Millisecond)
				for i := 1; i <= tc.phones; i++ {
					if running[i] && !tc.vanish[i] {
						running[i] = false
						reg.locked--
						if reg.unlocked > 0 {
							reg.unlocked--
						}
						do(s.HandleEvent("p2p-wlan0-0", ev("WPS-REG-SUCCESS "+sta(i)+" 572cf82f-c957-5653-9b16-b5cfb298abf1"), now))
						do(s.HandleEvent("p2p-wlan0-0", ev("AP-STA-CONNECTED "+sta(i)+" p2p_dev_addr="+dev(i)), now))
						joined[i] = now.Sub(t0)
					}
				}
				for i := 1; i <= tc.phones; i++ {
					if running[i] || gone[i] || joined[i] > 0 {
						continue
					}
					if reg.unlocked == 0 {
						do(s.HandleEvent("p2p-wlan0-0", ev("WPS-PIN-NEEDED 572cf82f-c957-5653-9b16-b5cfb298abf1 "+sta(i)+" [p|||||]"), now))
						continue
					}
					reg.unlocked--
					reg.locked++
					running[i] = true
					gone[i] = tc.vanish[i]
				}
			}
			// Then the timers of the vanished phones fire.
			for len(timers) > 0 {
				var name Timer
				for n, at := range timers {
					if name == 0 || at.Before(timers[name]) {
						name = n
					}
				}
				now = timers[name]
				delete(timers, name)
				do(s.HandleTimer(name, now))
			}
			for i := 1; i <= tc.phones; i++ {
				if !tc.vanish[i] && (joined[i] == 0 || joined[i] > 10*time.Second) {
					t.Errorf("phone %d joined after %v, want within 10 s", i, joined[i])
				}
			}
			if want := tc.phones - len(tc.vanish); len(joined) != want || len(s.clients) != want {
				t.Errorf("joined %d, clients %d; want %d", len(joined), len(s.clients), want)
			}
			if s.counters["enrol_expired"] != 0 {
				t.Errorf("enrol_expired = %d: a phone that stayed lost its turn to vanished ones", s.counters["enrol_expired"])
			}
			for _, k := range []string{"enrol_timeouts", "enrol_vanished"} {
				if got := s.counters[k]; got != uint64(len(tc.vanish)) {
					t.Errorf("%s = %d, want %d (one per vanished phone)", k, got, len(tc.vanish))
				}
			}
			if s.armed != nil || len(s.queue) != 0 || len(s.riders) != 0 {
				t.Errorf("left armed %v, queue %d, riders %d", s.armed, len(s.queue), len(s.riders))
			}
			if cancels == 0 && reg.unlocked > 0 {
				t.Errorf("a copy of the PIN is left armed and never cancelled")
			}
			var st status.Status
			s.Snapshot(&st, nil)
			if st.Counters["enrol_timeouts"] != uint64(len(tc.vanish)) {
				t.Errorf("status counters: enrol_timeouts = %d", st.Counters["enrol_timeouts"])
			}
		})
	}
}

// Over D-Bus the registrar events never come (no WPS-PIN-NEEDED,
// WPS-REG-SUCCESS, WPS-ENROLLEE-SEEN): provision discovery and
// AP-STA-CONNECTED still re-arm, and every enrolment ends by its
// connection or its own deadline.
func TestCrowd_NoRegistrarEvents(t *testing.T) {
	s := upAutonomous(t, "pbc_in_use: false\nwps_method: keypad\npin: \"12345670\"")
	now := t0
	for i := 1; i <= 4; i++ {
		s.HandleEvent("p2p-dev-wlan0", ev(fmt.Sprintf("P2P-PROV-DISC-SHOW-PIN 42:00:00:00:%02x:00 87654321 p2p_dev_addr=42:00:00:00:%02x:00 name='p%d' config_methods=0x188", i, i, i)), now)
	}
	now = now.Add(2 * time.Second)
	a := s.HandleEvent("p2p-wlan0-0", ev("AP-STA-CONNECTED 46:00:00:00:03:00 p2p_dev_addr=42:00:00:00:03:00"), now)
	if !strings.Contains(strings.Join(cmds(a), "\n"), "WPS_PIN any 12345670") {
		t.Errorf("a rider joined without a copy armed again: %v", cmds(a))
	}
	// Phones 1, 2 and 4 never connect: all time out at their deadline.
	now = t0.Add(pinArmTimeout)
	s.HandleTimer(timerRider, now)
	a = s.HandleTimer(timerEnrol, now)
	if s.armed != nil || len(s.riders) != 0 || len(s.queue) != 0 {
		t.Fatalf("stuck: armed %v, riders %d, queue %d", s.armed, len(s.riders), len(s.queue))
	}
	if !strings.Contains(strings.Join(cmds(a), "\n"), "WPS_CANCEL") {
		t.Errorf("the last timeout did not cancel the PIN: %v", cmds(a))
	}
	if got := s.counters["enrol_timeouts"]; got != 3 {
		t.Errorf("enrol_timeouts = %d, want 3", got)
	}
}

// BenchmarkEventCost is the per-event cost of the session against an oracle
// in the same run: the reflex client's work for the same event (parse the
// line, build the answer). It also reports what a status snapshot after
// every event would add (the daemon publishes one per loop turn), with 8
// clients and 30 peers known.
func BenchmarkEventCost(b *testing.B) {
	s := upAutonomous(b, "pbc_in_use: false\nwps_method: keypad\npin: \"12345670\"")
	for i := 1; i <= 8; i++ {
		s.HandleEvent("p2p-wlan0-0", ev(fmt.Sprintf("AP-STA-CONNECTED 46:00:00:00:%02x:01 p2p_dev_addr=42:00:00:00:%02x:01", i, i)), t0)
	}
	for i := 1; i <= 30; i++ {
		s.HandleEvent("p2p-dev-wlan0", ev(fmt.Sprintf("P2P-DEVICE-FOUND 42:00:00:00:%02x:02 p2p_dev_addr=42:00:00:00:%02x:02 pri_dev_type=10-0050F204-5 name='p%d' config_methods=0x188 dev_capab=0x25 group_capab=0x0", i, i, i)), t0)
	}
	lines := []string{
		"<3>P2P-PROV-DISC-SHOW-PIN 42:00:00:00:01:00 87654321 p2p_dev_addr=42:00:00:00:01:00 pri_dev_type=1-0050F204-1 name='a' config_methods=0x188 dev_capab=0x25 group_capab=0x0",
		"<3>WPS-REG-SUCCESS 46:00:00:00:01:00 572cf82f-c957-5653-9b16-b5cfb298abf1",
		"<3>AP-STA-CONNECTED 46:00:00:00:01:00 p2p_dev_addr=42:00:00:00:01:00",
		"<3>AP-STA-DISCONNECTED 46:00:00:00:01:00 p2p_dev_addr=42:00:00:00:01:00",
	}
	srcs := []string{"p2p-dev-wlan0", "p2p-wlan0-0", "p2p-wlan0-0", "p2p-wlan0-0"}
	var dSess, dSnap, dReflex time.Duration
	var st status.Status
	var sink int
	now := t0
	b.ReportAllocs()
	for b.Loop() {
		now = now.Add(time.Minute)
		t := time.Now()
		for i, l := range lines {
			sink += len(s.HandleEvent(srcs[i], wpaevent.Parse(l), now))
		}
		t1 := time.Now()
		for range lines {
			s.Snapshot(&st, nil)
		}
		t2 := time.Now()
		for _, l := range lines {
			e := wpaevent.Parse(l)
			if e.Kind == wpaevent.ProvDiscShowPIN {
				sink += len("WPS_PIN any " + "12345670" + e.Addr.String())
			}
		}
		t3 := time.Now()
		dSess, dSnap, dReflex = dSess+t1.Sub(t), dSnap+t2.Sub(t1), dReflex+t3.Sub(t2)
	}
	n := float64(b.N * len(lines))
	b.ReportMetric(float64(dSess.Nanoseconds())/n, "ns/event")
	b.ReportMetric(float64(dReflex.Nanoseconds())/n, "oracle-ns/event")
	b.ReportMetric(float64(dSess)/float64(dReflex), "ratio")
	b.ReportMetric(float64(dSnap.Nanoseconds())/n, "snapshot-ns/event")
	if sink < 0 {
		b.Fatal(sink)
	}
}

// The snapshot is built after every event: ordering the clients must not
// format their addresses (it allocated two strings per comparison).
func TestSortedClientsAllocatesOnlyTheSlice(t *testing.T) {
	s := upAutonomous(t, "pbc_in_use: true")
	for i := 16; i >= 1; i-- {
		s.HandleEvent("p2p-wlan0-0", ev(fmt.Sprintf("AP-STA-CONNECTED 46:00:00:00:%02x:01 p2p_dev_addr=42:00:00:00:%02x:01", i, i)), t0)
	}
	if n := testing.AllocsPerRun(50, func() { s.sortedClients() }); n > 1 {
		t.Errorf("sortedClients: %.0f allocations for 16 clients, want 1", n)
	}
	cs := s.sortedClients()
	for i := 1; i < len(cs); i++ {
		if cs[i-1].iface.String() >= cs[i].iface.String() {
			t.Errorf("clients joined together out of address order: %s before %s", cs[i-1].iface, cs[i].iface)
		}
	}
}

// A crowd asking for the configured PIN enrols in parallel: each
// WPS-PIN-NEEDED (an enrollee found the armed copy locked by another, the
// registrar's "Selected PIN locked") arms one more copy, with an expiry,
// while phones that asked for that PIN still wait; every phone that joins
// out of turn leaves the queue. Other methods and a lone phone get no copy.
func TestCrowd_SharedPINCopyOnPINNeeded(t *testing.T) {
	const pinNeeded = "WPS-PIN-NEEDED a134bcd4-edf6-548b-87e5-49d3aedf9b60 46:00:00:00:02:00 [ | | | | |0-00000000-0]"
	dev := func(i int) string { return fmt.Sprintf("42:00:00:00:%02x:00", i) }
	sta := func(i int) string { return fmt.Sprintf("46:00:00:00:%02x:00", i) }
	ask := func(s *Session, i int) []Action {
		return s.HandleEvent("p2p-dev-wlan0", ev(fmt.Sprintf("P2P-PROV-DISC-SHOW-PIN %s 87654321 p2p_dev_addr=%s pri_dev_type=1-0050F204-1 name='p%d' config_methods=0x188 dev_capab=0x25 group_capab=0x0", dev(i), dev(i), i)), t0)
	}
	copies := func(a []Action) (n int) {
		for _, c := range cmds(a) {
			if c == "p2p-wlan0-0:WPS_PIN any 12345670 15" {
				n++
			}
		}
		return n
	}
	for _, tc := range []struct {
		name, yml string
		phones    int
		want      int // copies on one WPS-PIN-NEEDED
	}{
		{"fixed PIN, 8 phones", "pbc_in_use: false\nwps_method: keypad\npin: \"12345670\"", 8, 1},
		{"fixed PIN, one phone", "pbc_in_use: false\nwps_method: keypad\npin: \"12345670\"", 1, 0},
		{"random PIN per phone", "wps_method: random\npin: \"\"", 3, 0},
		{"display PIN", "pbc_in_use: false\nwps_method: display", 3, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := upAutonomous(t, tc.yml)
			for i := 1; i <= tc.phones; i++ {
				ask(s, i)
			}
			if got := copies(s.HandleEvent("p2p-wlan0-0", ev(pinNeeded), t0.Add(time.Second))); got != tc.want {
				t.Fatalf("copies armed on WPS-PIN-NEEDED = %d, want %d", got, tc.want)
			}
			if tc.want == 0 {
				return
			}
			// Phones 2..8 each enrol with a copy while phone 1 (armed) is
			// still in WPS; then phone 1 finishes.
			now := t0.Add(2 * time.Second)
			for i := 2; i <= tc.phones; i++ {
				s.HandleEvent("p2p-wlan0-0", ev(pinNeeded), now)
				s.HandleEvent("p2p-wlan0-0", ev("WPS-REG-SUCCESS "+sta(i)+" 572cf82f-c957-5653-9b16-b5cfb298abf1"), now)
				s.HandleEvent("p2p-wlan0-0", ev("AP-STA-CONNECTED "+sta(i)+" p2p_dev_addr="+dev(i)), now)
				now = now.Add(100 * time.Millisecond)
			}
			s.HandleEvent("p2p-wlan0-0", ev("WPS-REG-SUCCESS "+sta(1)+" 572cf82f-c957-5653-9b16-b5cfb298abf1"), now)
			s.HandleEvent("p2p-wlan0-0", ev("AP-STA-CONNECTED "+sta(1)+" p2p_dev_addr="+dev(1)), now)
			if len(s.clients) != tc.phones || s.armed != nil || len(s.queue) != 0 {
				t.Errorf("clients %d (want %d), armed %v, queue %d", len(s.clients), tc.phones, s.armed, len(s.queue))
			}
			// The last phone to wait got its copy; nobody waits now: no more copies.
			if got := copies(s.HandleEvent("p2p-wlan0-0", ev(pinNeeded), now)); got != 0 {
				t.Errorf("a copy armed with nobody waiting")
			}
			if s.counters["wps_pin_shared"] < uint64(tc.phones-1) {
				t.Errorf("wps_pin_shared = %d, want >= %d", s.counters["wps_pin_shared"], tc.phones-1)
			}
		})
	}
}

// headRegistrar models the order of wpa_supplicant 2.10's wildcard copies
// (src/wps/wps_registrar.c), head first: WPS_PIN any removes the first
// unassigned unlocked copy (wps_registrar_invalidate_unused) and adds a new
// one at the head (dl_list_add); an M1 takes the FIRST copy, assigns it the
// enrollee's UUID and locks it, or answers M2D if that copy is already
// locked (wps_registrar_get_pin); a success removes the first copy with the
// enrollee's UUID (wps_registrar_invalidate_pin) and then the first
// wildcard (wps_registrar_complete -> wps_registrar_invalidate_wildcard_pin).
type headRegistrar struct{ copies []pinCopy }

type pinCopy struct {
	uuid   int // 0: not assigned
	locked bool
}

func (r *headRegistrar) add() {
	for i, c := range r.copies {
		if c.uuid == 0 && !c.locked {
			r.copies = append(r.copies[:i], r.copies[i+1:]...)
			break
		}
	}
	r.copies = append([]pinCopy{{}}, r.copies...)
}

// m1 reports whether the enrollee got a copy (false: M2D).
func (r *headRegistrar) m1(uuid int) bool {
	if len(r.copies) == 0 {
		return false
	}
	r.copies[0].uuid = uuid
	if r.copies[0].locked {
		return false
	}
	r.copies[0].locked = true
	return true
}

func (r *headRegistrar) success(uuid int) {
	for i, c := range r.copies {
		if c.uuid == uuid {
			r.copies = append(r.copies[:i], r.copies[i+1:]...)
			break
		}
	}
	if len(r.copies) > 0 {
		r.copies = r.copies[1:]
	}
}

// A crowd's M1 messages come 30-110 ms apart, each about 250 ms after its
// CTRL-EVENT-EAP-STARTED (lab, 8 phones, TCG). Every M1 locks the newest
// copy without an event, so without the re-arm on EAP start most phones
// after the first find the copy locked (M2D; a real phone then spends a
// 3.7 s full scan before it tries again). With it, every M1 finds a fresh
// copy, and the re-arming stops once no M1 is due.
func TestCrowd_EveryDueM1FindsAFreshCopy(t *testing.T) {
	gaps := []time.Duration{0, 40, 110, 30, 75, 35, 90, 50} // ms between M1s
	run := func(t *testing.T, deliverEAP bool) (m2d int, s *Session, copies int) {
		s = upAutonomous(t, "pbc_in_use: false\nwps_method: keypad\npin: \"12345670\"")
		dev := func(i int) string { return fmt.Sprintf("42:00:00:00:%02x:00", i) }
		sta := func(i int) string { return fmt.Sprintf("46:00:00:00:%02x:00", i) }
		reg := &headRegistrar{}
		now := t0
		timers := map[Timer]time.Time{}
		do := func(a []Action) {
			applyTimers(timers, now, a)
			for _, c := range cmds(a) {
				if strings.HasPrefix(c, "p2p-wlan0-0:WPS_PIN any 12345670") {
					reg.add()
					copies++
				}
			}
		}
		type step struct {
			at time.Time
			f  func()
		}
		var plan []step
		at := func(d time.Duration, f func()) { plan = append(plan, step{now.Add(d), f}) }
		for i := 1; i <= len(gaps); i++ {
			do(s.HandleEvent("p2p-dev-wlan0", ev(fmt.Sprintf("P2P-PROV-DISC-SHOW-PIN %s 87654321 p2p_dev_addr=%s pri_dev_type=1-0050F204-1 name='p%d' config_methods=0x188 dev_capab=0x25 group_capab=0x0", dev(i), dev(i), i)), now))
		}
		m1 := 2 * time.Second
		for i := 1; i <= len(gaps); i++ {
			i := i
			m1 += gaps[i-1] * time.Millisecond
			if deliverEAP {
				at(m1-250*time.Millisecond, func() { do(s.HandleEvent("p2p-wlan0-0", ev("CTRL-EVENT-EAP-STARTED "+sta(i)), now)) })
			}
			at(m1, func() {
				if !reg.m1(i) {
					m2d++
					do(s.HandleEvent("p2p-wlan0-0", ev(fmt.Sprintf("WPS-PIN-NEEDED 572cf82f-c957-5653-9b16-b5cfb298ab%02x %s [ | | | | |0-00000000-0]", i, sta(i))), now))
					return
				}
				at(150*time.Millisecond, func() {
					reg.success(i)
					do(s.HandleEvent("p2p-wlan0-0", ev(fmt.Sprintf("WPS-REG-SUCCESS %s 572cf82f-c957-5653-9b16-b5cfb298ab%02x", sta(i), i)), now))
				})
				at(300*time.Millisecond, func() {
					do(s.HandleEvent("p2p-wlan0-0", ev("AP-STA-CONNECTED "+sta(i)+" p2p_dev_addr="+dev(i)), now))
				})
			})
		}
		for n := 0; n < 10000 && (len(plan) > 0 || len(timers) > 0); n++ {
			next, isTimer, name := -1, false, Timer(0)
			for j, p := range plan {
				if next < 0 || p.at.Before(plan[next].at) {
					next = j
				}
			}
			for tn, ta := range timers {
				if (next < 0 && !isTimer) || (isTimer && ta.Before(timers[name])) || (!isTimer && next >= 0 && ta.Before(plan[next].at)) {
					isTimer, name = true, tn
				}
			}
			if isTimer {
				now = timers[name]
				delete(timers, name)
				if name == timerRider || name == timerEnrol {
					continue // the phones' deadlines are not part of this run
				}
				do(s.HandleTimer(name, now))
				continue
			}
			p := plan[next]
			plan = append(plan[:next], plan[next+1:]...)
			now = p.at
			p.f()
		}
		return m2d, s, copies
	}
	t.Run("re-armed on EAP start", func(t *testing.T) {
		m2d, s, copies := run(t, true)
		t.Logf("M2D %d, copies armed %d", m2d, copies)
		if m2d != 0 {
			t.Errorf("%d of %d phones got M2D although each EAP start was seen", m2d, len(gaps))
		}
		if len(s.clients) != len(gaps) {
			t.Errorf("clients %d, want %d", len(s.clients), len(gaps))
		}
		if len(s.inEAP) != 0 {
			t.Errorf("%d enrollees still due after all ended", len(s.inEAP))
		}
		// The window is bounded: from the first EAP start to the last
		// outcome (about 0.7 s here) at one copy per rearmFast.
		if max := 2 + int((900*time.Millisecond)/rearmFast) + 3*len(gaps); copies > max {
			t.Errorf("%d copies armed, want at most %d", copies, max)
		}
	})
	t.Run("without EAP start (the model can fail)", func(t *testing.T) {
		m2d, _, copies := run(t, false)
		t.Logf("M2D %d, copies armed %d", m2d, copies)
		if m2d == 0 {
			t.Errorf("no M2D without the EAP-start re-arm: the registrar model does not lock")
		}
	})
}

// One due M1 needs only the copy armed at its EAP start: no 25 ms ticks;
// the second due M1 starts them, and they stop when one is left.
func TestCrowd_RearmTicksOnlyWhileTwoM1sAreDue(t *testing.T) {
	s := upAutonomous(t, "pbc_in_use: false\nwps_method: keypad\npin: \"12345670\"")
	for i := 1; i <= 3; i++ {
		s.HandleEvent("p2p-dev-wlan0", ev(fmt.Sprintf("P2P-PROV-DISC-SHOW-PIN 42:00:00:00:%02x:00 87654321 p2p_dev_addr=42:00:00:00:%02x:00 name='p%d' config_methods=0x188", i, i, i)), t0)
	}
	now := t0.Add(2 * time.Second)
	tick := ArmTimer{Name: timerRearm, After: rearmFast}
	a := s.HandleEvent("p2p-wlan0-0", ev("CTRL-EVENT-EAP-STARTED 46:00:00:00:01:00"), now)
	if !slices.Contains(a, Action(rearmPIN)) || slices.Contains(a, Action(tick)) {
		t.Fatalf("first EAP start: %v, want one copy and no tick", a)
	}
	now = now.Add(100 * time.Millisecond)
	a = s.HandleEvent("p2p-wlan0-0", ev("CTRL-EVENT-EAP-STARTED 46:00:00:00:02:00"), now)
	if !slices.Contains(a, Action(rearmPIN)) || !slices.Contains(a, Action(tick)) {
		t.Fatalf("second EAP start: %v, want a copy and the tick", a)
	}
	now = now.Add(rearmFast)
	if a := s.HandleTimer(timerRearm, now); !slices.Contains(a, Action(rearmPIN)) || !slices.Contains(a, Action(tick)) {
		t.Fatalf("tick with two due: %v", a)
	}
	s.HandleEvent("p2p-wlan0-0", ev("WPS-REG-SUCCESS 46:00:00:00:01:00 572cf82f-c957-5653-9b16-b5cfb298abf1"), now)
	now = now.Add(rearmFast)
	if a := s.HandleTimer(timerRearm, now); len(a) != 0 {
		t.Errorf("tick with one due: %v, want nothing", a)
	}
	if s.counters["wps_pin_shared"] == 0 {
		t.Errorf("wps_pin_shared not counted")
	}
}

// applyTimers keeps the session's armed timers in timers, by when they fire.
func applyTimers(timers map[Timer]time.Time, now time.Time, a []Action) {
	for _, x := range a {
		switch x := x.(type) {
		case ArmTimer:
			timers[x.Name] = now.Add(x.After)
		case StopTimer:
			delete(timers, x.Name)
		}
	}
}
