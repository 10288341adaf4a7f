package config

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Error is one problem in a configuration: a bad value, a bad type, a
// contradiction between keys or a YAML syntax error.
type Error struct {
	File string // file name as given to Load/Parse; "<stdin>" for "-"
	Line int    // 1-based line of the offending key or item; 0 when unknown
	Key  string // key as spelled in the file ("password", "dhcp.subnet"); "" for syntax errors
	Msg  string
}

// Error returns "file:line: key: msg", leaving out the parts that are unknown.
func (e *Error) Error() string { return location(e.File, e.Line, e.Key, e.Msg) }

var _ error = (*Error)(nil)

// Warning is a problem that does not stop the configuration from loading:
// an unknown key (ignored), an obsolete hostp2pd key, a value that has no
// effect in the chosen mode, or the parts of a logging: section not used.
type Warning struct {
	File string
	Line int
	Key  string
	Msg  string
}

// String returns "file:line: key: msg", like [Error.Error].
func (w Warning) String() string { return location(w.File, w.Line, w.Key, w.Msg) }

func location(file string, line int, key, msg string) string {
	var b strings.Builder
	if file != "" {
		b.WriteString(escape(file))
		if line > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(line))
		}
		b.WriteString(": ")
	} else if line > 0 {
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(line))
		b.WriteString(": ")
	}
	if key != "" {
		if printable(key) {
			b.WriteString(key)
		} else {
			b.WriteString(strconv.Quote(key))
		}
		b.WriteString(": ")
	}
	b.WriteString(escape(msg))
	return b.String()
}

// printable reports whether s is valid UTF-8 without control or other
// non-printing characters (spaces are fine).
func printable(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || (r != ' ' && !unicode.IsPrint(r)) {
			return false
		}
	}
	return true
}

// escape replaces the non-printing characters and invalid bytes of s by
// their Go escapes (\x1b, \u0085, …), so that a message built from a
// hostile file cannot drive the terminal or the log reader.
func escape(s string) string {
	if printable(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, "\\x%02x", s[i])
		case r == ' ' || unicode.IsPrint(r):
			b.WriteString(s[i : i+n])
		default:
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		}
		i += n
	}
	return b.String()
}

// Errors returns the [*Error]s inside err (as returned by [Load], [Parse] or
// [Config.Validate]), in file order; nil when err holds none.
func Errors(err error) []*Error {
	var out []*Error
	var walk func(error)
	walk = func(err error) {
		if e, ok := err.(*Error); ok {
			out = append(out, e)
			return
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		if u := errors.Unwrap(err); u != nil {
			walk(u)
		}
	}
	if err != nil {
		walk(err)
	}
	return out
}

// joinErrors sorts errs by line and joins them; nil when errs is empty.
func joinErrors(errs []*Error) error {
	if len(errs) == 0 {
		return nil
	}
	slices.SortStableFunc(errs, func(a, b *Error) int { return cmp.Compare(a.Line, b.Line) })
	list := make([]error, len(errs))
	for i, e := range errs {
		list[i] = e
	}
	return errors.Join(list...)
}

func sortWarnings(ws []Warning) []Warning {
	slices.SortStableFunc(ws, func(a, b Warning) int { return cmp.Compare(a.Line, b.Line) })
	return ws
}

// levenshtein returns the edit distance between a and b (bytes; keys are ASCII).
func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// nearest returns the candidate closest to key, or "" when none is close
// enough to be a plausible typo (distance at most max(2, len(key)/3)).
func nearest(key string, candidates []string) string {
	k := strings.ToLower(key)
	if len(k) > 64 {
		return ""
	}
	best, bestD := "", max(2, len(k)/3)+1
	for _, c := range candidates {
		if d := levenshtein(k, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}
