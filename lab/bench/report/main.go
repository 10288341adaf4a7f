// Command report turns the serial logs of the lab bench scenarios
// (lab/bench/*.sh, run by lab/bench.sh) into the plain-text table and the
// JSON file of a bench run.
//
//	go run ./lab/bench/report [flags] SERIAL.LOG...
//
// It reads the BENCH, GOLOG, VMBENCH, CHECK and LAB-SCENARIO lines (see
// lab/bench/lib.sh), and optionally the output of the Go micro-benchmarks
// (-gobench).  All times of the reaction and group-up measurements are
// taken from the GO's wpa_supplicant debug log (-dd -t), i.e. from the
// supplicant's own clock; join times are the phone simulator's ms.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Targets (docs/performance.md).
const (
	targetReactP50 = 1.0  // ms
	targetReactP99 = 5.0  // ms
	targetRatio    = 1.02 // daemon / oracle join time
)

// reaction events and the commands that answer them
var (
	requestEvents = []string{"P2P-PROV-DISC-PBC-REQ", "P2P-PROV-DISC-SHOW-PIN", "P2P-PROV-DISC-ENTER-PIN", "P2P-GO-NEG-REQUEST"}
	answerCmds    = []string{"WPS_PBC", "WPS_PIN", "P2P_CONNECT", "P2P_INVITE"}
	joinCases     = []string{"pbc", "keypad", "negotiated", "persistent", "ip-eapol", "ip-dhcp"}
)

// Stats summarises a sample (milliseconds unless said otherwise).
type Stats struct {
	N    int     `json:"n"`
	Min  float64 `json:"min"`
	P50  float64 `json:"p50"`
	P95  float64 `json:"p95"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

func stats(v []float64) *Stats {
	if len(v) == 0 {
		return nil
	}
	s := slices.Clone(v)
	slices.Sort(s)
	sum := 0.0
	for _, x := range s {
		sum += x
	}
	return &Stats{N: len(s), Min: r3(s[0]), P50: r3(pct(s, 50)), P95: r3(pct(s, 95)), P99: r3(pct(s, 99)),
		Max: r3(s[len(s)-1]), Mean: r3(sum / float64(len(s)))}
}

// pct is the nearest-rank percentile of a sorted sample.
func pct(s []float64, p float64) float64 {
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))]
}

func r3(x float64) float64 { return math.Round(x*1000) / 1000 }

// kv parses "k=v k=v" words (values without spaces).
func kv(words []string) map[string]string {
	m := map[string]string{}
	for _, w := range words {
		if k, v, ok := strings.Cut(w, "="); ok {
			m[k] = strings.Trim(v, `"`)
		}
	}
	return m
}

