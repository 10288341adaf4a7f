package p2p

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hostp2pd/hostp2pd/wpaevent"
)

// The tests of docs/clients.md: how every kind of client gets in.

var (
	removeGrp   = devCmd("P2P_GROUP_REMOVE p2p-wlan0-0", TagGroupRemove)
	stopEmpty0  = StopTimer{Name: timerEmpty}
	armKnown    = ArmTimer{Name: timerKnown, After: knownPoll}
	armGrpStart = ArmTimer{Name: timerGroupStart, After: groupStartTimeout}
)

func connectTo(peer, how string) Cmd {
	return Cmd{Text: "P2P_CONNECT " + peer + " " + how, Tag: TagConnect, Peer: mac(peer)}
}

func inviteText(text, peer string) Cmd { return Cmd{Text: text, Tag: TagInvite, Peer: mac(peer)} }

func knownPeerCmd(peer string) Cmd {
	return Cmd{Text: "P2P_PEER " + peer, Tag: TagKnownPeer, Peer: mac(peer)}
}

func preauthCmd(peer, how string) Cmd {
	return Cmd{Text: "P2P_CONNECT " + peer + " " + how, Tag: TagPreauth, Peer: mac(peer)}
}

// peerReply is wpa_supplicant's P2P_PEER reply for peer, last seen age
// seconds ago.
func peerReply(peer string, age int) string {
	return fmt.Sprintf("%s\npri_dev_type=10-0050F204-5\ndevice_name=phone\nmanufacturer=\nmodel_name=\nmodel_number=\nserial_number=\nconfig_methods=0x188\ndev_capab=0x25\ngroup_capab=0x0\nlevel=-40\nage=%d\nlisten_freq=2437\nwps_method=not-ready\ninterface_addr=00:00:00:00:00:00\nmember_in_go_dev=00:00:00:00:00:00\nmember_in_go_iface=00:00:00:00:00:00\ngo_neg_req_sent=0\ngo_state=unknown\ndialog_token=0\nintended_addr=00:00:00:00:00:00\ncountry=XX\noper_freq=0\nreq_config_methods=0x0\nflags=[REPORTED]\nstatus=0\ninvitation_reqs=0\n", peer, age)
}

// upPersistent starts a persistent-mode session reusing network 0 whose
// client list holds clientList, with its group up.
func upPersistent(t *testing.T, yml, clientList string) *Session {
	t.Helper()
	s := New(cfgFor(t, "pbc_in_use: true\n"+yml), nil, nil)
	drive(s, s.Start(t0), map[string]string{
		"LIST_NETWORKS":                 "network id / ssid / bssid / flags\n0\tDIRECT-PP\t42:00:00:00:00:00\t[DISABLED][P2P-PERSISTENT]\n",
		"GET_NETWORK 0 mode":            "3",
		"GET_NETWORK 0 bssid":           "42:00:00:00:00:00", // it names our device: kept
		"GET_NETWORK 0 p2p_client_list": clientList,
	}, t0)
	s.HandleEvent("p2p-dev-wlan0", ev(`P2P-GROUP-STARTED p2p-wlan0-0 GO ssid="DIRECT-PP" freq=2437 passphrase="28GwK432" go_dev_addr=42:00:00:00:00:00 [PERSISTENT]`), t0)
	return s
}

