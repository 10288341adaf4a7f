package main

import (
	"bytes"
	"encoding/json"
	"maps"
	"strings"
	"testing"
)

func TestSummarise(t *testing.T) {
	r := &Result{
		Reaction: &Reaction{All: &Stats{P50: 6.6, P99: 30}, Reflex: map[string]*Stats{"all_ms": {P50: 6.0, P99: 10}}},
		Joins: map[string]*JoinCase{
			"keypad":     {Oracle: &Stats{P50: 4000}},
			"negotiated": {RatioP50: 1.01, Oracle: &Stats{P50: 570}},
		},
		Concurrency: []*ConcLevel{
			{Phones: 8, Joins: 24, JoinsOK: 24, SuccessRate: 1, AllConnMS: &Stats{P50: 5000}},
			{Phones: 16, Joins: 48, JoinsOK: 47, SuccessRate: 0.979, AllConnMS: &Stats{P50: 7000}},
		},
		Footprint: &Footprint{RSSClientsKB: 12000, IdleSecs: 60, IdleWakeups: 30, IdleWakeupsPerMin: 30, wakeupsMeasured: true},
	}
	summarise(r)
	s := r.Summary
	for name, c := range map[string]struct {
		got  *float64
		want float64
	}{
		"crowd8_ratio":       {s.Crowd8Ratio, 1.25},
		"crowd16_ratio":      {s.Crowd16Ratio, 1.75},
		"crowd16_success":    {s.Crowd16Success, 0.979},
		"reaction_p50_ratio": {s.ReactionP50Ratio, 1.1},
		"reaction_p99_ratio": {s.ReactionP99Ratio, 3},
		"negotiated_ratio":   {s.NegotiatedRatio, 1.01},
		"rss_8_clients_kb":   {s.RSS8ClientsKB, 12000},
		"idle_wakeups":       {s.IdleWakeupsPerMin, 30},
	} {
		if c.got == nil || *c.got != c.want {
			t.Errorf("%s = %v, want %v", name, c.got, c.want)
		}
	}
	if s.Crowd32Success != nil {
		t.Errorf("crowd32_success = %v for a run without 32 phones, want null", *s.Crowd32Success)
	}
	verdict := map[string]string{}
	for _, g := range r.Goals {
		verdict[g.Name] = g.Verdict
	}
	for name, want := range map[string]string{
		"crowd of 8, all connected (ratio)":  "PASS",
		"crowd of 16, success":               "MISSED",
		"crowd of 16, all connected (ratio)": "MISSED", // the ratio is met, not every phone joined
		"crowd of 32, success (moonshot)":    "not run",
		"reaction p50 / reflex":              "MISSED",
		"reaction p99 / reflex":              "MISSED",
		"negotiated join / oracle":           "PASS",
		"VmRSS with 8 clients, kB":           "MISSED",
		"idle wake-ups per minute":           "PASS",
	} {
		if verdict[name] != want {
			t.Errorf("%s: %q, want %q", name, verdict[name], want)
		}
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw["summary"], new(map[string]any)); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"crowd8_ratio", "crowd16_success", "reaction_p50_ratio", "reaction_p99_ratio", "negotiated_ratio", "rss_8_clients_kb"} {
		if !bytes.Contains(raw["summary"], []byte(`"`+k+`":`)) {
			t.Errorf("summary has no %s: %s", k, raw["summary"])
		}
	}
	var out strings.Builder
	printGoals(&out, r)
	if !strings.Contains(out.String(), "4000 ms (keypad join") {
		t.Errorf("goals table does not show the oracle:\n%s", out.String())
	}
}

func TestSummariseWithoutOracle(t *testing.T) {
	r := &Result{Reaction: &Reaction{}, Footprint: &Footprint{},
		Concurrency: []*ConcLevel{{Phones: 1, Joins: 3, JoinsOK: 3, SuccessRate: 1, AllConnMS: &Stats{P50: 4100}},
			{Phones: 8, Joins: 8, JoinsOK: 8, SuccessRate: 1, AllConnMS: &Stats{P50: 8200}}}}
	summarise(r)
	if r.Summary.Crowd8Ratio == nil || *r.Summary.Crowd8Ratio != 2 || !strings.Contains(r.Summary.CrowdOracle, "1-phone crowd") {
		t.Errorf("without the keypad case the 1-phone crowd is the divisor: %+v", r.Summary)
	}
	if r.Summary.ReactionP50Ratio != nil || r.Summary.IdleWakeupsPerMin != nil {
		t.Errorf("unmeasured figures must be null: %+v", r.Summary)
	}
}

