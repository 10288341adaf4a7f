package wpatest_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hostp2pd/hostp2pd/wpactrl"
	"github.com/hostp2pd/hostp2pd/wpactrl/wpatest"
)

const traces = "../../testdata/traces"

func TestLoadTrace_AllTraces(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(traces, "*.trace"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no traces: %v", err)
	}
	for _, f := range files {
		tr, err := wpatest.LoadTrace(f)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if len(tr.Header) == 0 || len(tr.Events()) == 0 || len(tr.Commands()) == 0 {
			t.Errorf("%s: %d header lines, %d events, %d commands", f, len(tr.Header), len(tr.Events()), len(tr.Commands()))
		}
		for _, l := range tr.Events() {
			if l.Level != 3 || l.Socket == "" || l.Text == "" {
				t.Errorf("%s:%d: event %+v", f, l.Line, l)
			}
		}
	}
}

func TestLoadTrace_Lines(t *testing.T) {
	tr, err := wpatest.LoadTrace(filepath.Join(traces, "11-global-ctrl-iface.trace"))
	if err != nil {
		t.Fatal(err)
	}
	find := func(kind wpatest.LineKind, prefix string) wpatest.TraceLine {
		t.Helper()
		for _, l := range tr.Lines {
			if l.Kind == kind && strings.HasPrefix(l.Data, prefix) {
				return l
			}
		}
		t.Fatalf("no %v line starting with %q", kind, prefix)
		return wpatest.TraceLine{}
	}
	got := []wpatest.TraceLine{
		find(wpatest.KindReply, "p2p_device_address="),
		find(wpatest.KindEvent, "IFNAME=p2p-wlan0-0 <3>AP-ENABLED"),
		find(wpatest.KindCommand, "IFNAME=nosuch0"),
		find(wpatest.KindScenario, "scenario start"),
	}
	want := []wpatest.TraceLine{
		{Line: got[0].Line, At: 1008 * time.Millisecond, Socket: "wpa_supplicant-global", Kind: wpatest.KindReply, Level: -1,
			Data: "p2p_device_address=42:00:00:00:00:00\np2p_state=IDLE\nwifi_display=1\nifname=p2p-dev-wlan0\naddress=42:00:00:00:00:00\nifname=wlan0\naddress=02:00:00:00:00:00\n",
			Text: "p2p_device_address=42:00:00:00:00:00\np2p_state=IDLE\nwifi_display=1\nifname=p2p-dev-wlan0\naddress=42:00:00:00:00:00\nifname=wlan0\naddress=02:00:00:00:00:00\n"},
		{Line: got[1].Line, At: 1536 * time.Millisecond, Socket: "wpa_supplicant-global", Kind: wpatest.KindEvent,
			Data: "IFNAME=p2p-wlan0-0 <3>AP-ENABLED ", Iface: "p2p-wlan0-0", Level: 3, Text: "AP-ENABLED "},
		{Line: got[2].Line, At: 11201 * time.Millisecond, Socket: "wpa_supplicant-global", Kind: wpatest.KindCommand, Level: -1,
			Data: "IFNAME=nosuch0 PING", Text: "IFNAME=nosuch0 PING"},
		{Line: got[3].Line, At: 115 * time.Millisecond, Kind: wpatest.KindScenario, Level: -1,
			Data: got[3].Data, Text: got[3].Data},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
}

func TestParseTraceLine_EmptyReplyAndEscapes(t *testing.T) {
	tests := []struct {
		line string
		kind wpatest.LineKind
		data string
	}{
		{"+11077ms p2p-wlan0-0 < ", wpatest.KindReply, ""},
		{"+11077ms p2p-wlan0-0 <", wpatest.KindReply, ""},
		{`+1ms x < a\\b\tc\r\n\x01\xf0\x9f\x98\x80`, wpatest.KindReply, "a\\b\tc\r\n\x01\U0001F600"},
		{`+2ms x <3>P2P-DEVICE-FOUND name='it'\''s'`, wpatest.KindEvent, `<3>P2P-DEVICE-FOUND name='it'\''s'`},
	}
	for _, tt := range tests {
		l, err := wpatest.ParseTraceLine(tt.line)
		if tt.kind == wpatest.KindEvent {
			// \' is not an escape of the format: an error, not a guess.
			if err == nil {
				t.Errorf("%q: accepted unknown escape", tt.line)
			}
			continue
		}
		if err != nil || l.Kind != tt.kind || l.Data != tt.data {
			t.Errorf("%q = %v %q, %v; want %v %q", tt.line, l.Kind, l.Data, err, tt.kind, tt.data)
		}
	}
}

func FuzzParseTraceLine(f *testing.F) {
	for _, s := range []string{
		"+1540ms p2p-dev-wlan0 <3>P2P-GROUP-STARTED p2p-wlan0-0 GO ssid=\"DIRECT-fP\"",
		"+1ms wpa_supplicant-global IFNAME=p2p-wlan0-0 <3>AP-ENABLED ",
		`+2ms x < a\\b\x0`, "+3ms -- note", "+4ms s ! socket appeared", "+5ms s > PING",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := wpatest.ParseTraceLine(s)
		if err == nil && l.Kind == wpatest.KindEvent && !strings.HasSuffix(l.Data, l.Text) {
			t.Fatalf("event text %q is not a suffix of %q", l.Text, l.Data)
		}
	})
}

func TestReplayEvents_DeliversTraceEventsInOrder(t *testing.T) {
	t.Parallel()
	tr, err := wpatest.LoadTrace(filepath.Join(traces, "09-terminate-kill-restart.trace"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := wpatest.NewServer(t.TempDir(), "wlan0", "p2p-dev-wlan0")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.AddGlobal("global"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	local := t.TempDir()
	m, err := wpactrl.Attach(ctx, s.Path("p2p-dev-wlan0"), wpactrl.WithLocalDir(local))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	gm, err := wpactrl.Attach(ctx, s.Path("global"), wpactrl.WithLocalDir(local))
	if err != nil {
		t.Fatal(err)
	}
	defer gm.Close()

	var want []string
	for _, l := range tr.Events() {
		if l.Socket == "p2p-dev-wlan0" && !strings.HasPrefix(l.Text, "CTRL-EVENT-DSCP") {
			want = append(want, l.Text)
		}
	}
	s.ReplayEvents(tr, func(l wpatest.TraceLine) bool { return !strings.HasPrefix(l.Text, "CTRL-EVENT-DSCP") })

	var got, gotGlobal []string
	for range want {
		select {
		case ev := <-m.Events():
			got = append(got, ev.Text)
		case <-ctx.Done():
			t.Fatalf("got %d of %d events", len(got), len(want))
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("replayed events (-want +got):\n%s", diff)
	}
	// The global socket got the P2P events unprefixed, the rest prefixed,
	// and not the AP-STA-* copies of p2p-dev-wlan0.
	for {
		select {
		case ev := <-gm.Events():
			gotGlobal = append(gotGlobal, ev.String())
			if ev.Text == "CTRL-EVENT-TERMINATING " {
				for _, e := range gotGlobal {
					if strings.Contains(e, "AP-STA-") {
						t.Errorf("AP-STA copy forwarded to global: %q", e)
					}
				}
				if !strings.HasPrefix(gotGlobal[0], "<3>P2P-") {
					t.Errorf("first global event %q", gotGlobal[0])
				}
				return
			}
		case <-ctx.Done():
			t.Fatalf("global events: %q", gotGlobal)
		}
	}
}
