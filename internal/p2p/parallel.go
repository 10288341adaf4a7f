package p2p

// Parallel fixed-PIN enrolment: several phones typing the configured PIN
// enrol at once.
//
// What wpa_supplicant 2.10's registrar (src/wps/wps_registrar.c) allows:
//   - On a GO, WPS_PIN any <pin> [timeout] always adds a wildcard PIN
//     (wpa_supplicant/ap.c wpa_supplicant_ap_wps_pin calls
//     hostapd_wps_add_pin(..., "any", pin, timeout)); a per-UUID PIN is not
//     reachable through wpa_supplicant's control interface.
//   - wps_registrar_add_pin with a NULL uuid calls
//     wps_registrar_invalidate_unused, which removes only one unlocked
//     wildcard (wildcard_uuid == 1, !PIN_LOCKED), and puts the new PIN at
//     the head of the list.
//   - wps_registrar_get_pin takes the first wildcard with wildcard_uuid 1
//     or 2 and locks it (PIN_LOCKED, wildcard_uuid++). When it is locked by
//     another enrollee: "Selected PIN locked" -> M2D, EAP-Failure, the GO
//     emits WPS-PIN-NEEDED and the phone retries.
//   - On success wps_process_e_snonce2 invalidates the enrollee's copy
//     (wps_registrar_invalidate_pin by UUID-E) and wps_registrar_complete
//     clears selected_registrar (wps_registrar_pin_completed) and removes
//     one more wildcard with that PIN (wps_registrar_invalidate_wildcard_pin).
//   - WPS_CANCEL (wps_registrar_wps_cancel) removes one wildcard too.
//
//   - get_pin takes the FIRST wildcard in the list, locked or not: a copy
//     locked by one enrollee shadows any older unlocked copy, so the next
//     M1 needs a copy added after the previous M1.
//
// So each enrollee can hold its own locked copy: re-arming WPS_PIN any
// once the current copy is locked (WPS-PIN-NEEDED, WPS-ENROLLEE-SEEN, a new
// provision discovery, WPS-REG-SUCCESS, AP-STA-CONNECTED, and every
// rearmFast while M1s are due after CTRL-EVENT-EAP-STARTED) lets the next
// one start while others run; re-arming an unlocked copy replaces it, which
// is harmless. Re-armed copies carry a timeout (crowdPINHold), so a copy left over when the
// crowd is done expires in the registrar (PIN_EXPIRES).
//
// The session keeps s.armed as before (it owns timerEnrol and the WPS
// commands) and, while it is a fixed-PIN enrolment, the other fixed-PIN
// requests ride beside it in s.riders, each with its own deadline
// (timerRider for the earliest). A rider that vanishes mid-WPS times out on
// its own (enrol_timeouts, enrol_vanished) and holds nobody. When the
// registrar events never come (backend dbus), provision discovery and
// AP-STA-CONNECTED still re-arm, and every enrolment still ends by its
// connection or its deadline: the session never sticks.

import (
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/hostp2pd/hostp2pd/wpaevent"
)

const (
	maxRiders  = 32              // fixed-PIN enrolments in flight beside the armed one
	rearmEvery = 1 * time.Second // least gap between re-arms on WPS-ENROLLEE-SEEN (probes repeat)

	// While enrollees' M1 messages are due (CTRL-EVENT-EAP-STARTED seen,
	// no WPS-REG-SUCCESS, WPS-PIN-NEEDED or AP-STA-CONNECTED yet), the copy
	// is re-armed every rearmFast: an M1 locks the newest copy without any
	// event, and the next M1 that finds it locked gets M2D, which costs a
	// wpa_supplicant phone a full scan (3.7 s in the lab) before it tries
	// again. M1s of a crowd come 20-120 ms apart (lab, 8 phones). m1Due
	// bounds the wait for an enrollee whose outcome never shows.
	rearmFast = 25 * time.Millisecond
	m1Due     = 1500 * time.Millisecond
)

// fixedPIN reports whether e enrols with the configured keypad PIN (the
// same for every phone) and may share the registrar.
func (s *Session) fixedPIN(e *enrol) bool {
	return e != nil && e.method == methodKeypad && s.cfg.PIN != "" && e.pin == s.cfg.PIN && !e.peer.IsZero() && !e.viaNeg
}

// parallel reports whether the armed enrolment takes riders.
func (s *Session) parallel() bool { return s.grp != nil && s.fixedPIN(s.armed) }

// crowd reports whether riders are in flight beside the armed enrolment:
// then the registrar's copies of the PIN are kept armed for them.
func (s *Session) crowd() bool { return s.parallel() && len(s.riders) > 0 }

// board moves the queued fixed-PIN requests into s.riders, each with its own
// deadline (what is left of its walk, as armNext gives the armed one).
func (s *Session) board(now time.Time) []Action {
	if !s.parallel() {
		return nil
	}
	n := len(s.riders)
	s.queue = slices.DeleteFunc(s.queue, func(e *enrol) bool {
		if e.state != enrolQueued || !s.fixedPIN(e) || len(s.riders) >= maxRiders {
			return false
		}
		e.state, e.since, e.batch = enrolArmed, now, true
		s.riders = append(s.riders, e)
		return true
	})
	if n == len(s.riders) {
		return nil
	}
	s.armed.batch = true
	return append(s.rearm(now), s.riderTimer(now)...)
}

