package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCompare(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("a.json", `{"summary":{"crowd8_ratio":2.0,"rss_8_clients_kb":13000,"crowd16_success":null},
		"concurrency":[{"phones":8,"success_rate":1}],"scenarios":[{"secs":5}],"reaction_latency":{"all_ms":{"p99":30}}}`)
	b := write("b.json", `{"summary":{"crowd8_ratio":1.0,"rss_8_clients_kb":13100,"crowd16_success":1},
		"concurrency":[{"phones":8,"success_rate":1}],"scenarios":[{"secs":9}],"reaction_latency":{"all_ms":{"p99":9}}}`)
	ma, err := load(a)
	if err != nil {
		t.Fatal(err)
	}
	mb, err := load(b)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := compare(&out, a, b, ma, mb, false, 0.1); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"* summary.crowd8_ratio", "0.500",
		"  summary.rss_8_clients_kb", "1.008",
		"concurrency[phones=8].success_rate", "reaction_latency.all_ms.p99", "0.300",
		"summary.crowd16_success (only in B)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "scenarios") {
		t.Errorf("scenario entries are not figures:\n%s", got)
	}
	if strings.Index(got, "summary.crowd8_ratio") > strings.Index(got, "concurrency[") {
		t.Errorf("the summary comes first:\n%s", got)
	}
	if _, err := load(write("bad.json", `[1,2]`)); err == nil {
		t.Error("an array is not a bench result")
	}
	if err := compare(&out, a, b, map[string]float64{"x": 1}, map[string]float64{"y": 1}, true, 0.1); err == nil {
		t.Error("no figure in common must be an error")
	}
}