// TestNegotiationAgainstRunningGroup: item 1 of issue 13.
func TestNegotiationAgainstRunningGroup(t *testing.T) {
	t.Run("empty autonomous group is removed and the negotiation answered as GO", func(t *testing.T) {
		s := upAutonomous(t, "pbc_in_use: true")
		run(t, s, []step{
			{in: negReq(phoneA, wpaevent.DevPasswdPushButton), want: []Action{stopEmpty0, removeGrp}},
			{in: negReq(phoneA, wpaevent.DevPasswdPushButton), at: 2 * time.Second}, // its retry: a duplicate
			{in: devEvent("P2P-GROUP-REMOVED p2p-wlan0-0 GO reason=REQUESTED"), at: 2 * time.Second,
				want: []Action{groupDown, stopEnrol, stopEmpty0, connectTo(phoneA, "pbc go_intent=15"), armNeg}},
			{in: devEvent(groupStartedLine), at: 3 * time.Second, want: append(append([]Action{}, startedFor...), stopFind)},
			{in: staConn(staA, phoneA), at: 4 * time.Second, want: []Action{stopEmpty0}},
		})
		if got := s.clients[mac(staA)].method; got != "pbc-negotiated" {
			t.Errorf("method %q", got)
		}
		if s.counters["reforms"] != 1 {
			t.Errorf("reforms = %d", s.counters["reforms"])
		}
	})
	t.Run("persistent group is formed again with persistent=<id>", func(t *testing.T) {
		s := upPersistent(t, "", "FAIL")
		run(t, s, []step{
			{in: negReq(phoneA, wpaevent.DevPasswdPushButton), want: []Action{stopEmpty0, removeGrp}},
			{in: devEvent("P2P-GROUP-REMOVED p2p-wlan0-0 GO reason=REQUESTED"),
				want: []Action{groupDown, stopEnrol, stopEmpty0, connectTo(phoneA, "pbc persistent=0 go_intent=15"), armNeg}},
		})
	})
	t.Run("keypad with a fixed PIN", func(t *testing.T) {
		s := upAutonomous(t, "pbc_in_use: false\npin: \"12345670\"")
		run(t, s, []step{
			{in: negReq(phoneA, wpaevent.DevPasswdUserSpecified), want: []Action{stopEmpty0, removeGrp}},
			{in: devEvent("P2P-GROUP-REMOVED p2p-wlan0-0 GO reason=REQUESTED"),
				want: []Action{groupDown, stopEnrol, stopEmpty0, connectTo(phoneA, "12345670 display go_intent=15"), armNeg}},
		})
	})
	t.Run("a failed negotiation brings the always-on group back", func(t *testing.T) {
		s := upAutonomous(t, "pbc_in_use: true\nmax_num_failures: 0")
		run(t, s, []step{
			{in: negReq(phoneA, wpaevent.DevPasswdPushButton), want: []Action{stopEmpty0, removeGrp}},
			{in: devEvent("P2P-GROUP-REMOVED p2p-wlan0-0 GO reason=REQUESTED"),
				want: []Action{groupDown, stopEnrol, stopEmpty0, connectTo(phoneA, "pbc go_intent=15"), armNeg}},
			{in: devEvent("P2P-GO-NEG-FAILURE status=1"), at: time.Second,
				want: []Action{stopNeg, devCmd("P2P_GROUP_ADD", TagGroupAdd), armGrpStart, armFind}},
		})
	})
	t.Run("a peer negotiating again within a minute of its re-formed group is invited", func(t *testing.T) {
		s := upAutonomous(t, "pbc_in_use: true")
		run(t, s, []step{
			{in: negReq(phoneA, wpaevent.DevPasswdPushButton), want: []Action{stopEmpty0, removeGrp}},
			{in: devEvent("P2P-GROUP-REMOVED p2p-wlan0-0 GO reason=REQUESTED"),
				want: []Action{groupDown, stopEnrol, stopEmpty0, connectTo(phoneA, "pbc go_intent=15"), armNeg}},
			{in: devEvent(groupStartedLine), at: 2 * time.Second, want: append(append([]Action{}, startedFor...), stopFind)},
			{in: staConn(staA, phoneA), at: 3 * time.Second, want: []Action{stopEmpty0}},
			{in: staDisc(staA, phoneA), at: 4 * time.Second}, // the always-on group stays
			// Same peer again at +30 s: no second teardown, it is invited.
			{in: negReq(phoneA, wpaevent.DevPasswdPushButton), at: 30 * time.Second,
				want: []Action{wpsPBC(phoneA), armPBC, invite(phoneA)}},
		})
		if s.counters["reforms_rate_limited"] != 1 {
			t.Errorf("reforms_rate_limited = %d", s.counters["reforms_rate_limited"])
		}
	})
	t.Run("idle on-demand persistent group answers the negotiation as GO", func(t *testing.T) {
		s := New(cfgFor(t, "dynamic_group: true\npbc_in_use: true"), nil, nil)
		drive(s, s.Start(t0), map[string]string{
			"LIST_NETWORKS":       "network id / ssid / bssid / flags\n0\tDIRECT-PP\t42:00:00:00:00:00\t[DISABLED][P2P-PERSISTENT]\n",
			"GET_NETWORK 0 mode":  "3",
			"GET_NETWORK 0 bssid": "42:00:00:00:00:00", // it names our device: kept
		}, t0)
		run(t, s, []step{
			{in: negReq(phoneA, wpaevent.DevPasswdPushButton), want: []Action{connectTo(phoneA, "pbc persistent=0 go_intent=15"), armNeg}},
		})
	})
}

