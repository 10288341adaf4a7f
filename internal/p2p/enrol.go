package p2p

// Enrolment: who may join, how, and in which order (the WPS queue).

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/wpaevent"
)

// method is how a phone enrols with WPS.
type method uint8

const (
	methodPBC     method = iota + 1 // push button
	methodKeypad                    // the phone types our configured PIN
	methodDisplay                   // the phone shows its PIN; the operator enters it
	methodRandom                    // the phone types a PIN we generated (display_program shows it)
)

func (m method) String() string {
	switch m {
	case methodPBC:
		return "pbc"
	case methodKeypad:
		return "keypad"
	case methodDisplay:
		return "display"
	case methodRandom:
		return "random"
	}
	return "none"
}

// enrolState is where one enrolment is.
//
//	request --(display)--> waiting-pin --EnterPIN--> queued --armNext--> armed --joined / FAIL / timeout--> (gone)
//	request --------------------------------------> queued
type enrolState uint8

const (
	enrolQueued     enrolState = iota + 1 // ready, waits for the group and the registrar
	enrolWaitingPIN                       // waits for the operator to enter the phone's PIN
	enrolArmed                            // WPS_PBC / WPS_PIN armed for it
)

func (e enrolState) String() string {
	switch e {
	case enrolQueued:
		return "queued"
	case enrolWaitingPIN:
		return "waiting-pin"
	case enrolArmed:
		return "armed"
	}
	return "none"
}

// enrol is one phone's enrolment, from its request until WPS completes.
type enrol struct {
	peer     wpaevent.MAC
	name     string
	method   method // how it enrols
	askedM   method // what the phone asked for (method differs after a white-list fallback)
	pin      string
	viaNeg   bool // the phone asked for GO negotiation (or invited us): it must be invited
	byInvite bool // the peer invited us to a group we do not have: never answered by negotiation
	refused  bool // it refused our invitation (shown in the status)
	state    enrolState
	since    time.Time     // of the request, the PIN entry or the arming (shown in the status)
	asked    time.Time     // of the request, or of the PIN entry: the start of the phone's WPS walk
	live     bool          // armed for push button and a push-button enrollee probed since
	used     bool          // armed PIN: WPS-REG-SUCCESS came, the AP-STA-CONNECTED naming the phone not yet
	noShow   bool          // the no-show timer runs for it
	crowd    bool          // armed PIN: its hold was cut to crowdPINHold because others wait
	batch    bool          // fixed PIN: it enrolled beside others (parallel.go)
	credit   time.Duration // time spent waiting behind enrollees that vanished mid-WPS (not counted against its window)
}

// crowdPINHold bounds how long a PIN stays armed for one phone while others
// wait. The registrar holds one wildcard PIN at a time, so a phone that
// vanishes mid-WPS would otherwise hold every other phone for the whole
// pinArmTimeout; a phone that is there completes its WPS run in a few
// seconds once armed (it typed the fixed PIN before it asked).
const crowdPINHold = 15 * time.Second

// admittedAt applies the MAC allow/deny lists and operator disconnects.
func (s *Session) admittedAt(dev wpaevent.MAC, now time.Time) bool {
	if until, ok := s.blocked[dev]; ok {
		if now.Before(until) {
			return false
		}
		delete(s.blocked, dev)
	}
	a := dev.String()
	for _, m := range s.cfg.DenyMACs {
		if strings.EqualFold(m, a) {
			return false
		}
	}
	if len(s.cfg.AllowMACs) == 0 {
		return true
	}
	for _, m := range s.cfg.AllowMACs {
		if strings.EqualFold(m, a) {
			return true
		}
	}
	return false
}

// anonymousOK reports whether WPS may be armed for an enrollee that did not
// identify itself by provision discovery (a legacy WPS client): only when
// no address list is configured, since its device address is unknown.
func (s *Session) anonymousOK() bool {
	return len(s.cfg.AllowMACs) == 0 && len(s.cfg.DenyMACs) == 0
}

func (s *Session) whiteListed(name string) bool {
	if len(s.cfg.WhiteList) == 0 {
		return true
	}
	return slices.Contains(s.cfg.WhiteList, name)
}

// request handles a phone asking to connect, by provision discovery (join)
// or GO negotiation.
func (s *Session) request(dev wpaevent.MAC, m method, viaNeg bool, now time.Time) []Action {
	return s.requestVia(dev, m, viaNeg, false, now)
}

