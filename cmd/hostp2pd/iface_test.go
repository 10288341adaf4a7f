package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hostp2pd/hostp2pd/wpactrl/wpatest"
)

func fakeSupplicant(t *testing.T, dir string, ifaces ...string) *wpatest.Server {
	t.Helper()
	srv, err := wpatest.NewServer(dir, ifaces...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// startBatch runs hostp2pd with args in batch mode and returns it; the
// test kills it at the end if it is still running.
func startBatch(t *testing.T, dir string, args ...string) (*exec.Cmd, <-chan error) {
	t.Helper()
	cmd := hostp2pdCmd(t, dir, args...)
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
		if t.Failed() {
			t.Logf("stderr of %v:\n%s", args, stderr.String())
		}
	})
	return cmd, done
}

func waitFile(t *testing.T, path string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(path); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not appear", path)
		}
	}
}

// runClient runs a client command (-t, -r, status) and returns its exit
// status and output.
func runClient(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	cmd := hostp2pdCmd(t, dir, args...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, stdout.String(), stderr.String()
	case errors.As(err, &ee):
		return ee.ExitCode(), stdout.String(), stderr.String()
	}
	t.Fatal(err)
	return 0, "", ""
}

// TestAuto_TakesTheRealP2PDeviceAndClientsFindIt: interface: auto picks
// the P2P device wpa_supplicant serves (not p2p-dev-wlan0), the pidfile
// and socket take its name, and -r/-t with the file find the daemon, also
// once the file is broken (issue 16 item 4).
func TestAuto_TakesTheRealP2PDeviceAndClientsFindIt(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	wpa := filepath.Join(dir, "wpa")
	fakeSupplicant(t, wpa, "wlan7", "p2p-dev-wlan7")
	cfg := filepath.Join(dir, "hostp2pd.yaml")
	good := "interface: auto\nctrl_interface: " + wpa + "\nlog_file: \"\"\n"
	if err := os.WriteFile(cfg, []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(dir, "d.log")
	cmd, done := startBatch(t, dir, "-c", cfg, "-b", logPath, "-v")
	pid := filepath.Join(dir, "hostp2pd-p2p-dev-wlan7.pid")
	waitFile(t, filepath.Join(dir, "hostp2pd-p2p-dev-wlan7.sock"))
	if b, err := os.ReadFile(pid); err != nil || strings.TrimSpace(string(b)) != strconv.Itoa(cmd.Process.Pid) {
		t.Fatalf("pidfile %s = %q, %v", pid, b, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "hostp2pd-auto.pid")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("hostp2pd-auto.pid exists: %v", err)
	}
	waitLog(t, logPath, `iface=p2p-dev-wlan7`)

	// A good file: -r signals the daemon found through the record.
	code, out, errOut := runClient(t, dir, "-r", "-c", cfg)
	if code != 0 || !strings.Contains(out, "on p2p-dev-wlan7") {
		t.Fatalf("-r: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	waitLog(t, logPath, `msg="SIGHUP: reloading the configuration"`)
	code, out, _ = runClient(t, dir, "status", "-c", cfg)
	if code != 0 || !strings.Contains(out, "on p2p-dev-wlan7") {
		t.Errorf("status: exit %d, %q", code, out)
	}

	// A broken file: -r names the problem and sends nothing (the daemon
	// would refuse it), -t still finds the daemon.
	if err := os.WriteFile(cfg, []byte(good+"pin: 12\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runClient(t, dir, "-r", "-c", cfg)
	if code != exitUsage || !strings.Contains(errOut, "hostp2pd.yaml:4: pin: must be exactly 8 digits") || strings.Contains(errOut, "p2p-dev-wlan0") {
		t.Errorf("-r with a broken file: exit %d, stderr %q", code, errOut)
	}
	code, out, errOut = runClient(t, dir, "-t", "-c", cfg)
	if code != 0 || !strings.Contains(out, "sent SIGTERM to pid "+strconv.Itoa(cmd.Process.Pid)+" on p2p-dev-wlan7") {
		t.Fatalf("-t with a broken file: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if !strings.Contains(errOut, "hostp2pd.yaml:4: pin:") {
		t.Errorf("-t did not report the broken line: %q", errOut)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("daemon exit: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("daemon did not stop")
	}
	if b, err := os.ReadFile(logPath); err != nil || strings.Count(string(b), "SIGHUP") != 1 {
		t.Errorf("the daemon saw %d SIGHUPs, want 1 (the broken -r must send none)", strings.Count(string(b), "SIGHUP"))
	}
	for _, f := range []string{pid, recordPath(sys{getenv: func(string) string { return dir }}, "p2p-dev-wlan7")} {
		if _, err := os.Stat(f); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s left behind: %v", f, err)
		}
	}
}

// TestAuto_BrokenFileWithoutRecordSaysWhichLine: with no daemon recorded
// for the file, -t reports the file's error and exits 2; it never tries
// p2p-dev-wlan0.
func TestAuto_BrokenFileWithoutRecordSaysWhichLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(cfg, []byte("interface: p2p-dev-x\npin: 12\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runClient(t, dir, "-t", "-c", cfg)
	if code != exitUsage || !strings.Contains(errOut, "bad.yaml:2: pin:") || !strings.Contains(errOut, "give -i") || strings.Contains(errOut, "p2p-dev-wlan0") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// TestFindP2PDevice asks the global control socket (INTERFACES) or lists
// the socket directory, and prefers p2p-dev-* as hostp2pd did.
func TestFindP2PDevice(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	dir := filepath.Join(t.TempDir(), "wpa")
	srv := fakeSupplicant(t, dir, "wlan0", "p2p-dev-wlan3")
	if got, err := findP2PDevice(ctx, dir); err != nil || got != "p2p-dev-wlan3" {
		t.Errorf("directory: %q, %v", got, err)
	}
	if err := srv.AddGlobal("global"); err != nil {
		t.Fatal(err)
	}
	if got, err := findP2PDevice(ctx, filepath.Join(dir, "global")); err != nil || got != "p2p-dev-wlan3" {
		t.Errorf("global socket: %q, %v", got, err)
	}

	sta := filepath.Join(t.TempDir(), "wpa")
	fakeSupplicant(t, sta, "wlan1")
	if got, err := findP2PDevice(ctx, sta); err != nil || got != "wlan1" {
		t.Errorf("no P2P device: %q, %v; want the station interface", got, err)
	}

	empty := t.TempDir()
	if got, err := findP2PDevice(ctx, empty); !errors.Is(err, errNoP2PDevice) {
		t.Errorf("empty dir: %q, %v", got, err)
	}
	start := time.Now()
	if _, err := waitP2PDevice(ctx, empty, 300*time.Millisecond); !errors.Is(err, errNoP2PDevice) || time.Since(start) > 3*time.Second {
		t.Errorf("wait: %v after %v", err, time.Since(start))
	}
}

// TestDaemonWithBatch_RunsInTheForeground: -d -b FILE was refused though
// documented; as in hostp2pd it runs in the foreground without a console
// and logs to FILE (issue 21 R9).
func TestDaemonWithBatch_RunsInTheForeground(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "c.yaml")
	if err := os.WriteFile(cfg, []byte("interface: p2p-dev-fg\nctrl_interface: "+filepath.Join(dir, "wpa")+"\nlog_file: \"\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(dir, "fg.log")
	cmd, done := startBatch(t, dir, "-d", "-b", logPath, "-c", cfg, "-v")
	waitLog(t, logPath, `msg="hostp2pd starting"`)
	b, err := os.ReadFile(filepath.Join(dir, "hostp2pd-p2p-dev-fg.pid"))
	if err != nil || strings.TrimSpace(string(b)) != strconv.Itoa(cmd.Process.Pid) {
		t.Fatalf("pidfile = %q, %v; want our own pid %d (no detaching)", b, err, cmd.Process.Pid)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit: %v", err)
		}
	case <-time.After(8 * time.Second):
		t.Fatal("no exit after SIGTERM")
	}
}

// TestProbeConfig_FIFOAndSilentStdinDoNotBlockSignals: a FIFO as -c is
// refused at once; a -c - whose writer never writes is ended by SIGTERM
// (issue 21 R7).
func TestProbeConfig_FIFOAndSilentStdinDoNotBlockSignals(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "cfg.fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("mkfifo:", err)
	}
	start := time.Now()
	code, _, errOut := runClient(t, dir, "-c", fifo, "-b", "-")
	if code != exitUsage || !strings.Contains(errOut, "cfg.fifo: is a FIFO, not a regular file") {
		t.Errorf("FIFO: exit %d, stderr %q", code, errOut)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("FIFO refused after %v", d)
	}

	cmd := hostp2pdCmd(t, dir, "-c", "-", "-b", "-")
	w, err := cmd.StdinPipe() // open, never written
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = w.Close() }()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	time.Sleep(300 * time.Millisecond) // it is reading standard input now
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
		if !strings.Contains(stderr.String(), "interrupted while reading the configuration") {
			t.Errorf("stderr %q", stderr.String())
		}
	case <-time.After(5 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Fatal("SIGTERM ignored while reading -c -")
	}
}

// TestProbeInterfaceFlag_StaysInTheRunDir: -i is checked like interface:,
// so "-i ../../x" cannot put the pidfile or the socket outside the run
// directory (issue 21 S7).
func TestProbeInterfaceFlag_StaysInTheRunDir(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	dir := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"-b", "-", "-i", "../../x"},
		{"-t", "-i", "../../x"},
		{"-r", "-i", "a/b"},
		{"status", "-i", "x\x1b[2J"},
		{"-b", "-", "-i", "p2p-dev-wlan0123456"},
	} {
		code, _, errOut := runClient(t, dir, args...)
		if code != exitUsage || !strings.Contains(errOut, "hostp2pd: -i: ") {
			t.Errorf("%q: exit %d, stderr %q", args, code, errOut)
		}
		if strings.ContainsAny(errOut, "\x1b") {
			t.Errorf("%q: raw ESC in %q", args, errOut)
		}
	}
	entries, _ := os.ReadDir(root)
	for _, e := range entries {
		if e.Name() != "a" {
			t.Errorf("created %s outside the run directory", e.Name())
		}
	}
}

// TestAuto_OneDaemonOrAskForI: without
// -i or a file, -t/status act on the only hostp2pd running; with two, they
// ask for -i instead of picking one.
func TestAuto_OneDaemonOrAskForI(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "c.yaml")
	if err := os.WriteFile(cfg, []byte("ctrl_interface: "+filepath.Join(dir, "nowpa")+"\nlog_file: \"\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	startBatch(t, dir, "-c", cfg, "-i", "p2p-dev-one", "-b", filepath.Join(dir, "one.log"))
	waitFile(t, filepath.Join(dir, "hostp2pd-p2p-dev-one.sock"))
	code, out, errOut := runClient(t, dir, "status")
	if code != 0 || !strings.Contains(out, "on p2p-dev-one") {
		t.Fatalf("status with one daemon: exit %d, %q %q", code, out, errOut)
	}
	startBatch(t, dir, "-c", cfg, "-i", "p2p-dev-two", "-b", filepath.Join(dir, "two.log"))
	waitFile(t, filepath.Join(dir, "hostp2pd-p2p-dev-two.sock"))
	code, _, errOut = runClient(t, dir, "-t")
	if code != exitFailure || !strings.Contains(errOut, "several hostp2pd are running (p2p-dev-one, p2p-dev-two); choose one with -i") {
		t.Errorf("-t with two daemons: exit %d, %q", code, errOut)
	}
	for _, iface := range []string{"p2p-dev-one", "p2p-dev-two"} {
		if code, _, errOut := runClient(t, dir, "-t", "-i", iface); code != 0 {
			t.Errorf("-t -i %s: exit %d, %q", iface, code, errOut)
		}
	}
}

// TestAuto_DaemonModeChildRunsOnTheFoundInterface: -d resolves auto in the
// parent and the detached child runs on that interface.
func TestAuto_DaemonModeChildRunsOnTheFoundInterface(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	wpa := filepath.Join(dir, "wpa")
	fakeSupplicant(t, wpa, "p2p-dev-wlan8")
	cfg := filepath.Join(dir, "d.yaml")
	if err := os.WriteFile(cfg, []byte("ctrl_interface: "+wpa+"\nlog_file: "+filepath.Join(dir, "d.log")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runClient(t, dir, "-d", "-c", cfg, "-v")
	if code != 0 {
		t.Fatalf("-d: exit %d, %q", code, errOut)
	}
	t.Cleanup(func() { runClient(t, dir, "-t", "-i", "p2p-dev-wlan8") })
	waitFile(t, filepath.Join(dir, "hostp2pd-p2p-dev-wlan8.sock"))
	code, out, errOut := runClient(t, dir, "-t", "-c", cfg)
	if code != 0 || !strings.Contains(out, "on p2p-dev-wlan8") {
		t.Fatalf("-t: exit %d, %q %q", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "hostp2pd-p2p-dev-wlan8.pid")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("pidfile left: %v", err)
	}
}
