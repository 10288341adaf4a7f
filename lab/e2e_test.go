package lab

// End-to-end tests in the virtual Wi-Fi lab.  They run only with
// HOSTP2PD_LAB=1 (they boot qemu VMs and take minutes):
//
//	HOSTP2PD_LAB=1 go test ./lab -run 'TestLab' -v -timeout 30m
//
// TestLabOracle needs no daemon: the GO side is scripted, which proves the
// lab and the phone simulator work.  TestLabDaemon runs the DAEMON scenarios
// (lab/scenarios/[12]*-daemon-*.sh) against a static build of ./cmd/hostp2pd.
//
// Environment:
//
//	HOSTP2PD_LAB=1              run at all
//	HOSTP2PD_LAB_BUILD=DIR      build directory (default lab/.build)
//	HOSTP2PD_LAB_ACCEL=tcg|kvm  qemu accelerator (default tcg)
//	HOSTP2PD_LAB_RUN=REGEXP     only the scenarios whose name matches
//	HOSTP2PD_LAB_VERBOSE=1      stream the serial console to stderr
//	HOSTP2PD_LAB_DAEMON=fake    run the daemon scenarios against
//	                            lab/testdata/fake-hostp2pd.sh (checks the
//	                            scenarios, not the daemon)
//	HOSTP2PD_LAB_SOAK=1         run TestLabSoak (lab/scenarios/soak-*.sh;
//	                            also when HOSTP2PD_LAB_RUN names "soak")
//	HOSTP2PD_LAB_SOAK_CYCLES=N  join/leave cycles of the soak (default 50)
//
// At the end every test run prints a table of all scenarios it ran, with
// their result and time (TestMain).

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Scenario groups: every group is ONE VM boot; the scenarios of a group run
// one after the other, each in a freshly reset radio world.
var (
	oracleGroup = []string{"00-smoke", "01-oracle"}
	daemonGroup = []string{
		"10-daemon-autonomous-pbc",
		"11-daemon-keypad",
		"12-daemon-two-phones",
		"13-daemon-persistent",
		"14-daemon-negotiated",
		"15-daemon-access-control",
		"16-daemon-on-demand",
		"17-daemon-neg-running",
		"18-daemon-negotiated-persistent",
		"19-daemon-three-phones",
		"20-daemon-persistent-restart",
		"21-daemon-dropin-forking",
		"22-daemon-ctl-display",
		"23-daemon-supplicant-restart",
		"24-daemon-per-sta-psk",
		"25-daemon-doctor",
		"26-daemon-legacy",
		"27-daemon-boxes",
		"28-daemon-services",
		"30-dhcp-addresses",
		"40-clients-neg-with-client",
		"41-clients-known-back",
		"42-clients-foreign-reinvoke",
	}
	// dbusGroup: daemon scenarios run again with lab.args=backend=dbus (the
	// GO's wpa_supplicant -u without a control socket, backend: dbus), in
	// ONE boot (TestLabDBus)
	dbusGroup = []string{
		"10-daemon-autonomous-pbc",
		"11-daemon-keypad",
		"13-daemon-persistent",
		"14-daemon-negotiated",
		"23-daemon-supplicant-restart",
		"26-daemon-legacy",
	}
	// soak scenarios: long, not part of TestLabDaemon (TestLabSoak)
	soakGroup = []string{"soak-join-leave"}
)

// ---- final table ------------------------------------------------------------------

type tableRow struct {
	vm, name, result string
	secs             float64
	pass, fail       int
}

var (
	tableMu sync.Mutex
	table   []tableRow
	vmWalls []string
)

func addRow(r tableRow) {
	tableMu.Lock()
	defer tableMu.Unlock()
	table = append(table, r)
}

