package wpadbus

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestTranslatable_RecordedCommands runs every command the daemon sent in
// the recorded lab traces (testdata/traces, wpa_supplicant 2.10 on
// mac80211_hwsim) through the translation. Each either has a D-Bus
// equivalent or fails with ErrNoEquivalent; any other error is a
// translation bug on real input. The table it logs is the one in
// docs/dbus.md.
func TestTranslatable_RecordedCommands(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "traces", "*.trace"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no traces: %v", err)
	}
	yes, no := map[string]int{}, map[string]int{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			_, rest, ok := strings.Cut(line, " > ")
			if !ok || !strings.HasPrefix(line, "+") {
				continue
			}
			cmd := strings.ReplaceAll(rest, `\n`, "")
			if strings.HasPrefix(cmd, "IFNAME=") {
				_, cmd, _ = strings.Cut(cmd, " ")
			}
			if cmd == "ATTACH" || cmd == "DETACH" { // the monitor's own handshake: Events replaces it
				continue
			}
			name := firstWord(cmd)
			switch err := translatable(cmd); {
			case err == nil:
				yes[name]++
			case errors.Is(err, ErrNoEquivalent):
				no[name]++
			default:
				t.Errorf("%s: %q: %v", filepath.Base(f), cmd, err)
			}
		}
	}
	for _, must := range []string{"P2P_GROUP_ADD", "P2P_CONNECT", "P2P_INVITE", "P2P_GROUP_REMOVE", "WPS_PBC", "WPS_PIN",
		"P2P_FIND", "P2P_LISTEN", "P2P_STOP_FIND", "LIST_NETWORKS", "GET_NETWORK", "INTERFACES", "PING"} {
		if yes[must] == 0 {
			t.Errorf("%s never translated (yes %d, no %d)", must, yes[must], no[must])
		}
	}
	for _, never := range []string{"STATUS", "STA-FIRST", "LIST_STA"} {
		if yes[never] != 0 {
			t.Errorf("%s translated, but D-Bus has no equivalent", never)
		}
	}
	report := func(m map[string]int) string {
		var ks []string
		for k, n := range m {
			ks = append(ks, k+"×"+strconv.Itoa(n))
		}
		sort.Strings(ks)
		return strings.Join(ks, " ")
	}
	t.Logf("translated: %s", report(yes))
	t.Logf("no D-Bus equivalent: %s", report(no))
}
