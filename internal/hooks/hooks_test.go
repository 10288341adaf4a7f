package hooks

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
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
	wg.Go(func() { r.Run(ctx, 5*time.Second) })
	evil := "Bob's \"Ph\" $(touch /tmp/pwned-hostp2pd);`id`|&<x>"
	r.Queue(prog+" first", []string{"connect", "42:00:00:00:01:00", evil, "p2p-wlan0-0"}, nil, nil)
	r.Queue(prog, []string{"start"}, nil, nil)
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
	wg.Go(func() { r.Run(ctx, time.Second) })
	errc := make(chan error, 1)
	r.Queue("/nonexistent/hook", []string{"stop"}, nil, func(err error) { errc <- err })
	if err := <-errc; err == nil {
		t.Error("a missing program reported success")
	}
	cancel()
	wg.Wait()
}

// Queue returns at once, also behind a slow hook; the completion comes
// later, on the runner's goroutine.
func TestRunner_QueueNeverWaits(t *testing.T) {
	prog := script(t, "sleep 0.5\n")
	r := New(nil, 5*time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	wg.Go(func() { r.Run(ctx, time.Second) })
	done := make(chan error, 2)
	t0 := time.Now()
	r.Queue(prog, []string{"stop"}, nil, func(err error) { done <- err })
	r.Queue(prog, []string{"stop"}, nil, func(err error) { done <- err })
	if d := time.Since(t0); d > 100*time.Millisecond {
		t.Errorf("Queue took %v behind a running hook", d)
	}
	for range 2 {
		if err := <-done; err != nil {
			t.Errorf("hook: %v", err)
		}
	}
	if d := time.Since(t0); d < time.Second {
		t.Errorf("two 0.5 s hooks done in %v: not one at a time", d)
	}
}

// The hooks of the final stop run to completion after ctx is cancelled,
// with their own timeout; one that is running is not interrupted.
func TestRunner_FinalHooksCompleteAfterCancel(t *testing.T) {
	out := filepath.Join(t.TempDir(), "calls")
	prog := script(t, "sleep 0.2; echo \"$1\" >> "+out+"\n")
	r := New(nil, 5*time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { r.Run(ctx, 5*time.Second) })
	var mu sync.Mutex
	var errs []error
	for _, verb := range []string{"disconnect", "stop_group", "start"} {
		r.Queue(prog, []string{verb}, nil, func(err error) { mu.Lock(); errs = append(errs, err); mu.Unlock() })
	}
	time.Sleep(50 * time.Millisecond) // the first one is running
	cancel()
	wg.Wait()
	b, _ := os.ReadFile(out)
	if got, want := string(b), "disconnect\nstop_group\nstart\n"; got != want {
		t.Errorf("calls = %q, want %q", got, want)
	}
	for _, err := range errs {
		if err != nil {
			t.Errorf("final hook failed: %v", err)
		}
	}
	// Once Run has returned, nothing runs, and the caller is told.
	errc := make(chan error, 1)
	r.Queue(prog, []string{"late"}, nil, func(err error) { errc <- err })
	if err := <-errc; !errors.Is(err, ErrStopped) {
		t.Errorf("late hook: %v, want ErrStopped", err)
	}
}

// The stop budget bounds the final drain.
func TestRunner_StopBudget(t *testing.T) {
	prog := script(t, "sleep 5\n")
	r := New(nil, 10*time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	r.Queue(prog, []string{"start"}, nil, nil)
	r.Queue(prog, []string{"start"}, nil, nil)
	cancel()
	t0 := time.Now()
	r.Run(ctx, 300*time.Millisecond)
	if d := time.Since(t0); d > 2500*time.Millisecond {
		t.Errorf("final drain took %v with a 300 ms budget", d)
	}
}

// The queue is bounded: past MaxQueue waiting hooks, Queue refuses at once.
func TestRunner_QueueIsBounded(t *testing.T) {
	prog := script(t, "exit 0\n")
	r := New(nil, time.Second) // not running: nothing leaves the queue
	for i := range MaxQueue {
		r.Queue(prog, []string{"connect", strconv.Itoa(i)}, nil, func(err error) { t.Errorf("hook %d refused: %v", i, err) })
	}
	errc := make(chan error, 1)
	r.Queue(prog, []string{"connect", "one too many"}, nil, func(err error) { errc <- err })
	select {
	case err := <-errc:
		if !errors.Is(err, ErrQueueFull) {
			t.Errorf("err = %v, want ErrQueueFull", err)
		}
	default:
		t.Error("a hook past the bound was queued")
	}
}