// TestInvitationRefused: a refused or unanswered invitation is logged,
// counted and hooked; other phones are not kept waiting; a peer that
// refuses every invitation is no longer invited for a while.
func TestInvitationRefused(t *testing.T) {
	s := upAutonomous(t, "pbc_in_use: true\nrun_program: /bin/hook")
	steps := []step{
		{in: pbcReq(phoneC, "c"), want: []Action{wpsPBC(phoneC), armPBC}},
		{in: staConn("46:00:00:00:03:00", phoneC), want: []Action{stopEnrol, stopEmpty0, hook("connect", phoneC, "c", "p2p-wlan0-0")}},
		{in: negReq(phoneA, wpaevent.DevPasswdPushButton), want: []Action{wpsPBC(phoneA), armPBC, invite(phoneA)}},
		// Nobody waits: WPS stays armed (an Android user may still accept).
		{in: devEvent("P2P-INVITATION-RESULT status=1"), want: []Action{hook("invite_failed", phoneA, "1", "p2p-wlan0-0")}},
		{in: pbcReq(phoneB, "b"), at: time.Second, want: []Action{ArmTimer{Name: timerNoShow, After: pbcNoShow - time.Second}}},
	}
	run(t, s, steps)
	if s.counters["invitations_refused"] != 1 {
		t.Errorf("invitations_refused = %d", s.counters["invitations_refused"])
	}
	// A queued phone: the refused one is released at once.
	s2 := upAutonomous(t, "pbc_in_use: true")
	run(t, s2, joined(phoneC, "46:00:00:00:03:00"))
	run(t, s2, []step{
		{in: negReq(phoneA, wpaevent.DevPasswdPushButton), want: []Action{wpsPBC(phoneA), armPBC, invite(phoneA)}},
		{in: pbcReq(phoneB, "b"), want: []Action{ArmTimer{Name: timerNoShow, After: pbcNoShow}}},
		{in: devEvent("P2P-INVITATION-RESULT status=1"), want: []Action{grpCmd("WPS_CANCEL", TagNone), stopEnrol, StopTimer{Name: timerNoShow}, wpsPBC(phoneB), armPBC}},
	})
	// Three refusals: not invited for refusalBlock.
	s3 := upAutonomous(t, "pbc_in_use: true")
	run(t, s3, joined(phoneC, "46:00:00:00:03:00"))
	for i := range maxRefusals {
		at := time.Duration(i) * time.Minute
		run(t, s3, []step{
			{in: negReq(phoneA, wpaevent.DevPasswdPushButton), at: at, want: []Action{wpsPBC(phoneA), armPBC, invite(phoneA)}},
			{in: devEvent("P2P-INVITATION-RESULT status=-1"), at: at},
			{in: fire(timerEnrol), at: at + 30*time.Second, want: []Action{grpCmd("WPS_CANCEL", TagNone), stopEnrol}},
		})
	}
	run(t, s3, []step{
		{in: negReq(phoneA, wpaevent.DevPasswdPushButton), at: 5 * time.Minute, want: []Action{wpsPBC(phoneA), armPBC}}, // armed, not invited
	})
	if s3.counters["invitations_blocked"] != 1 {
		t.Errorf("invitations_blocked = %d", s3.counters["invitations_blocked"])
	}
	// An accepted invitation is counted.
	run(t, s3, []step{{in: devEvent("P2P-INVITATION-RESULT status=0"), at: 5 * time.Minute}})
}