// TestMain runs the tests, then prints one table of every scenario that ran
// (in run order) with its result and time in the VM.
func TestMain(m *testing.M) {
	code := m.Run()
	tableMu.Lock()
	defer tableMu.Unlock()
	if len(table) > 0 {
		var b strings.Builder
		fmt.Fprintf(&b, "\nlab scenarios (%d):\n", len(table))
		fmt.Fprintf(&b, "  %-10s %-34s %-7s %8s %7s %6s\n", "VM", "scenario", "result", "secs", "checks", "failed")
		var total float64
		npass := 0
		for _, r := range table {
			fmt.Fprintf(&b, "  %-10s %-34s %-7s %8.1f %7d %6d\n", r.vm, r.name, r.result, r.secs, r.pass, r.fail)
			total += r.secs
			if r.result == "PASS" {
				npass++
			}
		}
		fmt.Fprintf(&b, "  %-10s %-34s %-7s %8.1f\n", "", fmt.Sprintf("total (%d/%d passed)", npass, len(table)), "", total)
		for _, w := range vmWalls {
			fmt.Fprintf(&b, "  %s\n", w)
		}
		fmt.Print(b.String())
	}
	os.Exit(code)
}

type labEnv struct {
	labDir, rootDir, build string
	goTool                 string
	err                    error
}

var (
	envOnce sync.Once
	env     labEnv
)

func requireLab(t *testing.T) *labEnv {
	t.Helper()
	if os.Getenv("HOSTP2PD_LAB") != "1" {
		t.Skip("virtual Wi-Fi lab tests boot qemu VMs for minutes; set HOSTP2PD_LAB=1 to run them (make lab)")
	}
	if runtime.GOOS != "linux" {
		t.Skip("the lab needs Linux (qemu, mac80211_hwsim image from Debian packages)")
	}
	envOnce.Do(func() { env = setupLab() })
	if env.err != nil {
		t.Fatal(env.err)
	}
	return &env
}

// setupLab builds (or reuses) the image and the phone simulator.
func setupLab() labEnv {
	e := labEnv{}
	wd, err := os.Getwd()
	if err != nil {
		e.err = err
		return e
	}
	e.labDir = wd
	e.rootDir = filepath.Dir(wd)
	e.build = os.Getenv("HOSTP2PD_LAB_BUILD")
	if e.build == "" {
		e.build = filepath.Join(wd, ".build")
	}
	if e.goTool, err = exec.LookPath("go"); err != nil {
		e.goTool = "/usr/local/go/bin/go"
	}
	t0 := time.Now()
	if out, err := e.command("./build-initramfs.sh", "-o", e.build).CombinedOutput(); err != nil {
		e.err = fmt.Errorf("lab image build failed: %v\n%s", err, out)
		return e
	} else {
		fmt.Fprintf(os.Stderr, "lab: image ready in %.1fs: %s", time.Since(t0).Seconds(), lastLine(out))
	}
	if err := e.goBuild("./lab/cmd/phone", "phone"); err != nil {
		e.err = fmt.Errorf("phone simulator does not build: %v", err)
	}
	return e
}

func lastLine(b []byte) string {
	l := bytes.Split(bytes.TrimSpace(b), []byte("\n"))
	return string(l[len(l)-1]) + "\n"
}

func (e *labEnv) command(name string, args ...string) *exec.Cmd {
	c := exec.Command(name, args...)
	c.Dir = e.labDir
	return c
}

// goBuild builds a static binary into BUILD/bin/NAME (removing a stale one
// first, so a failed build never boots an old binary).
func (e *labEnv) goBuild(pkg, name string) error {
	out := filepath.Join(e.build, "bin", name)
	_ = os.Remove(out)
	c := exec.Command(e.goTool, "build", "-trimpath", "-o", out, pkg)
	c.Dir = e.rootDir
	c.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := c.CombinedOutput(); err != nil {
		return fmt.Errorf("CGO_ENABLED=0 go build %s: %v\n%s", pkg, err, b)
	}
	return nil
}

// ---- serial log parsing -------------------------------------------------------

type scenarioResult struct {
	name         string
	began, ended bool
	rc           int
	secs         float64
	pass, fails  []string
	phone, story []string
	lines        []string
}

