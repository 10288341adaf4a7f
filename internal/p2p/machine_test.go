package p2p

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hostp2pd/hostp2pd/internal/status"
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

// pbcProbe is the WPS probe a push-button phone sends in its walk.
func pbcProbe(sta string) input {
	return grpEvent("WPS-ENROLLEE-SEEN " + sta + " 572cf82f-c957-5653-9b16-b5cfb298abf1 0-00000000-0 0x3148 4 1 [ ]")
}

// regSuccess is the registrar's WPS-REG-SUCCESS for the enrollee sta.
func regSuccess(sta string) input {
	return grpEvent("WPS-REG-SUCCESS " + sta + " 572cf82f-c957-5653-9b16-b5cfb298abf1")
}

var armConfirm = ArmTimer{Name: timerEnrol, After: confirmWait}

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
			{in: pbcProbe(staA)},
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
			{in: showPINReq(phoneB, "b"), want: []Action{rearmPIN, riderTimer(pinArmTimeout)}}, // B rides along A's fixed PIN
			{in: reply(wpsPIN("12345670", phoneA), "FAIL"), want: []Action{stopEnrol, wpsPIN("12345670", phoneB), armPIN, stopRider}},
		})
	})
}

// TestInviteFailureReleasesQueue: a phone that asked by GO negotiation
// joins only when invited; a refused P2P_INVITE frees its slot at once.
func TestInviteFailureReleasesQueue(t *testing.T) {
	s := upAutonomous(t, "pbc_in_use: true")
	run(t, s, joined(phoneC, "46:00:00:00:03:00")) // a client: the group stays, the phone is invited
	run(t, s, []step{
		{in: negReq(phoneA, wpaevent.DevPasswdPushButton), want: []Action{wpsPBC(phoneA), armPBC, invite(phoneA)}},
		{in: pbcProbe(staA)},
		{in: pbcReq(phoneB, "b")},
		{in: reply(invite(phoneA), "FAIL"), want: []Action{grpCmd("WPS_CANCEL", TagNone), stopEnrol, wpsPBC(phoneB), armPBC}},
		// The phone asks again: it is queued behind B, and invited when armed.
		{in: negReq(phoneA, wpaevent.DevPasswdPushButton), at: time.Second, want: []Action{ArmTimer{Name: timerNoShow, After: pbcNoShow - time.Second}}},
		{in: staConn(staB, phoneB), at: 2 * time.Second, want: []Action{stopEnrol, StopTimer{Name: timerNoShow}, wpsPBC(phoneA), ArmTimer{Name: timerEnrol, After: pbcWalkTime - time.Second}, invite(phoneA), StopTimer{Name: timerEmpty}}},
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
		{in: fire(timerPINWait), at: 10 * time.Second, want: []Action{ArmTimer{Name: timerPINWait, After: 20 * time.Second}}}, // not yet
		// The timer stays on the first phone's deadline.
		{in: enterPINReq(phoneB, "b"), at: 20 * time.Second, want: []Action{AskPIN{Peer: mac(phoneB), Name: "b"}, ArmTimer{Name: timerPINWait, After: 10 * time.Second}}},
		// A's PIN never came: dropped; B still waits, until its own deadline.
		{in: fire(timerPINWait), at: 30 * time.Second, want: []Action{ArmTimer{Name: timerPINWait, After: 20 * time.Second}}},
		{in: enterPIN(phoneA, "123"), want: []Action{failed{`invalid PIN "123": 4 or 8 digits expected`}}},
		{in: enterPIN(phoneA, "87654321"), at: 31 * time.Second, want: []Action{failed{"no phone is waiting for a PIN"}}},
		{in: enterPIN("", "87654321"), at: 31 * time.Second, want: []Action{wpsPIN("87654321", phoneB), armPIN}},
		{in: regSuccess(staB), at: 32 * time.Second, want: []Action{armConfirm}},
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
			want: []Action{devCmd("P2P_SET per_sta_psk 1", TagNone), devCmd("INTERFACES", TagInterfaces)}},
		{in: reply(devCmd("INTERFACES", TagInterfaces), "p2p-wlan0-0\np2p-dev-wlan0\nwlan0"), want: []Action{status}},
		{in: reply(status, "freq=2437\nssid=DIRECT-0z\nmode=P2P GO\nwpa_state=COMPLETED"), want: []Action{
			GroupUp{Iface: "p2p-wlan0-0"}, RunHook{Args: []string{"start_group", "p2p-wlan0-0"}},
			stopFind, Ready{}}},
		{in: devEvent(groupStartedLine)},
	})
	if s.State() != "group" {
		t.Errorf("state %s, want group", s.State())
	}
}

var (
	stopEmpty  = StopTimer{Name: timerEmpty}
	armFind    = ArmTimer{Name: timerFind, After: 10 * time.Second}
	stopFind   = StopTimer{Name: timerFind} // while GO without find_while_go
	groupUp    = GroupUp{Iface: "p2p-wlan0-0"}
	groupDown  = GroupDown{Iface: "p2p-wlan0-0"}
	startedFor = []Action{StopTimer{Name: timerGroupStart}, StopTimer{Name: timerGroupRetry}, StopTimer{Name: timerNeg}, groupUp}
)

func hook(args ...string) RunHook { return RunHook{Args: args} }

func op(desc string, f func(s *Session, now time.Time) []Action) input { return input{desc, f} }

// joined brings phone dev (interface address sta) into the group by PBC.
func joined(dev, sta string) []step {
	return []step{
		{in: pbcReq(dev, "p"), want: []Action{wpsPBC(dev), armPBC}},
		{in: staConn(sta, dev), want: []Action{stopEnrol, stopEmpty}},
	}
}

func TestDisconnect(t *testing.T) {
	deauth := grpCmd("DEAUTHENTICATE "+staA, TagNone)
	remove := devCmd("P2P_REMOVE_CLIENT "+phoneA, TagNone)
	disconnect := func(addr string) input {
		return call("Disconnect "+addr, func(s *Session, now time.Time) ([]Action, error) { return s.Disconnect(mac(addr), now) })
	}
	t.Run("no group", func(t *testing.T) {
		s := New(cfgFor(t, "activate_persistent_group: false\npbc_in_use: true"), nil, nil)
		drive(s, s.Start(t0), nil, t0)
		run(t, s, []step{{in: disconnect(phoneA), want: []Action{failed{"no group is running"}}}})
	})
	t.Run("blocked for a while without per_sta_psk", func(t *testing.T) {
		s := upAutonomous(t, "pbc_in_use: true\nper_sta_psk: false")
		steps := joined(phoneA, staA)
		steps = append(steps,
			step{in: disconnect(phoneB), want: []Action{failed{"no client " + phoneB}}},
			step{in: disconnect(staA), want: []Action{deauth, remove}}, // by interface address
			step{in: staDisc(staA, phoneA), at: time.Second},
			// It still knows the passphrase and comes back at once: removed again.
			step{in: staConn(staA, phoneA), at: 2 * time.Second, want: []Action{deauth, remove}},
			step{in: pbcReq(phoneA, "p"), at: 3 * time.Second},
			// After the block it may enrol again.
			step{in: pbcReq(phoneA, "p"), at: blockAfterDisconnect + time.Second, want: []Action{wpsPBC(phoneA), armPBC}},
		)
		run(t, s, steps)
		if got := s.counters["refused_mac"]; got != 2 {
			t.Errorf("refused_mac = %d, want 2", got)
		}
	})
	t.Run("per_sta_psk, the default, revokes a WPS client without a block", func(t *testing.T) {
		s := upAutonomous(t, "pbc_in_use: true")
		steps := joined(phoneA, staA)
		steps = append(steps,
			step{in: disconnect(phoneA), want: []Action{deauth, remove}},
			step{in: staDisc(staA, phoneA), at: time.Second},
			step{in: pbcReq(phoneA, "p"), at: 2 * time.Second, want: []Action{wpsPBC(phoneA), armPBC}},
		)
		run(t, s, steps)
	})
	t.Run("per_sta_psk: a client that joined without WPS is blocked", func(t *testing.T) {
		// An app that joined with the SSID and passphrase, or a phone back
		// with stored credentials: it may hold the group's passphrase,
		// which removing its own PSK does not take away.
		s := upAutonomous(t, "pbc_in_use: true")
		run(t, s, []step{
			{in: staConn(staA, phoneA), want: []Action{stopEmpty}},
			{in: disconnect(phoneA), want: []Action{deauth, remove}},
			{in: staDisc(staA, phoneA), at: time.Second},
			{in: staConn(staA, phoneA), at: 2 * time.Second, want: []Action{deauth, remove}},
			{in: pbcReq(phoneA, "p"), at: 3 * time.Second},
			{in: pbcReq(phoneA, "p"), at: blockAfterDisconnect + time.Second, want: []Action{wpsPBC(phoneA), armPBC}},
		})
		if got := s.counters["refused_mac"]; got != 2 {
			t.Errorf("refused_mac = %d, want 2", got)
		}
	})
}

