package p2p

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/wpaevent"
)

func cfgFor(t testing.TB, yml string) *config.Config {
	t.Helper()
	c, _, err := config.Parse("t.yaml", []byte(yml))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// cmds keeps only the commands of an action list, as "iface: text".
func cmds(acts []Action) []string {
	var out []string
	for _, a := range acts {
		if c, ok := a.(Cmd); ok {
			out = append(out, c.Iface+":"+c.Text)
		}
	}
	return out
}

// drive answers every command with OK (or the reply in replies) until no
// more commands come, and returns all commands in order.
func drive(s *Session, acts []Action, replies map[string]string, now time.Time) []string {
	var out []string
	for len(acts) > 0 {
		a := acts[0]
		acts = acts[1:]
		c, ok := a.(Cmd)
		if !ok {
			continue
		}
		out = append(out, c.Iface+":"+c.Text)
		r, ok := replies[c.Text]
		var err error
		if !ok {
			r = "OK\n"
		}
		if r == "FAIL\n" {
			err = errors.New("FAIL")
		}
		acts = append(s.HandleReply(c, r, err, now), acts...)
	}
	return out
}

var t0 = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

func ev(line string) wpaevent.Event { return wpaevent.Parse("<3>" + line) }

func TestSession_ActivationPerMode(t *testing.T) {
	tests := []struct {
		name    string
		yml     string
		replies map[string]string
		want    []string
	}{
		{
			name: "persistent reuses the stored GO network",
			yml:  "pbc_in_use: true",
			replies: map[string]string{
				"INTERFACES":          "p2p-dev-wlan0\nwlan0\n",
				"LIST_NETWORKS":       "network id / ssid / bssid / flags\n0\tDIRECT-PP\t42:00:00:00:00:00\t[DISABLED][P2P-PERSISTENT]\n",
				"GET_NETWORK 0 mode":  "3",
				"GET_NETWORK 0 bssid": "42:00:00:00:00:00", // it names our device: kept
			},
			want: []string{":P2P_SET per_sta_psk 1", ":INTERFACES", ":LIST_NETWORKS", ":GET_NETWORK 0 mode", ":GET_NETWORK 0 bssid", ":P2P_GROUP_ADD persistent=0", ":GET_NETWORK 0 p2p_client_list"},
		},
		{
			name:    "persistent creates one when none is stored",
			yml:     "pbc_in_use: false\npin: \"12345670\"\nper_sta_psk: false", // the weak, shared passphrase: nothing to set
			replies: map[string]string{"LIST_NETWORKS": "network id / ssid / bssid / flags\n"},
			want:    []string{":INTERFACES", ":LIST_NETWORKS", ":P2P_GROUP_ADD persistent"},
		},
		{
			name: "autonomous with options, ssid_postfix and config_parms",
			yml:  "activate_persistent_group: false\nactivate_autonomous_group: true\npbc_in_use: true\np2p_group_add_opts: ht40\nssid_postfix: Kiosk\nconfig_parms: {p2p_go_ht40: \"1\"}",
			want: []string{":SET p2p_go_ht40 1", ":SAVE_CONFIG", ":P2P_SET ssid_postfix Kiosk", ":P2P_SET per_sta_psk 1", ":INTERFACES", ":P2P_GROUP_ADD ht40"},
		},
		{
			name: "negotiated on demand only listens",
			yml:  "activate_persistent_group: false\ndynamic_group: true",
			want: []string{":P2P_SET per_sta_psk 1", ":GET config_methods", ":INTERFACES", ":P2P_LISTEN"},
		},
		{
			name: "a running group is adopted, not duplicated",
			yml:  "activate_persistent_group: false\nactivate_autonomous_group: true\npbc_in_use: true",
			replies: map[string]string{
				"INTERFACES": "p2p-wlan0-3\np2p-dev-wlan0\nwlan0\n",
				"STATUS":     "bssid=46:00:00:00:00:00\nfreq=2437\nssid=DIRECT-0z\nid=0\nmode=P2P GO\nwpa_state=COMPLETED\n",
			},
			want: []string{":P2P_SET per_sta_psk 1", ":INTERFACES", "p2p-wlan0-3:STATUS"}, // no p2p_find while GO
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(cfgFor(t, tt.yml), nil, nil)
			got := drive(s, s.Start(t0), tt.replies, t0)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("commands (-want +got):\n%s", diff)
			}
		})
	}
}