// deadline is when a rider's (or the armed phone's) walk is over.
func (s *Session) deadline(e *enrol) time.Time {
	return e.asked.Add(max(min(pinArmTimeout, s.window(e)), minArmHold))
}

// rearm arms a fresh wildcard copy of the fixed PIN while phones are in
// flight that may need one.
func (s *Session) rearm(now time.Time) []Action {
	if !s.parallel() || (len(s.riders) == 0 && s.armed.used) {
		return nil
	}
	s.rearmed = now
	return []Action{s.pinCopy(s.armed.pin)}
}

// pinCopy arms one more wildcard copy of pin, expiring after crowdPINHold
// (PIN_EXPIRES: a copy nobody locked does not outlive the crowd; one locked
// in time serves its run, as the registrar keeps the password it took).
func (s *Session) pinCopy(pin string) Action {
	s.count("wps_pin_shared")
	return s.cmd(s.grp.iface, "WPS_PIN any "+pin+" "+strconv.Itoa(int(crowdPINHold/time.Second)), TagNone)
}

// eapStarted notes an enrollee whose EAP exchange began on the group while
// riders are in flight: its M1 comes next and locks the newest copy, so a
// copy is re-armed now, and every rearmFast while two or more M1s are due.
func (s *Session) eapStarted(ev wpaevent.Event, now time.Time) []Action {
	if !usablePeer(ev.Addr) || !s.crowd() {
		return nil
	}
	if _, ok := s.inEAP[ev.Addr]; !ok && len(s.inEAP) >= 2*maxRiders {
		return nil // a flood of stations: the ones already due are served
	}
	s.inEAP[ev.Addr] = now
	var a []Action
	if now.Sub(s.rearmed) >= rearmFast {
		a = s.rearm(now)
	}
	if len(s.inEAP) == 2 { // one copy serves a lone due M1; two need one after the other
		a = append(a, ArmTimer{Name: timerRearm, After: rearmFast})
	}
	return a
}

// rearmTick re-arms the copy while M1s are due and riders in flight.
func (s *Session) rearmTick(now time.Time) []Action {
	maps.DeleteFunc(s.inEAP, func(_ wpaevent.MAC, t time.Time) bool { return now.Sub(t) >= m1Due })
	if !s.crowd() {
		clear(s.inEAP)
		return nil
	}
	if len(s.inEAP) < 2 {
		return nil // the copy armed at its EAP start (or after the last M1) serves the one left
	}
	return append(s.rearm(now), ArmTimer{Name: timerRearm, After: rearmFast})
}

// riderTimer arms timerRider for the earliest rider deadline.
func (s *Session) riderTimer(now time.Time) []Action {
	if len(s.riders) == 0 {
		return []Action{StopTimer{Name: timerRider}}
	}
	first := s.deadline(s.riders[0])
	for _, r := range s.riders[1:] {
		if d := s.deadline(r); d.Before(first) {
			first = d
		}
	}
	return []Action{ArmTimer{Name: timerRider, After: max(first.Sub(now), 0)}}
}

// ridersTimedOut drops the riders whose walk is over: their phone vanished
// mid-WPS.
func (s *Session) ridersTimedOut(now time.Time) []Action {
	if len(s.riders) == 0 {
		return nil // a timer left over from a group that is gone
	}
	s.riders = slices.DeleteFunc(s.riders, func(r *enrol) bool {
		if now.Before(s.deadline(r)) {
			return false
		}
		s.log.Warn("enrolment timed out", "peer", r.peer, "method", r.method, "parallel", true)
		s.count("enrol_timeouts")
		s.count("enrol_vanished")
		return true
	})
	return s.riderTimer(now)
}

// riderJoined takes the rider dev out when its phone connects; its copy is
// used up, so another is armed for the ones still in flight.
func (s *Session) riderJoined(i int, now time.Time) []Action {
	s.riders = slices.Delete(s.riders, i, i+1)
	return append(s.rearm(now), s.riderTimer(now)...)
}

// promote makes the first rider the armed enrolment when the armed one is
// over; it keeps its own deadline.
func (s *Session) promote(now time.Time) []Action {
	if s.grp == nil || s.armed != nil || len(s.riders) == 0 {
		return nil
	}
	e := s.riders[0]
	s.riders = slices.Delete(s.riders, 0, 1)
	s.armed = e
	s.rearmed = now
	a := []Action{
		s.peerCmd(s.grp.iface, "WPS_PIN any "+e.pin, TagWPS, e.peer), // as armNext: a refusal releases it
		ArmTimer{Name: timerEnrol, After: max(s.deadline(e).Sub(now), 0)},
	}
	return append(a, s.riderTimer(now)...)
}

func (s *Session) riderIndex(dev wpaevent.MAC) int {
	if dev.IsZero() {
		return -1
	}
	return slices.IndexFunc(s.riders, func(r *enrol) bool { return r.peer == dev })
}
