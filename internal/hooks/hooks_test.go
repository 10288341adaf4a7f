package hooks

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func script(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "hook.sh")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRunner_ArgvNeverShell(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	prog := script(t, `for a in "$@"; do printf '[%s]' "$a" >> `+out+`; done; echo >> `+out+"\n")
	r := New(nil, 5*time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { r.Run(ctx) })
	evil := "Bob's \"Ph\" $(touch /tmp/pwned-hostp2pd);`id`|&<x>"
	r.Queue(ctx, prog+" first", []string{"connect", "42:00:00:00:01:00", evil, "p2p-wlan0-0"}, nil, true)
	r.Queue(ctx, prog, []string{"start"}, nil, true)
	cancel()
	wg.Wait()
	b, _ := os.ReadFile(out)
	want := "[first][connect][42:00:00:00:01:00][" + evil + "][p2p-wlan0-0]\n[start]\n"
	if string(b) != want {
		t.Errorf("argv:\n got %q\nwant %q", b, want)
	}
	if _, err := os.Stat("/tmp/pwned-hostp2pd"); err == nil {
		t.Error("a peer name was executed by a shell")
	}
}

func TestExec_Timeout(t *testing.T) {
	prog := script(t, "sleep 10\n")
	start := time.Now()
	_, err := Exec(context.Background(), 200*time.Millisecond, prog, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Errorf("err = %v, want a timeout", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %v", d)
	}
}

func TestOutput_TrimmedStdout(t *testing.T) {
	prog := script(t, "echo ' 12345670 '; echo noise >&2\n")
	got, err := Output(context.Background(), time.Second, prog, []string{"42:00:00:00:01:00", "phone"}, nil)
	if err != nil || got != "12345670" {
		t.Errorf("Output = %q, %v", got, err)
	}
}

func TestRunner_MissingProgramIsLoggedNotFatal(t *testing.T) {
	r := New(nil, time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { r.Run(ctx) })
	r.Queue(ctx, "/nonexistent/hook", []string{"stop"}, nil, true)
	cancel()
	wg.Wait()
}
