package main

// The goals of issue 20 (docs/performance.md): each figure beside its
// oracle from the same run, its goal and PASS or MISSED; and the summary
// object of the JSON result that bench/compare diffs first.

import (
	"fmt"
	"io"
	"math"
	"strconv"
)

const (
	goalCrowd8Ratio   = 1.5   // 8 phones all connected / the single-phone oracle join
	goalCrowd16Ratio  = 2.0   // 16 phones all connected / the single-phone oracle join
	goalReactP50Ratio = 1.02  // reaction p50, daemon / reflex client
	goalReactP99Ratio = 1.5   // reaction p99, daemon / reflex client
	goalRSS8KB        = 11000 // VmRSS with 8 clients (11 MB)
	goalIdleWakeups   = 60.0  // per minute idle: more than one a second is a busy timer
)

// Summary is the top-level summary of a result: the headline figures. A
// figure that was not measured is null.
type Summary struct {
	Crowd8Ratio       *float64 `json:"crowd8_ratio"`    // all-connected p50 of 8 phones / oracle single join p50
	Crowd16Ratio      *float64 `json:"crowd16_ratio"`   // the same for 16
	Crowd16Success    *float64 `json:"crowd16_success"` // 0-1
	Crowd32Success    *float64 `json:"crowd32_success"` // 0-1 (moonshot)
	CrowdOracle       string   `json:"crowd_oracle"`    // which single-phone join the crowd ratios divide by
	CrowdOracleMS     *float64 `json:"crowd_oracle_ms"`
	ReactionP50Ratio  *float64 `json:"reaction_p50_ratio"` // daemon / reflex client, same run
	ReactionP99Ratio  *float64 `json:"reaction_p99_ratio"`
	NegotiatedRatio   *float64 `json:"negotiated_ratio"` // negotiated join p50, daemon / oracle
	RSS8ClientsKB     *float64 `json:"rss_8_clients_kb"`
	IdleWakeupsPerMin *float64 `json:"idle_wakeups_per_min"`
}

// Goal is one line of the goals table.
type Goal struct {
	Name    string   `json:"name"`
	Figure  *float64 `json:"figure"`
	Oracle  string   `json:"oracle"`
	Goal    string   `json:"goal"`
	Verdict string   `json:"verdict"` // PASS, MISSED, or "not run"
}

func ptr(x float64) *float64 { return &x }

func ratio(a, b float64) *float64 {
	if b <= 0 || math.IsNaN(a) || math.IsNaN(b) {
		return nil
	}
	return ptr(r3(a / b))
}

func level(r *Result, k int) *ConcLevel {
	for _, c := range r.Concurrency {
		if c.Phones == k {
			return c
		}
	}
	return nil
}

