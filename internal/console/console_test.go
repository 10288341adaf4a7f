package console_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/hostp2pd/hostp2pd/internal/console"
	"github.com/hostp2pd/hostp2pd/internal/status"
	"github.com/hostp2pd/hostp2pd/internal/status/statustest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var (
	t0  = time.Date(2026, 11, 26, 10, 0, 0, 0, time.Local)
	now = t0.Add(5 * time.Minute)
)

func sample() status.Status {
	return status.Status{
		Version: "1.2.3", Interface: "p2p-dev-wlan0", Mode: "persistent", WPSMethod: "keypad",
		State: "group-up", Supplicant: "connected", Started: t0,
		Group: &status.Group{Iface: "p2p-wlan0-0", SSID: "DIRECT-ab-Group", Freq: 2412, Persistent: true,
			NetworkID: 0, GOIP: "192.168.49.1", Passphrase: `pa "ss" wd`, BSSID: "46:00:00:00:00:00", Since: t0},
		Clients: []status.Client{{DevAddr: "42:00:00:00:01:00", IfaceAddr: "42:00:00:00:01:01",
			Name: "Bob's \"Ph\" $(reboot)", IP: "192.168.49.2", Method: "pbc", Joined: t0.Add(time.Minute)}},
		Peers: []status.Peer{
			{DevAddr: "42:00:00:00:01:00", Name: "Bob", DevType: "Phone", LastSeen: t0},
			{DevAddr: "42:00:00:00:02:00", Name: "T\u00e9l\u00e9phone \U0001F4F1 \u00f1\tz", DevType: "Phone", LastSeen: t0},
			{DevAddr: "42:00:00:00:03:00", Name: "evil\x1b[2J\rname", DevType: "?", LastSeen: t0},
		},
		Counters: map[string]uint64{"P2P-DEVICE-FOUND": 3, "AP-STA-CONNECTED": 1},
	}
}

// run feeds script to a line-mode console and returns its output once the
// input ends.
func run(t *testing.T, f *statustest.Controller, o console.Options, script string) string {
	t.Helper()
	var out syncBuffer
	if o.Now == nil {
		o.Now = func() time.Time { return now }
	}
	c := console.New(strings.NewReader(script), &out, o)
	if err := c.Run(t.Context(), f); err != nil {
		t.Fatalf("Run: %v", err)
	}
	return out.String()
}

