package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/spf13/pflag"
	"go.uber.org/goleak"
)

// leakCheckM runs the tests, then fails the binary on leaked goroutines.
type leakCheckM struct{ m *testing.M }

func (l leakCheckM) Run() int {
	code := l.m.Run()
	if code != 0 {
		return code
	}
	if err := goleak.Find(goleak.IgnoreTopFunction("gopkg.in/natefinch/lumberjack%2ev2.(*Logger).millRun")); err != nil {
		fmt.Fprintf(os.Stderr, "goleak: %v\n", err)
		return 1
	}
	return 0
}

// TestMain registers hostp2pd as a command of the test binary: testscript
// scripts (and TestBatch_*) run it as a real process.
// testCommands are the programs of this test binary, by argv[0]: main
// and the helpers of OS-specific tests (thp_linux_test.go).
var testCommands = map[string]func(){"hostp2pd": main}

func TestMain(m *testing.M) {
	testscript.Main(leakCheckM{m}, testCommands)
}

// skipUnlessSelfExec skips a test that runs this test binary as a child
// when the kernel cannot execute it: an arm binary run by `go test -exec
// qemu-arm-static` (make arm-test) without binfmt_misc gets ENOEXEC.
func skipUnlessSelfExec(t *testing.T) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if err := exec.Command(exe, "-test.run=^$").Run(); errors.Is(err, syscall.ENOEXEC) {
		t.Skipf("cannot run this %s test binary as a child process (emulated without binfmt_misc): %v", runtime.GOARCH, err)
	}
}

func TestScripts(t *testing.T) {
	t.Parallel()
	skipUnlessSelfExec(t)
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			// Pidfiles and sockets stay in the script's work dir.
			env.Setenv(envRunDir, env.WorkDir)
			env.Setenv("HOME", env.WorkDir)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// exits N cmd args...: run cmd and check its exit status.
			"exits": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) < 2 {
					ts.Fatalf("usage: exits N command [args...]")
				}
				want, err := strconv.Atoi(args[0])
				ts.Check(err)
				got := 0
				if err := ts.Exec(args[1], args[2:]...); err != nil {
					var ee *exec.ExitError
					if !errors.As(err, &ee) {
						ts.Fatalf("%s: %v", args[1], err)
					}
					got = ee.ExitCode()
				}
				if got != want {
					ts.Fatalf("exit status %d, want %d", got, want)
				}
			},
			// waitfile path: wait up to 10 s for path to exist.
			"waitfile": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 {
					ts.Fatalf("usage: waitfile path")
				}
				path := ts.MkAbs(args[0])
				for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
					_, err := os.Stat(path)
					if (err == nil) != neg {
						return
					}
					if time.Now().After(deadline) {
						ts.Fatalf("waitfile %s: timed out (neg=%v)", args[0], neg)
					}
				}
			},
		},
	})
}

// TestHelp_DocumentsEveryFlag keeps --help in step with the flag set.
func TestHelp_DocumentsEveryFlag(t *testing.T) {
	t.Parallel()
	fs := newFlagSet(&options{})
	fs.VisitAll(func(f *pflag.Flag) {
		if !strings.Contains(helpText, "--"+f.Name) {
			t.Errorf("--help does not mention --%s", f.Name)
		}
		if f.Shorthand != "" && !strings.Contains(helpText, "\n  -"+f.Shorthand+",") &&
			!strings.Contains(helpText, "\n  -"+f.Shorthand+" ") {
			t.Errorf("--help does not mention -%s", f.Shorthand)
		}
	})
}

func TestParseArgs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args    []string
		level   int
		sub     string
		wantErr string
	}{
		{args: nil},
		{args: []string{"-v"}, level: 1},
		{args: []string{"-vv"}, level: 2},
		{args: []string{"-v", "-v"}, level: 2},
		{args: []string{"--verbosity"}, level: 1},
		{args: []string{"--debug"}, level: 2},
		{args: []string{"-dv"}, level: 1},
		{args: []string{"status", "--json"}, sub: "status"},
		{args: []string{"-i", "p2p-dev-wlan1", "status"}, sub: "status"},
		{args: []string{"pin", "42:00:00:00:01:00", "12345670"}, sub: "pin"},
		{args: []string{"reload", "reset"}, sub: "reload"},
		{args: []string{"pin"}, wantErr: "usage: hostp2pd pin [PEER] PIN"},
		{args: []string{"disconnect"}, wantErr: "usage: hostp2pd disconnect [--rotate] PEER"},
		{args: []string{"pin", "--json", "1234"}, wantErr: "--json applies to status and clients"},
		{args: []string{"status", "-t"}, wantErr: "only -i, -c, --socket and --json"},
		{args: []string{"-t", "-r"}, wantErr: "exclude each other"},
		{args: []string{"-t", "-b", "x"}, wantErr: "exclude each other"},
		{args: []string{"-d", "-b", "x"}}, // hostp2pd's foreground service mode
		{args: []string{"-i", "../x"}, wantErr: `-i: "../x" is not an interface name`},
		{args: []string{"--json"}, wantErr: "options of the subcommands"},
		{args: []string{"stations"}, wantErr: `unexpected argument "stations"`},
	}
	for _, tt := range tests {
		o, err := parseArgs(tt.args)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%q: err = %v, want %q", tt.args, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.args, err)
			continue
		}
		if o.level() != tt.level || o.sub != tt.sub {
			t.Errorf("%q: level %d sub %q, want %d %q", tt.args, o.level(), o.sub, tt.level, tt.sub)
		}
	}
}

