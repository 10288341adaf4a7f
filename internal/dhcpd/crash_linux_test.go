//go:build linux

package dhcpd

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain's helper mode: with HOSTP2PD_TEST_LEASE_WRITER set, the test
// binary rewrites that lease file as fast as it can until it is killed.
func init() {
	path := os.Getenv("HOSTP2PD_TEST_LEASE_WRITER")
	if path == "" {
		return
	}
	cfg := baseConfig()
	cfg.Iface = "p2p-crash-0"
	cfg.LeaseFile = path
	s, err := New(cfg, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Println("writing")
	for i := 0; ; i++ {
		_ = s.Bind(net.HardwareAddr{2, 0, 0, 0, byte(i >> 8), byte(i)}, netip.AddrFrom4([4]byte{192, 168, 49, byte(2 + i%250)}))
	}
}

// TestLeaseFile_KillDuringWrites kills a writer with SIGKILL at random
// points, 25 times: the lease file always parses, and the temporary files
// the kills leave are removed by the next start (R11).
func TestLeaseFile_KillDuringWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "leases.json")
	leftTemps, hung := 0, 0
	for i := 0; i < 25; i++ {
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), "HOSTP2PD_TEST_LEASE_WRITER="+path)
		out, _ := cmd.StdoutPipe()
		if err := cmd.Start(); errors.Is(err, syscall.ENOEXEC) {
			// make arm-test: qemu-user runs this binary, the kernel cannot.
			t.Skipf("cannot run this %s test binary as a child process (emulated without binfmt_misc): %v", runtime.GOARCH, err)
		} else if err != nil {
			t.Fatal(err)
		}
		// "writing": the writer runs. Bounded: under qemu-user a child can
		// hang at start (seen once in make arm-test); it is killed and the
		// kill is tried again, at most 3 times, instead of hanging here.
		started := make(chan struct{})
		go func() {
			buf := make([]byte, 8)
			_, _ = out.Read(buf)
			close(started)
		}()
		select {
		case <-started:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			if hung++; hung > 3 {
				t.Fatalf("kill %d: the writer child did not start within 30 s, %d times", i, hung)
			}
			i--
			continue
		}
		for w := 0; w < 200; w++ { // and has written once
			if _, err := os.Stat(path); err == nil {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(time.Duration(5+(i*7)%40) * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()

		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("kill %d: %v", i, err)
		}
		var f leaseFile
		if err := json.Unmarshal(data, &f); err != nil || f.Version != leaseFileVersion || len(f.Bindings) == 0 {
			t.Fatalf("kill %d: lease file does not parse (%v), version %d, %d bindings:\n%.300s",
				i, err, f.Version, len(f.Bindings), data)
		}
		if m, _ := filepath.Glob(tempPattern(path)); len(m) > 0 {
			leftTemps++
		}
	}
	cfg := baseConfig()
	cfg.LeaseFile = path
	logs := &logBuffer{}
	cfg.Iface = "p2p-crash-0"
	s, err := New(cfg, testLogger(t, logs))
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := filepath.Glob(tempPattern(path)); len(m) > 0 {
		t.Errorf("temporary files left after New: %v", m)
	}
	if len(s.Leases()) == 0 {
		t.Error("no leases loaded from the file")
	}
	t.Logf("25 kills during writes: file parsed every time; %d kills left temp files, removed at start (%d log lines)",
		leftTemps, strings.Count(logs.String(), "removed a temporary lease file"))
}