func num(s string) (float64, bool) {
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// golog is one GOLOG line: an extract of the GO's debug log.
type golog struct {
	ts   float64
	typ  string // N note, E event, S sent to hostp2pd, C command received
	nr   int    // line number in go.log
	prev float64
	what string // event kind, command name or note text
	note map[string]string
}

type scenario struct {
	Name       string   `json:"name"`
	RC         int      `json:"rc"`
	Secs       float64  `json:"secs"`
	CheckFails []string `json:"check_fails,omitempty"`
	Log        string   `json:"serial_log"`
	bench      []map[string]string
	golog      []golog
	vmbench    []string
}

func readSerial(path string) (*scenario, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := &scenario{Log: path, RC: -1}
	s := bufio.NewScanner(f)
	s.Buffer(make([]byte, 1<<20), 1<<20)
	for s.Scan() {
		line := strings.TrimRight(s.Text(), "\r")
		w := strings.Fields(line)
		if len(w) == 0 {
			continue
		}
		switch w[0] {
		case "BENCH":
			sc.bench = append(sc.bench, kv(w[1:]))
		case "VMBENCH":
			sc.vmbench = append(sc.vmbench, strings.TrimPrefix(line, "VMBENCH "))
		case "CHECK":
			if len(w) > 2 && w[1] == "FAIL" {
				sc.CheckFails = append(sc.CheckFails, strings.Join(w[2:], " "))
			}
		case "LAB-SCENARIO":
			m := kv(w[1:])
			sc.Name = m["name"]
			if w[1] == "end" {
				sc.RC, _ = strconv.Atoi(m["rc"])
				sc.Secs, _ = num(m["secs"])
			}
		case "GOLOG":
			if g, ok := parseGolog(w); ok {
				sc.golog = append(sc.golog, g)
			}
		}
	}
	return sc, s.Err()
}

// parseGolog: GOLOG case=X TS N text... | TS E NR KIND | TS S NR | TS C NR PREV CMD
func parseGolog(w []string) (golog, bool) {
	if len(w) < 4 {
		return golog{}, false
	}
	ts, ok := num(w[2])
	if !ok {
		return golog{}, false
	}
	g := golog{ts: ts, typ: w[3]}
	rest := w[4:]
	switch g.typ {
	case "N":
		g.what = strings.Join(rest, " ")
		if len(rest) > 0 {
			g.note = kv(rest[1:])
			g.note["_"] = rest[0]
		}
	case "E", "S", "C":
		if len(rest) < 1 {
			return golog{}, false
		}
		g.nr, _ = strconv.Atoi(rest[0])
		if g.typ == "E" && len(rest) > 1 {
			g.what = rest[1]
		}
		if g.typ == "C" && len(rest) > 2 {
			g.prev, _ = num(rest[1])
			g.what = rest[2]
		}
	default:
		return golog{}, false
	}
	return g, true
}

// segments cuts a GOLOG stream at NOTE markers whose first word is "first".
func segments(gl []golog, first string) [][]golog {
	var out [][]golog
	cur := -1
	for _, g := range gl {
		if g.typ == "N" {
			if g.note["_"] == first {
				out = append(out, []golog{g})
				cur = len(out) - 1
			} else {
				cur = -1
			}
			continue
		}
		if cur >= 0 {
			out[cur] = append(out[cur], g)
		}
	}
	return out
}

// reaction is one event -> answer pair.
type reaction struct {
	Run       string  `json:"run"` // daemon, or reflex (lab/bench/reflex)
	Case      string  `json:"case"`
	I         string  `json:"i"`
	Event     string  `json:"event"`
	Command   string  `json:"command"`
	MS        float64 `json:"ms"`                   // event logged -> command received
	ToSend    float64 `json:"to_send_ms"`           // event logged -> sent to hostp2pd's monitor socket
	AfterSend float64 `json:"after_send_ms"`        // event sent to hostp2pd's monitor -> command received
	SupBusy   float64 `json:"supplicant_busy_ms"`   // event sent -> last log line before the command
	Lines     int     `json:"supplicant_log_lines"` // debug lines the supplicant wrote in between
}

func reactions(sc []*scenario) (out []reaction, unanswered []string) {
	for _, s := range sc {
		for _, seg := range segments(s.golog, "join") {
			n := seg[0].note
			if n["run"] != "daemon" && n["run"] != "reflex" && n["run"] != "warmup-daemon" && n["run"] != "warmup-reflex" {
				continue
			}
			var ev, sent *golog
		scan:
			for k := range seg[1:] {
				g := &seg[1+k]
				switch {
				case g.typ == "E" && ev == nil && slices.Contains(requestEvents, g.what):
					ev = g
				case g.typ == "S" && ev != nil && sent == nil:
					sent = g
				case g.typ == "C" && ev != nil && slices.Contains(answerCmds, g.what):
					r := reaction{Run: n["run"], Case: n["case"], I: n["i"], Event: ev.what, Command: g.what,
						MS: r3((g.ts - ev.ts) * 1000), Lines: g.nr - ev.nr - 1}
					if sent != nil {
						r.ToSend = r3((sent.ts - ev.ts) * 1000)
						r.AfterSend = r3((g.ts - sent.ts) * 1000)
						r.SupBusy = r3(max(0, g.prev-sent.ts) * 1000)
					}
					out = append(out, r)
					ev = nil
					break scan // one reaction per join: later ones are repeats
				}
			}
			if ev != nil {
				unanswered = append(unanswered, fmt.Sprintf("%s %s i=%s %s", n["run"], n["case"], n["i"], ev.what))
			}
		}
	}
	return out, unanswered
}

// reactionStats: the daemon's reactions (all, by event, the split), the
// reflex client's, and the daemon's on the reflex client's case and event.
func reactionStats(rs []reaction, un []string) *Reaction {
	rx := &Reaction{ByEvent: map[string]*Stats{}, Unanswered: un, TargetP50: targetReactP50, TargetP99: targetReactP99, Samples: rs}
	var all, tosend, after, busy []float64
	var fx [4][]float64
	by := map[string][]float64{}
	asReflex := map[[2]string]bool{} // case, event
	for _, r := range rs {
		if strings.HasPrefix(r.Run, "warmup-") {
			rx.Warmup = append(rx.Warmup, r) // reported, not counted
		}
		if r.Run == "reflex" {
			asReflex[[2]string{r.Case, r.Event}] = true
			for i, v := range []float64{r.MS, r.ToSend, r.AfterSend, r.SupBusy} {
				fx[i] = append(fx[i], v)
			}
		}
	}
	var same []float64
	for _, r := range rs {
		if r.Run == "reflex" || strings.HasPrefix(r.Run, "warmup-") {
			continue
		}
		if asReflex[[2]string{r.Case, r.Event}] {
			same = append(same, r.MS)
		}
		all = append(all, r.MS)
		tosend = append(tosend, r.ToSend)
		after = append(after, r.AfterSend)
		busy = append(busy, r.SupBusy)
		by[r.Event] = append(by[r.Event], r.MS)
	}
	rx.All, rx.ToSend, rx.AfterSend, rx.SupBusy = stats(all), stats(tosend), stats(after), stats(busy)
	for k, v := range by {
		rx.ByEvent[k] = stats(v)
	}
	if len(fx[0]) > 0 {
		rx.Reflex = map[string]*Stats{"all_ms": stats(fx[0]), "to_send_ms": stats(fx[1]),
			"after_send_ms": stats(fx[2]), "supplicant_busy_ms": stats(fx[3])}
		rx.AsReflex = stats(same)
	}
	if rx.All != nil {
		rx.MetP50, rx.MetP99 = rx.All.P50 <= targetReactP50, rx.All.P99 <= targetReactP99
	}
	return rx
}

// JoinCase: daemon vs oracle join times of one case.
type JoinCase struct {
	Daemon    *Stats  `json:"daemon_ms"`
	Oracle    *Stats  `json:"oracle_ms"`
	DaemonOK  string  `json:"daemon_ok"`
	OracleOK  string  `json:"oracle_ok"`
	Reflex    *Stats  `json:"reflex_ms,omitempty"`
	ReflexOK  string  `json:"reflex_ok,omitempty"`
	RatioP50  float64 `json:"ratio_p50"`
	RatioMean float64 `json:"ratio_mean"`
	Note      string  `json:"note,omitempty"`
}

// ConcLevel: k phones joining at once.
type ConcLevel struct {
	Phones      int     `json:"phones"`
	Rounds      int     `json:"rounds"`
	Joins       int     `json:"joins"`
	JoinsOK     int     `json:"joins_ok"`
	SuccessRate float64 `json:"success_rate"`
	RoundsAllOK int     `json:"rounds_all_ok"`
	AllConnMS   *Stats  `json:"all_connected_ms"` // over the rounds where every phone joined
	PerPhoneMS  *Stats  `json:"per_phone_join_ms"`
}

type Footprint struct {
	RSSIdleKB         int                 `json:"rss_idle_kb"`
	HWMIdleKB         int                 `json:"hwm_idle_kb"`
	RSSClientsKB      int                 `json:"rss_8_clients_kb"`
	HWMClientsKB      int                 `json:"hwm_8_clients_kb"`
	Clients           int                 `json:"clients_connected"`
	HWMEndKB          int                 `json:"hwm_end_kb"`
	Threads           int                 `json:"threads_idle"`
	IdleSecs          float64             `json:"idle_period_s"`
	IdleCPUms         float64             `json:"idle_cpu_ms"`
	IdleCPUPct        float64             `json:"idle_cpu_percent"`
	TotalCPUms        float64             `json:"cpu_ms_whole_concurrency_run"`
	BinaryStripped    int64               `json:"binary_bytes_stripped"`
	BinaryFull        int64               `json:"binary_bytes_unstripped"`
	OtherMemSamples   []map[string]string `json:"other_mem_samples,omitempty"`
	RSSByClientsKB    map[string]int      `json:"rss_kb_by_clients,omitempty"` // clients connected -> VmRSS
	IdleWakeups       int                 `json:"idle_wakeups"`                // context switches of all threads over the idle period
	IdleWakeupsPerMin float64             `json:"idle_wakeups_per_min"`
	// RssAnon/RssFile of /proc/PID/status: heap, stacks and runtime
	// against the binary's pages in memory.
	AnonIdleKB    int `json:"rss_anon_idle_kb,omitempty"`
	FileIdleKB    int `json:"rss_file_idle_kb,omitempty"`
	AnonClientsKB int `json:"rss_anon_8_clients_kb,omitempty"`
	// Rss of smaps_rollup (page tables walked): VmRSS comes from counters
	// that lag by up to 64 pages per thread and counter on Linux 6.1.
	SmapsIdleKB    int `json:"rss_smaps_idle_kb,omitempty"`
	SmapsClientsKB int `json:"rss_smaps_8_clients_kb,omitempty"`
	FileClientsKB  int `json:"rss_file_8_clients_kb,omitempty"`
	// Maps: the resident kB by mapping of each sample (kind=maps, lib.sh
	// pmaps): state -> text_kb, rodata_kb, data_kb, bss_kb, anon_kb,
	// anon_max_kb, anonhuge_kb.
	Maps map[string]map[string]int `json:"rss_kb_by_mapping,omitempty"`
	// GC: the last garbage collection before each sample (GODEBUG=gctrace=1,
	// whole MB): state -> gcs, heap_live_mb, heap_goal_mb, stacks_mb, globals_mb.
	GC map[string]map[string]int `json:"go_gc_by_state,omitempty"`

	wakeupsMeasured bool
}

type GroupUp struct {
	Daemon        *Stats  `json:"daemon_ms"`
	Oracle        *Stats  `json:"oracle_ms"`
	RatioP50      float64 `json:"ratio_p50"`
	RatioMean     float64 `json:"ratio_mean"`
	DaemonToCmd   *Stats  `json:"daemon_exec_to_p2p_group_add_ms"`
	OracleToCmd   *Stats  `json:"wpa_cli_exec_to_p2p_group_add_ms"`
	DaemonCmdToUp *Stats  `json:"daemon_p2p_group_add_to_started_ms"`
	OracleCmdToUp *Stats  `json:"oracle_p2p_group_add_to_started_ms"`
	MissingDaemon int     `json:"missing_daemon"`
	MissingOracle int     `json:"missing_oracle"`
}

type Reaction struct {
	All       *Stats            `json:"all_ms"`
	ByEvent   map[string]*Stats `json:"by_event_ms"`
	ToSend    *Stats            `json:"to_send_ms"`
	AfterSend *Stats            `json:"after_send_ms"`
	SupBusy   *Stats            `json:"supplicant_busy_ms"`
	Reflex    map[string]*Stats `json:"reflex,omitempty"` // lab/bench/reflex: all_ms, to_send_ms, after_send_ms, supplicant_busy_ms
	// AsReflex: the daemon's reactions in the reflex client's cases to the
	// reflex client's events (keypad, P2P-PROV-DISC-SHOW-PIN): the figure
	// the ratios to the reflex client divide, so that both sides answer
	// the same event (the PBC and negotiation events of "all" make the
	// supplicant do other work).
	AsReflex *Stats `json:"daemon_as_reflex_ms,omitempty"`
	// Warmup: the warm-up join of each run (bench_warmup), in no figure.
	Warmup     []reaction `json:"warmup,omitempty"`
	Unanswered []string   `json:"unanswered,omitempty"`
	TargetP50  float64    `json:"target_p50_ms"`
	TargetP99  float64    `json:"target_p99_ms"`
	MetP50     bool       `json:"met_p50"`
	MetP99     bool       `json:"met_p99"`
	Samples    []reaction `json:"samples"`
}

type Result struct {
	Schema      string                        `json:"schema"`
	Date        string                        `json:"date"`
	Git         string                        `json:"git"`
	Dirty       bool                          `json:"dirty"`
	Host        map[string]string             `json:"host"`
	Params      map[string]int                `json:"params"`
	WallSecs    int                           `json:"wall_s"`
	Reaction    *Reaction                     `json:"reaction_latency"`
	Joins       map[string]*JoinCase          `json:"join_time"`
	TargetRatio float64                       `json:"target_ratio"`
	GroupUp     *GroupUp                      `json:"group_up"`
	Concurrency []*ConcLevel                  `json:"concurrency"`
	Footprint   *Footprint                    `json:"footprint"`
	GoMicro     map[string]map[string]float64 `json:"go_micro"`
	VMMicro     map[string]map[string]float64 `json:"vm_micro,omitempty"`
	Scenarios   []*scenario                   `json:"scenarios"`
	Summary     *Summary                      `json:"summary"`
	Goals       []Goal                        `json:"goals"`
}

func main() {
	var (
		jsonOut  = flag.String("json", "", "write the JSON here")
		n        = flag.Int("n", 0, "N (joins per case and run)")
		conc     = flag.Int("conc", 0, "rounds per concurrency level")
		idle     = flag.Int("idle", 60, "idle period of the CPU measurement (s)")
		git      = flag.String("git", "", "git commit")
		dirty    = flag.Bool("dirty", false, "work tree had local changes")
		gobench  = flag.String("gobench", "", "output of the Go micro-benchmarks")
		sizeS    = flag.Int64("size-stripped", 0, "size of the stripped binary")
		sizeF    = flag.Int64("size-full", 0, "size of the unstripped binary")
		wall     = flag.Int("wall", 0, "wall time of the whole bench (s)")
		loadFrom = flag.String("load-start", "", "/proc/loadavg at the start")
		vcpus    = flag.Int("vcpus", 1, "vCPUs of the lab VM")
	)
	flag.Parse()
	var scs []*scenario
	for _, p := range flag.Args() {
		s, err := readSerial(p)
		if err != nil {
			fmt.Fprintf(os.Stderr, "report: %v (case skipped)\n", err)
			continue
		}
		scs = append(scs, s)
	}
	res := &Result{Schema: "hostp2pd-bench/1", Date: time.Now().UTC().Format(time.RFC3339), Git: *git, Dirty: *dirty,
		Params: map[string]int{"n": *n, "conc_rounds": *conc, "idle_s": *idle, "vcpus": *vcpus}, WallSecs: *wall,
		TargetRatio: targetRatio, Scenarios: scs,
		Host: map[string]string{"go": runtime.Version(), "cpus": strconv.Itoa(runtime.NumCPU()), "accel": "tcg, " + plural(*vcpus, "vCPU"),
			"loadavg_start": strings.TrimSpace(*loadFrom), "loadavg_end": readTrim("/proc/loadavg"),
			"kernel": readTrim("/proc/sys/kernel/osrelease")}}

	// 1. reaction latency
	rs, un := reactions(scs)
	res.Reaction = reactionStats(rs, un)

	// 2. join times
	res.Joins = map[string]*JoinCase{}
	joins := map[string]map[string][]float64{}
	oks := map[string]map[string][2]int{}
	for _, s := range scs {
		for _, b := range s.bench {
			if b["kind"] != "join" {
				continue
			}
			c, r := b["case"], b["run"]
			if joins[c] == nil {
				joins[c], oks[c] = map[string][]float64{}, map[string][2]int{}
			}
			o := oks[c][r]
			o[1]++
			if b["ok"] == "1" {
				o[0]++
				if ms, ok := num(b["ms"]); ok {
					joins[c][r] = append(joins[c][r], ms)
				}
			}
			oks[c][r] = o
		}
	}
	for c, m := range joins {
		jc := &JoinCase{Daemon: stats(m["daemon"]), Oracle: stats(m["oracle"]),
			DaemonOK: fmt.Sprintf("%d/%d", oks[c]["daemon"][0], oks[c]["daemon"][1]),
			OracleOK: fmt.Sprintf("%d/%d", oks[c]["oracle"][0], oks[c]["oracle"][1])}
		if jc.Daemon != nil && jc.Oracle != nil && jc.Oracle.P50 > 0 {
			jc.RatioP50 = r3(jc.Daemon.P50 / jc.Oracle.P50)
			jc.RatioMean = r3(jc.Daemon.Mean / jc.Oracle.Mean)
		}
		if m["reflex"] != nil || oks[c]["reflex"][1] > 0 {
			jc.Reflex = stats(m["reflex"])
			jc.ReflexOK = fmt.Sprintf("%d/%d", oks[c]["reflex"][0], oks[c]["reflex"][1])
		}
		if c == "persistent" {
			jc.Note = "P2P_INVITE -> connected (phone ms minus its find_ms)"
		}
		if strings.HasPrefix(c, "ip-") {
			jc.Note = "time to IP: p2p_connect -> address usable (ping of the GO answered)"
		}
		res.Joins[c] = jc
	}

	// 3. group-up
	res.GroupUp = groupUp(scs)

	// 4. concurrency, 5. footprint
	res.Concurrency = concurrency(scs)
	res.Footprint = footprint(scs, *idle)
	res.Footprint.BinaryStripped, res.Footprint.BinaryFull = *sizeS, *sizeF

	// micro-benchmarks
	if *gobench != "" {
		if b, err := os.ReadFile(*gobench); err == nil {
			res.GoMicro = parseGoBench(strings.Split(string(b), "\n"))
		} else {
			fmt.Fprintf(os.Stderr, "report: %v\n", err)
		}
	}
	for _, s := range scs {
		if len(s.vmbench) > 0 {
			res.VMMicro = parseGoBench(s.vmbench)
		}
	}

	summarise(res)
	printTable(os.Stdout, res)
	if *jsonOut != "" {
		b, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			fmt.Fprintln(os.Stderr, "report:", err)
			os.Exit(1)
		}
		if err := os.WriteFile(*jsonOut, append(b, '\n'), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "report:", err)
			os.Exit(1)
		}
	}
}

