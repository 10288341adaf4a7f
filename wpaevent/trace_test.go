package wpaevent

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The lab traces (testdata/traces/README.md in shared/lab) hold one datagram
// per line: "+<ms>ms <socket> <payload>" where the payload is an event
// ("<3>…" or "IFNAME=… <3>…"), a command ("> …"), a reply ("< …") or a
// recorder note ("! …"); "+<ms>ms -- …" lines are scenario notes.

type recKind uint8

const (
	recEvent recKind = iota + 1
	recCommand
	recReply
	recNote
)

type traceRec struct {
	File   string
	Line   int
	Socket string
	Kind   recKind
	Data   string // unescaped datagram
	Cmd    string // for replies: the last command sent on the same socket
}

func (r traceRec) where() string { return r.File + ":" + strconv.Itoa(r.Line) }

const traceDir = "../testdata/traces"

// loadTraces reads every trace; it fails the test if there are none.
func loadTraces(tb testing.TB) []traceRec {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(traceDir, "*.trace"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no traces in %s: %v", traceDir, err)
	}
	var recs []traceRec
	for _, f := range files {
		recs = append(recs, loadTrace(tb, f)...)
	}
	return recs
}

func loadTrace(tb testing.TB, path string) []traceRec {
	tb.Helper()
	fh, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer fh.Close()
	var recs []traceRec
	lastCmd := map[string]string{}
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		_, rest, ok := strings.Cut(line, " ") // "+<ms>ms"
		if !ok {
			tb.Fatalf("%s:%d: bad line %q", path, n, line)
		}
		socket, payload, _ := strings.Cut(rest, " ")
		if socket == "--" {
			continue
		}
		r := traceRec{File: filepath.Base(path), Line: n, Socket: socket}
		switch {
		case payload == "<" || strings.HasPrefix(payload, "< "):
			r.Kind = recReply
			r.Data = unescapeTrace(tb, strings.TrimPrefix(strings.TrimPrefix(payload, "<"), " "))
			r.Cmd = lastCmd[socket]
		case strings.HasPrefix(payload, "> "):
			r.Kind = recCommand
			r.Data = unescapeTrace(tb, payload[2:])
			lastCmd[socket] = r.Data
		case strings.HasPrefix(payload, "! "):
			r.Kind = recNote
			r.Data = payload[2:]
		case strings.HasPrefix(payload, "<") || strings.HasPrefix(payload, "IFNAME="):
			r.Kind = recEvent
			r.Data = unescapeTrace(tb, payload)
		default:
			tb.Fatalf("%s:%d: unknown payload %q", path, n, payload)
		}
		recs = append(recs, r)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return recs
}

// unescapeTrace undoes the recorder's escaping: \\ \n \r \t \xNN.
func unescapeTrace(tb testing.TB, s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		i++
		if i >= len(s) {
			tb.Fatalf("trailing backslash in %q", s)
		}
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
			v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				tb.Fatalf("bad \\x escape in %q", s)
			}
			b.WriteByte(byte(v))
			i += 2
		default:
			tb.Fatalf("unknown escape \\%c in %q", s[i], s)
		}
	}
	return b.String()
}

// traceEvents returns the event datagrams of all traces.
func traceEvents(tb testing.TB) []traceRec {
	var evs []traceRec
	for _, r := range loadTraces(tb) {
		if r.Kind == recEvent {
			evs = append(evs, r)
		}
	}
	return evs
}

// traceReplies returns the replies to commands whose text starts with cmd.
func traceReplies(tb testing.TB, cmd string) []traceRec {
	var rs []traceRec
	for _, r := range loadTraces(tb) {
		if r.Kind == recReply && strings.HasPrefix(stripIfname(r.Cmd), cmd) {
			rs = append(rs, r)
		}
	}
	return rs
}

func stripIfname(cmd string) string {
	if strings.HasPrefix(cmd, "IFNAME=") {
		_, cmd, _ = strings.Cut(cmd, " ")
	}
	return cmd
}
