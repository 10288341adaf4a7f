package daemon

import "time"

// repeatLog thins out a warning that repeats unchanged (wpa_supplicant
// down, a reconnect that keeps failing): the first one is logged, then the
// same one at most once per gap, the gap doubling from first up to max.
// A different warning starts over. It belongs to one goroutine.
type repeatLog struct {
	now        func() time.Time
	first, max time.Duration

	key        string
	gap        time.Duration
	next       time.Time
	suppressed int
}

func newRepeatLog(now func() time.Time, first, max time.Duration) *repeatLog {
	return &repeatLog{now: now, first: first, max: max}
}

// allow reports whether the warning with this key is to be logged now,
// and how many identical ones were left out since the last logged one.
func (r *repeatLog) allow(key string) (ok bool, repeats int) {
	now := r.now()
	if key != r.key {
		r.key, r.gap, r.suppressed = key, r.first, 0
		r.next = now.Add(r.gap)
		return true, 0
	}
	if now.Before(r.next) {
		r.suppressed++
		return false, 0
	}
	repeats = r.suppressed
	r.suppressed = 0
	r.gap = min(r.gap*2, r.max)
	r.next = now.Add(r.gap)
	return true, repeats
}

// reset forgets the last warning (the condition is over).
func (r *repeatLog) reset() { r.key, r.suppressed = "", 0 }