var (
	beginRE = regexp.MustCompile(`^LAB-SCENARIO begin name=(\S+)`)
	endRE   = regexp.MustCompile(`^LAB-SCENARIO end name=(\S+) rc=(\d+) secs=([0-9.]+)`)
)

func parseSerial(log string) map[string]*scenarioResult {
	res := map[string]*scenarioResult{}
	var cur *scenarioResult
	for _, l := range strings.Split(log, "\n") {
		if m := beginRE.FindStringSubmatch(l); m != nil {
			cur = &scenarioResult{name: m[1], began: true}
			res[m[1]] = cur
			continue
		}
		if cur == nil {
			continue
		}
		if m := endRE.FindStringSubmatch(l); m != nil {
			cur.ended = true
			cur.rc, _ = strconv.Atoi(m[2])
			cur.secs, _ = strconv.ParseFloat(m[3], 64)
			cur = nil
			continue
		}
		cur.lines = append(cur.lines, l)
		switch {
		case strings.HasPrefix(l, "CHECK PASS "):
			cur.pass = append(cur.pass, strings.TrimPrefix(l, "CHECK PASS "))
		case strings.HasPrefix(l, "CHECK FAIL "):
			cur.fails = append(cur.fails, strings.TrimPrefix(l, "CHECK FAIL "))
		case strings.HasPrefix(l, "PHONE "):
			cur.phone = append(cur.phone, l)
		case strings.HasPrefix(l, "STORY "):
			cur.story = append(cur.story, strings.TrimPrefix(l, "STORY "))
		}
	}
	return res
}

// kv returns key=value from a PHONE line.
func kv(line, key string) string {
	for _, f := range strings.Fields(line) {
		if strings.HasPrefix(f, key+"=") {
			return strings.Trim(f[len(key)+1:], `"`)
		}
	}
	return ""
}

// ---- running a group ------------------------------------------------------------

func selectScenarios(t *testing.T, names []string) []string {
	re := os.Getenv("HOSTP2PD_LAB_RUN")
	if re == "" {
		return names
	}
	rx, err := regexp.Compile(re)
	if err != nil {
		t.Fatalf("HOSTP2PD_LAB_RUN: %v", err)
	}
	var sel []string
	for _, n := range names {
		if rx.MatchString(n) {
			sel = append(sel, n)
		}
	}
	return sel
}

