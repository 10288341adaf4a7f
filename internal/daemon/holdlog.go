package daemon

import (
	"context"
	"log/slog"
	"sync"
)

// holdLog holds the session's log records while the loop turns an event
// into its command, and writes them once that command has been answered
// (or the turn ends): what the session logs on the way (the connection
// request, the PIN armed) costs a format and a write to the log file each,
// and wpa_supplicant does not wait for it. The records keep their time and
// their order; only their writing moves behind the command.
type holdLog struct {
	mu   sync.Mutex
	on   bool
	held []heldRecord
}

type heldRecord struct {
	h slog.Handler
	r slog.Record
}

// handler wraps h: its records are held while the hold is on.
func (hl *holdLog) handler(h slog.Handler) slog.Handler { return holdHandler{inner: h, hold: hl} }

// start holds the records from now on.
func (hl *holdLog) start() {
	hl.mu.Lock()
	hl.on = true
	hl.mu.Unlock()
}

// release writes the held records in order and stops holding. Under the
// lock, so that a record logged meanwhile comes after them.
func (hl *holdLog) release() {
	hl.mu.Lock()
	defer hl.mu.Unlock()
	hl.on = false
	for i, x := range hl.held {
		_ = x.h.Handle(context.Background(), x.r)
		hl.held[i] = heldRecord{}
	}
	hl.held = hl.held[:0]
}

type holdHandler struct {
	inner slog.Handler
	hold  *holdLog
}

func (h holdHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.inner.Enabled(ctx, l) }

func (h holdHandler) Handle(ctx context.Context, r slog.Record) error {
	h.hold.mu.Lock()
	if h.hold.on {
		h.hold.held = append(h.hold.held, heldRecord{h: h.inner, r: r.Clone()})
		h.hold.mu.Unlock()
		return nil
	}
	h.hold.mu.Unlock()
	return h.inner.Handle(ctx, r)
}

func (h holdHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return holdHandler{inner: h.inner.WithAttrs(as), hold: h.hold}
}

func (h holdHandler) WithGroup(name string) slog.Handler {
	return holdHandler{inner: h.inner.WithGroup(name), hold: h.hold}
}