func TestConsole_Commands(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
		calls          []string
	}{
		{name: "version", in: "version", want: "hostp2pd version 1.2.3\n"},
		{name: "unknown", in: "import os", want: "unknown command, try help\n"},
		{name: "empty and comment lines", in: "\n   \n# note\n", want: ""},
		{name: "echo", in: "echo hello  world", want: "hello  world\n"},
		{name: "stations", in: "stations", want: "" +
			"  DEV ADDR           IFACE ADDR         NAME                  IP            METHOD  JOINED\n" +
			"  42:00:00:00:01:00  42:00:00:00:01:01  Bob's \"Ph\" $(reboot)  192.168.49.2  pbc     10:01:00 (4m0s ago)\n"},
		{name: "peers quote hostile names", in: "peers", want: "" +
			"  DEV ADDR           NAME                 TYPE   LAST SEEN\n" +
			"  42:00:00:00:01:00  Bob                  Phone  5m0s ago\n" +
			"  42:00:00:00:02:00  \"Téléphone 📱 ñ\\tz\"   Phone  5m0s ago\n" +
			"  42:00:00:00:03:00  \"evil\\x1b[2J\\rname\"  ?      5m0s ago\n"},
		{name: "group", in: "group", want: "group:     p2p-wlan0-0 ssid DIRECT-ab-Group freq 2412 MHz, persistent (network 0), ip 192.168.49.1, up 5m0s\n" +
			"join:      passphrase \"pa \\\"ss\\\" wd\", bssid 46:00:00:00:00:00\n"},
		{name: "stats", in: "stats", want: "AP-STA-CONNECTED  1\nP2P-DEVICE-FOUND  3\nstations: 1, peers seen: 3\n"},
		{name: "reset", in: "reset", want: "statistics reset\n", calls: []string{"reset"}},
		{name: "reload", in: "reload", want: "configuration reloaded\n", calls: []string{"reload "}},
		{name: "reload reset", in: "reload reset", want: "default configuration loaded\n", calls: []string{"reload reset"}},
		{name: "reload file", in: "reload /etc/x.yaml", want: "configuration loaded from /etc/x.yaml\n", calls: []string{"reload /etc/x.yaml"}},
		{name: "pin with peer", in: "pin 42:00:00:00:01:00 12345670", want: "PIN accepted\n", calls: []string{"pin 42:00:00:00:01:00 12345670"}},
		{name: "pin alone", in: "pin 12345670", want: "PIN accepted\n", calls: []string{"pin  12345670"}},
		{name: "pin usage", in: "pin", want: "usage: pin [peer] <pin>\n"},
		{name: "disconnect", in: "disconnect 42:00:00:00:01:00", want: "42:00:00:00:01:00 disconnected\n", calls: []string{"disconnect 42:00:00:00:01:00"}},
		{name: "wpa", in: "wpa p2p_peer 42:00:00:00:01:00", want: "42:00:00:00:01:00\n\"device_name=a\\x1bb\"\nconfig_methods=0x188\n",
			calls: []string{"wpa p2p_peer 42:00:00:00:01:00"}},
		{name: "pause resume", in: "pause\nresume", want: "paused\nresumed, interface p2p-dev-wlan0\n", calls: []string{"pause", "resume"}},
		{name: "config", in: "config", want: "interface: p2p-dev-wlan0\n"},
		{name: "help one", in: "help wait", want: "wait [seconds]\n    delay the next command (decimal seconds, default 10)\n"},
		{name: "help alias", in: "help exit", want: "exit\n    stop hostp2pd and exit (same as quit)\n"},
		{name: "help unknown", in: "help foo", want: "unknown command foo, try help\n"},
		{name: "quit stops reading", in: "echo a\nquit\necho b", want: "a\n"},
		{name: "exit", in: "exit\necho b", want: ""},
		{name: "wait", in: "wait 0.01\necho after", want: "after\n"},
		{name: "wait bad", in: "wait soon", want: "usage: wait [seconds] (a number from 0 to 86400)\n"},
		{name: "color toggles", in: "color\ncolor", want: "colours on\ncolours off\n"},
		{name: "loglevel no var", in: "loglevel", want: "the log level cannot be changed here\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := &statustest.Controller{Snapshot: sample(), YAML: "interface: p2p-dev-wlan0",
				Reply: "42:00:00:00:01:00\ndevice_name=a\x1bb\nconfig_methods=0x188"}
			got := run(t, f, console.Options{Version: "1.2.3"}, tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.calls, f.Calls()); diff != "" {
				t.Errorf("controller calls (-want +got):\n%s", diff)
			}
		})
	}
}

func TestConsole_ErrorsArePrinted(t *testing.T) {
	t.Parallel()
	f := &statustest.Controller{Err: errors.New("no pending enrolment")}
	got := run(t, f, console.Options{}, "pin 1234\ndisconnect x\nreload /nope.yaml\nwpa ping")
	want := strings.Repeat("error: no pending enrolment\n", 4)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestConsole_Loglevel(t *testing.T) {
	t.Parallel()
	lv := new(slog.LevelVar)
	lv.Set(slog.LevelWarn)
	got := run(t, &statustest.Controller{}, console.Options{Level: lv}, "loglevel\nloglevel 10\nloglevel\nloglevel 50\nloglevel loud")
	want := "log level: WARNING (30)\nlog level set to DEBUG (10)\nlog level: DEBUG (10)\nlog level set to CRITICAL (50)\n" +
		"error: logging: invalid level \"loud\" (use CRITICAL=50, ERROR=40, WARNING=30, INFO=20, DEBUG=10)\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if lv.Level() != slog.LevelError+4 {
		t.Errorf("level = %v, want CRITICAL", lv.Level())
	}
}