func TestStop(t *testing.T) {
	t.Run("with a group and a client", func(t *testing.T) {
		s := upAutonomous(t, "pbc_in_use: true\nrun_program: /bin/hook")
		steps := []step{
			{in: pbcReq(phoneA, "p"), want: []Action{wpsPBC(phoneA), armPBC}},
			{in: staConn(staA, phoneA), want: []Action{stopEnrol, stopEmpty, hook("connect", phoneA, "p", "p2p-wlan0-0")}},
			{in: op("Stop", (*Session).Stop), want: []Action{
				devCmd("P2P_STOP_FIND", TagNone), devCmd("P2P_GROUP_REMOVE p2p-wlan0-0", TagNone),
				hook("disconnect", phoneA, "p", "p2p-wlan0-0"), groupDown, stopEnrol, stopEmpty,
				hook("stop_group", "p2p-wlan0-0"), hook("start")}},
			{in: op("Stop again", (*Session).Stop)},
			{in: devEvent("P2P-GROUP-REMOVED p2p-wlan0-0 GO reason=REQUESTED")},
			{in: fire(timerFind)},
		}
		run(t, s, steps)
		if s.State() != "stopped" {
			t.Errorf("state %s", s.State())
		}
	})
	t.Run("while negotiating", func(t *testing.T) {
		s := New(cfgFor(t, "activate_persistent_group: false\ndynamic_group: true\npbc_in_use: true"), nil, nil)
		drive(s, s.Start(t0), nil, t0)
		drive(s, s.HandleEvent("p2p-dev-wlan0", ev("P2P-GO-NEG-REQUEST "+phoneA+" dev_passwd_id=4 go_intent=6"), t0), nil, t0)
		run(t, s, []step{{in: op("Stop", (*Session).Stop), want: []Action{devCmd("P2P_STOP_FIND", TagNone), devCmd("P2P_CANCEL", TagNone)}}})
	})
	t.Run("offline", func(t *testing.T) {
		s := New(cfgFor(t, "pbc_in_use: true"), nil, nil)
		run(t, s, []step{{in: op("Stop", (*Session).Stop)}, {in: pbcReq(phoneA, "p")}})
		if s.State() != "stopped" {
			t.Errorf("state %s", s.State())
		}
	})
}

func TestHandleTimer(t *testing.T) {
	t.Run("ignored when offline", func(t *testing.T) {
		s := New(cfgFor(t, "pbc_in_use: true"), nil, nil)
		for _, tm := range allTimers() {
			run(t, s, []step{{in: fire(tm)}})
		}
	})
	t.Run("enrolment timeout cancels WPS and arms the next", func(t *testing.T) {
		s := upAutonomous(t, "pbc_in_use: true")
		run(t, s, []step{
			{in: pbcReq(phoneA, "a"), want: []Action{wpsPBC(phoneA), armPBC}},
			{in: pbcProbe(staA)},
			{in: pbcReq(phoneB, "b"), at: time.Minute},
			{in: pbcReq(phoneC, "c"), at: time.Minute},
			// B is armed for what is left of its walk.
			{in: fire(timerEnrol), at: pbcWalkTime, want: []Action{grpCmd("WPS_CANCEL", TagNone), stopEnrol, wpsPBC(phoneB), ArmTimer{Name: timerEnrol, After: time.Minute}, ArmTimer{Name: timerNoShow, After: pbcNoShow}}},
			{in: pbcProbe(staB), at: pbcWalkTime + time.Second},
			{in: fire(timerNoShow), at: pbcWalkTime + pbcNoShow}, // B probed: it stays
			// C's walk is over by then: dropped, not armed.
			{in: fire(timerEnrol), at: pbcWalkTime + time.Minute, want: []Action{grpCmd("WPS_CANCEL", TagNone), stopEnrol}},
			{in: fire(timerEnrol), at: 3 * pbcWalkTime},
		})
		if got, exp := s.counters["enrol_timeouts"], s.counters["enrol_expired"]; got != 2 || exp != 1 {
			t.Errorf("enrol_timeouts = %d, enrol_expired = %d, want 2 and 1", got, exp)
		}
	})
	t.Run("group start timeout retries with backoff", func(t *testing.T) {
		s := New(cfgFor(t, "activate_persistent_group: false\nactivate_autonomous_group: true\npbc_in_use: true"), nil, nil)
		drive(s, s.Start(t0), nil, t0)
		run(t, s, []step{
			{in: fire(timerGroupRetry)}, // forming: not now
			{in: fire(timerGroupStart), at: groupStartTimeout, want: []Action{StopTimer{Name: timerGroupStart}, ArmTimer{Name: timerGroupRetry, After: time.Second}}},
			{in: fire(timerGroupStart), at: groupStartTimeout}, // idle now: stale
			{in: fire(timerGroupRetry), at: groupStartTimeout + time.Second, want: []Action{devCmd("P2P_GROUP_ADD", TagGroupAdd), ArmTimer{Name: timerGroupStart, After: groupStartTimeout}}},
			{in: devEvent(groupStartedLine), at: 32 * time.Second, want: append(append([]Action{}, startedFor...), stopFind)},
			{in: fire(timerGroupRetry), at: 33 * time.Second},
			{in: fire(timerEmpty), at: 33 * time.Second}, // not a negotiated mode
			{in: fire(timerNeg), at: 33 * time.Second},
			{in: fire(timerEnrollee), at: 33 * time.Second},
		})
	})
}

