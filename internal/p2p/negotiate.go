package p2p

// GO negotiation (negotiated modes) and invitations.

import (
	"strings"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/wpaevent"
)

// connect answers a phone with GO negotiation (negotiated modes). Two
// P2P_CONNECTs to one phone are at least min_conn_delay apart: a sooner one
// waits for timerConnect.
func (s *Session) connect(e *enrol, now time.Time) []Action {
	if s.neg != e {
		s.neg, s.negFails = e, 0 // a new request: a new count of failures
	}
	s.connWait = false
	if last, ok := s.lastConnect[e.peer]; ok {
		if wait := config.Seconds(s.cfg.MinConnDelay) - now.Sub(last); wait > 0 {
			s.connWait = true
			s.log.Info("P2P_CONNECT to the phone waits for min_conn_delay", "peer", e.peer, "wait", wait.String())
			return []Action{ArmTimer{Name: timerConnect, After: wait}}
		}
	}
	args := []string{"P2P_CONNECT", e.peer.String()}
	switch e.method {
	case methodPBC:
		args = append(args, "pbc")
	case methodKeypad, methodRandom:
		args = append(args, e.pin, "display")
	case methodDisplay:
		args = append(args, e.pin, "keypad")
	}
	// In the persistent modes the same persistent network is formed
	// again (persistent=<id>): no new network is stored.
	args = append(args, s.connectOpts()...)
	delete(s.preauth, e.peer)
	s.negotiating[e.peer] = now
	if len(s.negMethod) >= maxPeers {
		clear(s.negMethod)
	}
	s.negMethod[e.peer] = e.method
	if len(s.lastConnect) >= maxPeers {
		clear(s.lastConnect)
	}
	s.lastConnect[e.peer] = now
	s.st = stateForming
	s.finding = false
	var a []Action
	a = append(a, s.hook(true, "stop")...)
	return append(a, s.peerCmd("", strings.Join(args, " "), TagConnect, e.peer),
		ArmTimer{Name: timerNeg, After: config.Seconds(s.cfg.MaxNegotiationTime)})
}

// negFailed handles a failed GO negotiation: the phone's P2P_CONNECT is
// sent again, up to max_num_failures times, at least negRetryDelay later
// and min_conn_delay after the last one.
func (s *Session) negFailed(now time.Time) []Action {
	clear(s.negotiating)
	s.st = stateIdle
	a := []Action{StopTimer{Name: timerNeg}}
	if e := s.neg; e != nil {
		s.negFails++
		if s.negFails <= s.cfg.MaxNumFailures {
			wait := negRetryDelay
			if last, ok := s.lastConnect[e.peer]; ok {
				wait = max(wait, config.Seconds(s.cfg.MinConnDelay)-now.Sub(last))
			}
			s.connWait = true
			s.count("negotiation_retries")
			s.log.Warn("GO negotiation failed; retrying", "peer", e.peer, "attempt", s.negFails, "of", s.cfg.MaxNumFailures, "retry_in", wait.String())
			a = append(a, ArmTimer{Name: timerConnect, After: wait})
		} else {
			s.log.Warn("GO negotiation failed; giving up on this request (max_num_failures)", "peer", e.peer, "failures", s.negFails)
			s.neg = nil
		}
	}
	if s.neg == nil && s.alwaysOn() {
		a = append(a, s.groupAdd(now)...) // the group removed for the negotiation comes back
	}
	return append(a, s.find(now)...)
}

func (s *Session) invite(e *enrol, now time.Time) []Action {
	if s.grp == nil || e.peer.IsZero() {
		return nil
	}
	if t, ok := s.invited[e.peer]; ok && now.Sub(t) < dupWindow {
		return nil
	}
	if s.invitesBlocked(e.peer, now) {
		s.count("invitations_blocked")
		s.log.Warn("phone not invited: it refused the last invitations", "peer", e.peer, "until", s.refusals[e.peer].until)
		return nil
	}
	if len(s.invited) >= maxPeers {
		clear(s.invited)
	}
	s.invited[e.peer] = now
	return []Action{s.sendInvite(e.peer, "P2P_INVITE group="+s.grp.iface+" peer="+e.peer.String(), now)}
}

// negotiatedByItself follows a GO negotiation that wpa_supplicant ran
// without a P2P_CONNECT of ours (for a peer authorised beforehand with
// P2P_CONNECT … auth): the group forms now, so discovery must keep off the
// radio until it starts.
func (s *Session) negotiatedByItself(ev wpaevent.Event, now time.Time) []Action {
	if _, ok := s.preauth[ev.PeerDev]; ok {
		delete(s.preauth, ev.PeerDev)
		s.count("preauth_used")
	}
	s.st = stateForming
	s.finding = false
	s.negotiating[ev.PeerDev] = now
	// wps_method is ours: Display means the phone types our PIN.
	if m, ok := map[string]method{"PBC": methodPBC, "Display": methodKeypad, "Keypad": methodDisplay}[ev.WPSMethod]; ok {
		if len(s.negMethod) >= maxPeers {
			clear(s.negMethod)
		}
		s.negMethod[ev.PeerDev] = m
	}
	return []Action{ArmTimer{Name: timerGroupStart, After: groupStartTimeout}}
}