func upAutonomous(t testing.TB, yml string) *Session {
	s := New(cfgFor(t, "activate_persistent_group: false\nactivate_autonomous_group: true\n"+yml), nil, nil)
	drive(s, s.Start(t0), nil, t0)
	s.HandleEvent("p2p-dev-wlan0", ev(`P2P-GROUP-STARTED p2p-wlan0-0 GO ssid="DIRECT-0z" freq=2437 passphrase="28GwK432" go_dev_addr=42:00:00:00:00:00`), t0)
	return s
}

func TestSession_PBCQueuedOnePhoneAtATime(t *testing.T) {
	s := upAutonomous(t, "pbc_in_use: true")
	a1 := s.HandleEvent("p2p-dev-wlan0", ev("P2P-PROV-DISC-PBC-REQ 42:00:00:00:01:00 p2p_dev_addr=42:00:00:00:01:00 pri_dev_type=1-0050F204-1 name='a' config_methods=0x188 dev_capab=0x25 group_capab=0x0 group=p2p-wlan0-0"), t0)
	a2 := s.HandleEvent("p2p-dev-wlan0", ev("P2P-PROV-DISC-PBC-REQ 42:00:00:00:02:00 p2p_dev_addr=42:00:00:00:02:00 pri_dev_type=1-0050F204-1 name='b' config_methods=0x188 dev_capab=0x25 group_capab=0x0 group=p2p-wlan0-0"), t0)
	if diff := cmp.Diff([]string{"p2p-wlan0-0:WPS_PBC p2p_dev_addr=42:00:00:00:01:00"}, cmds(a1)); diff != "" {
		t.Errorf("first phone (-want +got):\n%s", diff)
	}
	if len(cmds(a2)) != 0 {
		t.Errorf("second phone armed while the first runs: %v", cmds(a2))
	}
	a3 := s.HandleEvent("p2p-wlan0-0", ev("AP-STA-CONNECTED 46:00:00:00:01:00 p2p_dev_addr=42:00:00:00:01:00"), t0)
	if diff := cmp.Diff([]string{"p2p-wlan0-0:WPS_PBC p2p_dev_addr=42:00:00:00:02:00"}, cmds(a3)); diff != "" {
		t.Errorf("after the first joined (-want +got):\n%s", diff)
	}
}

func TestSession_GroupLostIsRecreatedWithBackoff(t *testing.T) {
	s := upAutonomous(t, "pbc_in_use: true")
	a := s.HandleEvent("p2p-dev-wlan0", ev("P2P-GROUP-REMOVED p2p-wlan0-0 GO reason=UNAVAILABLE"), t0)
	var arm *ArmTimer
	for _, x := range a {
		if at, ok := x.(ArmTimer); ok && at.Name == timerGroupRetry {
			arm = &at
		}
	}
	if arm == nil || arm.After != time.Second {
		t.Fatalf("no 1 s group retry armed: %#v", a)
	}
	if got := cmds(s.HandleTimer(timerGroupRetry, t0.Add(time.Second))); !cmp.Equal(got, []string{":P2P_GROUP_ADD"}) {
		t.Errorf("retry sent %v", got)
	}
	// A refusing driver backs off exponentially.
	a = s.HandleReply(Cmd{Text: "P2P_GROUP_ADD", Tag: TagGroupAdd}, "FAIL\n", errors.New("FAIL"), t0)
	for _, x := range a {
		if at, ok := x.(ArmTimer); ok && at.Name == timerGroupRetry && at.After != 2*time.Second {
			t.Errorf("second retry after %v, want 2s", at.After)
		}
	}
}

func TestSession_RandomPINHasValidChecksum(t *testing.T) {
	s := New(cfgFor(t, "wps_method: random\ndisplay_program: /bin/true"), nil, nil)
	for i := 0; i < 100; i++ {
		p := s.randomPIN()
		if len(p) != 8 {
			t.Fatalf("PIN %q", p)
		}
		sum := 0
		for j, c := range p {
			d := int(c - '0')
			if j%2 == 0 {
				d *= 3
			}
			sum += d
		}
		if sum%10 != 0 {
			t.Fatalf("PIN %q fails the WPS checksum", p)
		}
	}
}