func TestLegacyWPSEnrollee(t *testing.T) {
	seen := func(sta string, dpid int) input {
		return grpEvent(fmt.Sprintf("WPS-ENROLLEE-SEEN %s 572cf82f-c957-5653-9b16-b5cfb298abf1 0-00000000-0 0x3148 %d 1 [ ]", sta, dpid))
	}
	graceTimer := ArmTimer{Name: timerEnrollee, After: enrolleeGrace}
	anonPBC := Cmd{Iface: "p2p-wlan0-0", Text: "WPS_PBC", Tag: TagWPS}
	t.Run("push button, then named by provision discovery", func(t *testing.T) {
		s := upAutonomous(t, "pbc_in_use: true")
		run(t, s, []step{
			{in: seen(staA, wpaevent.DevPasswdPushButton), want: []Action{graceTimer}},
			{in: seen(staA, wpaevent.DevPasswdPushButton), at: time.Second}, // rate limited
			{in: seen(staB, wpaevent.DevPasswdPushButton), at: time.Second}, // one grace at a time
			{in: fire(timerEnrollee), at: time.Second, want: []Action{anonPBC, armPBC}},
			{in: pbcReq(phoneA, "a"), at: 2 * time.Second}, // adopts the anonymous run
			{in: staConn(staA, phoneA), at: 3 * time.Second, want: []Action{stopEnrol, stopEmpty}},
		})
		if c := s.clients[mac(staA)]; c == nil || c.name != "a" || c.method != "pbc" {
			t.Errorf("client = %+v", c)
		}
	})
	t.Run("PIN, or refused with an address list", func(t *testing.T) {
		s := upAutonomous(t, "pbc_in_use: false\npin: \"12345670\"")
		run(t, s, []step{
			{in: seen(staA, wpaevent.DevPasswdDefault), want: []Action{graceTimer}},
			{in: fire(timerEnrollee), at: time.Second, want: []Action{wpsPIN("12345670", ""), armPIN}},
		})
		s = upAutonomous(t, "pbc_in_use: false\npin: \"12345670\"")
		run(t, s, []step{
			{in: grpEvent("WPS-PIN-NEEDED 572cf82f-c957-5653-9b16-b5cfb298abf1 " + staA + " [ | | | | |0-00000000-0]"), want: []Action{wpsPIN("12345670", ""), armPIN}},
			{in: grpEvent("WPS-REG-SUCCESS " + staA + " 572cf82f-c957-5653-9b16-b5cfb298abf1"), want: []Action{stopEnrol}},
			{in: staConn(staA, ""), want: []Action{stopEmpty}},
		})
		if c := s.clients[mac(staA)]; c == nil || c.method != "keypad" {
			t.Errorf("client = %+v", c)
		}
		s = upAutonomous(t, "pbc_in_use: true\nallow_macs: [\""+phoneA+"\"]")
		run(t, s, []step{
			{in: seen(staA, wpaevent.DevPasswdPushButton)},
			{in: grpEvent("WPS-PIN-NEEDED 572cf82f-c957-5653-9b16-b5cfb298abf1 " + staA + " [ | | | | |0-00000000-0]")},
		})
	})
	t.Run("white list refuses an anonymous push button", func(t *testing.T) {
		s := upAutonomous(t, "pbc_in_use: true\nwhite_list: [phone]")
		run(t, s, []step{
			{in: seen(staA, wpaevent.DevPasswdPushButton), want: []Action{graceTimer}},
			{in: fire(timerEnrollee), at: time.Second},
		})
	})
}

func TestWPSResults(t *testing.T) {
	s := upAutonomous(t, "pbc_in_use: false\npin: \"12345670\"")
	run(t, s, []step{
		{in: showPINReq(phoneA, "a"), want: []Action{wpsPIN("12345670", phoneA), armPIN}},
		{in: showPINReq(phoneB, "b"), want: []Action{rearmPIN, riderTimer(pinArmTimeout)}}, // B rides along A's fixed PIN
		// Which of the two failed is not known: each keeps its deadline, a copy is armed again.
		{in: grpEvent("WPS-FAIL msg=8 config_error=18 reason=3 (Device Password Auth Failure)"), want: []Action{rearmPIN}},
		// The phone is known at its association: the PIN is armed again for A.
		{in: grpEvent("WPS-REG-SUCCESS " + staB + " a134bcd4-edf6-548b-87e5-49d3aedf9b60"), want: []Action{rearmPIN}},
		{in: staConn(staB, phoneB), want: []Action{rearmPIN, stopRider, stopEmpty}},
		{in: grpEvent("WPS-FAIL msg=8 config_error=18"), want: []Action{stopEnrol}}, // A alone: released as before
		{in: grpEvent("WPS-FAIL msg=8 config_error=18")},                            // nothing armed
	})
	if c := s.clients[mac(staB)]; c == nil || c.method != "keypad" || c.name != "b" {
		t.Errorf("client = %+v", c)
	}
	s = upAutonomous(t, "pbc_in_use: true")
	run(t, s, []step{
		{in: pbcReq(phoneA, "a"), want: []Action{wpsPBC(phoneA), armPBC}},
		{in: pbcProbe(staA)},
		{in: pbcReq(phoneB, "b")},
		{in: grpEvent("WPS-OVERLAP-DETECTED")},
		{in: grpEvent("WPS-FAIL msg=4 config_error=12")}, // overlap: the push-button window goes on
		{in: grpEvent("WPS-TIMEOUT"), want: []Action{stopEnrol, wpsPBC(phoneB), armPBC}},
		{in: devEvent("P2P-PROV-DISC-FAILURE p2p_dev_addr=" + phoneC + " status=N/A")},
	})
	if got := s.counters["wps_failures"]; got != 1 {
		t.Errorf("wps_failures = %d", got)
	}
}

func negotiatedIdle(t *testing.T, yml string) *Session {
	t.Helper()
	s := New(cfgFor(t, "activate_persistent_group: false\ndynamic_group: true\n"+yml), nil, nil)
	drive(s, s.Start(t0), nil, t0)
	return s
}

func connectCmd(peer, how string) Cmd {
	return Cmd{Text: "P2P_CONNECT " + peer + " " + how + " go_intent=15", Tag: TagConnect, Peer: mac(peer)}
}

var (
	armNeg  = ArmTimer{Name: timerNeg, After: 120 * time.Second}
	stopNeg = StopTimer{Name: timerNeg}
	listen  = Cmd{Text: "P2P_LISTEN", Tag: TagFind}
)