func TestRewriteConfigArg(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want string }{
		{"-c x.yaml -d", "-c /abs/x.yaml -d"},
		{"--config x.yaml -d", "--config /abs/x.yaml -d"},
		{"--config=x.yaml -d", "--config=/abs/x.yaml -d"},
		{"-cx.yaml -d", "-c/abs/x.yaml -d"},
		{"-d -i p2p-dev-wlan0", "-d -i p2p-dev-wlan0"},
	} {
		got := strings.Join(rewriteConfigArg(strings.Fields(tt.in), "/abs/x.yaml"), " ")
		if got != tt.want {
			t.Errorf("%q → %q, want %q", tt.in, got, tt.want)
		}
	}
}

// hostp2pdCmd runs this test binary as the hostp2pd command.
func hostp2pdCmd(t *testing.T, dir string, args ...string) *exec.Cmd {
	t.Helper()
	skipUnlessSelfExec(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := &exec.Cmd{Path: exe, Args: append([]string{"hostp2pd"}, args...), Dir: dir}
	cmd.Env = append(os.Environ(), envRunDir+"="+dir, "HOME="+dir, "NOTIFY_SOCKET=", "HOSTP2PD_CFG=")
	return cmd
}

// TestBatch_SIGHUPReloadsAndSIGTERMStopsWithin5s runs the real binary in
// batch mode and drives it with signals, as systemd would.
func TestBatch_SIGHUPReloadsAndSIGTERMStopsWithin5s(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "hostp2pd.yaml")
	write := func(s string) {
		if err := os.WriteFile(cfg, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("interface: p2p-dev-batch\nctrl_interface: " + filepath.Join(dir, "wpa") + "\nlog_file: \"\"\n")
	logPath := filepath.Join(dir, "batch.log")
	cmd := hostp2pdCmd(t, dir, "-c", cfg, "-b", logPath, "-v")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	exited := make(chan struct{})
	go func() { done <- cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})

	pid := filepath.Join(dir, "hostp2pd-p2p-dev-batch.pid")
	waitLog(t, logPath, `msg="hostp2pd starting"`)
	if b, err := os.ReadFile(pid); err != nil || strings.TrimSpace(string(b)) != strconv.Itoa(cmd.Process.Pid) {
		t.Fatalf("pidfile = %q, %v", b, err)
	}

	// A broken file on SIGHUP keeps the old configuration.
	write("interface: p2p-dev-batch\npin: 12\n")
	if err := cmd.Process.Signal(sigHUP); err != nil {
		t.Fatal(err)
	}
	waitLog(t, logPath, `level=ERROR msg="reload failed; keeping the current configuration"`)
	waitLog(t, logPath, `hostp2pd.yaml:2: pin`)

	// A good one is applied.
	write("interface: p2p-dev-batch\nctrl_interface: " + filepath.Join(dir, "wpa") + "\nlog_file: \"\"\npin: \"12345670\"\n")
	if err := cmd.Process.Signal(sigHUP); err != nil {
		t.Fatal(err)
	}
	waitLog(t, logPath, `msg="configuration reloaded"`)
	waitLog(t, logPath, `msg="configuration read" config=`+cfg+` changed=[pin]`) // config.Diff names what changed

	start := time.Now()
	if err := cmd.Process.Signal(sigTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit: %v; stderr:\n%s", err, stderr.String())
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("stopped after %v, want < 5s", d)
		}
	case <-time.After(6 * time.Second):
		t.Fatal("no exit within 5 s of SIGTERM")
	}
	waitLog(t, logPath, `msg="hostp2pd stopped"`)
	if _, err := os.Stat(pid); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("pidfile left behind: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "hostp2pd-p2p-dev-batch.sock")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("control socket left behind: %v", err)
	}
}

func waitLog(t *testing.T, path, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, _ := os.ReadFile(path)
		if strings.Contains(string(b), want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("log lacks %q:\n%s", want, b)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