// TestInvitationReceived: item 2 of issue 13.
func TestInvitationReceived(t *testing.T) {
	t.Run("our persistent group re-invoked while idle and persistent_reconnect off", func(t *testing.T) {
		s := New(cfgFor(t, "dynamic_group: true\npbc_in_use: true"), nil, nil)
		drive(s, s.Start(t0), map[string]string{
			"LIST_NETWORKS":       "network id / ssid / bssid / flags\n0\tDIRECT-PP\t42:00:00:00:00:00\t[DISABLED][P2P-PERSISTENT]\n",
			"GET_NETWORK 0 mode":  "3",
			"GET_NETWORK 0 bssid": "42:00:00:00:00:00", // it names our device: kept
		}, t0)
		run(t, s, []step{
			{in: devEvent("P2P-INVITATION-RECEIVED sa=" + phoneA + " persistent=0 freq=2437"),
				want: []Action{inviteText("P2P_INVITE persistent=0 peer="+phoneA, phoneA)}},
			// A flood from the same peer is dropped.
			{in: devEvent("P2P-INVITATION-RECEIVED sa=" + phoneA + " persistent=0 freq=2437"), at: time.Second},
		})
		if s.counters["invitations_rate_limited"] != 1 {
			t.Errorf("invitations_rate_limited = %d", s.counters["invitations_rate_limited"])
		}
	})
	t.Run("our running persistent group", func(t *testing.T) {
		s := upPersistent(t, "", "FAIL")
		run(t, s, []step{
			{in: devEvent("P2P-INVITATION-RECEIVED sa=" + phoneA + " persistent=0 freq=2437"),
				want: []Action{inviteText("P2P_INVITE group=p2p-wlan0-0 peer="+phoneA, phoneA)}},
		})
	})
	t.Run("unknown network (Windows re-invoking its stored group) is brought into ours", func(t *testing.T) {
		s := upAutonomous(t, "pbc_in_use: true")
		run(t, s, []step{
			{in: devEvent("P2P-INVITATION-RECEIVED sa=" + phoneA + " go_dev_addr=" + phoneA + " bssid=46:00:00:00:01:00 unknown-network"),
				want: []Action{wpsPBC(phoneA), armPBC, invite(phoneA)}},
		})
	})
	t.Run("unknown network while idle in a negotiated mode starts a group, no negotiation", func(t *testing.T) {
		s := negotiatedIdle(t, "pbc_in_use: false\npin: \"12345670\"")
		run(t, s, []step{
			{in: devEvent("P2P-INVITATION-RECEIVED sa=" + phoneA + " go_dev_addr=" + phoneA + " unknown-network"),
				want: []Action{devCmd("P2P_GROUP_ADD", TagGroupAdd), armGrpStart}},
			{in: devEvent(groupStartedLine), want: append(append([]Action{}, startedFor...), devCmd("P2P_STOP_FIND", TagNone),
				ArmTimer{Name: timerEmpty, After: 120 * time.Second}, wpsPIN("12345670", phoneA), armPIN, invite(phoneA), stopFind)},
		})
	})
	t.Run("invalid and denied addresses", func(t *testing.T) {
		s := upAutonomous(t, "pbc_in_use: true\ndeny_macs: [\""+phoneB+"\"]")
		run(t, s, []step{
			{in: devEvent("P2P-INVITATION-RECEIVED sa=ff:ff:ff:ff:ff:ff unknown-network")},
			{in: devEvent("P2P-INVITATION-RECEIVED sa=" + phoneB + " unknown-network")},
		})
	})
}