func TestNegotiated(t *testing.T) {
	t.Run("methods by device password id", func(t *testing.T) {
		for _, tt := range []struct {
			yml  string
			dpid int
			want []Action
		}{
			{"pbc_in_use: true", wpaevent.DevPasswdPushButton, []Action{connectCmd(phoneA, "pbc"), armNeg}},
			{"pbc_in_use: false\npin: \"12345670\"", wpaevent.DevPasswdUserSpecified, []Action{connectCmd(phoneA, "12345670 display"), armNeg}},
			{"pbc_in_use: false\npin: \"12345670\"", wpaevent.DevPasswdDefault, []Action{connectCmd(phoneA, "12345670 display"), armNeg}},
			{"pbc_in_use: true", wpaevent.DevPasswdDefault, nil},                        // keypad is not accepted
			{"pbc_in_use: false\npin: \"12345670\"", wpaevent.DevPasswdPushButton, nil}, // nor PBC
			{"pbc_in_use: true", wpaevent.DevPasswdRekey, nil},
		} {
			s := negotiatedIdle(t, tt.yml)
			run(t, s, []step{{in: negReq(phoneA, tt.dpid), want: tt.want}})
		}
		s := negotiatedIdle(t, "wps_method: display\npin_timeout_secs: 30")
		run(t, s, []step{
			{in: negReq(phoneA, wpaevent.DevPasswdRegistrarSpecified), want: []Action{AskPIN{Peer: mac(phoneA)}, ArmTimer{Name: timerPINWait, After: 30 * time.Second}}},
			{in: enterPIN(phoneA, "87654321"), want: []Action{connectCmd(phoneA, "87654321 keypad"), armNeg}},
		})
	})
	t.Run("refused P2P_CONNECT goes back to listening", func(t *testing.T) {
		s := negotiatedIdle(t, "pbc_in_use: true\nmax_num_failures: 0")
		run(t, s, []step{
			{in: negReq(phoneA, wpaevent.DevPasswdPushButton), want: []Action{connectCmd(phoneA, "pbc"), armNeg}},
			{in: negReq(phoneA, wpaevent.DevPasswdPushButton), at: time.Second}, // the phone's retry: a duplicate
			{in: reply(connectCmd(phoneA, "pbc"), "FAIL"), at: time.Second, want: []Action{stopNeg, armFind, listen}},
		})
	})
	t.Run("negotiation failure and timeout", func(t *testing.T) {
		s := negotiatedIdle(t, "pbc_in_use: true\nmax_num_failures: 0")
		run(t, s, []step{
			{in: negReq(phoneA, wpaevent.DevPasswdPushButton), want: []Action{connectCmd(phoneA, "pbc"), armNeg}},
			{in: devEvent("P2P-GO-NEG-FAILURE status=-1"), want: []Action{stopNeg, armFind, listen}},
			{in: negReq(phoneB, wpaevent.DevPasswdPushButton), at: time.Minute, want: []Action{connectCmd(phoneB, "pbc"), armNeg}},
			{in: fire(timerNeg), at: 3 * time.Minute, want: []Action{devCmd("P2P_CANCEL", TagNone), armFind, listen}},
			{in: fire(timerNeg), at: 4 * time.Minute},
		})
		if got := s.counters["negotiation_failures"]; got != 2 {
			t.Errorf("negotiation_failures = %d", got)
		}
	})
	t.Run("group up, client leaves, group removed", func(t *testing.T) {
		s := negotiatedIdle(t, "pbc_in_use: true\nrun_program: /bin/hook")
		started := append(append([]Action{}, startedFor...), hook("start_group", "p2p-wlan0-0"),
			ArmTimer{Name: timerEmpty, After: 120 * time.Second}, stopFind)
		run(t, s, []step{
			{in: negReq(phoneA, wpaevent.DevPasswdPushButton), want: []Action{RunHook{Args: []string{"stop"}, Wait: true}, connectCmd(phoneA, "pbc"), armNeg}},
			{in: devEvent("P2P-GO-NEG-SUCCESS role=GO freq=2412 ht40=0 peer_dev=" + phoneA + " peer_iface=" + staA + " wps_method=PBC")},
			{in: devEvent(groupStartedLine), want: started},
			{in: staConn(staA, phoneA), want: []Action{stopEmpty, hook("connect", phoneA, "", "p2p-wlan0-0")}},
			{in: staDisc(staA, phoneA), want: []Action{hook("disconnect", phoneA, "", "p2p-wlan0-0"), stopEmpty, devCmd("P2P_GROUP_REMOVE p2p-wlan0-0", TagGroupRemove)}},
			// The phone that left is authorised ahead: its next negotiation is answered at once.
			{in: devEvent("P2P-GROUP-REMOVED p2p-wlan0-0 GO reason=REQUESTED"), want: []Action{groupDown, stopEnrol, stopEmpty,
				hook("stop_group", "p2p-wlan0-0"), hook("start"), armFind, listen,
				Cmd{Text: "P2P_CONNECT " + phoneA + " pbc auth go_intent=15", Tag: TagPreauth, Peer: mac(phoneA)}}},
		})
		if c := s.counters["clients_connected"]; c != 1 {
			t.Errorf("clients_connected = %d", c)
		}
	})
	t.Run("no client joins in time", func(t *testing.T) {
		s := negotiatedIdle(t, "pbc_in_use: true")
		drive(s, s.HandleEvent("p2p-dev-wlan0", ev("P2P-GO-NEG-REQUEST "+phoneA+" dev_passwd_id=4 go_intent=6"), t0), nil, t0)
		s.HandleEvent("p2p-dev-wlan0", ev(groupStartedLine), t0)
		run(t, s, []step{
			{in: fire(timerEmpty), at: 2 * time.Minute, want: []Action{stopEmpty, devCmd("P2P_GROUP_REMOVE p2p-wlan0-0", TagGroupRemove)}},
			{in: fire(timerEmpty), at: 2 * time.Minute}, // removing already
			// The group was gone already: the FAIL brings the session back to idle.
			{in: reply(devCmd("P2P_GROUP_REMOVE p2p-wlan0-0", TagGroupRemove), "FAIL"), at: 2 * time.Minute, want: []Action{groupDown, stopEnrol, stopEmpty, armFind, listen}},
		})
	})
}

func TestInvitationAcceptedStartsForming(t *testing.T) {
	s := New(cfgFor(t, "dynamic_group: true\npbc_in_use: true"), nil, nil)
	drive(s, s.Start(t0), map[string]string{"LIST_NETWORKS": "network id / ssid / bssid / flags\n"}, t0)
	run(t, s, []step{
		{in: devEvent("P2P-INVITATION-ACCEPTED sa=" + phoneA + " persistent=0 freq=2437"), want: []Action{ArmTimer{Name: timerGroupStart, After: groupStartTimeout}}},
		{in: devEvent("P2P-INVITATION-ACCEPTED sa=" + phoneA + " persistent=0 freq=2437")}, // forming already
		{in: fire(timerGroupStart), at: groupStartTimeout, want: []Action{StopTimer{Name: timerGroupStart}}},
	})
	if s.State() != "idle" {
		t.Errorf("state %s, want idle", s.State())
	}
}

func TestSnapshot(t *testing.T) {
	s := upAutonomous(t, "pbc_in_use: true")
	run(t, s, []step{
		{in: devEvent("P2P-DEVICE-FOUND " + phoneA + " p2p_dev_addr=" + phoneA + " pri_dev_type=1-0050F204-1 name='a' config_methods=0x188 dev_capab=0x25 group_capab=0x0 new=1")},
		{in: pbcReq(phoneA, "a"), at: time.Second, want: []Action{wpsPBC(phoneA), armPBC}},
		{in: staConn(staA, phoneA), at: 2 * time.Second, want: []Action{stopEnrol, stopEmpty}},
		{in: pbcReq(phoneB, "b"), at: 3 * time.Second, want: []Action{wpsPBC(phoneB), armPBC}},
		{in: pbcProbe(staB), at: 3 * time.Second},
		{in: pbcReq(phoneC, "c"), at: 4 * time.Second},
		{in: devEvent("P2P-DEVICE-LOST p2p_dev_addr=" + phoneA), at: 5 * time.Second},
	})
	var st status.Status
	s.Snapshot(&st, func(m wpaevent.MAC) string { return "10.1.1." + m.String()[len(m.String())-1:] })
	want := status.Status{
		State: "group", Mode: "autonomous", WPSMethod: "pbc",
		Group:   &status.Group{Iface: "p2p-wlan0-0", SSID: "DIRECT-0z", Freq: 2437, NetworkID: -1, Passphrase: "28GwK432", Since: t0},
		Clients: []status.Client{{DevAddr: phoneA, IfaceAddr: staA, Name: "a", IP: "10.1.1.0", Method: "pbc", Joined: t0.Add(2 * time.Second)}},
		Pending: []status.Pending{
			{DevAddr: phoneB, Name: "b", Method: "pbc", State: "armed", Since: t0.Add(3 * time.Second)},
			{DevAddr: phoneC, Name: "c", Method: "pbc", State: "queued", Since: t0.Add(4 * time.Second)},
		},
		Peers: []status.Peer{
			{DevAddr: phoneA, Name: "a", DevType: "1-0050F204-1", FirstSeen: t0, LastSeen: t0.Add(5 * time.Second)},
			{DevAddr: phoneB, Name: "b", DevType: "1-0050F204-1", FirstSeen: t0.Add(3 * time.Second), LastSeen: t0.Add(3 * time.Second)},
			{DevAddr: phoneC, Name: "c", DevType: "1-0050F204-1", FirstSeen: t0.Add(4 * time.Second), LastSeen: t0.Add(4 * time.Second)},
		},
	}
	got := st
	got.Counters = nil
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("snapshot (-want +got):\n%s", diff)
	}
	if st.Counters["P2P-PROV-DISC-PBC-REQ"] != 3 || st.Counters["cmd:WPS_PBC"] != 2 || st.Counters["requests_pbc"] != 3 {
		t.Errorf("counters %v", st.Counters)
	}
	s.ResetStats()
	s.Snapshot(&st, nil)
	if len(st.Counters) != 0 || st.Clients[0].IP != "" {
		t.Errorf("after ResetStats: %v, clients %+v", st.Counters, st.Clients)
	}
	for _, tt := range []struct{ yml, want string }{
		{"wps_method: auto", "pbc+keypad"}, // from config_methods below
		{"wps_method: display\ndisplay_program: /bin/true", "display+random"},
		{"wps_method: random", "random"},
		{"pbc_in_use: false", "keypad"},
	} {
		s := New(cfgFor(t, "activate_persistent_group: false\n"+tt.yml), nil, nil)
		drive(s, s.Start(t0), map[string]string{"GET config_methods": "virtual_push_button keypad"}, t0)
		s.Snapshot(&st, nil)
		if st.WPSMethod != tt.want || st.State != "idle" {
			t.Errorf("%q: wps method %q state %q, want %q idle", tt.yml, st.WPSMethod, st.State, tt.want)
		}
	}
}

