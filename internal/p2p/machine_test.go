package p2p

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hostp2pd/hostp2pd/wpaevent"
)

// The machine tests feed a session a script of inputs (events, command
// replies, timers, operator calls) and compare the whole []Action each input
// returns with cmp.Diff.

// input is one step of a script.
type input struct {
	desc string
	do   func(s *Session, now time.Time) []Action
}

// event feeds an event line (without the "<3>" level) received on src.
func event(src, line string) input {
	return input{"event " + line, func(s *Session, now time.Time) []Action {
		return s.HandleEvent(src, ev(line), now)
	}}
}

// devEvent is an event from the P2P device socket.
func devEvent(line string) input { return event("p2p-dev-wlan0", line) }

// grpEvent is an event from the group socket.
func grpEvent(line string) input { return event("p2p-wlan0-0", line) }

// reply answers c with text; "FAIL" (or an empty text with failed) is an error.
func reply(c Cmd, text string) input {
	return input{"reply to " + c.Text + ": " + text, func(s *Session, now time.Time) []Action {
		var err error
		if text == "FAIL" || text == "TIMEOUT" {
			err = errors.New(text)
		}
		return s.HandleReply(c, text+"\n", err, now)
	}}
}

func fire(t Timer) input {
	return input{"timer " + t.String(), func(s *Session, now time.Time) []Action { return s.HandleTimer(t, now) }}
}

// call runs an operator call that must succeed.
func call(desc string, f func(s *Session, now time.Time) ([]Action, error)) input {
	return input{desc, func(s *Session, now time.Time) []Action {
		a, err := f(s, now)
		if err != nil {
			return []Action{failed{err.Error()}}
		}
		return a
	}}
}

// failed stands for an operator call's error in a want list.
type failed struct{ Err string }

func (failed) isAction() {}

// step is an input, when it happens (offset from t0) and the actions it
// must return.
type step struct {
	in   input
	at   time.Duration
	want []Action
}

// run plays steps against s and reports every difference.
func run(t *testing.T, s *Session, steps []step) {
	t.Helper()
	for i, st := range steps {
		got := st.in.do(s, t0.Add(st.at))
		if diff := cmp.Diff(st.want, got); diff != "" {
			t.Errorf("step %d (%s) at +%v: actions (-want +got):\n%s", i, st.in.desc, st.at, diff)
		}
	}
}

// Command constructors, with the continuation each one carries.
func devCmd(text string, tag Tag) Cmd { return Cmd{Text: text, Tag: tag} }
func grpCmd(text string, tag Tag) Cmd { return Cmd{Iface: "p2p-wlan0-0", Text: text, Tag: tag} }
func wpsPBC(peer string) Cmd {
	return Cmd{Iface: "p2p-wlan0-0", Text: "WPS_PBC p2p_dev_addr=" + peer, Tag: TagWPS, Peer: mac(peer)}
}
func wpsPIN(pin, peer string) Cmd {
	return Cmd{Iface: "p2p-wlan0-0", Text: "WPS_PIN any " + pin, Tag: TagWPS, Peer: mac(peer)}
}
func invite(peer string) Cmd {
	return Cmd{Text: "P2P_INVITE group=p2p-wlan0-0 peer=" + peer, Tag: TagInvite, Peer: mac(peer)}
}

func mac(s string) wpaevent.MAC {
	if s == "" {
		return wpaevent.MAC{}
	}
	m, err := wpaevent.ParseMAC(s)
	if err != nil {
		panic(err)
	}
	return m
}

const (
	phoneA = "42:00:00:00:01:00"
	phoneB = "42:00:00:00:02:00"
	phoneC = "42:00:00:00:03:00"
	staA   = "46:00:00:00:01:00"
	staB   = "46:00:00:00:02:00"
)

func pbcReq(dev, name string) input {
	return devEvent(fmt.Sprintf("P2P-PROV-DISC-PBC-REQ %s p2p_dev_addr=%s pri_dev_type=1-0050F204-1 name='%s' config_methods=0x188 dev_capab=0x25 group_capab=0x0 group=p2p-wlan0-0", dev, dev, name))
}