func BenchmarkSession_HandlePBCJoin(b *testing.B) {
	s := upAutonomous(b, "pbc_in_use: true")
	pd := ev("P2P-PROV-DISC-PBC-REQ 42:00:00:00:01:00 p2p_dev_addr=42:00:00:00:01:00 pri_dev_type=1-0050F204-1 name='a' config_methods=0x188 dev_capab=0x25 group_capab=0x0 group=p2p-wlan0-0")
	conn := ev("AP-STA-CONNECTED 46:00:00:00:01:00 p2p_dev_addr=42:00:00:00:01:00")
	disc := ev("AP-STA-DISCONNECTED 46:00:00:00:01:00 p2p_dev_addr=42:00:00:00:01:00")
	b.ReportAllocs()
	now := t0
	for b.Loop() {
		now = now.Add(time.Minute)
		s.HandleEvent("p2p-dev-wlan0", pd, now)
		s.HandleEvent("p2p-wlan0-0", conn, now)
		s.HandleEvent("p2p-wlan0-0", disc, now)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/3, "ns/event")
}

func TestSession_WhiteListNameFromP2PPeerWhenUnknown(t *testing.T) {
	s := upAutonomous(t, "pbc_in_use: true\nwhite_list: [\"Pixel 7\"]")
	s.HandleEvent("p2p-wlan0-0", ev("AP-STA-CONNECTED 46:00:00:00:09:00"), t0) // a client: the group stays
	a := s.HandleEvent("p2p-dev-wlan0", ev("P2P-GO-NEG-REQUEST 42:00:00:00:01:00 dev_passwd_id=4 go_intent=6"), t0)
	if diff := cmp.Diff([]string{":P2P_PEER 42:00:00:00:01:00"}, cmds(a)); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	got := drive(s, a, map[string]string{"P2P_PEER 42:00:00:00:01:00": "42:00:00:00:01:00\npri_dev_type=10-0050F204-5\ndevice_name=Pixel 7\nmanufacturer= \nmodel_name= \nmodel_number= \nserial_number=\nconfig_methods=0x188\ndev_capab=0x25\ngroup_capab=0x0\n"}, t0)
	want := []string{":P2P_PEER 42:00:00:00:01:00", "p2p-wlan0-0:WPS_PBC p2p_dev_addr=42:00:00:00:01:00", ":P2P_INVITE group=p2p-wlan0-0 peer=42:00:00:00:01:00"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// A peer whose name stays unknown is asked once, and may join with the PIN.
	s2 := upAutonomous(t, "pbc_in_use: true\nwhite_list: [\"Pixel 7\"]")
	s2.HandleEvent("p2p-wlan0-0", ev("AP-STA-CONNECTED 46:00:00:00:09:00"), t0)
	got = drive(s2, s2.HandleEvent("p2p-dev-wlan0", ev("P2P-GO-NEG-REQUEST 42:00:00:00:02:00 dev_passwd_id=4 go_intent=6"), t0), map[string]string{"P2P_PEER 42:00:00:00:02:00": "FAIL\n"}, t0)
	want = []string{":P2P_PEER 42:00:00:00:02:00", "p2p-wlan0-0:WPS_PIN any 00000000", ":P2P_INVITE group=p2p-wlan0-0 peer=42:00:00:00:02:00"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("unknown name (-want +got):\n%s", diff)
	}
}

func TestSession_NegotiatedPersistentReusesLearntNetwork(t *testing.T) {
	s := New(cfgFor(t, "activate_persistent_group: false\ndynamic_group: true\nnegotiated_persistent: true\npbc_in_use: true"), nil, nil)
	drive(s, s.Start(t0), map[string]string{"LIST_NETWORKS": "network id / ssid / bssid / flags\n"}, t0)
	got := drive(s, s.HandleEvent("p2p-dev-wlan0", ev("P2P-GO-NEG-REQUEST 42:00:00:00:01:00 dev_passwd_id=4 go_intent=0"), t0), nil, t0)
	if diff := cmp.Diff([]string{":P2P_CONNECT 42:00:00:00:01:00 pbc persistent go_intent=15"}, got); diff != "" {
		t.Fatalf("first (-want +got):\n%s", diff)
	}
	lists := map[string]string{"LIST_NETWORKS": "network id / ssid / bssid / flags\n0\tDIRECT-Ab\t42:00:00:00:00:00\t[DISABLED][P2P-PERSISTENT]\n"}
	drive(s, s.HandleEvent("p2p-dev-wlan0", ev(`P2P-GROUP-STARTED p2p-wlan0-0 GO ssid="DIRECT-Ab" freq=2437 passphrase="x" go_dev_addr=42:00:00:00:00:00 [PERSISTENT]`), t0), lists, t0)
	s.HandleEvent("p2p-wlan0-0", ev("AP-STA-CONNECTED 46:00:00:00:01:00 p2p_dev_addr=42:00:00:00:01:00"), t0)
	got = drive(s, s.HandleEvent("p2p-wlan0-0", ev("AP-STA-DISCONNECTED 46:00:00:00:01:00 p2p_dev_addr=42:00:00:00:01:00"), t0), nil, t0)
	if diff := cmp.Diff([]string{":P2P_GROUP_REMOVE p2p-wlan0-0"}, got); diff != "" {
		t.Fatalf("removal (-want +got):\n%s", diff)
	}
	s.HandleEvent("p2p-dev-wlan0", ev("P2P-GROUP-REMOVED p2p-wlan0-0 GO reason=REQUESTED"), t0)
	later := t0.Add(time.Minute)
	got = drive(s, s.HandleEvent("p2p-dev-wlan0", ev("P2P-GO-NEG-REQUEST 42:00:00:00:02:00 dev_passwd_id=4 go_intent=0"), later), nil, later)
	if diff := cmp.Diff([]string{":P2P_CONNECT 42:00:00:00:02:00 pbc persistent=0 go_intent=15"}, got); diff != "" {
		t.Errorf("second negotiation must reuse network 0 (-want +got):\n%s", diff)
	}
}

func TestSession_OnDemandModesCreateTheGroupOnFirstRequest(t *testing.T) {
	pd := "P2P-PROV-DISC-PBC-REQ 42:00:00:00:01:00 p2p_dev_addr=42:00:00:00:01:00 pri_dev_type=1-0050F204-1 name='a' config_methods=0x188 dev_capab=0x25 group_capab=0x0"
	tests := []struct {
		name, yml, add string
		started        string
	}{
		{"autonomous on demand", "activate_persistent_group: false\npbc_in_use: true\nrun_program: /bin/true", "P2P_GROUP_ADD",
			`P2P-GROUP-STARTED p2p-wlan0-0 GO ssid="DIRECT-0z" freq=2437 passphrase="x" go_dev_addr=42:00:00:00:00:00`},
		{"persistent on demand", "dynamic_group: true\npbc_in_use: true\nrun_program: /bin/true", "P2P_GROUP_ADD persistent=4",
			`P2P-GROUP-STARTED p2p-wlan0-0 GO ssid="DIRECT-PP" freq=2437 passphrase="x" go_dev_addr=42:00:00:00:00:00 [PERSISTENT]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(cfgFor(t, tt.yml), nil, nil)
			got := drive(s, s.Start(t0), map[string]string{
				"LIST_NETWORKS":      "network id / ssid / bssid / flags\n4\tDIRECT-PP\t42:00:00:00:00:00\t[DISABLED][P2P-PERSISTENT]\n",
				"GET_NETWORK 4 mode": "3",
			}, t0)
			if slices.ContainsFunc(got, func(c string) bool { return strings.Contains(c, "P2P_GROUP_ADD") }) {
				t.Fatalf("group created before any request: %v", got)
			}
			a := s.HandleEvent("p2p-dev-wlan0", ev(pd), t0)
			var hooks [][]string
			for _, x := range a {
				if h, ok := x.(RunHook); ok {
					hooks = append(hooks, h.Args)
					if h.Args[0] == "stop" && !h.Wait {
						t.Error("run_program stop must complete before the group is created")
					}
				}
			}
			if diff := cmp.Diff([][]string{{"stop"}}, hooks); diff != "" {
				t.Errorf("hooks (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{":" + tt.add}, cmds(a)); diff != "" {
				t.Fatalf("request (-want +got):\n%s", diff)
			}
			a = s.HandleEvent("p2p-dev-wlan0", ev(tt.started), t0)
			if !slices.Contains(cmds(a), "p2p-wlan0-0:WPS_PBC p2p_dev_addr=42:00:00:00:01:00") {
				t.Errorf("queued phone not armed when the group started: %v", cmds(a))
			}
			// The group stays when the phone leaves (unlike negotiated modes).
			s.HandleEvent("p2p-wlan0-0", ev("AP-STA-CONNECTED 46:00:00:00:01:00 p2p_dev_addr=42:00:00:00:01:00"), t0)
			if got := cmds(s.HandleEvent("p2p-wlan0-0", ev("AP-STA-DISCONNECTED 46:00:00:00:01:00 p2p_dev_addr=42:00:00:00:01:00"), t0)); len(got) != 0 {
				t.Errorf("commands after the last phone left: %v", got)
			}
		})
	}
}