func TestAddressLists(t *testing.T) {
	s := upAutonomous(t, "pbc_in_use: true\nallow_macs: [\""+phoneA+"\"]")
	deauth := func(sta, dev string) []Action {
		return []Action{grpCmd("DEAUTHENTICATE "+sta, TagNone), devCmd("P2P_REMOVE_CLIENT "+dev, TagNone)}
	}
	run(t, s, []step{
		{in: pbcReq(phoneB, "b")}, // not allowed
		{in: pbcReq(phoneC, "c")},
		{in: negReq(phoneC, wpaevent.DevPasswdPushButton), at: 2 * time.Second},
		{in: staConn(staB, phoneB), at: 2 * time.Second, want: deauth(staB, phoneB)}, // a persistent client of a denied device
		{in: pbcReq(phoneA, "a"), at: 2 * time.Second, want: []Action{wpsPBC(phoneA), armPBC}},
		{in: staConn(staA, phoneA), at: 2 * time.Second, want: []Action{stopEnrol, stopEmpty}},
		{in: staConn(staA, phoneA), at: 2 * time.Second}, // the copy from the other socket
	})
	if got := s.counters["refused_mac"]; got != 4 {
		t.Errorf("refused_mac = %d, want 4", got)
	}
}

func TestDenyList(t *testing.T) {
	s := upAutonomous(t, "pbc_in_use: true\ndeny_macs: [\""+phoneB+"\"]")
	run(t, s, []step{
		{in: pbcReq(phoneB, "b")},
		{in: pbcReq(phoneA, "a"), want: []Action{wpsPBC(phoneA), armPBC}},
	})
}

func TestReload(t *testing.T) {
	t.Run("another mode restarts the session", func(t *testing.T) {
		s := upAutonomous(t, "pbc_in_use: true\nrun_program: /bin/hook")
		next := cfgFor(t, "activate_persistent_group: false\ndynamic_group: true\npbc_in_use: true\nrun_program: /bin/hook")
		run(t, s, []step{{in: op("Reload", func(s *Session, now time.Time) []Action { return s.Reload(next, now) }), want: []Action{
			devCmd("P2P_GROUP_REMOVE p2p-wlan0-0", TagNone), groupDown, stopEnrol, stopEmpty,
			hook("stop_group", "p2p-wlan0-0"), hook("start"),
			devCmd("P2P_SET per_sta_psk 1", TagNone), devCmd("INTERFACES", TagInterfaces)}}})
		if s.State() != "starting" {
			t.Errorf("state %s", s.State())
		}
	})
	t.Run("wps_method auto asks config_methods again", func(t *testing.T) {
		s := upAutonomous(t, "pbc_in_use: false\npin: \"12345670\"")
		next := cfgFor(t, "activate_persistent_group: false\nactivate_autonomous_group: true\nwps_method: auto")
		run(t, s, []step{
			{in: op("Reload", func(s *Session, now time.Time) []Action { return s.Reload(next, now) }), want: []Action{
				devCmd("P2P_SET per_sta_psk 1", TagNone), devCmd("GET config_methods", TagConfigMethods)}},
			{in: reply(devCmd("GET config_methods", TagConfigMethods), "virtual_push_button")},
			{in: pbcReq(phoneA, "a"), want: []Action{wpsPBC(phoneA), armPBC}},
		})
	})
	t.Run("offline only stores it", func(t *testing.T) {
		s := New(cfgFor(t, "pbc_in_use: true"), nil, nil)
		next := cfgFor(t, "activate_persistent_group: false\npbc_in_use: false")
		run(t, s, []step{{in: op("Reload", func(s *Session, now time.Time) []Action { return s.Reload(next, now) })}})
		if !s.pol.keypad || s.pol.pbc {
			t.Errorf("policy %+v", s.pol)
		}
	})
}

// TestWhiteListFallsBackToPIN: as hostp2pd, a phone whose name is not on
// the white list cannot use the button, but can join with the PIN, also
// when pbc_in_use: true (where keypad is otherwise not accepted).
func TestWhiteListFallsBackToPIN(t *testing.T) {
	s := upAutonomous(t, "pbc_in_use: true\npin: \"12345670\"\nwhite_list: [tablet]")
	run(t, s, []step{
		{in: pbcReq(phoneA, "phone"), want: []Action{wpsPIN("12345670", phoneA), armPIN}},
		{in: pbcReq(phoneA, "phone"), at: time.Second}, // the phone repeats its request: the same enrolment
		{in: showPINReq(phoneB, "b")},                  // keypad itself is still not accepted
		{in: pbcReq(phoneC, "tablet"), at: time.Second, want: []Action{ArmTimer{Name: timerEnrol, After: crowdPINHold - time.Second}}},
		{in: regSuccess(staA), at: 2 * time.Second, want: []Action{armConfirm}},
		{in: staConn(staA, phoneA), at: 2 * time.Second, want: []Action{stopEnrol, wpsPBC(phoneC), ArmTimer{Name: timerEnrol, After: pbcWalkTime - time.Second}, stopEmpty}},
	})
	if c := s.clients[mac(staA)]; c == nil || c.method != "keypad" {
		t.Errorf("client %+v, want joined by keypad", c)
	}
	if got := s.counters["white_list_fallbacks"]; got != 1 {
		t.Errorf("white_list_fallbacks = %d, want 1", got)
	}
}

// TestReloadSameModeAppliesSettings: a reload in the same mode keeps the
// group and sends the supplicant settings again, resetting dropped ones.
func TestReloadSameModeAppliesSettings(t *testing.T) {
	base := "activate_persistent_group: false\nactivate_autonomous_group: true\npbc_in_use: true\n"
	s := upAutonomous(t, "pbc_in_use: true\nssid_postfix: Old\nper_sta_psk: true")
	steps := joined(phoneA, staA)
	next := cfgFor(t, base+"config_parms: {p2p_go_intent: \"7\", p2p_go_ht40: \"1\"}\nsave_config_enabled: false\nper_sta_psk: false")
	steps = append(steps, step{in: op("Reload", func(s *Session, now time.Time) []Action { return s.Reload(next, now) }), want: []Action{
		devCmd("SET p2p_go_ht40 1", TagNone), devCmd("SET p2p_go_intent 7", TagNone),
		devCmd("P2P_SET ssid_postfix ", TagNone), devCmd("P2P_SET per_sta_psk 0", TagNone)}})
	again := cfgFor(t, base+"config_parms: {p2p_go_intent: \"7\"}\nssid_postfix: New")
	steps = append(steps, step{in: op("Reload", func(s *Session, now time.Time) []Action { return s.Reload(again, now) }), want: []Action{
		devCmd("SET p2p_go_intent 7", TagNone), devCmd("SAVE_CONFIG", TagNone), devCmd("P2P_SET ssid_postfix New", TagNone),
		devCmd("P2P_SET per_sta_psk 1", TagNone)}}) // the default again
	run(t, s, steps)
	if s.grp == nil || len(s.clients) != 1 {
		t.Errorf("group %+v clients %d: the group and its client must stay", s.grp, len(s.clients))
	}
}