// The ratios to the reflex client divide the daemon's reactions to the
// event the reflex client answered, in its case: a slow PBC request of the
// pbc case is in "all" but not in the figure compared.
func TestReactionRatioOnTheReflexEvent(t *testing.T) {
	rs := []reaction{
		{Run: "daemon", Case: "pbc", Event: "P2P-PROV-DISC-PBC-REQ", MS: 40},
		{Run: "daemon", Case: "keypad", Event: "P2P-PROV-DISC-SHOW-PIN", MS: 6},
		{Run: "daemon", Case: "keypad", Event: "P2P-PROV-DISC-SHOW-PIN", MS: 8},
		{Run: "reflex", Case: "keypad", Event: "P2P-PROV-DISC-SHOW-PIN", MS: 5},
		{Run: "reflex", Case: "keypad", Event: "P2P-PROV-DISC-SHOW-PIN", MS: 4},
	}
	r := &Result{Reaction: reactionStats(rs, nil), Footprint: &Footprint{}}
	if r.Reaction.All.N != 3 || r.Reaction.All.Max != 40 {
		t.Fatalf("all = %+v, want the 3 daemon reactions", r.Reaction.All)
	}
	if a := r.Reaction.AsReflex; a == nil || a.N != 2 || a.Max != 8 {
		t.Fatalf("daemon as reflex = %+v, want the 2 keypad SHOW-PIN reactions", a)
	}
	summarise(r)
	if p := r.Summary.ReactionP99Ratio; p == nil || *p != 1.6 {
		t.Errorf("reaction_p99_ratio = %v, want 8/5 = 1.6", p)
	}
	if p := r.Summary.ReactionP50Ratio; p == nil || *p != 1.5 {
		t.Errorf("reaction_p50_ratio = %v, want 6/4 = 1.5", p)
	}
}

// TestFootprintByMapping: the kind=mem and kind=maps samples of
// 15-concurrency.sh become the footprint's anonymous/binary split and its
// per-mapping table.
func TestFootprintByMapping(t *testing.T) {
	sc := &scenario{bench: []map[string]string{
		kv(strings.Fields("kind=mem case=concurrency state=idle rss_kb=14000 hwm_kb=14100 rssanon_kb=6000 rssfile_kb=0 rssshmem_kb=8000 threads=6 rss_smaps_kb=15000")),
		kv(strings.Fields("kind=maps case=concurrency state=idle text_kb=3600 rodata_kb=3500 data_kb=300 bss_kb=600 anon_kb=5100 anon_max_kb=4096 anonhuge_kb=4096")),
		kv(strings.Fields("kind=maps case=concurrency state=clients-8 text_kb=3700 rodata_kb=3600 data_kb=300 bss_kb=600 anon_kb=5200 anon_max_kb=4096 anonhuge_kb=4096")),
	}}
	fp := footprint([]*scenario{sc}, 30)
	if fp.AnonIdleKB != 6000 || fp.RSSIdleKB != 14000 || fp.SmapsIdleKB != 15000 {
		t.Errorf("anon/rss/smaps idle = %d/%d/%d, want 6000/14000/15000", fp.AnonIdleKB, fp.RSSIdleKB, fp.SmapsIdleKB)
	}
	want := map[string]int{"text_kb": 3700, "rodata_kb": 3600, "data_kb": 300, "bss_kb": 600, "anon_kb": 5200, "anon_max_kb": 4096, "anonhuge_kb": 4096}
	if got := fp.Maps["clients-8"]; !maps.Equal(got, want) {
		t.Errorf("maps[clients-8] = %v, want %v", got, want)
	}
	if len(fp.Maps) != 2 {
		t.Errorf("%d map samples, want 2", len(fp.Maps))
	}
}