func showPINReq(dev, name string) input {
	return devEvent(fmt.Sprintf("P2P-PROV-DISC-SHOW-PIN %s 87654321 p2p_dev_addr=%s pri_dev_type=1-0050F204-1 name='%s' config_methods=0x188 dev_capab=0x25 group_capab=0x0", dev, dev, name))
}

func enterPINReq(dev, name string) input {
	return devEvent(fmt.Sprintf("P2P-PROV-DISC-ENTER-PIN %s p2p_dev_addr=%s pri_dev_type=1-0050F204-1 name='%s' config_methods=0x188 dev_capab=0x25 group_capab=0x0", dev, dev, name))
}

func negReq(dev string, dpid int) input {
	return devEvent(fmt.Sprintf("P2P-GO-NEG-REQUEST %s dev_passwd_id=%d go_intent=6", dev, dpid))
}

func staConn(sta, dev string) input {
	return grpEvent("AP-STA-CONNECTED " + sta + " p2p_dev_addr=" + dev)
}

func staDisc(sta, dev string) input {
	return grpEvent("AP-STA-DISCONNECTED " + sta + " p2p_dev_addr=" + dev)
}

const groupStartedLine = `P2P-GROUP-STARTED p2p-wlan0-0 GO ssid="DIRECT-0z" freq=2437 passphrase="28GwK432" go_dev_addr=42:00:00:00:00:00`

var armPBC = ArmTimer{Name: timerEnrol, After: pbcWalkTime}
var armPIN = ArmTimer{Name: timerEnrol, After: pinArmTimeout}
var stopEnrol = StopTimer{Name: timerEnrol}

// TestWPSArmFailureReleasesQueue: wpa_supplicant refusing WPS_PBC or
// WPS_PIN arms nothing, so the next phone is armed at once instead of at the
// 120 s / 60 s enrolment timeout.
func TestWPSArmFailureReleasesQueue(t *testing.T) {
	t.Run("pbc", func(t *testing.T) {
		s := upAutonomous(t, "pbc_in_use: true")
		run(t, s, []step{
			{in: pbcReq(phoneA, "a"), want: []Action{wpsPBC(phoneA), armPBC}},
			{in: pbcReq(phoneB, "b")},
			{in: reply(wpsPBC(phoneA), "FAIL"), want: []Action{stopEnrol, wpsPBC(phoneB), armPBC}},
			// A late FAIL for a phone no longer armed changes nothing.
			{in: reply(wpsPBC(phoneA), "FAIL")},
			{in: staConn(staB, phoneB), want: []Action{stopEnrol, StopTimer{Name: timerEmpty}}},
		})
		if got := s.counters["enrol_failures"]; got != 1 {
			t.Errorf("enrol_failures = %d, want 1", got)
		}
	})
	t.Run("pin", func(t *testing.T) {
		s := upAutonomous(t, "pbc_in_use: false\npin: \"12345670\"")
		run(t, s, []step{
			{in: showPINReq(phoneA, "a"), want: []Action{wpsPIN("12345670", phoneA), armPIN}},
			{in: showPINReq(phoneB, "b")},
			{in: reply(wpsPIN("12345670", phoneA), "FAIL"), want: []Action{stopEnrol, wpsPIN("12345670", phoneB), armPIN}},
		})
	})
}

// TestInviteFailureReleasesQueue: a phone that asked by GO negotiation
// joins only when invited; a refused P2P_INVITE frees its slot at once.
func TestInviteFailureReleasesQueue(t *testing.T) {
	s := upAutonomous(t, "pbc_in_use: true")
	run(t, s, []step{
		{in: negReq(phoneA, wpaevent.DevPasswdPushButton), want: []Action{wpsPBC(phoneA), armPBC, invite(phoneA)}},
		{in: pbcReq(phoneB, "b")},
		{in: reply(invite(phoneA), "FAIL"), want: []Action{grpCmd("WPS_CANCEL", TagNone), stopEnrol, wpsPBC(phoneB), armPBC}},
		// The phone asks again: it is queued behind B, and invited when armed.
		{in: negReq(phoneA, wpaevent.DevPasswdPushButton), at: time.Second},
		{in: staConn(staB, phoneB), at: 2 * time.Second, want: []Action{stopEnrol, wpsPBC(phoneA), armPBC, invite(phoneA), StopTimer{Name: timerEmpty}}},
		// An OK invite reply is routed and changes nothing.
		{in: reply(invite(phoneA), "OK"), at: 2 * time.Second},
	})
}