// requestVia is request; byInvite says the peer invited us to a group we
// do not have (it is invited into ours, never answered by negotiation).
func (s *Session) requestVia(dev wpaevent.MAC, m method, viaNeg, byInvite bool, now time.Time) []Action {
	s.polls = 0 // idle_discovery find: back to polling at the normal rate
	name := s.nameOf(dev)
	if !dev.IsZero() && !s.admittedAt(dev, now) {
		s.count("refused_mac")
		s.log.Warn("connection refused: device address not allowed", "peer", dev, "dev_name", name)
		return nil
	}
	if !s.polKnown {
		s.setPolicy("")
	}
	// Duplicates: GO-NEG-REQUEST repeats while the phone retries.
	if t, ok := s.negotiating[dev]; ok && now.Sub(t) < dupWindow*3 {
		return nil
	}
	if s.reform != nil && s.reform.peer == dev {
		return nil // its group is being removed to answer it
	}
	if e := s.enrolFor(dev); e != nil && e.askedM == m {
		if viaNeg && s.grp != nil {
			return s.invite(e, now)
		}
		return nil
	}
	if s.armed != nil && s.armed.peer.IsZero() && s.armed.method == m {
		s.armed.peer, s.armed.name = dev, name // adopt an enrolment armed from WPS-ENROLLEE-SEEN
		return nil
	}
	e := &enrol{peer: dev, name: name, method: m, askedM: m, viaNeg: viaNeg, byInvite: byInvite, state: enrolQueued, since: now, asked: now}
	switch m {
	case methodPBC:
		if p := s.peers[dev]; s.pol.pbc && len(s.cfg.WhiteList) > 0 && name == "" && !dev.IsZero() && (p == nil || !p.lookedUp) {
			c := s.peerCmd("", "P2P_PEER "+dev.String(), TagPeer, dev)
			c.ViaNeg = viaNeg
			return []Action{c}
		}
		if !s.pol.pbc {
			s.count("refused_method")
			s.log.Warn("push-button request refused: PBC is not an accepted enrolment method; the phone must use a PIN", "peer", dev, "dev_name", name)
			return nil
		}
		if !s.whiteListed(name) {
			// As hostp2pd: the button is refused, the PIN is not. The
			// phone joins if its user enters the PIN instead.
			if s.cfg.PIN == "" {
				s.count("refused_white_list")
				s.log.Warn("push-button request refused: name not in white_list, and no pin to fall back to", "peer", dev, "dev_name", name)
				return nil
			}
			e.method, e.pin = methodKeypad, s.cfg.PIN
			s.count("white_list_fallbacks")
			s.log.Warn("push-button request from a name not in white_list: push button refused; the PIN is armed instead, the phone can join by entering it",
				"peer", dev, "dev_name", name)
		}
	case methodKeypad:
		switch {
		case s.pol.random:
			e.method = methodRandom
			e.pin = s.randomPIN()
		case s.pol.keypad:
			e.pin = s.cfg.PIN
		default:
			s.count("refused_method")
			s.log.Warn("PIN request refused: keypad is not an accepted enrolment method", "peer", dev, "dev_name", name)
			return nil
		}
	case methodDisplay:
		switch {
		case s.pol.display:
			e.state = enrolWaitingPIN
		case s.pol.keypad:
			// The phone shows a PIN but the display method is not configured:
			// arm our fixed PIN, which works when the phone was set to it.
			e.pin = s.cfg.PIN
			s.log.Info("phone wants to show its PIN, but wps_method is not display: arming the configured PIN", "peer", dev)
		default:
			s.count("refused_method")
			s.log.Warn("display-PIN request refused: set wps_method: display to accept it", "peer", dev, "dev_name", name)
			return nil
		}
	}
	s.count("requests_" + e.method.String())
	s.log.Info("connection request", "peer", dev, "dev_name", name, "method", e.method, "negotiation", viaNeg, "state", s.st.String())

	var a []Action
	if e.method == methodRandom {
		a = append(a, ShowPIN{Peer: dev, Name: name, PIN: e.pin})
	}
	if e.state == enrolWaitingPIN {
		s.enqueue(e, now)
		a = append(a, AskPIN{Peer: dev, Name: name})
		return append(a, s.pinWaitTimer(now)...)
	}
	if viaNeg && !byInvite && s.canReform(dev, now) {
		return append(a, s.reformFor(e, now)...)
	}
	return append(a, s.proceed(e, now)...)
}