// TestNegotiationRetries: max_num_failures is the number of P2P_CONNECT
// retries after failed GO negotiations with one phone, and min_conn_delay
// the least gap between two P2P_CONNECTs to it.
func TestNegotiationRetries(t *testing.T) {
	armConn := func(d time.Duration) ArmTimer { return ArmTimer{Name: timerConnect, After: d} }
	failure := devEvent("P2P-GO-NEG-FAILURE status=-1")
	t.Run("retried max_num_failures times, min_conn_delay apart", func(t *testing.T) {
		s := negotiatedIdle(t, "pbc_in_use: true\nmax_num_failures: 2\nmin_conn_delay: 5")
		run(t, s, []step{
			{in: negReq(phoneA, wpaevent.DevPasswdPushButton), want: []Action{connectCmd(phoneA, "pbc"), armNeg}},
			{in: failure, at: time.Second, want: []Action{stopNeg, armConn(4 * time.Second), armFind, listen}},
			{in: fire(timerConnect), at: 5 * time.Second, want: []Action{connectCmd(phoneA, "pbc"), armNeg}},
			// A refused P2P_CONNECT counts as well; the retry waits at least 2 s.
			{in: reply(connectCmd(phoneA, "pbc"), "FAIL"), at: 9 * time.Second, want: []Action{stopNeg, armConn(negRetryDelay), armFind, listen}},
			{in: fire(timerConnect), at: 11 * time.Second, want: []Action{connectCmd(phoneA, "pbc"), armNeg}},
			{in: failure, at: 12 * time.Second, want: []Action{stopNeg, armFind, listen}}, // the third failure: given up
			{in: fire(timerConnect), at: 20 * time.Second},
			// A new request from the phone starts a new count.
			{in: negReq(phoneA, wpaevent.DevPasswdPushButton), at: 30 * time.Second, want: []Action{connectCmd(phoneA, "pbc"), armNeg}},
			{in: failure, at: 31 * time.Second, want: []Action{stopNeg, armConn(4 * time.Second), armFind, listen}},
		})
		if got := s.counters["negotiation_retries"]; got != 3 {
			t.Errorf("negotiation_retries = %d, want 3", got)
		}
	})
	t.Run("a request sooner than min_conn_delay waits", func(t *testing.T) {
		s := negotiatedIdle(t, "pbc_in_use: true\nmax_num_failures: 0")
		run(t, s, []step{
			{in: negReq(phoneA, wpaevent.DevPasswdPushButton), want: []Action{connectCmd(phoneA, "pbc"), armNeg}},
			{in: failure, at: time.Second, want: []Action{stopNeg, armFind, listen}},
			{in: negReq(phoneA, wpaevent.DevPasswdPushButton), at: 10 * time.Second, want: []Action{armConn(30 * time.Second)}},
			{in: fire(timerConnect), at: 40 * time.Second, want: []Action{connectCmd(phoneA, "pbc"), armNeg}},
			// Another phone is not held back by it.
			{in: failure, at: 41 * time.Second, want: []Action{stopNeg, armFind, listen}},
			{in: negReq(phoneB, wpaevent.DevPasswdPushButton), at: 42 * time.Second, want: []Action{connectCmd(phoneB, "pbc"), armNeg}},
		})
	})
	t.Run("a group that starts ends the retries", func(t *testing.T) {
		s := negotiatedIdle(t, "pbc_in_use: true\nmin_conn_delay: 0")
		run(t, s, []step{
			{in: negReq(phoneA, wpaevent.DevPasswdPushButton), want: []Action{connectCmd(phoneA, "pbc"), armNeg}},
			{in: failure, at: time.Second, want: []Action{stopNeg, armConn(negRetryDelay), armFind, listen}},
			{in: devEvent("P2P-INVITATION-ACCEPTED sa=" + phoneA + " persistent=0 freq=2437"), at: 2 * time.Second, want: []Action{ArmTimer{Name: timerGroupStart, After: groupStartTimeout}}},
			{in: fire(timerConnect), at: 3 * time.Second}, // forming: no P2P_CONNECT
		})
	})
}

// TestFindTimerStopsWhileGO: a GO without find_while_go has nothing to
// refresh, so the find timer stops instead of waking the daemon every
// find_interval_secs for nothing; it runs again when the group ends or a
// reload turns find_while_go on. With find_while_go it keeps the search up.
func TestFindTimerStopsWhileGO(t *testing.T) {
	find := devCmd("P2P_FIND", TagFind)
	t.Run("without find_while_go", func(t *testing.T) {
		s := upAutonomous(t, "")
		run(t, s, []step{
			{in: fire(timerFind), at: 10 * time.Second, want: []Action{stopFind}}, // armed before the group: fires once
			{in: devEvent("P2P-GROUP-REMOVED p2p-wlan0-0 GO reason=UNAVAILABLE"), at: 20 * time.Second, want: []Action{
				groupDown, stopEnrol, stopEmpty, ArmTimer{Name: timerGroupRetry, After: time.Second}, armFind, devCmd("P2P_LISTEN", TagFind)}},
		})
	})
	t.Run("with find_while_go", func(t *testing.T) {
		s := upAutonomous(t, "find_while_go: true")
		run(t, s, []step{
			{in: fire(timerFind), at: 10 * time.Second, want: []Action{armFind}}, // the search runs
			{in: devEvent("P2P-FIND-STOPPED"), at: 15 * time.Second, want: []Action{ArmTimer{Name: timerFind, After: findRestartDelay}}},
			{in: fire(timerFind), at: 17 * time.Second, want: []Action{armFind, find}},
		})
	})
	t.Run("reload turns find_while_go on", func(t *testing.T) {
		s := upAutonomous(t, "")
		on := cfgFor(t, "activate_persistent_group: false\nactivate_autonomous_group: true\nfind_while_go: true")
		run(t, s, []step{
			{in: op("Reload", func(s *Session, now time.Time) []Action { return s.Reload(on, now) }), at: 5 * time.Second,
				want: []Action{devCmd("P2P_SET per_sta_psk 1", TagNone), armFind, find, devCmd("GET config_methods", TagConfigMethods)}},
		})
	})
}