// TestPreauthorise: item 4 of issue 13.
func TestPreauthorise(t *testing.T) {
	found := func(peer string) input {
		return devEvent("P2P-DEVICE-FOUND " + peer + " p2p_dev_addr=" + peer + " pri_dev_type=10-0050F204-5 name='p' config_methods=0x188 dev_capab=0x25 group_capab=0x0 new=1")
	}
	t.Run("pbc: authorised on DEVICE-FOUND, bounded, the negotiation completes alone", func(t *testing.T) {
		s := negotiatedIdle(t, "pbc_in_use: true")
		steps := []step{
			{in: found(phoneA), want: []Action{preauthCmd(phoneA, "pbc auth go_intent=15")}},
			{in: found(phoneA), at: time.Second}, // authorised already
		}
		for i := 2; i <= maxPreauth; i++ {
			p := fmt.Sprintf("42:00:00:00:%02x:00", i)
			steps = append(steps, step{in: found(p), want: []Action{preauthCmd(p, "pbc auth go_intent=15")}})
		}
		steps = append(steps,
			step{in: found("42:00:00:00:77:00")}, // full
			step{in: devEvent("P2P-GO-NEG-SUCCESS role=GO freq=2437 ht40=0 peer_dev=" + phoneA + " peer_iface=" + phoneA + " wps_method=PBC"), at: 2 * time.Second,
				want: []Action{armGrpStart}},
			step{in: devEvent(groupStartedLine), at: 3 * time.Second, want: append(append([]Action{}, startedFor...), ArmTimer{Name: timerEmpty, After: 120 * time.Second}, stopFind)},
			step{in: staConn(staA, phoneA), at: 4 * time.Second, want: []Action{stopEmpty0}},
		)
		run(t, s, steps)
		if got := s.clients[mac(staA)].method; got != "pbc-negotiated" {
			t.Errorf("method %q", got)
		}
		if s.counters["preauth_used"] != 1 || s.counters["preauth_full"] != 1 {
			t.Errorf("counters %v", s.counters)
		}
	})
	t.Run("expired authorisations make room; a refused one is forgotten", func(t *testing.T) {
		s := negotiatedIdle(t, "pbc_in_use: true")
		run(t, s, []step{
			{in: found(phoneA), want: []Action{preauthCmd(phoneA, "pbc auth go_intent=15")}},
			{in: reply(preauthCmd(phoneA, "pbc auth go_intent=15"), "FAIL")},
			{in: found(phoneA), at: 2 * time.Second, want: []Action{preauthCmd(phoneA, "pbc auth go_intent=15")}},
			{in: found(phoneA), at: 2*time.Second + preauthTTL, want: []Action{preauthCmd(phoneA, "pbc auth go_intent=15")}},
		})
	})
	t.Run("keypad with a fixed PIN, persistent", func(t *testing.T) {
		s := New(cfgFor(t, "activate_persistent_group: false\ndynamic_group: true\nnegotiated_persistent: true\npbc_in_use: false\npin: \"12345670\""), nil, nil)
		drive(s, s.Start(t0), map[string]string{"LIST_NETWORKS": "network id / ssid / bssid / flags\n"}, t0)
		run(t, s, []step{{in: found(phoneA), want: []Action{preauthCmd(phoneA, "12345670 display auth persistent go_intent=15")}}})
	})
	for _, yml := range []string{
		"wps_method: auto",                  // pbc and keypad: the method is not known ahead
		"pbc_in_use: true\nwhite_list: [p]", // the name is checked first
		"wps_method: display",
		"pbc_in_use: true\ndeny_macs: [\"" + phoneA + "\"]",
	} {
		t.Run("not authorised: "+yml, func(t *testing.T) {
			s := negotiatedIdle(t, yml)
			s.HandleReply(Cmd{Text: "GET config_methods", Tag: TagConfigMethods}, "virtual_push_button keypad", nil, t0)
			run(t, s, []step{{in: found(phoneA)}})
		})
	}
	t.Run("not in the always-on modes", func(t *testing.T) {
		s := upAutonomous(t, "pbc_in_use: true")
		run(t, s, []step{{in: found(phoneA)}})
	})
}