func readTrim(p string) string {
	b, _ := os.ReadFile(p)
	return strings.TrimSpace(string(b))
}

func groupUp(scs []*scenario) *GroupUp {
	gu := &GroupUp{}
	var d, o, dc, oc, dcu, ocu []float64
	for _, s := range scs {
		var cur *golog
		var cmd *golog
		for k := range s.golog {
			g := &s.golog[k]
			switch {
			case g.typ == "N":
				// "daemon-start groupup run=daemon i=1" or "groupup run=oracle i=1"
				if cur != nil {
					miss(gu, cur)
				}
				cur, cmd = nil, nil
				if (g.note["_"] == "daemon-start" || g.note["_"] == "groupup") && g.note["run"] != "" {
					cur = g
				}
			case cur != nil && g.typ == "C" && g.what == "P2P_GROUP_ADD" && cmd == nil:
				cmd = g
			case cur != nil && g.typ == "E" && g.what == "P2P-GROUP-STARTED":
				ms := (g.ts - cur.ts) * 1000
				var toCmd, cmdUp float64 = -1, -1
				if cmd != nil {
					toCmd, cmdUp = (cmd.ts-cur.ts)*1000, (g.ts-cmd.ts)*1000
				}
				if cur.note["run"] == "daemon" {
					d = append(d, ms)
					if toCmd >= 0 {
						dc, dcu = append(dc, toCmd), append(dcu, cmdUp)
					}
				} else {
					o = append(o, ms)
					if toCmd >= 0 {
						oc, ocu = append(oc, toCmd), append(ocu, cmdUp)
					}
				}
				cur = nil
			}
		}
	}
	gu.Daemon, gu.Oracle = stats(d), stats(o)
	gu.DaemonToCmd, gu.OracleToCmd, gu.DaemonCmdToUp, gu.OracleCmdToUp = stats(dc), stats(oc), stats(dcu), stats(ocu)
	if gu.Daemon != nil && gu.Oracle != nil {
		gu.RatioP50 = r3(gu.Daemon.P50 / gu.Oracle.P50)
		gu.RatioMean = r3(gu.Daemon.Mean / gu.Oracle.Mean)
	}
	return gu
}