// TestFindPolling: with idle_discovery: find, discovery polls with
// P2P_FIND <select_timeout_secs.normal>; after max_scan_polling polls
// without a request it listens and polls every select_timeout_secs.long;
// a request brings back the normal rate.
func TestFindPolling(t *testing.T) {
	s := New(cfgFor(t, "activate_persistent_group: false\npbc_in_use: true\nidle_discovery: find\nmax_scan_polling: 2\nselect_timeout_secs: {normal: 5, long: 60}"), nil, nil)
	acts := s.Start(t0)
	if diff := cmp.Diff([]string{":P2P_SET per_sta_psk 1", ":INTERFACES"}, cmds(acts)); diff != "" {
		t.Fatalf("start (-want +got):\n%s", diff)
	}
	poll := devCmd("P2P_FIND 5", TagFind)
	listenCmd := devCmd("P2P_LISTEN", TagFind)
	tick := ArmTimer{Name: timerFind, After: 5 * time.Second} // find_interval_secs follows normal
	stopped := devEvent("P2P-FIND-STOPPED")
	restart := ArmTimer{Name: timerFind, After: findRestartDelay}
	run(t, s, []step{
		{in: reply(devCmd("INTERFACES", TagInterfaces), "p2p-dev-wlan0\nwlan0"), want: []Action{tick, poll, Ready{}}},
		{in: fire(timerFind), at: 5 * time.Second, want: []Action{tick}}, // the poll still runs
		{in: stopped, at: 5 * time.Second, want: []Action{restart}},
		{in: fire(timerFind), at: 7 * time.Second, want: []Action{tick, poll}}, // second poll
		{in: stopped, at: 12 * time.Second, want: []Action{restart}},
		{in: fire(timerFind), at: 14 * time.Second, want: []Action{tick, listenCmd}}, // slow: listen
		{in: fire(timerFind), at: 19 * time.Second, want: []Action{tick}},
		{in: fire(timerFind), at: 67 * time.Second, want: []Action{tick, poll}}, // long after the last poll
		{in: stopped, at: 72 * time.Second, want: []Action{restart}},
		{in: fire(timerFind), at: 74 * time.Second, want: []Action{tick, listenCmd}},
		// A request: the group forms; back to idle, polling is at the normal rate again.
		{in: pbcReq(phoneA, "a"), at: 80 * time.Second, want: []Action{devCmd("P2P_GROUP_ADD", TagGroupAdd), ArmTimer{Name: timerGroupStart, After: groupStartTimeout}}},
		{in: devEvent(groupStartedLine), at: 81 * time.Second, want: append(append([]Action{}, startedFor...),
			devCmd("P2P_STOP_FIND", TagNone), wpsPBC(phoneA), ArmTimer{Name: timerEnrol, After: pbcWalkTime - time.Second}, StopTimer{Name: timerFind})},
		{in: devEvent("P2P-GROUP-REMOVED p2p-wlan0-0 GO reason=UNAVAILABLE"), at: 90 * time.Second, want: []Action{groupDown, stopEnrol, stopEmpty, tick, poll}},
	})
	s = New(cfgFor(t, "activate_persistent_group: false\npbc_in_use: true\nidle_discovery: find\nmax_scan_polling: 0\nselect_timeout_secs: {normal: 5, long: 60}"), nil, nil)
	drive(s, s.Start(t0), nil, t0)
	for i := range 5 {
		at := time.Duration(i+1) * 10 * time.Second
		run(t, s, []step{{in: stopped, at: at, want: []Action{restart}}, {in: fire(timerFind), at: at + 2*time.Second, want: []Action{tick, poll}}})
	}
}

// TestFloodDoesNotStarveRealPhone: 5,000 push-button requests from made-up
// addresses leave at most maxQueue waiting, and a real phone that asks
// after them is armed at the first no-show, not behind them.
func TestFloodDoesNotStarveRealPhone(t *testing.T) {
	s := upAutonomous(t, "pbc_in_use: true")
	fake := func(i int) string { return fmt.Sprintf("02:00:00:%02x:%02x:00", i>>8, i&0xff) }
	first := s.HandleEvent("p2p-dev-wlan0", pbcReqEv(fake(0)), t0)
	if diff := cmp.Diff([]Action{wpsPBC(fake(0)), armPBC}, first); diff != "" {
		t.Fatalf("first request (-want +got):\n%s", diff)
	}
	for i := 1; i < 5000; i++ {
		now := t0.Add(time.Duration(i) * 200 * time.Microsecond)
		a := s.HandleEvent("p2p-dev-wlan0", pbcReqEv(fake(i)), now)
		if i == 1 {
			if diff := cmp.Diff([]Action{ArmTimer{Name: timerNoShow, After: pbcNoShow - 200*time.Microsecond}}, a); diff != "" {
				t.Fatalf("second request (-want +got):\n%s", diff)
			}
		} else if len(a) != 0 {
			t.Fatalf("request %d: %v", i, a)
		}
		if len(s.queue) > maxQueue {
			t.Fatalf("queue grew to %d", len(s.queue))
		}
	}
	run(t, s, []step{
		{in: pbcReq(phoneA, "real"), at: 2 * time.Second},
		// The made-up first address never probes: released at the no-show,
		// and the newest request, the real phone, is armed for its walk.
		{in: fire(timerNoShow), at: pbcNoShow, want: []Action{grpCmd("WPS_CANCEL", TagNone), stopEnrol,
			wpsPBC(phoneA), ArmTimer{Name: timerEnrol, After: pbcWalkTime - (pbcNoShow - 2*time.Second)}, ArmTimer{Name: timerNoShow, After: pbcNoShow}}},
		{in: pbcProbe(staA), at: pbcNoShow + time.Second},
		{in: staConn(staA, phoneA), at: pbcNoShow + 2*time.Second, want: []Action{stopEnrol, StopTimer{Name: timerNoShow},
			wpsPBC(fake(4999)), ArmTimer{Name: timerEnrol, After: pbcWalkTime - pbcNoShow - 2*time.Second + 4999*200*time.Microsecond}, ArmTimer{Name: timerNoShow, After: pbcNoShow}, stopEmpty}},
	})
	if c := s.clients[mac(staA)]; c == nil || c.name != "real" {
		t.Fatalf("real phone not joined: %+v", c)
	}
	// 4,999 waited for one armed; the real phone's request made room too.
	if got := s.counters["enrol_dropped"]; got != 5000-maxQueue {
		t.Errorf("enrol_dropped = %d, want %d", got, 5000-maxQueue)
	}
	// The rest of the flood expires with its walk.
	now := t0.Add(pbcNoShow + 2*time.Second)
	for i := 0; i < 10 && s.armed != nil; i++ {
		now = now.Add(pbcNoShow)
		s.HandleTimer(timerNoShow, now)
	}
	if s.armed != nil || len(s.queue) != 0 || s.counters["enrol_expired"] == 0 {
		t.Errorf("after the walk: armed %v, %d queued, %d expired", s.armed, len(s.queue), s.counters["enrol_expired"])
	}
}

func pbcReqEv(dev string) wpaevent.Event {
	return ev(fmt.Sprintf("P2P-PROV-DISC-PBC-REQ %s p2p_dev_addr=%s pri_dev_type=1-0050F204-1 name='x' config_methods=0x188 dev_capab=0x25 group_capab=0x0 group=p2p-wlan0-0", dev, dev))
}

