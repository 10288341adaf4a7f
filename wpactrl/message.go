package wpactrl

import (
	"strconv"
	"strings"
	"time"
)

// Message is one unsolicited message (an event) from wpa_supplicant.
//
// On the wire it is "<N>TEXT", or "IFNAME=<iface> <N>TEXT" when it comes
// through the global control interface on behalf of one interface.
type Message struct {
	// Level is the wpa_supplicant message level N of the "<N>" prefix
	// (0 excessive ... 3 info ... 5 error). Every event a monitor gets at
	// the default level is 3. It is -1 if the datagram had no such prefix.
	Level int
	// Iface is the interface of an "IFNAME=<iface> " prefix; it is empty
	// when the datagram had none (per-interface sockets, and P2P events on
	// the global socket).
	Iface string
	// Text is the event after the level prefix, byte for byte. Events
	// without arguments keep their trailing space ("AP-ENABLED ").
	Text string
	// Time is when the datagram was received.
	Time time.Time
}

// String returns the message in its wire form.
func (m Message) String() string {
	var b strings.Builder
	if m.Iface != "" {
		b.WriteString("IFNAME=" + m.Iface + " ")
	}
	if m.Level >= 0 {
		b.WriteString("<" + strconv.Itoa(m.Level) + ">")
	}
	b.WriteString(m.Text)
	return b.String()
}

// isEvent reports whether a datagram is an unsolicited message rather than
// a reply, using the rule of wpa_ctrl_request(): it starts with '<' or with
// "IFNAME=".
func isEvent(b []byte) bool {
	return len(b) > 0 && b[0] == '<' || strings.HasPrefix(string(b), "IFNAME=")
}

// parseMessage splits an event datagram. It never fails: anything that does
// not fit lands in Text.
func parseMessage(b []byte, t time.Time) Message {
	s := string(b)
	m := Message{Level: -1, Time: t}
	if rest, ok := strings.CutPrefix(s, "IFNAME="); ok {
		if iface, after, ok := strings.Cut(rest, " "); ok {
			m.Iface, s = iface, after
		}
	}
	if len(s) >= 3 && s[0] == '<' {
		if end := strings.IndexByte(s, '>'); end > 1 && end <= 4 {
			if n, err := strconv.Atoi(s[1:end]); err == nil && n >= 0 {
				m.Level, s = n, s[end+1:]
			}
		}
	}
	m.Text = s
	return m
}