func TestConsole_StatusSummary(t *testing.T) {
	t.Parallel()
	st := sample()
	st.Peers = st.Peers[:1]
	st.Clients = append(st.Clients, status.Client{IfaceAddr: "02:11:22:33:44:55", Name: "legacy", IP: "192.168.49.7",
		Method: "legacy", Joined: t0.Add(2 * time.Minute)})
	st.Pending = []status.Pending{{DevAddr: "42:00:00:00:04:00", Name: "Win", Method: "display", State: "waiting-pin", Since: t0}}
	st.Known = []string{"42:00:00:00:01:00", "42:00:00:00:05:00"}
	got := run(t, &statustest.Controller{Snapshot: st}, console.Options{}, "status")
	want := "" +
		"hostp2pd 1.2.3 on p2p-dev-wlan0 (wpa_supplicant connected)\n" +
		"mode:      persistent, wps keypad\n" +
		"state:     group-up\n" +
		"started:   2026-11-26 10:00:00 (up 5m0s)\n" +
		"group:     p2p-wlan0-0 ssid DIRECT-ab-Group freq 2412 MHz, persistent (network 0), ip 192.168.49.1, up 5m0s\n" +
		"join:      passphrase \"pa \\\"ss\\\" wd\", bssid 46:00:00:00:00:00\n" +
		"clients:   2\n" +
		"  DEV ADDR           IFACE ADDR         NAME                  IP            METHOD  JOINED\n" +
		"  42:00:00:00:01:00  42:00:00:00:01:01  Bob's \"Ph\" $(reboot)  192.168.49.2  pbc     10:01:00 (4m0s ago)\n" +
		"  -                  02:11:22:33:44:55  legacy                192.168.49.7  legacy  10:02:00 (3m0s ago)\n" +
		"pending:   1\n" +
		"  DEV ADDR           NAME  METHOD   STATE        SINCE\n" +
		"  42:00:00:00:04:00  Win   display  waiting-pin  5m0s ago\n" +
		"peers:     1\n" +
		"known:     2 (42:00:00:00:01:00 42:00:00:00:05:00)\n" +
		"counters:\n" +
		"  AP-STA-CONNECTED  1\n" +
		"  P2P-DEVICE-FOUND  3\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestConsole_EmptyDaemon(t *testing.T) {
	t.Parallel()
	got := run(t, &statustest.Controller{}, console.Options{}, "stations\npeers\ngroup\nstats\nstatus")
	want := "no stations connected\nno peers seen\ngroup:     none\nno statistics\nstations: 0, peers seen: 0\n" +
		"hostp2pd - on - (wpa_supplicant -)\nmode:      -, wps -\nstate:     -\ngroup:     none\nclients:   0\npeers:     0\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestConsole_HistoryPersistsAndClears(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), ".hostp2pd_mgr_history")
	if err := os.WriteFile(path, []byte("stats\nversion\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h, err := console.LoadHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	got := run(t, &statustest.Controller{}, console.Options{History: h}, "echo x\necho x\nhistory\nhistory 2")
	want := "x\nx\n    1  stats\n    2  version\n    3  echo x\n    4  history\n    4  history\n    5  history 2\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	b, _ := os.ReadFile(path)
	if diff := cmp.Diff("stats\nversion\necho x\nhistory\nhistory 2\n", string(b)); diff != "" {
		t.Errorf("history file (-want +got):\n%s", diff)
	}
	h2, _ := console.LoadHistory(path)
	run(t, &statustest.Controller{}, console.Options{History: h2}, "history clear")
	if b, _ := os.ReadFile(path); len(b) != 0 {
		t.Errorf("history file after clear: %q", b)
	}
}

func TestConsole_RunStopsOnContext(t *testing.T) {
	t.Parallel()
	pr, pw := io.Pipe()
	var out syncBuffer
	c := console.New(pr, &out, console.Options{})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx, &statustest.Controller{}) }()
	if _, err := io.WriteString(pw, "echo hi\n"); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return on cancel")
	}
	_ = pw.Close() // lets the reader goroutine exit
}

func TestConsole_WaitIsCutShortByContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	var out syncBuffer
	c := console.New(strings.NewReader("wait 3600\necho late\n"), &out, console.Options{})
	start := time.Now()
	_ = c.Run(ctx, &statustest.Controller{})
	if time.Since(start) > 5*time.Second {
		t.Error("wait ignored the context")
	}
}

func TestQuote(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Bob":               "Bob",
		"":                  `""`,
		"a b":               "a b",
		"tab\there":         `"tab\there"`,
		"\x1b[31mred":       `"\x1b[31mred"`,
		"bad\xffutf8":       `"bad\xffutf8"`,
		"Téléphone 📱":       "Téléphone 📱",
		"line\nbreak":       `"line\nbreak"`,
		"nbsp\u00a0x":       `"nbsp\u00a0x"`,
		"rtl\u202eoverride": `"rtl\u202eoverride"`,
	} {
		if got := console.Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
}