// proceed moves a ready enrolment forward according to the session state.
func (s *Session) proceed(e *enrol, now time.Time) []Action {
	switch {
	case s.grp != nil:
		if !slices.Contains(s.queue, e) {
			s.enqueue(e, now)
		}
		if s.armed != nil {
			a := s.board(now) // a new phone typing the fixed PIN: it rides along
			a = append(a, s.noShowCheck(now)...)
			return append(a, s.crowdCheck(now)...)
		}
		return s.armNext(now)
	case s.st == stateIdle && !e.byInvite && (s.negotiated() || e.viaNeg):
		// Answer a GO negotiation as GO in every mode (a plain client
		// only negotiates); in the negotiated modes answer a provision
		// discovery by negotiating too.
		s.queue = slices.DeleteFunc(s.queue, func(q *enrol) bool { return q == e })
		return s.connect(e, now)
	default:
		if !slices.Contains(s.queue, e) {
			s.enqueue(e, now)
		}
		if s.st == stateIdle && (!s.alwaysOn() || e.byInvite) {
			s.wantGroup = true
			return s.groupAdd(now)
		}
		return nil // forming: handled on GROUP-STARTED
	}
}

// usablePeer reports whether addr can be a phone's address: not zero (a
// missing or malformed field parses as zero), not broadcast, not multicast.
func usablePeer(addr wpaevent.MAC) bool {
	return !addr.IsZero() && addr[0]&1 == 0
}

func (s *Session) enrolFor(dev wpaevent.MAC) *enrol {
	if dev.IsZero() {
		return nil
	}
	if s.armed != nil && s.armed.peer == dev {
		return s.armed
	}
	if i := s.riderIndex(dev); i >= 0 {
		return s.riders[i]
	}
	for _, e := range s.queue {
		if e.peer == dev {
			return e
		}
	}
	return nil
}

func (s *Session) dropEnrol(dev wpaevent.MAC, why string) {
	n := len(s.queue)
	s.queue = slices.DeleteFunc(s.queue, func(e *enrol) bool { return e.peer == dev })
	s.riders = slices.DeleteFunc(s.riders, func(e *enrol) bool { return e.peer == dev })
	if n != len(s.queue) {
		s.log.Info("enrolment dropped", "peer", dev, "reason", why)
	}
}

// armNext arms WPS for the next queued phone. The WPS registrar serves one
// enrollee at a time per PIN copy (a wildcard PIN is locked while in use,
// and PBC treats a second enrollee as an overlap), so phones are armed one
// after another, except the fixed-PIN ones, which ride along (parallel.go).
func (s *Session) armNext(now time.Time) []Action {
	if s.grp == nil || s.armed != nil {
		return nil
	}
	if len(s.riders) > 0 {
		return s.promote(now) // the registrar keeps serving the fixed PIN first
	}
	s.expire(now)
	i := slices.IndexFunc(s.queue, func(e *enrol) bool { return e.state == enrolQueued })
	if len(s.queue) > congested {
		// A flood: serve the newest request first. The old ones are
		// likely made up; a real phone that asks now still walks.
		for j, e := range slices.Backward(s.queue) {
			if e.state == enrolQueued {
				i = j
				break
			}
		}
	}
	if i < 0 {
		return nil
	}
	e := s.queue[i]
	s.queue = slices.Delete(s.queue, i, i+1)
	e.state = enrolArmed
	e.since = now
	s.armed = e
	var a []Action
	// WPS stays armed for what is left of the phone's walk.
	timeout := min(pinArmTimeout, max(minArmHold, s.window(e)-now.Sub(e.asked)))
	if e.method == methodPBC {
		timeout = min(pbcWalkTime, max(minArmHold, s.window(e)-now.Sub(e.asked)))
		if e.peer.IsZero() {
			a = append(a, s.cmd(s.grp.iface, "WPS_PBC", TagWPS))
		} else {
			a = append(a, s.peerCmd(s.grp.iface, "WPS_PBC p2p_dev_addr="+e.peer.String(), TagWPS, e.peer))
		}
	} else {
		a = append(a, s.peerCmd(s.grp.iface, "WPS_PIN any "+e.pin, TagWPS, e.peer))
		a = append(a, s.board(now)...)
	}
	if e.method != methodPBC && s.othersWait() {
		e.crowd = true
		timeout = min(timeout, crowdPINHold)
	}
	a = append(a, ArmTimer{Name: timerEnrol, After: timeout})
	if e.viaNeg {
		a = append(a, s.invite(e, now)...)
	}
	return append(a, s.noShowCheck(now)...)
}

