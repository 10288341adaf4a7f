package wpactrl

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseMessage(t *testing.T) {
	tests := []struct {
		in   string
		want Message
	}{
		{"<3>P2P-FIND-STOPPED ", Message{Level: 3, Text: "P2P-FIND-STOPPED "}},
		{"IFNAME=p2p-wlan0-0 <3>AP-ENABLED ", Message{Level: 3, Iface: "p2p-wlan0-0", Text: "AP-ENABLED "}},
		{"<2>debug", Message{Level: 2, Text: "debug"}},
		{"<3>", Message{Level: 3}},
		{"<x>y", Message{Level: -1, Text: "<x>y"}},
		{"IFNAME=x", Message{Level: -1, Text: "IFNAME=x"}},
		{"<3>name='a<3>b'", Message{Level: 3, Text: "name='a<3>b'"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, parseMessage([]byte(tt.in), time.Time{})); diff != "" {
			t.Errorf("parseMessage(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func FuzzParseMessage(f *testing.F) {
	for _, s := range []string{"<3>P2P-DEVICE-LOST p2p_dev_addr=42:00:00:00:01:00",
		"IFNAME=p2p-wlan0-0 <3>AP-STA-CONNECTED 46:00:00:00:01:00", "<", "IFNAME= <3>", "<+3>x", "<0003>"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m := parseMessage(b, time.Time{})
		// Round trip: the wire form of a parsed message parses to the same.
		if diff := cmp.Diff(m, parseMessage([]byte(m.String()), time.Time{})); diff != "" {
			t.Fatalf("round trip of %q via %q (-first +second):\n%s", b, m.String(), diff)
		}
	})
}

func TestReplyError(t *testing.T) {
	tests := []struct {
		reply string
		want  error
	}{
		{"OK\n", nil}, {"", nil}, {"12345670", nil}, {"PONG\n", nil},
		{"FAIL\n", ErrFail}, {"FAIL-BUSY\n", ErrFailBusy}, {"FAIL-NO-IFNAME-MATCH\n", ErrFail},
		{"UNKNOWN COMMAND\n", ErrUnknownCommand},
	}
	for _, tt := range tests {
		err := replyError("X", tt.reply)
		if tt.want == nil && err != nil || tt.want != nil && (err == nil || err.(*CommandError).Err != tt.want) {
			t.Errorf("replyError(%q) = %v, want %v", tt.reply, err, tt.want)
		}
	}
}