// runGroup boots one VM for the scenarios and reports each as a subtest.
// extra are more run-vm.sh arguments (e.g. -A lab.args=...).
func runGroup(t *testing.T, e *labEnv, run string, names []string, extra ...string) {
	names = selectScenarios(t, names)
	if len(names) == 0 {
		t.Skip("no scenario matches HOSTP2PD_LAB_RUN")
	}
	args := append([]string{"-o", e.build, "-n", run}, extra...)
	if a := os.Getenv("HOSTP2PD_LAB_ACCEL"); a != "" {
		args = append(args, "-k", a)
	}
	for _, n := range names {
		args = append(args, "-s", filepath.Join("scenarios", n+".sh"))
	}
	ctx := context.Background()
	if dl, ok := t.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, dl.Add(-10*time.Second))
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, "./run-vm.sh", args...)
	cmd.Dir = e.labDir
	var buf bytes.Buffer
	var w io.Writer = &buf
	if os.Getenv("HOSTP2PD_LAB_VERBOSE") == "1" {
		w = io.MultiWriter(&buf, os.Stderr)
	}
	cmd.Stdout, cmd.Stderr = w, w
	t0 := time.Now()
	err := cmd.Run()
	wall := time.Since(t0)
	serial := buf.String()
	logPath := filepath.Join(e.build, "runs", run, "serial.log")
	t.Logf("VM %s: %d scenario(s), wall %.1fs, run-vm.sh: %v, serial log %s", run, len(names), wall.Seconds(), errOr(err), logPath)
	tableMu.Lock()
	vmWalls = append(vmWalls, fmt.Sprintf("VM %s: wall %.1fs (boot, resets and scenarios), serial log %s", run, wall.Seconds(), logPath))
	tableMu.Unlock()

	res := parseSerial(serial)
	var summary []string
	for _, n := range names {
		r := res[n]
		t.Run(n, func(t *testing.T) {
			if r == nil || !r.began {
				t.Fatalf("scenario %s did not run (VM died or timed out before it; see %s)", n, logPath)
			}
			for _, p := range r.phone {
				t.Log(p)
			}
			for _, s := range r.story {
				t.Log("STORY " + s)
			}
			for _, c := range r.pass {
				t.Log("CHECK PASS " + c)
			}
			for _, c := range r.fails {
				t.Error("CHECK FAIL " + c)
			}
			checkQR(t, r.lines)
			if !r.ended {
				t.Errorf("scenario %s did not finish (killed by the VM timeout or the VM died)", n)
			} else if r.rc != 0 && len(r.fails) == 0 {
				t.Errorf("scenario %s exited with rc=%d (143 = scenario timeout)", n, r.rc)
			}
			var joins []string
			for _, p := range r.phone {
				switch kv(p, "step") {
				case "joined", "reinvoked":
					m := kv(p, "method")
					if m == "" {
						m = kv(p, "via")
					}
					joins = append(joins, fmt.Sprintf("%s %s/%s %sms ok=%s", kv(p, "phone"), kv(p, "step"), m, kv(p, "ms"), kv(p, "ok")))
				}
			}
			line := fmt.Sprintf("%-28s rc=%-3d %6.1fs  checks %d pass / %d fail  joins: %s",
				n, r.rc, r.secs, len(r.pass), len(r.fails), strings.Join(joins, ", "))
			summary = append(summary, line)
			t.Log(line)
			if t.Failed() {
				t.Logf("scenario output:\n%s", strings.Join(r.lines, "\n"))
			}
		})
		row := tableRow{vm: run, name: n, result: "NOT-RUN"}
		if r != nil {
			row.secs, row.pass, row.fail = r.secs, len(r.pass), len(r.fails)
			switch {
			case !r.ended:
				row.result = "KILLED"
			case r.rc == 0 && len(r.fails) == 0:
				row.result = "PASS"
			default:
				row.result = "FAIL"
			}
		}
		addRow(row)
	}
	sort.Strings(summary)
	t.Logf("summary of VM %s (wall %.1fs):\n  %s", run, wall.Seconds(), strings.Join(summary, "\n  "))
	if t.Failed() || (err != nil && !isExit(err)) {
		if err != nil && !isExit(err) {
			t.Errorf("run-vm.sh: %v", err)
		}
		t.Logf("full serial log (%s):\n%s", logPath, serial)
	}
}

func errOr(err error) string {
	if err == nil {
		return "ok"
	}
	return err.Error()
}

func isExit(err error) bool {
	_, ok := err.(*exec.ExitError)
	return ok
}

// ---- tests ------------------------------------------------------------------------

// TestLabOracle: the lab and the phone simulator against a scripted GO (no
// daemon).  Must pass on any machine that can run the lab.
func TestLabOracle(t *testing.T) {
	e := requireLab(t)
	runGroup(t, e, "oracle", oracleGroup)
}

// TestLabDaemon: DAEMON scenarios, hostp2pd (static build of ./cmd/hostp2pd)
// as the group owner.
func TestLabDaemon(t *testing.T) {
	e := requireLab(t)
	if os.Getenv("HOSTP2PD_LAB_DAEMON") == "fake" {
		// check the scenarios themselves with a crude scripted stand-in
		t.Log("HOSTP2PD_LAB_DAEMON=fake: running the daemon scenarios against lab/testdata/fake-hostp2pd.sh, NOT hostp2pd")
		b, err := os.ReadFile(filepath.Join(e.labDir, "testdata", "fake-hostp2pd.sh"))
		if err == nil {
			err = os.WriteFile(filepath.Join(e.build, "bin", "hostp2pd"), b, 0o755)
		}
		if err != nil {
			t.Fatal(err)
		}
	} else if err := e.goBuild("./cmd/hostp2pd", "hostp2pd"); err != nil {
		t.Fatalf("DAEMON NOT AVAILABLE: ./cmd/hostp2pd does not build yet, so the daemon scenarios cannot run.\n"+
			"(TestLabOracle does not need the daemon.)\n%v", err)
	}
	defer os.Remove(filepath.Join(e.build, "bin", "hostp2pd"))
	runGroup(t, e, "daemon", daemonGroup)
}

