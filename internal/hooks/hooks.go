// Package hooks runs run_program (and pin_program / display_program): as an
// argv, never through a shell, with a timeout, its output logged.
//
// hostp2pd's contract: run_program is called with "stop" before a group is
// created and "start" after it is removed, and with the event verbs
// "started", "terminated", "start_group <group>", "stop_group <group>",
// "connect <addr> <name> <group>", "disconnect <addr> <name> <group>".
// Peer-supplied values (the device name) are passed only as argv elements
// and environment values, so a name such as `$(reboot)` is inert.
package hooks

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// Runner runs hooks one at a time, in the order they were queued.
type Runner struct {
	log     *slog.Logger
	timeout time.Duration

	mu    sync.Mutex
	queue []job
	wake  chan struct{}
}

type job struct {
	prog string
	args []string
	env  []string
	done chan struct{}
}

// New returns a runner; Run must be called to start it.
func New(log *slog.Logger, timeout time.Duration) *Runner {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	return &Runner{log: log, timeout: timeout, wake: make(chan struct{}, 1)}
}

// Split splits a run_program value into program and leading arguments on
// white space (no shell quoting is interpreted).
func Split(prog string) (string, []string) {
	f := strings.Fields(prog)
	if len(f) == 0 {
		return "", nil
	}
	return f[0], f[1:]
}

// Queue queues prog (a run_program value) with args; when wait is true it
// returns after the hook (and every hook queued before it) finished or ctx
// is done.
func (r *Runner) Queue(ctx context.Context, prog string, args, env []string, wait bool) {
	p, lead := Split(prog)
	if p == "" {
		return
	}
	j := job{prog: p, args: append(lead, args...), env: env, done: make(chan struct{})}
	r.mu.Lock()
	r.queue = append(r.queue, j)
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
	if wait {
		select {
		case <-j.done:
		case <-ctx.Done():
		}
	}
}

// Run executes queued hooks until ctx is done; hooks still queued then are
// run with a short deadline so "start" after the final group removal is not
// lost.
func (r *Runner) Run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			r.drain(context.Background(), 2*time.Second)
			return
		case <-r.wake:
			r.drain(ctx, r.timeout)
		}
	}
}

func (r *Runner) drain(ctx context.Context, timeout time.Duration) {
	for {
		r.mu.Lock()
		if len(r.queue) == 0 {
			r.mu.Unlock()
			return
		}
		j := r.queue[0]
		r.queue = r.queue[1:]
		r.mu.Unlock()
		out, err := Exec(ctx, timeout, j.prog, j.args, j.env)
		r.logResult(j, out, err)
		close(j.done)
	}
}

func (r *Runner) logResult(j job, out []byte, err error) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		r.log.Info("hook output", "program", j.prog, "line", sc.Text())
	}
	if err != nil {
		r.log.Warn("hook failed", "program", j.prog, "args", j.args, "err", err)
		return
	}
	r.log.Debug("hook done", "program", j.prog, "args", j.args)
}

// Exec runs prog with args and extra environment, returning its combined
// output (at most 64 KiB). It never uses a shell.
func Exec(ctx context.Context, timeout time.Duration, prog string, args, env []string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c := exec.CommandContext(ctx, prog, args...)
	c.Env = append(os.Environ(), env...)
	c.WaitDelay = time.Second
	var buf limitedBuffer
	c.Stdout = &buf
	c.Stderr = &buf
	err := c.Run()
	if ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		err = errors.New("timed out after " + timeout.String())
	}
	return buf.b.Bytes(), err
}

// Output runs prog and returns its standard output only (for pin_program).
func Output(ctx context.Context, timeout time.Duration, prog string, args, env []string) (string, error) {
	p, lead := Split(prog)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c := exec.CommandContext(ctx, p, append(lead, args...)...)
	c.Env = append(os.Environ(), env...)
	c.WaitDelay = time.Second
	var out limitedBuffer
	c.Stdout = &out
	err := c.Run()
	return strings.TrimSpace(out.b.String()), err
}

type limitedBuffer struct{ b bytes.Buffer }

func (l *limitedBuffer) Write(p []byte) (int, error) {
	n := len(p)
	if room := 64<<10 - l.b.Len(); room > 0 {
		if len(p) > room {
			p = p[:room]
		}
		l.b.Write(p)
	}
	return n, nil
}