func miss(gu *GroupUp, g *golog) {
	if g.note["run"] == "daemon" {
		gu.MissingDaemon++
	} else {
		gu.MissingOracle++
	}
}

func concurrency(scs []*scenario) []*ConcLevel {
	type ph struct {
		ok       bool
		end, dur float64
	}
	rounds := map[int]map[int][]ph{}
	for _, s := range scs {
		for _, b := range s.bench {
			if b["kind"] != "conc" {
				continue
			}
			k, _ := strconv.Atoi(b["phones"])
			r, _ := strconv.Atoi(b["round"])
			t, _ := num(b["t"])
			ms, _ := num(b["ms"])
			if rounds[k] == nil {
				rounds[k] = map[int][]ph{}
			}
			rounds[k][r] = append(rounds[k][r], ph{ok: b["ok"] == "1" && t > 0, end: t, dur: ms / 1000})
		}
	}
	var out []*ConcLevel
	for _, k := range slices.Sorted(mapKeys(rounds)) {
		cl := &ConcLevel{Phones: k, Rounds: len(rounds[k])}
		var allMS, per []float64
		for _, r := range rounds[k] {
			allOK := len(r) == k
			first, last := math.Inf(1), math.Inf(-1)
			for _, p := range r {
				cl.Joins++
				if !p.ok {
					allOK = false
					continue
				}
				cl.JoinsOK++
				per = append(per, p.dur*1000)
				first, last = min(first, p.end-p.dur), max(last, p.end)
			}
			if allOK {
				cl.RoundsAllOK++
				allMS = append(allMS, (last-first)*1000)
			}
		}
		if cl.Joins > 0 {
			cl.SuccessRate = r3(float64(cl.JoinsOK) / float64(cl.Joins))
		}
		cl.AllConnMS, cl.PerPhoneMS = stats(allMS), stats(per)
		out = append(out, cl)
	}
	return out
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func atoi(s string) int { i, _ := strconv.Atoi(s); return i }

// mapFields are the fields of a kind=maps sample, in the table's order.
var mapFields = []string{"text_kb", "rodata_kb", "data_kb", "bss_kb", "anon_kb", "anon_max_kb", "anonhuge_kb"}

func footprint(scs []*scenario, idle int) *Footprint {
	fp := &Footprint{IdleSecs: float64(idle)}
	var idle0, idle1, end map[string]string
	for _, s := range scs {
		for _, b := range s.bench {
			// The footprint is the concurrency boot's. Another boot of the
			// same scenario (moonshot: one big crowd, no idle period)
			// adds only its VmRSS with K clients.
			if b["case"] != "" && b["case"] != "concurrency" && !(b["kind"] == "mem" && strings.HasPrefix(b["state"], "clients-")) {
				if b["kind"] == "mem" {
					fp.OtherMemSamples = append(fp.OtherMemSamples, b)
				}
				continue
			}
			switch {
			case b["kind"] == "mem" && b["case"] == "concurrency" && b["state"] == "idle":
				fp.RSSIdleKB, fp.HWMIdleKB, fp.Threads = atoi(b["rss_kb"]), atoi(b["hwm_kb"]), atoi(b["threads"])
				fp.AnonIdleKB, fp.FileIdleKB = atoi(b["rssanon_kb"]), atoi(b["rssfile_kb"])
				fp.SmapsIdleKB = atoi(b["rss_smaps_kb"])
			case b["kind"] == "gc" && b["case"] == "concurrency" && b["gcs"] != "":
				if fp.GC == nil {
					fp.GC = map[string]map[string]int{}
				}
				g := map[string]int{}
				for _, k := range []string{"gcs", "heap_live_mb", "heap_goal_mb", "stacks_mb", "globals_mb"} {
					g[k] = atoi(b[k])
				}
				fp.GC[b["state"]] = g
			case b["kind"] == "maps" && b["case"] == "concurrency":
				if fp.Maps == nil {
					fp.Maps = map[string]map[string]int{}
				}
				m := map[string]int{}
				for _, k := range mapFields {
					m[k] = atoi(b[k])
				}
				fp.Maps[b["state"]] = m
			case b["kind"] == "mem" && strings.HasPrefix(b["state"], "clients-"):
				if fp.RSSByClientsKB == nil {
					fp.RSSByClientsKB = map[string]int{}
				}
				fp.RSSByClientsKB[strings.TrimPrefix(b["state"], "clients-")] = atoi(b["rss_kb"])
				if b["state"] == "clients-8" && b["case"] == "concurrency" {
					fp.RSSClientsKB, fp.HWMClientsKB, fp.Clients = atoi(b["rss_kb"]), atoi(b["hwm_kb"]), atoi(b["clients"])
					fp.AnonClientsKB, fp.FileClientsKB = atoi(b["rssanon_kb"]), atoi(b["rssfile_kb"])
					fp.SmapsClientsKB = atoi(b["rss_smaps_kb"])
				}
			case b["kind"] == "mem":
				fp.OtherMemSamples = append(fp.OtherMemSamples, b)
			case b["kind"] == "cpu" && b["state"] == "idle-start":
				idle0 = b
			case b["kind"] == "cpu" && b["state"] == "idle-end":
				idle1 = b
				if s, ok := num(b["secs"]); ok && s > 0 {
					fp.IdleSecs = s
				}
			case b["kind"] == "cpu" && b["state"] == "end":
				end = b
				fp.HWMEndKB = atoi(b["hwm_kb"])
			}
		}
	}
	ticks := func(m map[string]string) int { return atoi(m["utime"]) + atoi(m["stime"]) }
	if idle0 != nil && idle1 != nil {
		fp.IdleCPUms = float64(ticks(idle1)-ticks(idle0)) * 10 // USER_HZ = 100
		fp.IdleCPUPct = r3(fp.IdleCPUms / (fp.IdleSecs * 1000) * 100)
		if _, ok := idle1["wakeups"]; ok {
			fp.IdleWakeups = atoi(idle1["wakeups"]) - atoi(idle0["wakeups"])
			fp.IdleWakeupsPerMin = r3(float64(fp.IdleWakeups) / fp.IdleSecs * 60)
			fp.wakeupsMeasured = true
		}
	}
	if end != nil {
		fp.TotalCPUms = float64(ticks(end)) * 10
	}
	return fp
}

// parseGoBench reads `go test -bench` output: name -> unit -> value.
func parseGoBench(lines []string) map[string]map[string]float64 {
	out := map[string]map[string]float64{}
	pkg := ""
	for _, l := range lines {
		if p, ok := strings.CutPrefix(l, "pkg: "); ok {
			pkg = filepath.Base(strings.TrimSpace(p))
			continue
		}
		f := strings.Fields(l)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := f[0]
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i]
			}
		}
		if pkg != "" {
			name = pkg + "." + name
		}
		m := map[string]float64{}
		if it, ok := num(f[1]); ok {
			m["iterations"] = it
		}
		for i := 2; i+1 < len(f); i += 2 {
			if v, ok := num(f[i]); ok {
				m[f[i+1]] = v
			}
		}
		out[name] = m
	}
	return out
}

