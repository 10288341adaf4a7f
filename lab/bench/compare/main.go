// Command compare diffs two bench results (bench/results/*.json, written by
// lab/bench/report) as ratios, so that a regression shows as a number.
//
//	bench/compare [-all] [-t 0.1] A.json B.json
//
// Every numeric figure present in both files is printed as A, B and B/A:
// the summary first, then (with -all) every other figure. Lines whose
// ratio differs from 1 by more than -t are flagged with '*'. Samples,
// scenario logs and the goals table are skipped.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
)

func main() {
	all := flag.Bool("all", false, "every figure, not only the summary and the main statistics")
	tol := flag.Float64("t", 0.1, "flag ratios outside 1±t")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: bench/compare [-all] [-t 0.1] A.json B.json")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 2 {
		flag.Usage()
		os.Exit(2)
	}
	a, err := load(flag.Arg(0))
	if err == nil {
		var b map[string]float64
		if b, err = load(flag.Arg(1)); err == nil {
			err = compare(os.Stdout, flag.Arg(0), flag.Arg(1), a, b, *all, *tol)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
}

// skip are the subtrees that are not figures.
var skip = []string{"samples", "scenarios", "goals", "other_mem_samples", "params", "host"}

func load(path string) (map[string]float64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, fmt.Errorf("%s: not a bench result (no JSON object)", path)
	}
	out := map[string]float64{}
	flatten("", v, out)
	return out, nil
}

func flatten(prefix string, v any, out map[string]float64) {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if slices.Contains(skip, k) {
				continue
			}
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			flatten(p, x, out)
		}
	case []any:
		for i, x := range t {
			// concurrency levels are named by their crowd size
			key := strconv.Itoa(i)
			if m, ok := x.(map[string]any); ok {
				if n, ok := m["phones"].(float64); ok {
					key = "phones=" + strconv.FormatFloat(n, 'f', -1, 64)
				}
			}
			flatten(prefix+"["+key+"]", x, out)
		}
	case float64:
		out[prefix] = t
	}
}

// main figures shown without -all
func mainFigure(k string) bool {
	if strings.HasPrefix(k, "summary.") || strings.HasPrefix(k, "footprint.") {
		return true
	}
	for _, suf := range []string{".p50", ".p99", ".mean", "ratio_p50", "ratio_mean", "success_rate"} {
		if strings.HasSuffix(k, suf) {
			return !strings.HasPrefix(k, "go_micro.") && !strings.HasPrefix(k, "vm_micro.")
		}
	}
	return strings.HasSuffix(k, "ns/op") || strings.HasSuffix(k, "allocs/op")
}

func compare(w io.Writer, an, bn string, a, b map[string]float64, all bool, tol float64) error {
	var keys []string
	for k := range a {
		if _, ok := b[k]; ok && (all || mainFigure(k)) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return errors.New("the two results have no figure in common")
	}
	slices.SortFunc(keys, func(x, y string) int {
		sx, sy := strings.HasPrefix(x, "summary."), strings.HasPrefix(y, "summary.")
		if sx != sy {
			if sx {
				return -1
			}
			return 1
		}
		return strings.Compare(x, y)
	})
	fmt.Fprintf(w, "A = %s\nB = %s\n", an, bn)
	fmt.Fprintf(w, "  %-60s %12s %12s %8s\n", "figure", "A", "B", "B/A")
	for _, k := range keys {
		x, y := a[k], b[k]
		r, flag := "-", " "
		if x != 0 {
			q := y / x
			r = strconv.FormatFloat(q, 'f', 3, 64)
			if math.Abs(q-1) > tol {
				flag = "*"
			}
		} else if y != 0 {
			flag = "*"
		}
		fmt.Fprintf(w, "%s %-60s %12s %12s %8s\n", flag, k, num(x), num(y), r)
	}
	var only []string
	for k := range a {
		if _, ok := b[k]; !ok && strings.HasPrefix(k, "summary.") {
			only = append(only, k+" (only in A)")
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok && strings.HasPrefix(k, "summary.") {
			only = append(only, k+" (only in B)")
		}
	}
	slices.Sort(only)
	for _, k := range only {
		fmt.Fprintf(w, "  %s\n", k)
	}
	return nil
}

func num(x float64) string { return strconv.FormatFloat(x, 'g', 6, 64) }
