package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// An interface without P2P (STATUS without p2p_device_address, as with
// p2p_disabled=1) ends hostp2pd at start with exit status 2, which the
// units' RestartPreventExitStatus=2 keeps systemd from retrying, and the
// reason in the log.
func TestNoP2P_ExitsWithStatus2(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	wpa := filepath.Join(dir, "wpa")
	srv := fakeSupplicant(t, wpa, "wlan0")
	srv.Reply("wlan0", "STATUS", "wpa_state=DISCONNECTED\naddress=02:00:00:00:00:00\nuuid=0\n")
	srv.Reply("wlan0", "P2P_", "FAIL\n")
	cfg := filepath.Join(dir, "hostp2pd.yaml")
	if err := os.WriteFile(cfg, []byte("interface: wlan0\nctrl_interface: "+wpa+"\nlog_file: \"\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(dir, "d.log")
	_, done := startBatch(t, dir, "-c", cfg, "-b", logPath, "-v")
	var err error
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("hostp2pd kept running on an interface without P2P")
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitUsage {
		t.Errorf("exit = %v, want status %d", err, exitUsage)
	}
	b, _ := os.ReadFile(logPath)
	if !strings.Contains(string(b), "has no P2P") || !strings.Contains(string(b), "p2p_disabled=1") {
		t.Errorf("log lacks the reason:\n%s", b)
	}
	if strings.Contains(string(b), "session ready") {
		t.Errorf("the session started:\n%s", b)
	}
}