// TestRequestRateLimitPerPeer: one peer's requests count once per
// requestGap.
func TestRequestRateLimitPerPeer(t *testing.T) {
	s := upAutonomous(t, "pbc_in_use: false\npin: \"12345670\"")
	var got []Action
	for i := range 100 {
		got = append(got, s.HandleEvent("p2p-dev-wlan0", ev("P2P-PROV-DISC-SHOW-PIN "+phoneA+" 87654321 p2p_dev_addr="+phoneA+" pri_dev_type=1-0050F204-1 name='a' config_methods=0x188 dev_capab=0x25 group_capab=0x0"), t0.Add(time.Duration(i)*time.Millisecond))...)
		got = append(got, s.HandleEvent("p2p-dev-wlan0", ev(fmt.Sprintf("P2P-GO-NEG-REQUEST %s dev_passwd_id=1 go_intent=6", phoneA)), t0.Add(time.Duration(i)*time.Millisecond))...)
	}
	if diff := cmp.Diff([]Action{wpsPIN("12345670", phoneA), armPIN}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if n := s.counters["requests_rate_limited"]; n != 199 {
		t.Errorf("requests_rate_limited = %d, want 199", n)
	}
}

// TestInvalidAddressesNeverPeers: zero, broadcast, multicast and malformed
// addresses are never enrolled, also with a white list (no P2P_PEER).
func TestInvalidAddressesNeverPeers(t *testing.T) {
	for _, yml := range []string{"pbc_in_use: true", "pbc_in_use: true\nwhite_list: [phone]", "pbc_in_use: false\npin: \"12345670\""} {
		s := upAutonomous(t, yml)
		var steps []step
		for _, addr := range []string{"ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:01", "33:33:00:00:00:01", "00:00:00:00:00:00", "zz:zz:zz:zz:zz:zz", "42:00:00:00:01"} {
			steps = append(steps,
				step{in: devEvent("P2P-DEVICE-FOUND " + addr + " p2p_dev_addr=" + addr + " pri_dev_type=1-0050F204-1 name='phone' config_methods=0x188 dev_capab=0x25 group_capab=0x0 new=1")},
				step{in: pbcReq(addr, "phone")},
				step{in: showPINReq(addr, "phone")},
				step{in: negReq(addr, wpaevent.DevPasswdPushButton)},
				step{in: grpEvent("WPS-ENROLLEE-SEEN " + addr + " 572cf82f-c957-5653-9b16-b5cfb298abf1 0-00000000-0 0x3148 4 1 [ ]")},
			)
		}
		steps = append(steps, step{in: devEvent("P2P-PROV-DISC-PBC-REQ ff:ff:ff:ff:ff:ff p2p_dev_addr=00:00:00:00:00:00 pri_dev_type=1-0050F204-1 name='phone' config_methods=0x188 dev_capab=0x25 group_capab=0x0")},
			step{in: staConn("ff:ff:ff:ff:ff:ff", "ff:ff:ff:ff:ff:ff")})
		run(t, s, steps)
		if len(s.peers) != 0 || len(s.queue) != 0 || s.armed != nil || len(s.clients) != 0 {
			t.Errorf("%q: peers %d, queue %d, armed %v", yml, len(s.peers), len(s.queue), s.armed)
		}
		if s.counters["refused_address"] < 12 {
			t.Errorf("%q: refused_address = %d", yml, s.counters["refused_address"])
		}
	}
}

// TestNegotiationBySupplicantFormsGroup (groundwork for issue 13 item 4):
// a GO negotiation wpa_supplicant completes without a P2P_CONNECT of ours
// (a peer authorised beforehand) moves the session to forming: no
// discovery until the group starts, and the client is labelled.
func TestNegotiationBySupplicantFormsGroup(t *testing.T) {
	s := negotiatedIdle(t, "pbc_in_use: true")
	run(t, s, []step{
		{in: devEvent("P2P-GO-NEG-SUCCESS role=client freq=2412 ht40=0 peer_dev=" + phoneA + " peer_iface=" + staA + " wps_method=PBC")},
		{in: devEvent("P2P-GO-NEG-SUCCESS role=GO freq=2412 ht40=0 peer_dev=" + phoneA + " peer_iface=" + staA + " wps_method=PBC"),
			want: []Action{ArmTimer{Name: timerGroupStart, After: groupStartTimeout}}},
		{in: fire(timerFind), at: time.Second, want: []Action{armFind}},
		{in: devEvent(groupStartedLine), at: 2 * time.Second, want: append(append([]Action{}, startedFor...), ArmTimer{Name: timerEmpty, After: 120 * time.Second}, stopFind)},
		{in: staConn(staA, phoneA), at: 3 * time.Second, want: []Action{stopEmpty}},
	})
	if c := s.clients[mac(staA)]; c == nil || c.method != "pbc-negotiated" {
		t.Errorf("client %+v", c)
	}
	s = negotiatedIdle(t, "pbc_in_use: true")
	run(t, s, []step{
		{in: devEvent("P2P-GO-NEG-SUCCESS role=GO freq=2412 ht40=0 peer_dev=" + phoneA + " peer_iface=" + staA + " wps_method=Display"),
			want: []Action{ArmTimer{Name: timerGroupStart, After: groupStartTimeout}}},
		{in: devEvent("P2P-GROUP-FORMATION-FAILURE reason=FREQ_CONFLICT"), want: []Action{stopNeg, armFind, listen}},
	})
}

// TestWildcardPINUsedOutOfTurn: three phones share the keypad PIN; the one
// armed is not the one that uses it. The armed phone keeps its turn, the
// phone that joined leaves the queue, and the third is armed after them
// (lab scenario 19 lost the armed phone's turn).
func TestWildcardPINUsedOutOfTurn(t *testing.T) {
	s := upAutonomous(t, "pbc_in_use: false\npin: \"12345670\"")
	pin := func(peer string) Cmd { return wpsPIN("12345670", peer) }
	staC := "46:00:00:00:03:00"
	run(t, s, []step{
		{in: showPINReq(phoneC, "c"), want: []Action{pin(phoneC), armPIN}},
		{in: showPINReq(phoneA, "a"), want: []Action{rearmPIN, riderTimer(pinArmTimeout)}},
		{in: showPINReq(phoneB, "b"), want: []Action{rearmPIN, riderTimer(pinArmTimeout)}},
		// A and B ride along C: whoever completes, a new copy is armed for the others.
		{in: regSuccess(staA), at: time.Second, want: []Action{rearmPIN}},
		{in: staConn(staA, phoneA), at: 2 * time.Second, want: []Action{rearmPIN, riderTimer(pinArmTimeout - 2*time.Second), stopEmpty}},
		{in: regSuccess(staC), at: 3 * time.Second, want: []Action{rearmPIN}},
		// C is in: B, riding, becomes the armed one with what is left of its walk.
		{in: staConn(staC, phoneC), at: 4 * time.Second, want: []Action{stopEnrol, pin(phoneB), ArmTimer{Name: timerEnrol, After: pinArmTimeout - 4*time.Second}, stopRider, stopEmpty}},
		{in: regSuccess(staB), at: 5 * time.Second, want: []Action{armConfirm}},
		{in: staConn(staB, phoneB), at: 6 * time.Second, want: []Action{stopEnrol, stopEmpty}},
	})
	if len(s.clients) != 3 || len(s.queue) != 0 || s.armed != nil {
		t.Errorf("clients %d, queue %d, armed %v", len(s.clients), len(s.queue), s.armed)
	}
	for _, sta := range []string{staA, staB, staC} {
		if c := s.clients[mac(sta)]; c == nil || c.method != "keypad" {
			t.Errorf("client %s: %+v", sta, c)
		}
	}
}

// TestArmedPINNeverLingers: a PIN armed for any enrollee is never left armed
// once its phone is in: a phone that comes back without using it (a
// persistent client) cancels it, so a denied phone that knows the PIN
// cannot use it (lab scenarios 15 and 22).
func TestArmedPINNeverLingers(t *testing.T) {
	s := upAutonomous(t, "pbc_in_use: false\npin: \"12345670\"\ndeny_macs: [\""+phoneB+"\"]")
	run(t, s, []step{
		{in: showPINReq(phoneA, "a"), want: []Action{wpsPIN("12345670", phoneA), armPIN}},
		{in: staConn(staA, phoneA), at: time.Second, want: []Action{grpCmd("WPS_CANCEL", TagNone), stopEnrol, stopEmpty}},
		{in: showPINReq(phoneB, "b"), at: 2 * time.Second},
		// No association follows a WPS success in time: the PIN is cancelled.
		{in: showPINReq(phoneC, "c"), at: 3 * time.Second, want: []Action{wpsPIN("12345670", phoneC), armPIN}},
		{in: regSuccess("46:00:00:00:03:00"), at: 4 * time.Second, want: []Action{armConfirm}},
		{in: fire(timerEnrol), at: 4*time.Second + confirmWait, want: []Action{grpCmd("WPS_CANCEL", TagNone), stopEnrol}},
	})
}