// ---- the table -----------------------------------------------------------------

func f1(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }

func yes(b bool) string {
	if b {
		return "met"
	}
	return "MISSED"
}

func printTable(w io.Writer, r *Result) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	line := strings.Repeat("-", 96)
	vcpus := max(r.Params["vcpus"], 1) // results before the knob: 1
	p("\nhostp2pd bench  %s  git %s%s  N=%d  conc rounds=%d  (qemu TCG, %s; load %s -> %s)\n",
		r.Date, r.Git, map[bool]string{true: "+dirty", false: ""}[r.Dirty], r.Params["n"], r.Params["conc_rounds"],
		plural(vcpus, "vCPU"), first3(r.Host["loadavg_start"]), first3(r.Host["loadavg_end"]))
	p("%s\n", line)
	p("1. REACTION LATENCY (GO supplicant debug log: event logged -> command received), ms\n")
	p("  %-34s %5s %8s %8s %8s %8s %8s\n", "", "n", "p50", "p95", "p99", "max", "mean")
	row := func(name string, s *Stats) {
		if s == nil {
			p("  %-34s %5s\n", name, "-")
			return
		}
		p("  %-34s %5d %8.2f %8.2f %8.2f %8.2f %8.2f\n", name, s.N, s.P50, s.P95, s.P99, s.Max, s.Mean)
	}
	rx := r.Reaction
	row("all", rx.All)
	for _, e := range requestEvents {
		if s := rx.ByEvent[e]; s != nil {
			row("  "+e, s)
		}
	}
	row("split: event logged -> sent to us", rx.ToSend)
	row("       sent to us -> command recv'd", rx.AfterSend)
	row("supplicant busy after sending", rx.SupBusy)
	if rx.Reflex != nil {
		row("daemon on the reflex's case+event", rx.AsReflex)
		row("REFLEX client (floor), all", rx.Reflex["all_ms"])
		row("  split: logged -> sent to it", rx.Reflex["to_send_ms"])
		row("         sent -> command recv'd", rx.Reflex["after_send_ms"])
		row("  supplicant busy after sending", rx.Reflex["supplicant_busy_ms"])
	}
	for _, w := range rx.Warmup {
		p("  warm-up join, not counted: %-13s %8.2f ms (supplicant busy %.2f ms, %d log lines)\n", strings.TrimPrefix(w.Run, "warmup-"), w.MS, w.SupBusy, w.Lines)
	}
	if rx.All != nil {
		p("  target p50 <= %.0f ms: %s   p99 <= %.0f ms: %s\n", targetReactP50, yes(rx.MetP50), targetReactP99, yes(rx.MetP99))
	}
	if len(rx.Unanswered) > 0 {
		p("  unanswered: %s\n", strings.Join(rx.Unanswered, "; "))
	}
	p("%s\n", line)
	p("2. JOIN TIME (phone p2p_connect -> connected), ms; ratio = daemon / oracle (target <= %.2f)\n", targetRatio)
	p("  %-12s %7s %9s %9s %9s %7s %9s %9s %9s %7s %7s\n", "case", "d ok", "d p50", "d p95", "d mean", "o ok", "o p50", "o p95", "o mean", "r p50", "r mean")
	for _, c := range joinCases {
		j := r.Joins[c]
		if j == nil {
			p("  %-12s (not run)\n", c)
			continue
		}
		d, o := orZero(j.Daemon), orZero(j.Oracle)
		p("  %-12s %7s %9.0f %9.0f %9.0f %7s %9.0f %9.0f %9.0f %7.3f %7.3f\n", c, j.DaemonOK, d.P50, d.P95, d.Mean,
			j.OracleOK, o.P50, o.P95, o.Mean, j.RatioP50, j.RatioMean)
	}
	p("  (persistent: P2P_INVITE -> connected, the phone's fresh p2p_find excluded)\n")
	p("  (ip-eapol, ip-dhcp: time to IP, p2p_connect -> ping of the GO answered; address from the 4-way handshake / DHCP)\n")
	for _, c := range joinCases {
		if j := r.Joins[c]; j != nil && j.Reflex != nil {
			p("  %s answered by the reflex client: %s ok, p50 %.0f ms, mean %.0f ms (ratio to oracle p50 %.3f)\n",
				c, j.ReflexOK, j.Reflex.P50, j.Reflex.Mean, j.Reflex.P50/orZero(j.Oracle).P50)
		}
	}
	p("%s\n", line)
	g := r.GroupUp
	p("3. GROUP-UP (exec -> GO P2P-GROUP-STARTED), ms\n")
	p("  %-34s %5s %8s %8s %8s %8s %8s\n", "", "n", "p50", "p95", "p99", "max", "mean")
	row("hostp2pd start", g.Daemon)
	row("  exec -> P2P_GROUP_ADD received", g.DaemonToCmd)
	row("  P2P_GROUP_ADD -> started", g.DaemonCmdToUp)
	row("wpa_cli p2p_group_add (oracle)", g.Oracle)
	row("  exec -> P2P_GROUP_ADD received", g.OracleToCmd)
	row("  P2P_GROUP_ADD -> started", g.OracleCmdToUp)
	p("  ratio p50 %.3f, mean %.3f\n", g.RatioP50, g.RatioMean)
	p("%s\n", line)
	p("4. CONCURRENCY (phones start a keypad-PIN join at the same moment)\n")
	p("  %-7s %7s %11s %9s %14s %14s %14s\n", "phones", "rounds", "joins ok", "success", "all-conn p50", "all-conn max", "per-phone p50")
	for _, c := range r.Concurrency {
		a, pp := orZero(c.AllConnMS), orZero(c.PerPhoneMS)
		p("  %-7d %7d %11s %8.0f%% %11.0f ms %11.0f ms %11.0f ms\n", c.Phones, c.Rounds,
			fmt.Sprintf("%d/%d", c.JoinsOK, c.Joins), c.SuccessRate*100, a.P50, a.Max, pp.P50)
	}
	p("%s\n", line)
	fp := r.Footprint
	p("5. FOOTPRINT (hostp2pd in the VM)\n")
	p("  VmRSS / VmHWM idle (group up)      %6d / %6d kB   (%d threads)\n", fp.RSSIdleKB, fp.HWMIdleKB, fp.Threads)
	p("  VmRSS / VmHWM with %d clients       %6d / %6d kB   (VmHWM at the end %d kB)\n", fp.Clients, fp.RSSClientsKB, fp.HWMClientsKB, fp.HWMEndKB)
	if fp.AnonIdleKB > 0 {
		// The rest of VmRSS is the binary's pages: RssFile on a disk,
		// RssShmem in the VM, where it runs from the initramfs.
		p("    of which anonymous / the binary %6d / %6d kB idle, %d / %d kB with %d clients (RssAnon / VmRSS - RssAnon)\n",
			fp.AnonIdleKB, fp.RSSIdleKB-fp.AnonIdleKB, fp.AnonClientsKB, fp.RSSClientsKB-fp.AnonClientsKB, fp.Clients)
	}
	if fp.SmapsIdleKB > 0 {
		p("    Rss from the page tables (smaps_rollup) %d kB idle, %d kB with %d clients (VmRSS lags: per-thread counters)\n",
			fp.SmapsIdleKB, fp.SmapsClientsKB, fp.Clients)
	}
	for _, k := range slices.Sorted(maps.Keys(fp.Maps)) {
		m := fp.Maps[k]
		p("    by mapping (%-10s) text %d, rodata+pclntab %d, data %d, bss %d, other anonymous %d (largest %d; in huge pages %d) kB\n",
			k, m["text_kb"], m["rodata_kb"], m["data_kb"], m["bss_kb"], m["anon_kb"], m["anon_max_kb"], m["anonhuge_kb"])
	}
	for _, k := range slices.SortedFunc(mapKeys(fp.RSSByClientsKB), func(a, b string) int { return atoi(a) - atoi(b) }) {
		p("  VmRSS after a crowd of %3s           %6d kB\n", k, fp.RSSByClientsKB[k])
	}
	for _, k := range slices.Sorted(maps.Keys(fp.GC)) {
		g := fp.GC[k]
		p("  Go heap at the last GC (%-10s)  live %d MB, goal %d MB, stacks %d MB, globals %d MB (%d GCs so far; gctrace, whole MB)\n",
			k, g["heap_live_mb"], g["heap_goal_mb"], g["stacks_mb"], g["globals_mb"], g["gcs"])
	}
	p("  CPU over %.0f s idle                 %6.0f ms  (%.3f%% of one vCPU; 10 ms tick resolution)\n", fp.IdleSecs, fp.IdleCPUms, fp.IdleCPUPct)
	if fp.wakeupsMeasured {
		p("  wake-ups over %.0f s idle            %6d     (%.1f per minute; context switches of all threads)\n", fp.IdleSecs, fp.IdleWakeups, fp.IdleWakeupsPerMin)
	}
	p("  binary (-trimpath -s -w)           %6.2f MB  (unstripped %.2f MB)\n", float64(fp.BinaryStripped)/1e6, float64(fp.BinaryFull)/1e6)
	p("%s\n", line)
	p("6. GO MICRO-BENCHMARKS (host)\n")
	micro(p, r.GoMicro)
	if len(r.VMMicro) > 0 {
		p("   the same inside the VM (TCG):\n")
		micro(p, r.VMMicro)
	}
	p("%s\n", line)
	printGoals(w, r)
	p("%s\n", line)
	for _, s := range r.Scenarios {
		st := "ok"
		if s.RC != 0 {
			st = fmt.Sprintf("rc=%d", s.RC)
		}
		p("  scenario %-22s %6.1f s in the VM, %s", s.Name, s.Secs, st)
		if len(s.CheckFails) > 0 {
			p(", failed checks: %s", strings.Join(s.CheckFails, ", "))
		}
		p("\n")
	}
	p("  total wall time %d s\n", r.WallSecs)
}

