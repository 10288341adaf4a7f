package daemon

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/status"
	"github.com/hostp2pd/hostp2pd/wpactrl/wpatest"
)

func loadTrace(t *testing.T, name string) *wpatest.Trace {
	t.Helper()
	tr, err := wpatest.LoadTrace(filepath.Join("..", "..", "testdata", "traces", name))
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// after keeps the events that follow the first line containing marker,
// without the group lifecycle events our fake emits itself.
func after(marker string) func(wpatest.TraceLine) bool {
	on := false
	return func(l wpatest.TraceLine) bool {
		if !on {
			on = strings.Contains(l.Text, marker)
			if !on {
				return false
			}
		}
		return !strings.HasPrefix(l.Text, "P2P-GROUP-STARTED") && !strings.HasPrefix(l.Text, "P2P-GROUP-REMOVED")
	}
}

func until(marker string, f func(wpatest.TraceLine) bool) func(wpatest.TraceLine) bool {
	stop := false
	return func(l wpatest.TraceLine) bool {
		if stop || strings.Contains(l.Text, marker) {
			stop = true
			return false
		}
		return f(l)
	}
}

func TestReplay_AutonomousPBCJoinTrace(t *testing.T) {
	h := start(t, "activate_persistent_group: false\nactivate_autonomous_group: true\npbc_in_use: true")
	h.want(dev, "P2P_GROUP_ADD")
	h.groupUp()
	// Two phases, as on the air: the phone's request, our answer, then WPS.
	tr := loadTrace(t, "01-autonomous-pbc-join.trace")
	h.srv.ReplayEvents(tr, until("WPS-PBC-ACTIVE", after("P2P-DEVICE-FOUND")))
	h.want("p2p-wlan0-0", "WPS_PBC p2p_dev_addr="+phone)
	h.srv.ReplayEvents(tr, until("AP-STA-DISCONNECTED", after("WPS-PBC-ACTIVE")))
	st := h.eventually("client", func(s status.Status) bool { return len(s.Clients) == 1 })
	if c := st.Clients[0]; c.Name != "phone" || c.Method != "pbc" || c.IfaceAddr != sta {
		t.Errorf("client = %+v", c)
	}
	if n := countPrefix(h.srv.Commands(), "WPS_PBC"); n != 1 {
		t.Errorf("%d WPS_PBC, want exactly 1 (answer the first of PROV-DISC / ENROLLEE-SEEN)", n)
	}
}

func TestReplay_KeypadJoinTrace(t *testing.T) {
	h := start(t, "activate_persistent_group: false\nactivate_autonomous_group: true\npbc_in_use: false\npin: \"12345670\"")
	h.want(dev, "P2P_GROUP_ADD")
	h.groupUp()
	tr := loadTrace(t, "02-keypad-join.trace")
	h.srv.ReplayEvents(tr, until("WPS-ENROLLEE-SEEN", after("P2P-GROUP-STARTED")))
	h.want("p2p-wlan0-0", "WPS_PIN any 12345670")
	h.srv.ReplayEvents(tr, until("AP-STA-DISCONNECTED", after("WPS-ENROLLEE-SEEN")))
	h.eventually("client", func(s status.Status) bool { return len(s.Clients) == 1 && s.Clients[0].Method == "keypad" })
}

// The whole command sequence of negotiated-on-demand, in order.
func TestReplay_NegotiatedOnDemandExactCommands(t *testing.T) {
	h := start(t, "activate_persistent_group: false\ndynamic_group: true\npbc_in_use: true")
	tr := loadTrace(t, "04a-go-negotiation-pbc.trace")
	h.srv.ReplayEvents(tr, until("P2P-GO-NEG-SUCCESS", after("P2P-GO-NEG-REQUEST")))
	h.want(dev, "P2P_CONNECT")
	if err := h.srv.AddIface("p2p-wlan0-0"); err != nil {
		t.Fatal(err)
	}
	on, started := false, false
	h.srv.ReplayEvents(tr, func(l wpatest.TraceLine) bool {
		on = on || strings.HasPrefix(l.Text, "P2P-GO-NEG-SUCCESS")
		if started {
			return false
		}
		started = strings.HasPrefix(l.Text, "P2P-GROUP-STARTED")
		return on
	})
	// The phone associates ~120 ms after P2P-GROUP-STARTED (trace); let the
	// daemon attach to the group socket first, as it does in that time,
	// rather than race it (it loses under qemu-user: make arm-test).
	h.groupUp()
	h.srv.ReplayEvents(tr, after("P2P-GROUP-STARTED"))
	h.want(dev, "P2P_GROUP_REMOVE p2p-wlan0-0")
	h.eventually("idle", func(s status.Status) bool { return s.State == "idle" })
	var got []string
	for _, c := range h.srv.Commands() {
		if c.Cmd != "P2P_FIND" && c.Cmd != "P2P_LISTEN" && !strings.HasPrefix(c.Cmd, "STATUS") {
			got = append(got, c.Cmd)
		}
	}
	// After the group, the phone that left is authorised ahead (issue 13).
	want := []string{"P2P_SET per_sta_psk 1", "INTERFACES", "P2P_CONNECT " + phone + " pbc go_intent=15", "P2P_GROUP_REMOVE p2p-wlan0-0", "P2P_CONNECT " + phone + " pbc auth go_intent=15"}
	if !slices.Equal(got, want) {
		t.Errorf("commands:\n got %q\nwant %q", got, want)
	}
}

func TestReplay_HostileNamesOnlyAsArgv(t *testing.T) {
	out := filepath.Join(t.TempDir(), "argv")
	hook := filepath.Join(t.TempDir(), "hook.sh")
	// The hook records each argument on its own line, NUL-safe enough for a test.
	if err := os.WriteFile(hook, []byte("#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\" >> "+out+"; done\necho --- >> "+out+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	h := start(t, "activate_persistent_group: false\nactivate_autonomous_group: true\npbc_in_use: true\nrun_program: "+hook)
	h.want(dev, "P2P_GROUP_ADD")
	h.groupUp()
	tr := loadTrace(t, "10-hostile-device-name.trace")
	h.srv.ReplayEvents(tr, until("WPS-PBC-ACTIVE", after("P2P-GROUP-STARTED")))
	h.want("p2p-wlan0-0", "WPS_PBC p2p_dev_addr="+phone)
	h.srv.ReplayEvents(tr, after("WPS-PBC-ACTIVE"))
	const evil = "Bob's \"Ph\" $(reboot);`id`|&<x>"
	deadline := time.Now().Add(5 * time.Second)
	for {
		b, _ := os.ReadFile(out)
		if strings.Contains(string(b), "connect\n"+phone+"\n"+evil+"\np2p-wlan0-0\n") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("hook argv not as expected:\n%s", b)
		}
		time.Sleep(10 * time.Millisecond)
	}
	st := h.d.Status()
	var names []string
	for _, p := range st.Peers {
		names = append(names, p.Name)
	}
	if !slices.Contains(names, evil) {
		t.Errorf("peer register lost the name as data: %q", names)
	}
}
