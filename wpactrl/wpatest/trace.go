package wpatest

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// LineKind says what a trace line records.
type LineKind uint8

// Kinds of trace lines.
const (
	// KindEvent is an event datagram: "<socket> <3>EVENT" or
	// "<socket> IFNAME=x <3>EVENT".
	KindEvent LineKind = iota + 1
	// KindCommand is a command the recorded client sent: "<socket> > CMD".
	KindCommand
	// KindReply is a reply datagram: "<socket> < REPLY".
	KindReply
	// KindNote is a recorder note about a socket: "<socket> ! NOTE".
	KindNote
	// KindScenario is a scenario note, not a datagram: "-- TEXT".
	KindScenario
)

// String returns the kind's name.
func (k LineKind) String() string {
	switch k {
	case KindEvent:
		return "event"
	case KindCommand:
		return "command"
	case KindReply:
		return "reply"
	case KindNote:
		return "note"
	case KindScenario:
		return "scenario"
	}
	return "LineKind(" + strconv.Itoa(int(k)) + ")"
}

// TraceLine is one line of a trace after the header.
type TraceLine struct {
	// Line is the 1-based line number in the file.
	Line int
	// At is the time since the recorder started.
	At time.Duration
	// Socket is the socket's file name ("p2p-dev-wlan0",
	// "wpa_supplicant-global"); empty for KindScenario.
	Socket string
	Kind   LineKind
	// Data is the unescaped payload: the whole datagram for events
	// (with "IFNAME=" and "<N>" prefixes), commands and replies, or the
	// note text.
	Data string
	// Iface is the "IFNAME=" interface of an event, if any.
	Iface string
	// Level is the "<N>" level of an event (-1 when absent).
	Level int
	// Text is the event without its prefixes; for other kinds it equals
	// Data.
	Text string
}

// Trace is a recorded control-socket session (see testdata/traces/README).
type Trace struct {
	// Header holds the '#' lines without the '#'.
	Header []string
	// Lines holds every other line, in order.
	Lines []TraceLine
}

// LoadTrace reads a trace file.
func LoadTrace(path string) (*Trace, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("wpatest: %w", err)
	}
	defer f.Close()
	tr := &Trace{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" {
			continue
		}
		if h, ok := strings.CutPrefix(line, "#"); ok {
			tr.Header = append(tr.Header, strings.TrimPrefix(h, " "))
			continue
		}
		tl, err := ParseTraceLine(line)
		if err != nil {
			return nil, fmt.Errorf("wpatest: %s:%d: %w", path, n, err)
		}
		tl.Line = n
		tr.Lines = append(tr.Lines, tl)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("wpatest: %s: %w", path, err)
	}
	return tr, nil
}

// ParseTraceLine parses one non-header trace line.
func ParseTraceLine(line string) (TraceLine, error) {
	tl := TraceLine{Level: -1}
	rest, ok := strings.CutPrefix(line, "+")
	if !ok {
		return tl, fmt.Errorf("line does not start with '+'")
	}
	ms, rest, ok := strings.Cut(rest, "ms ")
	if !ok {
		return tl, fmt.Errorf("missing <ms>ms time stamp")
	}
	v, err := strconv.ParseInt(ms, 10, 64)
	if err != nil || v < 0 {
		return tl, fmt.Errorf("bad time stamp %q", ms)
	}
	tl.At = time.Duration(v) * time.Millisecond

	if note, ok := strings.CutPrefix(rest, "-- "); ok || rest == "--" {
		tl.Kind, tl.Data, tl.Text = KindScenario, note, note
		return tl, nil
	}
	sock, payload, ok := strings.Cut(rest, " ")
	if !ok || sock == "" {
		return tl, fmt.Errorf("missing socket or payload")
	}
	tl.Socket = sock
	var esc string
	switch {
	case strings.HasPrefix(payload, "> "):
		tl.Kind, esc = KindCommand, payload[2:]
	case payload == "<" || strings.HasPrefix(payload, "< "):
		tl.Kind, esc = KindReply, strings.TrimPrefix(strings.TrimPrefix(payload, "<"), " ")
	case strings.HasPrefix(payload, "! "):
		tl.Kind, esc = KindNote, payload[2:]
	case strings.HasPrefix(payload, "<"), strings.HasPrefix(payload, "IFNAME="):
		tl.Kind, esc = KindEvent, payload
	default:
		return tl, fmt.Errorf("unknown payload %q", payload)
	}
	if tl.Data, err = Unescape(esc); err != nil {
		return tl, err
	}
	tl.Text = tl.Data
	if tl.Kind == KindEvent {
		tl.Iface, tl.Level, tl.Text = splitEvent(tl.Data)
	}
	return tl, nil
}

// splitEvent splits "IFNAME=x <N>TEXT".
func splitEvent(d string) (iface string, level int, text string) {
	level = -1
	if after, ok := strings.CutPrefix(d, "IFNAME="); ok {
		if i, rest, ok := strings.Cut(after, " "); ok {
			iface, d = i, rest
		}
	}
	if len(d) >= 3 && d[0] == '<' {
		if end := strings.IndexByte(d, '>'); end > 1 && end <= 4 {
			if n, err := strconv.Atoi(d[1:end]); err == nil && n >= 0 {
				level, d = n, d[end+1:]
			}
		}
	}
	return iface, level, d
}

// Unescape undoes the trace escaping: \\, \n, \r, \t and \xNN.
func Unescape(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(s) {
			return "", fmt.Errorf("trailing backslash")
		}
		i++
		switch s[i] {
		case '\\':
			b.WriteByte('\\')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'x':
			if i+2 >= len(s) {
				return "", fmt.Errorf("short \\x escape")
			}
			v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				return "", fmt.Errorf("bad \\x escape %q", s[i-1:i+3])
			}
			b.WriteByte(byte(v))
			i += 2
		default:
			return "", fmt.Errorf("unknown escape \\%c", s[i])
		}
	}
	return b.String(), nil
}

// Events returns the event lines.
func (t *Trace) Events() []TraceLine { return t.filter(KindEvent) }

// Commands returns the command lines.
func (t *Trace) Commands() []TraceLine { return t.filter(KindCommand) }

func (t *Trace) filter(k LineKind) []TraceLine {
	var out []TraceLine
	for _, l := range t.Lines {
		if l.Kind == k {
			out = append(out, l)
		}
	}
	return out
}

// ReplayEvents emits, in order and without delay, the trace's events that
// filter accepts (nil accepts all). Each event goes to the interface named
// by its trace socket, with its level, so the global socket gets its own
// forwarded copy (see AddGlobal). Events recorded on a global socket (an
// interface this server does not have, or one with an IFNAME= prefix) are
// skipped, and so are events for interfaces that do not exist now: create
// group interfaces first (AddIface, or a P2P_GROUP_ADD from the client).
func (s *Server) ReplayEvents(tr *Trace, filter func(TraceLine) bool) {
	for _, l := range tr.Events() {
		if l.Iface != "" || (filter != nil && !filter(l)) {
			continue
		}
		s.mu.Lock()
		known := s.findLocked(l.Socket) != nil
		s.mu.Unlock()
		if !known {
			continue
		}
		level := l.Level
		if level < 0 {
			level = 3
		}
		s.emit(l.Socket, level, l.Text)
	}
}