// TestKnownPhones: item 3 of issue 13.
func TestKnownPhones(t *testing.T) {
	t.Run("a known phone searching again is invited back", func(t *testing.T) {
		s := upPersistent(t, "", phoneA+" "+phoneB+" junk")
		run(t, s, []step{
			{in: fire(timerKnown), want: []Action{armKnown, knownPeerCmd(phoneA), knownPeerCmd(phoneB)}},
			{in: reply(knownPeerCmd(phoneA), peerReply(phoneA, 0)), want: []Action{inviteText("P2P_INVITE group=p2p-wlan0-0 peer="+phoneA, phoneA)}},
			{in: reply(knownPeerCmd(phoneB), "FAIL")},
			// The invitation is in flight: no lookups.
			{in: fire(timerKnown), at: 2 * time.Second, want: []Action{armKnown}},
			{in: devEvent("P2P-INVITATION-RESULT status=0"), at: 3 * time.Second},
			{in: staConn(staA, phoneA), at: 3 * time.Second, want: []Action{stopEmpty0}},
			// A client is not looked up.
			{in: fire(timerKnown), at: 4 * time.Second, want: []Action{armKnown, knownPeerCmd(phoneB)}},
			// It leaves: it must be away once before it is invited again.
			{in: staDisc(staA, phoneA), at: 5 * time.Second, want: []Action{armKnown}},
			{in: fire(timerKnown), at: 7 * time.Second, want: []Action{armKnown, knownPeerCmd(phoneA), knownPeerCmd(phoneB)}},
			{in: reply(knownPeerCmd(phoneA), peerReply(phoneA, 1)), at: 7 * time.Second},
			{in: reply(knownPeerCmd(phoneA), peerReply(phoneA, 9)), at: 9 * time.Second},
			{in: reply(knownPeerCmd(phoneA), peerReply(phoneA, 0)), at: 30 * time.Second,
				want: []Action{inviteText("P2P_INVITE group=p2p-wlan0-0 peer="+phoneA, phoneA)}},
		})
		if s.counters["known_invited"] != 2 {
			t.Errorf("known_invited = %d", s.counters["known_invited"])
		}
	})
	t.Run("back again soon after the last invitation it took", func(t *testing.T) {
		// lab 41: invited at 0 s, joined, left at 4 s, searched again at
		// 9 s: within knownInviteGap of the first invitation, which it
		// took, so the gap does not apply.
		s := upPersistent(t, "", phoneA)
		run(t, s, []step{
			{in: reply(knownPeerCmd(phoneA), peerReply(phoneA, 0)), want: []Action{inviteText("P2P_INVITE group=p2p-wlan0-0 peer="+phoneA, phoneA)}},
			{in: devEvent("P2P-INVITATION-RESULT status=0"), at: time.Second},
			{in: staConn(staA, phoneA), at: time.Second, want: []Action{stopEmpty0}},
			{in: staDisc(staA, phoneA), at: 4 * time.Second, want: []Action{armKnown}},
			{in: reply(knownPeerCmd(phoneA), peerReply(phoneA, 5)), at: 8 * time.Second},
			{in: reply(knownPeerCmd(phoneA), peerReply(phoneA, 0)), at: 9 * time.Second,
				want: []Action{inviteText("P2P_INVITE group=p2p-wlan0-0 peer="+phoneA, phoneA)}},
		})
	})
	t.Run("still searching after a refusal: invited again once the gap is over", func(t *testing.T) {
		s := upPersistent(t, "", phoneA)
		run(t, s, []step{
			{in: reply(knownPeerCmd(phoneA), peerReply(phoneA, 0)), want: []Action{inviteText("P2P_INVITE group=p2p-wlan0-0 peer="+phoneA, phoneA)}},
			{in: devEvent("P2P-INVITATION-RESULT status=1"), at: time.Second},
			{in: reply(knownPeerCmd(phoneA), peerReply(phoneA, 0)), at: 2 * time.Second},
			{in: reply(knownPeerCmd(phoneA), peerReply(phoneA, 0)), at: 14 * time.Second},
			{in: reply(knownPeerCmd(phoneA), peerReply(phoneA, 0)), at: 16 * time.Second,
				want: []Action{inviteText("P2P_INVITE group=p2p-wlan0-0 peer="+phoneA, phoneA)}},
		})
		if s.counters["known_invited"] != 2 {
			t.Errorf("known_invited = %d", s.counters["known_invited"])
		}
	})
	t.Run("refused invitations: at most one per gap, then none for a while", func(t *testing.T) {
		s := upPersistent(t, "", phoneA)
		at := time.Duration(0)
		for i := range maxRefusals {
			at = time.Duration(i) * 20 * time.Second
			run(t, s, []step{
				{in: reply(knownPeerCmd(phoneA), peerReply(phoneA, 9)), at: at},
				{in: reply(knownPeerCmd(phoneA), peerReply(phoneA, 0)), at: at + time.Second,
					want: []Action{inviteText("P2P_INVITE group=p2p-wlan0-0 peer="+phoneA, phoneA)}},
				{in: devEvent("P2P-INVITATION-RESULT status=1"), at: at + 2*time.Second},
			})
		}
		run(t, s, []step{
			{in: reply(knownPeerCmd(phoneA), peerReply(phoneA, 9)), at: at + 30*time.Second},
			{in: reply(knownPeerCmd(phoneA), peerReply(phoneA, 0)), at: at + 31*time.Second},
		})
	})
	t.Run("idle on-demand: re-invoked with persistent=<id>", func(t *testing.T) {
		s := New(cfgFor(t, "dynamic_group: true\npbc_in_use: true"), nil, nil)
		got := drive(s, s.Start(t0), map[string]string{
			"LIST_NETWORKS":                 "network id / ssid / bssid / flags\n0\tDIRECT-PP\t42:00:00:00:00:00\t[DISABLED][P2P-PERSISTENT]\n",
			"GET_NETWORK 0 mode":            "3",
			"GET_NETWORK 0 bssid":           "42:00:00:00:00:00", // it names our device: kept
			"GET_NETWORK 0 p2p_client_list": phoneA,
		}, t0)
		if diff := cmp.Diff([]string{":P2P_SET per_sta_psk 1", ":INTERFACES", ":LIST_NETWORKS", ":GET_NETWORK 0 mode", ":GET_NETWORK 0 bssid", ":P2P_LISTEN", ":GET_NETWORK 0 p2p_client_list"}, got); diff != "" {
			t.Errorf("activation (-want +got):\n%s", diff)
		}
		run(t, s, []step{
			{in: reply(knownPeerCmd(phoneA), peerReply(phoneA, 0)), want: []Action{inviteText("P2P_INVITE persistent=0 peer="+phoneA, phoneA)}},
		})
	})
	t.Run("a client of the persistent group becomes known; forget removes it", func(t *testing.T) {
		s := upPersistent(t, "", "FAIL")
		run(t, s, joined(phoneA, staA))
		if diff := cmp.Diff([]string{phoneA}, s.knownList()); diff != "" {
			t.Errorf("known (-want +got):\n%s", diff)
		}
		run(t, s, []step{
			{in: call("forget", func(s *Session, now time.Time) ([]Action, error) { return s.Forget(mac(staA), now) }),
				want: []Action{devCmd("P2P_REMOVE_CLIENT "+phoneA, TagNone)}},
			{in: call("forget broadcast", func(s *Session, now time.Time) ([]Action, error) { return s.Forget(mac("ff:ff:ff:ff:ff:ff"), now) }),
				want: []Action{failed{"ff:ff:ff:ff:ff:ff is not a phone's address"}}},
		})
		if len(s.knownList()) != 0 {
			t.Errorf("known after forget: %v", s.knownList())
		}
	})
	t.Run("invite_known: false", func(t *testing.T) {
		s := upPersistent(t, "invite_known: false", phoneA)
		run(t, s, []step{
			{in: fire(timerKnown)},
			{in: reply(knownPeerCmd(phoneA), peerReply(phoneA, 0))},
		})
		if diff := cmp.Diff([]string{phoneA}, s.knownList()); diff != "" {
			t.Errorf("known still shown (-want +got):\n%s", diff)
		}
	})
	t.Run("not while another phone enrols", func(t *testing.T) {
		s := upPersistent(t, "", phoneA)
		run(t, s, []step{
			{in: pbcReq(phoneB, "b"), want: []Action{wpsPBC(phoneB), armPBC}},
			{in: fire(timerKnown), want: []Action{armKnown}},
		})
	})
}
