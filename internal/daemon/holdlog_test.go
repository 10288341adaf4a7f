package daemon

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// writtenRecord is a record as a handler wrote it: when, and what.
type writtenRecord struct {
	at   time.Time
	time time.Time // the record's own time
	msg  string
	line string
}

// recordingHandler formats records as text and remembers when each was
// written.
type recordingHandler struct {
	mu    *sync.Mutex
	out   *[]writtenRecord
	attrs []slog.Attr
	group string
}

func newRecording() (*recordingHandler, func() []writtenRecord) {
	h := &recordingHandler{mu: new(sync.Mutex), out: new([]writtenRecord)}
	return h, func() []writtenRecord {
		h.mu.Lock()
		defer h.mu.Unlock()
		return append([]writtenRecord(nil), *h.out...)
	}
}

func (h *recordingHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *recordingHandler) Handle(ctx context.Context, r slog.Record) error {
	var b bytes.Buffer
	th := slog.Handler(slog.NewTextHandler(&b, nil))
	if len(h.attrs) > 0 {
		th = th.WithAttrs(h.attrs)
	}
	if h.group != "" {
		th = th.WithGroup(h.group)
	}
	if err := th.Handle(ctx, r); err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	*h.out = append(*h.out, writtenRecord{at: time.Now(), time: r.Time, msg: r.Message, line: b.String()})
	return nil
}

func (h *recordingHandler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(append([]slog.Attr(nil), h.attrs...), as...)
	return &c
}

func (h *recordingHandler) WithGroup(name string) slog.Handler {
	c := *h
	c.group = name
	return &c
}

func TestHoldLog_RecordsWrittenOnReleaseInOrderWithTheirTimeAndAttrs(t *testing.T) {
	rec, written := newRecording()
	var hl holdLog
	log := slog.New(hl.handler(rec)).With("component", "session")

	log.Info("before") // not held
	if got := written(); len(got) != 1 || got[0].msg != "before" {
		t.Fatalf("without a hold the record is written at once: %+v", got)
	}
	hl.start()
	t0 := time.Now()
	log.Info("connection request", "peer", "42:00:00:00:01:00")
	log.WithGroup("g").Warn("second", "k", 1)
	if got := written(); len(got) != 1 {
		t.Fatalf("held records were written before the release: %+v", got[1:])
	}
	time.Sleep(2 * time.Millisecond)
	hl.release()
	got := written()
	if len(got) != 3 || got[1].msg != "connection request" || got[2].msg != "second" {
		t.Fatalf("after the release: %+v, want both held records in order", got)
	}
	if got[1].time.Before(t0) || !got[1].time.Before(got[1].at.Add(-time.Millisecond)) {
		t.Errorf("a held record keeps the time it was logged (%v), not when written (%v)", got[1].time, got[1].at)
	}
	for _, w := range []string{"component=session", "peer=42:00:00:00:01:00"} {
		if !strings.Contains(got[1].line, w) {
			t.Errorf("held record %q lacks %s", got[1].line, w)
		}
	}
	if !strings.Contains(got[2].line, "component=session") || !strings.Contains(got[2].line, "g.k=1") {
		t.Errorf("held record %q lost its attrs or group", got[2].line)
	}
	log.Info("after")
	if got := written(); len(got) != 4 || got[3].msg != "after" {
		t.Errorf("after the release records are written at once again: %+v", got)
	}
	hl.release() // nothing held: a no-op
	if n := len(written()); n != 4 {
		t.Errorf("an empty release wrote %d records", n-4)
	}
}

// TestKeypadJoin_SessionRecordsWrittenAfterTheCommand: the order of work
// on the way from a provision discovery to its WPS_PIN. The session's
// "connection request" record is written (with the time it was logged)
// only once the command has reached wpa_supplicant, and not lost.
func TestKeypadJoin_SessionRecordsWrittenAfterTheCommand(t *testing.T) {
	rec, written := newRecording()
	h := startWith(t, "activate_persistent_group: false\nactivate_autonomous_group: true\npbc_in_use: false\npassword: \"12345670\"",
		func(o *Options) { o.Logger = slog.New(rec) })
	h.want(dev, "P2P_GROUP_ADD")
	h.groupUp()
	t0 := time.Now()
	h.srv.Emit(dev, evShowPIN)
	c := h.want("p2p-wlan0-0", "WPS_PIN")
	var req *writtenRecord
	deadline := time.Now().Add(5 * time.Second)
	for req == nil {
		for _, w := range written() {
			if w.msg == "connection request" && strings.Contains(w.line, "component=session") {
				req = &w
				break
			}
		}
		if req == nil && time.Now().After(deadline) {
			t.Fatalf("no connection request record written: %+v", written())
		}
		time.Sleep(time.Millisecond)
	}
	if req.at.Before(c.Time) {
		t.Errorf("connection request written at %v, before WPS_PIN reached wpa_supplicant at %v", req.at, c.Time)
	}
	if req.time.Before(t0) || req.time.After(c.Time) {
		t.Errorf("the record's time %v is not when it was logged (between the event %v and the command %v)", req.time, t0, c.Time)
	}
}