// sharePIN answers WPS-PIN-NEEDED on the group while the configured
// (fixed) PIN is armed and other phones that asked for it still wait in the
// queue (more than maxRiders ride along; parallel.go): it arms one
// more wildcard copy of the same PIN, so that those phones enrol at the same
// time as the armed one instead of one after another.
//
// Why this is sound (wpa_supplicant 2.10, src/wps/wps_registrar.c): on a GO,
// WPS_PIN always adds a wildcard PIN (wpa_supplicant/ap.c passes "any" to
// hostapd_wps_add_pin). wps_registrar_get_pin, when it builds M2, takes the
// first wildcard and locks it (PIN_LOCKED) for that enrollee; a second
// enrollee that finds it locked gets M2D, the GO reports WPS-PIN-NEEDED and
// the phone retries. wps_registrar_add_pin's invalidate_unused removes at
// most one *unlocked* wildcard, so a new copy never takes a locked one away:
// each enrollee in flight keeps its own copy (wps->dev_password is a copy
// of it), and the retrying phone finds the new, unlocked one first (new PINs
// go to the list head). Each copy expires after crowdPINHold
// (PIN_EXPIRES, wps_registrar_expire_pins), so none outlives the crowd.
//
// Random and display PINs differ per phone and push button has its session
// overlap rule: those stay one at a time. Over a backend that does not
// report WPS-PIN-NEEDED (D-Bus) the crowd is served one after another, as
// before.
func (s *Session) sharePIN(now time.Time) []Action {
	e := s.armed
	if s.grp == nil || e == nil || e.method != methodKeypad || e.pin == "" || e.pin != s.cfg.PIN {
		return nil
	}
	s.expire(now)
	if !slices.ContainsFunc(s.queue, func(q *enrol) bool {
		return q.state == enrolQueued && q.method == methodKeypad && q.pin == e.pin
	}) {
		return nil
	}
	return []Action{s.pinCopy(e.pin)}
}

// window is how long a phone's request stays valid: its push-button walk,
// or for a PIN pin_timeout_secs (at least the 60 s a PIN stays armed).
func (s *Session) window(e *enrol) time.Duration {
	if e.method == methodPBC {
		return pbcWalkTime
	}
	return max(pinArmTimeout, config.Seconds(s.cfg.PINTimeoutSecs))
}

func (s *Session) othersWait() bool {
	return slices.ContainsFunc(s.queue, func(q *enrol) bool { return q.state == enrolQueued })
}

// crowdCheck cuts the hold of an armed PIN to crowdPINHold (from its
// arming) as soon as another phone waits.
func (s *Session) crowdCheck(now time.Time) []Action {
	e := s.armed
	if e == nil || e.method == methodPBC || e.used || e.crowd || !s.othersWait() {
		return nil
	}
	e.crowd = true
	return []Action{ArmTimer{Name: timerEnrol, After: max(crowdPINHold-now.Sub(e.since), 0)}}
}

// vanished credits the phones waiting behind an armed enrolment that timed
// out (its phone vanished mid-WPS) with the time it held the registrar, so
// that a crowd of vanishing enrollees does not expire the phones that stay.
// Only PIN requests are credited, and never past the 120 s WPS walk of the
// phone itself (wpa_supplicant's default): a push-button walk is over when
// it is over.
func (s *Session) vanished(e *enrol, now time.Time) {
	held := now.Sub(e.since)
	for _, q := range s.queue {
		if q.state == enrolQueued && q.method != methodPBC {
			q.credit = min(q.credit+held, max(pbcWalkTime-s.window(q), 0))
		}
	}
	if e.crowd || e.batch {
		s.count("enrol_vanished")
	}
}

// expire drops queued requests whose phone stopped waiting.
func (s *Session) expire(now time.Time) {
	s.queue = slices.DeleteFunc(s.queue, func(e *enrol) bool {
		if e.state != enrolQueued || now.Sub(e.asked)-e.credit < s.window(e) {
			return false
		}
		s.drop("enrol_expired", e, "the phone's WPS walk is over")
		return true
	})
}

// enqueue adds a request to the bounded queue: when it is full, the
// oldest request waiting makes room.
func (s *Session) enqueue(e *enrol, now time.Time) {
	s.expire(now)
	if len(s.queue) >= maxQueue {
		s.drop("enrol_dropped", s.queue[0], "too many requests waiting")
		s.queue = slices.Delete(s.queue, 0, 1)
	}
	s.queue = append(s.queue, e)
}

// drop counts and logs a request the session gives up; a flood logs
// only the 1st, 2nd, 4th, 8th… of each kind.
func (s *Session) drop(counter string, e *enrol, why string) {
	s.count(counter)
	if n := s.counters[counter]; n&(n-1) == 0 {
		s.log.Warn("enrolment request dropped", "reason", why, "peer", e.peer, "dev_name", e.name, "method", e.method.String(), "dropped", n)
	}
}