// summarise fills r.Summary and r.Goals from the rest of the result.
func summarise(r *Result) {
	s := &Summary{}
	// The single-phone oracle: wpa_cli arming the keypad PIN for one phone
	// (join_time keypad, oracle); without the keypad case, the daemon's own
	// one-phone crowd.
	var one float64
	if j := r.Joins["keypad"]; j != nil && j.Oracle != nil {
		one, s.CrowdOracle = j.Oracle.P50, "keypad join, wpa_cli oracle, p50"
	} else if c := level(r, 1); c != nil && c.AllConnMS != nil {
		one, s.CrowdOracle = c.AllConnMS.P50, "1-phone crowd, daemon, p50 (keypad case not run)"
	}
	if one > 0 {
		s.CrowdOracleMS = ptr(one)
	}
	crowd := func(k int) (rat, succ *float64) {
		c := level(r, k)
		if c == nil || c.Joins == 0 {
			return nil, nil
		}
		succ = ptr(c.SuccessRate)
		if c.AllConnMS != nil && one > 0 {
			rat = ratio(c.AllConnMS.P50, one)
		}
		return rat, succ
	}
	s.Crowd8Ratio, _ = crowd(8)
	s.Crowd16Ratio, s.Crowd16Success = crowd(16)
	_, s.Crowd32Success = crowd(32)
	if rx := r.Reaction; rx != nil && rx.Reflex != nil && rx.Reflex["all_ms"] != nil {
		// The daemon on the reflex client's case and event; "all" when a
		// result has no such figure (older JSON).
		d := rx.AsReflex
		if d == nil {
			d = rx.All
		}
		if d != nil {
			s.ReactionP50Ratio = ratio(d.P50, rx.Reflex["all_ms"].P50)
			s.ReactionP99Ratio = ratio(d.P99, rx.Reflex["all_ms"].P99)
		}
	}
	if j := r.Joins["negotiated"]; j != nil && j.RatioP50 > 0 {
		s.NegotiatedRatio = ptr(j.RatioP50)
	}
	if fp := r.Footprint; fp != nil {
		if fp.RSSClientsKB > 0 {
			s.RSS8ClientsKB = ptr(float64(fp.RSSClientsKB))
		}
		if fp.wakeupsMeasured {
			s.IdleWakeupsPerMin = ptr(fp.IdleWakeupsPerMin)
		}
	}
	r.Summary = s

	oracleMS := "-"
	if s.CrowdOracleMS != nil {
		oracleMS = fmt.Sprintf("%.0f ms (%s)", *s.CrowdOracleMS, s.CrowdOracle)
	}
	reflex := func(field string) string {
		if rx := r.Reaction; rx != nil && rx.Reflex != nil && rx.Reflex["all_ms"] != nil {
			if field == "p50" {
				return fmt.Sprintf("reflex p50 %.2f ms", rx.Reflex["all_ms"].P50)
			}
			return fmt.Sprintf("reflex p99 %.2f ms", rx.Reflex["all_ms"].P99)
		}
		return "reflex not run"
	}
	negOracle := "-"
	if j := r.Joins["negotiated"]; j != nil && j.Oracle != nil {
		negOracle = fmt.Sprintf("oracle p50 %.0f ms", j.Oracle.P50)
	}
	le := func(x *float64, g float64) string {
		switch {
		case x == nil:
			return "not run"
		case *x <= g:
			return "PASS"
		}
		return "MISSED"
	}
	full := func(x *float64) string {
		switch {
		case x == nil:
			return "not run"
		case *x >= 1:
			return "PASS"
		}
		return "MISSED"
	}
	both := func(a, b string) string {
		if a == "PASS" && b == "PASS" {
			return "PASS"
		}
		if a == "not run" || b == "not run" {
			return "not run"
		}
		return "MISSED"
	}
	r.Goals = []Goal{
		{"crowd of 8, all connected (ratio)", s.Crowd8Ratio, oracleMS, "<= " + g2(goalCrowd8Ratio), le(s.Crowd8Ratio, goalCrowd8Ratio)},
		{"crowd of 16, success", s.Crowd16Success, "-", "100 %", full(s.Crowd16Success)},
		{"crowd of 16, all connected (ratio)", s.Crowd16Ratio, oracleMS, "<= " + g2(goalCrowd16Ratio), both(le(s.Crowd16Ratio, goalCrowd16Ratio), full(s.Crowd16Success))},
		{"crowd of 32, success (moonshot)", s.Crowd32Success, "-", "100 %", full(s.Crowd32Success)},
		{"reaction p50 / reflex", s.ReactionP50Ratio, reflex("p50"), "<= " + g2(goalReactP50Ratio), le(s.ReactionP50Ratio, goalReactP50Ratio)},
		{"reaction p99 / reflex", s.ReactionP99Ratio, reflex("p99"), "<= " + g2(goalReactP99Ratio), le(s.ReactionP99Ratio, goalReactP99Ratio)},
		{"negotiated join / oracle", s.NegotiatedRatio, negOracle, "<= " + g2(targetRatio), le(s.NegotiatedRatio, targetRatio)},
		{"VmRSS with 8 clients, kB", s.RSS8ClientsKB, "-", "<= " + strconv.Itoa(goalRSS8KB), le(s.RSS8ClientsKB, goalRSS8KB)},
		{"idle wake-ups per minute", s.IdleWakeupsPerMin, "-", "<= " + g2(goalIdleWakeups), le(s.IdleWakeupsPerMin, goalIdleWakeups)},
	}
}

func g2(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

func printGoals(w io.Writer, r *Result) {
	fmt.Fprintf(w, "7. GOALS (issue 20): figure, oracle of the same run, goal\n")
	fmt.Fprintf(w, "  %-36s %10s  %-46s %-8s %s\n", "", "figure", "oracle", "goal", "verdict")
	for _, g := range r.Goals {
		f := "-"
		if g.Figure != nil {
			f = strconv.FormatFloat(*g.Figure, 'f', 3, 64)
		}
		fmt.Fprintf(w, "  %-36s %10s  %-46s %-8s %s\n", g.Name, f, g.Oracle, g.Goal, g.Verdict)
	}
}
