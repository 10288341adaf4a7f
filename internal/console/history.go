package console

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
)

// maxHistory bounds the history kept in memory and on disk.
const maxHistory = 1000

// History is the command history, optionally persisted one line per entry
// (the format of the Python hostp2pd's readline history file). It
// implements term.History and is safe for concurrent use.
type History struct {
	mu      sync.Mutex
	path    string
	entries []string // oldest first
}

// LoadHistory reads path ("" = memory only). A missing file is an empty
// history; other read errors are returned with an empty, usable history.
func LoadHistory(path string) (*History, error) {
	h := &History{path: path}
	if path == "" {
		return h, nil
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return h, nil
	}
	if err != nil {
		return h, fmt.Errorf("console: history: %w", err)
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := sc.Text(); strings.TrimSpace(l) != "" {
			h.entries = append(h.entries, l)
		}
	}
	if len(h.entries) > maxHistory {
		h.entries = h.entries[len(h.entries)-maxHistory:]
		_ = h.rewrite()
	}
	if err := sc.Err(); err != nil {
		return h, fmt.Errorf("console: history: %w", err)
	}
	return h, nil
}

// Add appends an entry (empty lines and repeats of the last are dropped)
// and appends it to the file.
func (h *History) Add(entry string) {
	entry = strings.TrimSpace(entry)
	if entry == "" || strings.ContainsAny(entry, "\r\n") {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if n := len(h.entries); n > 0 && h.entries[n-1] == entry {
		return
	}
	h.entries = append(h.entries, entry)
	if len(h.entries) > maxHistory {
		h.entries = h.entries[len(h.entries)-maxHistory:]
	}
	if h.path == "" {
		return
	}
	f, err := os.OpenFile(h.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return // history is a convenience; never disturb the console
	}
	_, _ = f.WriteString(entry + "\n")
	_ = f.Close()
}

// Len returns the number of entries.
func (h *History) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.entries)
}

// At returns an entry; 0 is the most recent.
func (h *History) At(idx int) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.entries[len(h.entries)-1-idx]
}

// Last returns up to n entries, oldest first.
func (h *History) Last(n int) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if n > len(h.entries) || n < 0 {
		n = len(h.entries)
	}
	return append([]string(nil), h.entries[len(h.entries)-n:]...)
}

// Clear empties the history and its file.
func (h *History) Clear() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.entries = nil
	return h.rewrite()
}

func (h *History) rewrite() error {
	if h.path == "" {
		return nil
	}
	var b strings.Builder
	for _, e := range h.entries {
		b.WriteString(e + "\n")
	}
	if err := os.WriteFile(h.path, []byte(b.String()), 0o600); err != nil {
		return fmt.Errorf("console: history: %w", err)
	}
	return nil
}
