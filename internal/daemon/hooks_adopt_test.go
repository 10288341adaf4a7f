package daemon

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/status"
	"github.com/hostp2pd/hostp2pd/wpactrl/wpatest"
)

// TestAdoptedGroupHooks (issue 21 R2): a group found running is adopted
// with its start_group hook, and after a supplicant restart that keeps it
// (adopted again) start_group runs once more: every group-up has exactly
// one start_group, every group-down one stop_group.
func TestAdoptedGroupHooks(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "hooks.log")
	script := filepath.Join(dir, "hook.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho \"$*\" >> "+log+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	h := start(t, "activate_persistent_group: false\nactivate_autonomous_group: true\npbc_in_use: true\nrun_program: "+script,
		func(s *wpatest.Server) {
			if err := s.AddIface("p2p-wlan0-0"); err != nil {
				t.Fatal(err)
			}
		})
	h.groupUp()
	hooks := func(want ...string) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			b, _ := os.ReadFile(log)
			got := slices.DeleteFunc(strings.Split(strings.TrimSpace(string(b)), "\n"), func(l string) bool {
				return !strings.HasPrefix(l, "start_group") && !strings.HasPrefix(l, "stop_group")
			})
			if slices.Equal(got, want) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("group hooks %q, want %q", got, want)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	hooks("start_group p2p-wlan0-0")
	h.noCommand("P2P_GROUP_ADD", 50*time.Millisecond)

	h.srv.Kill()
	h.eventually("lost", func(s status.Status) bool { return s.Supplicant == "lost" })
	if err := h.srv.Restart(); err != nil {
		t.Fatal(err)
	}
	if err := h.srv.AddIface("p2p-wlan0-0"); err != nil {
		t.Fatal(err)
	}
	h.waitReady()
	h.groupUp()
	hooks("start_group p2p-wlan0-0", "stop_group p2p-wlan0-0", "start_group p2p-wlan0-0")
}