func enterPIN(peer, pin string) input {
	return call("EnterPIN "+peer+" "+pin, func(s *Session, now time.Time) ([]Action, error) {
		return s.EnterPIN(mac(peer), pin, now)
	})
}

// TestDisplayPINEnteredByOperator: a phone that shows its PIN waits for the
// operator; the PIN entered is armed, and the phone joins with it.
func TestDisplayPINEnteredByOperator(t *testing.T) {
	s := upAutonomous(t, "wps_method: display\npin_timeout_secs: 30")
	run(t, s, []step{
		{in: enterPIN("", "12345670"), want: []Action{failed{"no phone is waiting for a PIN"}}},
		{in: enterPINReq(phoneA, "a"), want: []Action{AskPIN{Peer: mac(phoneA), Name: "a"}, ArmTimer{Name: timerPINWait, After: 30 * time.Second}}},
		{in: fire(timerPINWait), at: 10 * time.Second}, // not yet
		{in: enterPINReq(phoneB, "b"), at: 20 * time.Second, want: []Action{AskPIN{Peer: mac(phoneB), Name: "b"}, ArmTimer{Name: timerPINWait, After: 30 * time.Second}}},
		{in: fire(timerPINWait), at: 30 * time.Second}, // A's PIN never came: dropped, B still waits
		{in: enterPIN(phoneA, "123"), want: []Action{failed{`invalid PIN "123": 4 or 8 digits expected`}}},
		{in: enterPIN(phoneA, "87654321"), at: 31 * time.Second, want: []Action{failed{"no phone is waiting for a PIN"}}},
		{in: enterPIN("", "87654321"), at: 31 * time.Second, want: []Action{wpsPIN("87654321", phoneB), armPIN}},
		{in: staConn(staB, phoneB), at: 32 * time.Second, want: []Action{stopEnrol, StopTimer{Name: timerEmpty}}},
		{in: staDisc(staB, phoneB), at: 33 * time.Second},
		{in: devEvent(groupStartedLine), at: 34 * time.Second}, // a copy of the running group's start: ignored
	})
	if got := s.clients; len(got) != 0 {
		t.Errorf("clients left: %v", got)
	}
}

// TestAdoptedGroupRunsStartGroupOnce: after a supplicant reconnect the
// running group is adopted; its group-up sends start_group again, exactly
// once (Lost sent stop_group), and a late copy of its GROUP-STARTED sends
// nothing more.
func TestAdoptedGroupRunsStartGroupOnce(t *testing.T) {
	s := upAutonomous(t, "pbc_in_use: true\nrun_program: /bin/hook")
	lost := s.Lost(t0)
	wantLost := []Action{GroupDown{Iface: "p2p-wlan0-0"}, RunHook{Args: []string{"stop_group", "p2p-wlan0-0"}}, RunHook{Args: []string{"terminated"}}}
	for _, tm := range allTimers() {
		wantLost = append(wantLost, StopTimer{Name: tm})
	}
	if diff := cmp.Diff(wantLost, lost); diff != "" {
		t.Errorf("Lost (-want +got):\n%s", diff)
	}
	status := Cmd{Iface: "p2p-wlan0-0", Text: "STATUS", Tag: TagAdoptStatus}
	run(t, s, []step{
		{in: input{"Start", func(s *Session, now time.Time) []Action { return s.Start(now) }},
			want: []Action{devCmd("INTERFACES", TagInterfaces)}},
		{in: reply(devCmd("INTERFACES", TagInterfaces), "p2p-wlan0-0\np2p-dev-wlan0\nwlan0"), want: []Action{status}},
		{in: reply(status, "freq=2437\nssid=DIRECT-0z\nmode=P2P GO\nwpa_state=COMPLETED"), want: []Action{
			GroupUp{Iface: "p2p-wlan0-0"}, RunHook{Args: []string{"start_group", "p2p-wlan0-0"}},
			ArmTimer{Name: timerFind, After: 10 * time.Second}, Ready{}}},
		{in: devEvent(groupStartedLine)},
	})
	if s.State() != "group" {
		t.Errorf("state %s, want group", s.State())
	}
}