func first3(s string) string {
	f := strings.Fields(s)
	if len(f) > 3 {
		f = f[:3]
	}
	return strings.Join(f, " ")
}

func orZero(s *Stats) Stats {
	if s == nil {
		return Stats{}
	}
	return *s
}

func micro(p func(string, ...any), m map[string]map[string]float64) {
	for _, k := range slices.Sorted(mapKeys(m)) {
		v := m[k]
		var parts []string
		for _, u := range []string{"ns/op", "events/s", "events/cpu-s", "ns/event", "oracle-ns/event", "ratio", "snapshot-ns/event",
			"p50-us", "oracle-p50-us", "p50-ratio", "p99-us", "oracle-p99-us", "p99-ratio", "gc/join", "B/op", "allocs/op"} {
			if x, ok := v[u]; ok {
				switch u {
				case "events/s", "events/cpu-s":
					parts = append(parts, fmt.Sprintf("%.2fM %s", x/1e6, u))
				case "ns/op", "ns/event", "oracle-ns/event", "snapshot-ns/event", "p50-us", "oracle-p50-us", "p99-us", "oracle-p99-us":
					parts = append(parts, fmt.Sprintf("%s %s", f1(x), u))
				case "ratio", "p50-ratio", "p99-ratio", "gc/join":
					parts = append(parts, fmt.Sprintf("%.3f %s", x, u))
				default:
					parts = append(parts, fmt.Sprintf("%.0f %s", x, u))
				}
			}
		}
		p("  %-46s %s\n", k, strings.Join(parts, ", "))
	}
}

// plural is "1 vCPU", "2 vCPUs".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}