// TestLabDBus: dbusGroup with backend=dbus: the same scenario scripts, the
// GO's wpa_supplicant reachable over the VM's system bus only.
func TestLabDBus(t *testing.T) {
	e := requireLab(t)
	if err := e.goBuild("./cmd/hostp2pd", "hostp2pd"); err != nil {
		t.Fatalf("DAEMON NOT AVAILABLE: ./cmd/hostp2pd does not build: %v", err)
	}
	defer os.Remove(filepath.Join(e.build, "bin", "hostp2pd"))
	runGroup(t, e, "dbus", dbusGroup, "-A", "lab.args=backend=dbus")
}

// TestLabSoak: long-running scenarios (lab/scenarios/soak-*.sh), only with
// HOSTP2PD_LAB_SOAK=1 or when HOSTP2PD_LAB_RUN names a soak scenario:
//
//	HOSTP2PD_LAB=1 HOSTP2PD_LAB_SOAK=1 go test ./lab -v -run TestLabSoak -timeout 40m
//	HOSTP2PD_LAB=1 HOSTP2PD_LAB_RUN=soak HOSTP2PD_LAB_SOAK_CYCLES=100 go test ./lab -v -run TestLabSoak -timeout 60m
func TestLabSoak(t *testing.T) {
	if os.Getenv("HOSTP2PD_LAB_SOAK") != "1" && !strings.Contains(os.Getenv("HOSTP2PD_LAB_RUN"), "soak") {
		t.Skip("soak scenarios run only with HOSTP2PD_LAB_SOAK=1 (or HOSTP2PD_LAB_RUN=soak...)")
	}
	e := requireLab(t)
	if err := e.goBuild("./cmd/hostp2pd", "hostp2pd"); err != nil {
		t.Fatalf("DAEMON NOT AVAILABLE: ./cmd/hostp2pd does not build: %v", err)
	}
	defer os.Remove(filepath.Join(e.build, "bin", "hostp2pd"))
	var extra []string
	if c := os.Getenv("HOSTP2PD_LAB_SOAK_CYCLES"); c != "" {
		if n, err := strconv.Atoi(c); err != nil || n < 1 {
			t.Fatalf("HOSTP2PD_LAB_SOAK_CYCLES=%q: want a positive number", c)
		}
		extra = append(extra, "-A", "lab.args=cycles="+c)
	}
	runGroup(t, e, "soak", soakGroup, extra...)
}

// TestParseSerial checks the console parser (runs without HOSTP2PD_LAB).
func TestParseSerial(t *testing.T) {
	log := strings.Join([]string{
		"LAB: init",
		"LAB-SCENARIO begin name=a radios=2 timeout=10",
		"CHECK PASS x",
		"PHONE t=1.0 phone=ph1 step=joined method=pbc ms=4200 ok=1",
		"CHECK FAIL y detail",
		"LAB-SCENARIO end name=a rc=1 secs=3.5",
		"LAB-SCENARIO begin name=b radios=3 timeout=10",
		"STORY hello",
	}, "\n")
	r := parseSerial(log)
	a, b := r["a"], r["b"]
	if a == nil || !a.ended || a.rc != 1 || a.secs != 3.5 || len(a.pass) != 1 || len(a.fails) != 1 || len(a.phone) != 1 {
		t.Fatalf("a = %+v", a)
	}
	if kv(a.phone[0], "ms") != "4200" || kv(a.phone[0], "method") != "pbc" {
		t.Errorf("kv: %q", a.phone[0])
	}
	if b == nil || b.ended || len(b.story) != 1 {
		t.Fatalf("b = %+v", b)
	}
}
