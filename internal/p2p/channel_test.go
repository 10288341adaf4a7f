package p2p

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/config"
)

func TestFreqMatches(t *testing.T) {
	for _, c := range []struct {
		asked, got int
		want       bool
	}{
		{2412, 2412, true}, {2412, 2437, false}, {2, 2462, true}, {2, 5180, false},
		{5, 5180, true}, {5, 2412, false}, {5180, 5200, false},
	} {
		if got := FreqMatches(c.asked, c.got); got != c.want {
			t.Errorf("FreqMatches(%d, %d) = %v, want %v", c.asked, c.got, got, c.want)
		}
	}
}

// groupAddCmd drives a persistent-mode session to its P2P_GROUP_ADD with
// stored network 3.
func groupAddCmd(t *testing.T, setup func(*Session)) (string, *Session) {
	t.Helper()
	cfg := config.Default()
	cfg.Mode = config.ModePersistent
	s := New(cfg, nil, nil)
	setup(s)
	now := time.Now()
	s.Start(now)
	s.netID = 3
	for _, a := range s.groupAdd(now) {
		if c, ok := a.(Cmd); ok && c.Tag == TagGroupAdd {
			return c.Text, s
		}
	}
	t.Fatal("no P2P_GROUP_ADD")
	return "", nil
}

func TestGroupFreq_Policy(t *testing.T) {
	cases := []struct {
		name  string
		setup func(*Session)
		want  string
	}{
		{"no policy: group_freq as it is (0)", func(*Session) {}, "P2P_GROUP_ADD persistent=3"},
		{"policy", func(s *Session) { s.SetChannel(Channel{Freq: 2412, Why: "x", Reuse: true}) }, "P2P_GROUP_ADD persistent=3 freq=2412"},
		{"remembered frequency of the same network", func(s *Session) {
			s.SetChannel(Channel{Freq: 2412, Why: "x", Reuse: true})
			s.RememberFreq(3, 2437)
		}, "P2P_GROUP_ADD persistent=3 freq=2437"},
		{"another network's frequency is not used", func(s *Session) {
			s.SetChannel(Channel{Freq: 2412, Why: "x", Reuse: true})
			s.RememberFreq(4, 2437)
		}, "P2P_GROUP_ADD persistent=3 freq=2412"},
		{"no reuse when the station fixes the channel", func(s *Session) {
			s.SetChannel(Channel{Freq: 2462, Why: "station", Reuse: false})
			s.RememberFreq(3, 2437)
		}, "P2P_GROUP_ADD persistent=3 freq=2462"},
		{"no reuse across bands", func(s *Session) {
			s.SetChannel(Channel{Freq: 5, Why: "band", Reuse: true})
			s.RememberFreq(3, 2437)
		}, "P2P_GROUP_ADD persistent=3 freq=5"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, s := groupAddCmd(t, c.setup)
			if got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
			wantAsked := ""
			if _, f, ok := strings.Cut(c.want, "freq="); ok {
				wantAsked = f
			}
			if asked := s.TakeAskedFreq(); (asked > 0 || wantAsked != "") && strconv.Itoa(asked) != wantAsked {
				t.Errorf("TakeAskedFreq = %d for %q", asked, c.want)
			}
			if again := s.TakeAskedFreq(); again != 0 {
				t.Errorf("second TakeAskedFreq = %d", again)
			}
		})
	}
}
