package pidfile_test

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/hostp2pd/hostp2pd/internal/pidfile"
)

// holderEnv makes the re-executed test binary act as a second process that
// holds a pidfile until its stdin closes.
const holderEnv = "PIDFILE_TEST_HOLD"

func TestMain(m *testing.M) {
	if path := os.Getenv(holderEnv); path != "" {
		os.Exit(hold(path))
	}
	os.Exit(m.Run())
}

func hold(path string) int {
	p, err := pidfile.Acquire(path)
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	fmt.Println("locked")
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n') // until the test closes stdin
	if err := p.Release(); err != nil {
		fmt.Println("error:", err)
		return 1
	}
	return 0
}

// startHolder runs a second process that holds path; closing the returned
// function's stdin makes it release and exit.
func startHolder(t *testing.T, path string) (pid int, stop func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), holderEnv+"="+path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "locked" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("holder: %q, %v", line, err)
	}
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		_ = stdin.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("holder exit: %v", err)
		}
	}
	t.Cleanup(stop)
	return cmd.Process.Pid, stop
}

func TestAcquire_SecondProcessIsRefused(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "hostp2pd-p2p-dev-wlan0.pid")
	pid, stop := startHolder(t, path)

	_, err := pidfile.Acquire(path)
	var held *pidfile.HeldError
	if !errors.As(err, &held) {
		t.Fatalf("Acquire while held: err = %v, want *HeldError", err)
	}
	if held.PID != pid {
		t.Errorf("HeldError.PID = %d, want %d", held.PID, pid)
	}
	if !strings.Contains(err.Error(), strconv.Itoa(pid)) {
		t.Errorf("message %q does not name pid %d", err, pid)
	}
	got, err := pidfile.Lookup(path)
	if err != nil || got != pid {
		t.Errorf("Lookup = %d, %v; want %d, nil", got, err, pid)
	}

	stop()
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("pidfile still present after release: %v", err)
	}
	p, err := pidfile.Acquire(path)
	if err != nil {
		t.Fatalf("Acquire after the holder exited: %v", err)
	}
	if err := p.Release(); err != nil {
		t.Fatal(err)
	}
}

func TestAcquire_StaleFileIsTakenOver(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "x.pid")
	// A pidfile left by a killed process: some pid, no lock.
	if err := os.WriteFile(path, []byte("999999999\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := pidfile.Lookup(path); !errors.Is(err, pidfile.ErrNotRunning) {
		t.Errorf("Lookup(stale) err = %v, want ErrNotRunning", err)
	}
	if _, err := pidfile.Signal(path, syscall.SIGTERM); !errors.Is(err, pidfile.ErrNotRunning) {
		t.Errorf("Signal(stale) err = %v, want ErrNotRunning", err)
	}
	p, err := pidfile.Acquire(path)
	if err != nil {
		t.Fatalf("Acquire(stale): %v", err)
	}
	defer func() { _ = p.Release() }()
	b, _ := os.ReadFile(path)
	if got, want := string(b), strconv.Itoa(os.Getpid())+"\n"; got != want {
		t.Errorf("pidfile content = %q, want %q", got, want)
	}
	// In-process second acquire is refused too: flock is per open file.
	if _, err := pidfile.Acquire(path); err == nil {
		t.Error("second Acquire in the same process succeeded")
	}
}

func TestLookup_MissingFile(t *testing.T) {
	t.Parallel()
	_, err := pidfile.Lookup(filepath.Join(t.TempDir(), "none.pid"))
	if !errors.Is(err, pidfile.ErrNotRunning) {
		t.Errorf("err = %v, want ErrNotRunning", err)
	}
}

func TestSignal_DeliversToHolder(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "x.pid")
	pid, _ := startHolder(t, path)
	// Signal 0 checks deliverability without disturbing the holder.
	got, err := pidfile.Signal(path, syscall.Signal(0))
	if err != nil || got != pid {
		t.Errorf("Signal = %d, %v; want %d, nil", got, err, pid)
	}
}

func TestRelease_Nil(t *testing.T) {
	t.Parallel()
	var p *pidfile.File
	if err := p.Release(); err != nil {
		t.Error(err)
	}
}