// rateLimited reports whether dev sent a request less than requestGap ago.
func (s *Session) rateLimited(dev wpaevent.MAC, now time.Time) bool {
	if t, ok := s.lastReq[dev]; ok && now.Sub(t) < requestGap && !now.Before(t) {
		s.count("requests_rate_limited")
		return true
	}
	if len(s.lastReq) >= maxPeers {
		clear(s.lastReq)
	}
	s.lastReq[dev] = now
	return false
}

// noShowCheck: while other phones wait, a push-button enrolment whose phone
// sent no WPS probe within pbcNoShow of the arming is given up (a real
// phone in its walk probes at once; a made-up address never does).
func (s *Session) noShowCheck(now time.Time) []Action {
	e := s.armed
	if e == nil || e.method != methodPBC || e.live || e.noShow || !slices.ContainsFunc(s.queue, func(q *enrol) bool { return q.state == enrolQueued }) {
		return nil
	}
	if d := pbcNoShow - now.Sub(e.since); d > 0 {
		e.noShow = true
		return []Action{ArmTimer{Name: timerNoShow, After: d}}
	}
	return s.giveUpNoShow(now)
}

func (s *Session) giveUpNoShow(now time.Time) []Action {
	s.drop("enrol_no_show", s.armed, "no push-button probe from the phone since WPS was armed")
	a := []Action{s.cmd(s.grp.iface, "WPS_CANCEL", TagNone)}
	return append(a, s.release(now)...)
}

func (s *Session) release(now time.Time) []Action {
	a := []Action{StopTimer{Name: timerEnrol}}
	if s.armed != nil && s.armed.noShow {
		a = append(a, StopTimer{Name: timerNoShow})
	}
	s.armed = nil
	return append(a, s.armNext(now)...)
}

func (s *Session) enrolleeSeen(ev wpaevent.Event, now time.Time) []Action {
	if s.grp == nil || s.armed != nil || len(s.queue) > 0 || !s.anonymousOK() || s.clients[ev.Addr] != nil {
		return nil
	}
	if t, ok := s.seen[ev.Addr]; ok && now.Sub(t) < dupWindow {
		return nil
	}
	if len(s.seen) > maxPeers {
		clear(s.seen)
	}
	s.seen[ev.Addr] = now
	if s.seenDPID >= 0 {
		return nil // one already waits for its grace period
	}
	s.seenDPID = ev.DevPasswdID
	return []Action{ArmTimer{Name: timerEnrollee, After: enrolleeGrace}}
}

// enrolleeGraceOver arms WPS for an enrollee that did not announce itself
// with provision discovery (legacy WPS clients).
func (s *Session) enrolleeGraceOver(now time.Time) []Action {
	dpid := s.seenDPID
	s.seenDPID = -1
	if s.grp == nil || s.armed != nil || len(s.queue) > 0 {
		return nil
	}
	switch {
	case dpid == wpaevent.DevPasswdPushButton && s.pol.pbc && len(s.cfg.WhiteList) == 0:
		return s.request(wpaevent.MAC{}, methodPBC, false, now)
	case dpid == wpaevent.DevPasswdDefault && (s.pol.keypad || s.pol.random):
		return s.request(wpaevent.MAC{}, methodKeypad, false, now)
	}
	return nil
}

func (s *Session) randomPIN() string {
	// An 8-digit WPS PIN: 7 random digits and the WPS checksum digit.
	v := s.rand() % 10000000
	acc := uint32(0)
	t := v
	for t > 0 {
		acc += 3 * (t % 10)
		t /= 10
		acc += t % 10
		t /= 10
	}
	return fmt.Sprintf("%07d%d", v, (10-acc%10)%10)
}

func (s *Session) pinWait() time.Duration { return config.Seconds(max(s.cfg.PINTimeoutSecs, 1)) }

// pinWaitTimer arms timerPINWait for the first phone whose PIN the operator
// has still to enter.
func (s *Session) pinWaitTimer(now time.Time) []Action {
	var first *enrol
	for _, e := range s.queue {
		if e.state == enrolWaitingPIN && (first == nil || e.since.Before(first.since)) {
			first = e
		}
	}
	if first == nil {
		return nil
	}
	return []Action{ArmTimer{Name: timerPINWait, After: max(first.since.Add(s.pinWait()).Sub(now), 0)}}
}
