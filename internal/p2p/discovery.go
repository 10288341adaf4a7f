package p2p

// Discovery: keeping the device findable.

import (
	"strconv"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/config"
)

// find keeps the device discoverable.
func (s *Session) find(now time.Time) []Action {
	if s.st == stateGroup && !s.cfg.FindWhileGO {
		// A GO is found by its beacons: nothing to refresh until the
		// group ends (groupGone calls find again) or a reload turns
		// find_while_go on. The timer stops, so an idle GO does not wake
		// up for it.
		return []Action{StopTimer{Name: timerFind}}
	}
	interval := config.Seconds(s.cfg.FindInterval)
	if interval <= 0 {
		interval = 10 * time.Second
	}
	a := []Action{ArmTimer{Name: timerFind, After: interval}}
	if s.finding && now.Sub(s.findSince) > discoveryRenew {
		s.finding = false // renew a listen that may have timed out silently
	}
	if s.stopping || s.st == stateForming || s.st == stateRemoving || s.armed != nil || len(s.negotiating) > 0 {
		return a
	}
	if s.st != stateIdle && (s.st != stateGroup || !s.cfg.FindWhileGO) {
		return a
	}
	if s.st == stateIdle && s.cfg.IdleDiscovery == "find" {
		return append(a, s.poll(now)...)
	}
	if s.finding {
		return a
	}
	s.finding = true
	s.findSince = now
	if s.st == stateIdle {
		// Stay on the listen channel: a phone's provision discovery or GO
		// negotiation request reaches us at once (p2p_find only listens in
		// short windows between scans: 3.5 s per request in the lab).
		return append(a, s.cmd("", "P2P_LISTEN", TagFind))
	}
	return append(a, s.cmd("", "P2P_FIND", TagFind))
}

// poll runs hostp2pd's discovery for idle_discovery: find. Each poll is a
// P2P_FIND of select_timeout_secs.normal seconds. After max_scan_polling
// polls without a connection request the device only listens (it stays
// discoverable) and polls once every select_timeout_secs.long; a request
// brings back the normal rate. max_scan_polling 0 polls at the normal rate
// for ever.
func (s *Session) poll(now time.Time) []Action {
	slow := s.cfg.MaxScanPolling > 0 && s.polls >= s.cfg.MaxScanPolling
	due := !slow || now.Sub(s.lastPoll) >= config.Seconds(s.cfg.SelectTimeoutSecs.Long)
	if s.finding && (!s.listening || !due) {
		return nil // a poll runs, or the listen waits for the next slow poll
	}
	s.finding = true
	s.findSince = now
	if !due {
		s.listening = true
		return []Action{s.cmd("", "P2P_LISTEN", TagFind)}
	}
	s.listening = false
	s.polls++
	s.lastPoll = now
	return []Action{s.cmd("", "P2P_FIND "+strconv.Itoa(max(s.cfg.SelectTimeoutSecs.Normal, 1)), TagFind)}
}