// A warm-up join's reaction is reported but in no figure.
func TestWarmupReactionNotCounted(t *testing.T) {
	rs := []reaction{
		{Run: "warmup-daemon", Case: "keypad", Event: "P2P-PROV-DISC-SHOW-PIN", MS: 30},
		{Run: "daemon", Case: "keypad", Event: "P2P-PROV-DISC-SHOW-PIN", MS: 6},
		{Run: "warmup-reflex", Case: "keypad", Event: "P2P-PROV-DISC-SHOW-PIN", MS: 12},
		{Run: "reflex", Case: "keypad", Event: "P2P-PROV-DISC-SHOW-PIN", MS: 5},
	}
	rx := reactionStats(rs, nil)
	if rx.All.N != 1 || rx.AsReflex.N != 1 || rx.Reflex["all_ms"].N != 1 {
		t.Errorf("warm-up samples counted: all %+v, as reflex %+v, reflex %+v", rx.All, rx.AsReflex, rx.Reflex["all_ms"])
	}
	if len(rx.Warmup) != 2 {
		t.Errorf("warm-up = %+v, want both reported", rx.Warmup)
	}
}

// The moonshot boot runs 15-concurrency.sh again with case=moonshot: its
// idle, end and 8-client samples (none here, but its idle one) must not
// replace the concurrency boot's footprint; its VmRSS with 32 clients joins
// the per-client table, and its crowd joins the concurrency levels.
func TestMoonshotBootKeepsTheFootprint(t *testing.T) {
	conc := &scenario{bench: []map[string]string{
		kv(strings.Fields("kind=mem case=concurrency state=idle rss_kb=10000 hwm_kb=10100 rssanon_kb=2500 rssfile_kb=7500 threads=6")),
		kv(strings.Fields("kind=cpu case=concurrency state=idle-start secs=0 utime=10 stime=5 wakeups=100")),
		kv(strings.Fields("kind=cpu case=concurrency state=idle-end secs=60 utime=11 stime=5 wakeups=140")),
		kv(strings.Fields("kind=mem case=concurrency state=clients-8 clients=8 rss_kb=11000 hwm_kb=11200 rssanon_kb=3000 rssfile_kb=8000")),
		kv(strings.Fields("kind=cpu case=concurrency state=end secs=0 utime=200 stime=100 hwm_kb=11300")),
		kv(strings.Fields("kind=conc phones=8 round=1 ph=1 ok=1 t=10.5 ms=500")),
	}}
	moon := &scenario{bench: []map[string]string{
		kv(strings.Fields("kind=mem case=moonshot state=idle rss_kb=9000 hwm_kb=9100 rssanon_kb=2400 rssfile_kb=6600 threads=6")),
		kv(strings.Fields("kind=mem case=moonshot state=clients-32 clients=32 rss_kb=12500 hwm_kb=12600 rssanon_kb=3500 rssfile_kb=9000")),
		kv(strings.Fields("kind=cpu case=moonshot state=end secs=0 utime=900 stime=400 hwm_kb=12700")),
		kv(strings.Fields("kind=conc phones=32 round=1 ph=1 ok=1 t=20.5 ms=900")),
	}}
	fp := footprint([]*scenario{conc, moon}, 60)
	if fp.RSSIdleKB != 10000 || fp.RSSClientsKB != 11000 || fp.HWMEndKB != 11300 || fp.TotalCPUms != 3000 {
		t.Errorf("idle %d, 8 clients %d, hwm end %d, cpu %v: want the concurrency boot's 10000, 11000, 11300, 3000",
			fp.RSSIdleKB, fp.RSSClientsKB, fp.HWMEndKB, fp.TotalCPUms)
	}
	if fp.IdleWakeups != 40 {
		t.Errorf("idle wake-ups %d, want 40", fp.IdleWakeups)
	}
	if got := fp.RSSByClientsKB; got["8"] != 11000 || got["32"] != 12500 {
		t.Errorf("RSS by clients = %v, want 8:11000 32:12500", got)
	}
	if len(fp.OtherMemSamples) != 1 || fp.OtherMemSamples[0]["case"] != "moonshot" {
		t.Errorf("other mem samples = %v, want the moonshot idle one", fp.OtherMemSamples)
	}
	cl := concurrency([]*scenario{conc, moon})
	if len(cl) != 2 || cl[0].Phones != 8 || cl[1].Phones != 32 {
		t.Errorf("concurrency levels = %+v, want 8 and 32", cl)
	}
}
