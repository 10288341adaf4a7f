package p2p

import (
	"fmt"
	"strconv"
)

// Channel is the daemon's channel policy for P2P_GROUP_ADD, decided from
// the radio's facts (see radio.ChooseFreq).
type Channel struct {
	Freq int    // freq= of P2P_GROUP_ADD: MHz, or 2 / 5 for a band; 0 = none
	Why  string // the reason, for the log
	// Reuse lets a persistent group come back on the frequency it had
	// before (see [Session.RememberFreq]) instead of Freq. The daemon
	// clears it when a station interface or a group_freq in MHz fixes the
	// channel.
	Reuse bool
}

// channelState is the channel part of a Session.
type channelState struct {
	policy    *Channel
	pastNetID int // the persistent network whose frequency is remembered, -1 none
	pastFreq  int
	asked     int // freq= of the last P2P_GROUP_ADD not yet answered by GROUP-STARTED
}

// SetChannel sets the channel policy used by the next P2P_GROUP_ADD. Until
// it is called, the configuration's group_freq is passed as it is.
func (s *Session) SetChannel(c Channel) { s.ch.policy = &c }

// RememberFreq tells the session that persistent network netID last ran
// on freq MHz: phones re-invoke a saved group on the channel they remember
// (0.24–0.6 s in the lab, 5.7 s when the group owner moved), so the group
// comes back there when the policy allows it.
func (s *Session) RememberFreq(netID, freq int) {
	s.ch.pastNetID, s.ch.pastFreq = netID, freq
}

// TakeAskedFreq returns the freq= of the last P2P_GROUP_ADD (0 if none or
// already taken) and forgets it: the daemon compares it with the
// frequency of the next P2P-GROUP-STARTED.
func (s *Session) TakeAskedFreq() int {
	f := s.ch.asked
	s.ch.asked = 0
	return f
}

// groupFreq is the freq= of the next P2P_GROUP_ADD and why.
func (s *Session) groupFreq() (int, string) {
	p := s.ch.policy
	if p == nil {
		if s.cfg.GroupFreq > 0 {
			return s.cfg.GroupFreq, "group_freq from the configuration"
		}
		return 0, ""
	}
	if p.Reuse && s.persistentMode() && s.netID >= 0 && s.netID == s.ch.pastNetID && s.ch.pastFreq > 0 &&
		Band(p.Freq) == Band(s.ch.pastFreq) {
		if s.ch.pastFreq == p.Freq {
			return p.Freq, p.Why + fmt.Sprintf("; persistent group %d ran there before", s.netID)
		}
		return s.ch.pastFreq, fmt.Sprintf("persistent group %d comes back on %d MHz, where it ran before (phones re-invoke it there; %d MHz otherwise)",
			s.netID, s.ch.pastFreq, p.Freq)
	}
	return p.Freq, p.Why
}

// Band returns the band of a freq= value: 2 (2.4 GHz), 5 or 6 GHz for
// MHz and for the band values 2 and 5 themselves, 0 for anything else.
func Band(freq int) int {
	switch {
	case freq == 2, freq >= 2400 && freq < 2500:
		return 2
	case freq == 5, freq >= 4900 && freq < 5925:
		return 5
	case freq >= 5925 && freq <= 7125:
		return 6
	}
	return 0
}

// FreqMatches reports whether a group on got MHz is what freq= asked
// asked for: the same frequency, or a frequency in the band asked (2, 5).
func FreqMatches(asked, got int) bool {
	if asked == 2 || asked == 5 {
		return Band(got) == asked
	}
	return asked == got
}

// freqArg appends freq= to the P2P_GROUP_ADD arguments and remembers it.
func (s *Session) freqArg(args []string) []string {
	f, why := s.groupFreq()
	s.ch.asked = f
	if f <= 0 {
		return args
	}
	s.log.Info("group channel", "freq", f, "why", why)
	return append(args, "freq="+strconv.Itoa(f))
}
