package p2p

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hostp2pd/hostp2pd/wpaevent"
)

// FuzzSession feeds arbitrary event lines, and arbitrary replies to every
// command the session sends, through every mode, with timers and operator
// PINs interleaved. Property: no panic, whatever wpa_supplicant says.
func FuzzSession(f *testing.F) {
	traces, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "traces", "*.trace"))
	for _, tr := range traces {
		b, err := os.ReadFile(tr)
		if err != nil {
			continue
		}
		var evs []string
		for _, l := range strings.Split(string(b), "\n") {
			if i := strings.Index(l, "<3>"); i >= 0 {
				evs = append(evs, l[i+3:])
			}
		}
		f.Add(uint8(len(evs)), strings.Join(evs, "\n"), "OK\n")
	}
	f.Add(uint8(1), "P2P-GO-NEG-REQUEST 42:00:00:00:01:00 dev_passwd_id=5 go_intent=0", "FAIL\n")
	f.Add(uint8(2), "P2P-GROUP-STARTED p2p-wlan0-0 GO ssid=\"\\x00\" freq=-1", "network id / ssid / bssid / flags\n0\t\t\t[P2P-PERSISTENT]")
	modes := []string{
		"pbc_in_use: true",
		"activate_persistent_group: false\nactivate_autonomous_group: true\npbc_in_use: false\npin: \"12345670\"",
		"activate_persistent_group: false\ndynamic_group: true\nwps_method: display",
		"activate_persistent_group: false\ndynamic_group: true\nnegotiated_persistent: true\nwhite_list: [phone]\npbc_in_use: true",
		"activate_persistent_group: false\nwps_method: random\ndisplay_program: /bin/true\ndeny_macs: [\"42:00:00:00:02:00\"]",
	}
	cfgs := make([]func() *Session, len(modes))
	for i, m := range modes {
		c := cfgFor(f, m)
		cfgs[i] = func() *Session { return New(c, nil, nil) }
	}
	f.Fuzz(func(t *testing.T, mode uint8, events, reply string) {
		s := cfgs[int(mode)%len(cfgs)]()
		now := t0
		var err error
		if strings.HasPrefix(reply, "FAIL") {
			err = errors.New("FAIL")
		}
		var run func([]Action, int)
		run = func(acts []Action, depth int) {
			for _, a := range acts {
				if c, ok := a.(Cmd); ok && depth < 8 {
					run(s.HandleReply(c, reply, err, now), depth+1)
				}
			}
		}
		run(s.Start(now), 0)
		for i, line := range strings.Split(events, "\n") {
			now = now.Add(time.Duration(i) * 37 * time.Millisecond)
			src := "p2p-dev-wlan0"
			if i%3 == 1 {
				src = "p2p-wlan0-0"
			}
			run(s.HandleEvent(src, wpaevent.Parse("<3>"+line), now), 0)
			if i%5 == 4 {
				for _, name := range allTimers() {
					run(s.HandleTimer(name, now), 0)
				}
			}
			if i%7 == 6 {
				acts, _ := s.EnterPIN(wpaevent.MAC{}, "12345670", now)
				run(acts, 0)
			}
		}
		run(s.Stop(now), 0)
	})
}
