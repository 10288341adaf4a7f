package pidfile_test

import (
	"bufio"
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
	if err := cmd.Start(); errors.Is(err, syscall.ENOEXEC) {
		// make arm-test: qemu-user runs this binary, the kernel cannot.
		t.Skipf("cannot run this %s test binary as a child process (emulated without binfmt_misc): %v", runtime.GOARCH, err)
	} else if err != nil {
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

// TestProbeAcquire_RefusesPlantedFiles: a symlink, a hard link, a FIFO or a
// file of another user at the pidfile's path is refused at once and the
// target is never truncated (issue 21 S4).
func TestProbeAcquire_RefusesPlantedFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	const content = "precious\n"
	if err := os.WriteFile(victim, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, want string
		plant      func(path string) error
		root       bool
	}{
		{name: "symlink", want: "symbolic link", plant: func(p string) error { return os.Symlink(victim, p) }},
		{name: "dangling symlink", want: "symbolic link", plant: func(p string) error { return os.Symlink(filepath.Join(dir, "new"), p) }},
		{name: "hard link", want: "hard links", plant: func(p string) error { return os.Link(victim, p) }},
		{name: "fifo", want: "not a regular file", plant: func(p string) error { return syscall.Mkfifo(p, 0o644) }},
		{name: "other owner", want: "owned by uid 65534", root: true, plant: func(p string) error {
			if err := os.WriteFile(p, []byte("1\n"), 0o644); err != nil {
				return err
			}
			return os.Chown(p, 65534, 65534)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.root && os.Geteuid() != 0 {
				t.Skip("needs root to create a file of another user")
			}
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".pid")
			if err := tt.plant(path); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() {
				p, err := pidfile.Acquire(path)
				if err == nil {
					_ = p.Release()
				}
				done <- err
			}()
			var err error
			select {
			case err = <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("Acquire blocked")
			}
			var unsafe *pidfile.UnsafeError
			if !errors.As(err, &unsafe) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Acquire = %v, want an UnsafeError saying %q", err, tt.want)
			}
			if b, _ := os.ReadFile(victim); string(b) != content {
				t.Errorf("victim changed to %q", b)
			}
			if _, err := os.Stat(filepath.Join(dir, "new")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the dangling link's target was created: %v", err)
			}
		})
	}
}

// TestProbeSignal_ForgedPIDIsNotSignalled: a live lock holder, but the file
// names an innocent process: nothing is sent (issue 21 S5).
func TestProbeSignal_ForgedPIDIsNotSignalled(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "x.pid")
	holder, _ := startHolder(t, path)
	innocent := exec.Command("sleep", "30")
	if err := innocent.Start(); err != nil {
		t.Skip("no sleep:", err)
	}
	t.Cleanup(func() { _ = innocent.Process.Kill(); _ = innocent.Wait() })
	// Same inode, so the holder's lock stays.
	if err := os.WriteFile(path, []byte(strconv.Itoa(innocent.Process.Pid)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := pidfile.Signal(path, syscall.SIGTERM)
	var imp *pidfile.ImpostorError
	if !errors.As(err, &imp) {
		t.Fatalf("Signal = %v, want an ImpostorError", err)
	}
	if imp.PID != innocent.Process.Pid || imp.Holder != holder {
		t.Errorf("ImpostorError = %+v, want PID %d Holder %d", imp, innocent.Process.Pid, holder)
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("pid %d does", holder)) {
		t.Errorf("message %q does not name the holder", err)
	}
	if err := innocent.Process.Signal(syscall.Signal(0)); err != nil {
		t.Errorf("the innocent process is gone: %v", err)
	}
}

// TestProbeSignal_LockHolderThatIsNotHostp2pd: flock(1) holds the lock and
// its own pid is in the file; it is not a hostp2pd, so it is not signalled.
func TestProbeSignal_LockHolderThatIsNotHostp2pd(t *testing.T) {
	t.Parallel()
	flock, err := exec.LookPath("flock")
	if err != nil {
		t.Skip("flock(1) not installed")
	}
	path := filepath.Join(t.TempDir(), "x.pid")
	cmd := exec.Command(flock, "--exclusive", path, "sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if err := os.WriteFile(path, []byte(strconv.Itoa(cmd.Process.Pid)+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := pidfile.Lookup(path); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("flock(1) did not take the lock")
		}
	}
	_, err = pidfile.Signal(path, syscall.SIGTERM)
	var imp *pidfile.ImpostorError
	if !errors.As(err, &imp) || !strings.Contains(err.Error(), "not hostp2pd") {
		t.Fatalf("Signal = %v, want an ImpostorError saying it is not hostp2pd", err)
	}
	if err := cmd.Process.Signal(syscall.Signal(0)); err != nil {
		t.Errorf("flock(1) was signalled: %v", err)
	}
}

// TestProbeWriteFile_ReplacesALinkInsteadOfFollowingIt: the run-dir record
// is written to a new file and renamed, so a symlink planted at its path
// is replaced, and the file it pointed to is untouched.
func TestProbeWriteFile_ReplacesALinkInsteadOfFollowingIt(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("precious\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "hostp2pd-x.config")
	if err := os.Symlink(victim, path); err != nil {
		t.Fatal(err)
	}
	// Through the link, ReadFile refuses.
	var unsafe *pidfile.UnsafeError
	if _, err := pidfile.ReadFile(path); !errors.As(err, &unsafe) {
		t.Errorf("ReadFile(symlink) = %v, want UnsafeError", err)
	}
	if err := pidfile.WriteFile(path, []byte("/etc/hostp2pd.yaml\n")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious\n" {
		t.Errorf("victim changed to %q", b)
	}
	fi, err := os.Lstat(path)
	if err != nil || !fi.Mode().IsRegular() {
		t.Fatalf("path is %v, %v; want a regular file", fi.Mode(), err)
	}
	b, err := pidfile.ReadFile(path)
	if err != nil || string(b) != "/etc/hostp2pd.yaml\n" {
		t.Errorf("ReadFile = %q, %v", b, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("temporary files left: %v", entries)
	}
	if os.Geteuid() == 0 {
		if err := os.Chown(path, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		if _, err := pidfile.ReadFile(path); !errors.As(err, &unsafe) {
			t.Errorf("ReadFile(another user's file) = %v, want UnsafeError", err)
		}
	}
}
