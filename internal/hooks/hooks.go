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

	"github.com/hostp2pd/hostp2pd/internal/redact"
)

// Runner runs hooks one at a time, in the order they were queued, on its
// own goroutine (Run): queueing never blocks the caller.
type Runner struct {
	log     *slog.Logger
	timeout time.Duration

	mu      sync.Mutex
	queue   []job
	stopped bool // Run has returned: nothing runs any more
	wake    chan struct{}
}

type job struct {
	prog    string
	args    []string
	env     []string
	secrets []string // masked in what is logged (args, output)
	done    func(error)
}

// logArgs are the arguments as logged: a secret argument is masked.
func (j job) logArgs() []string {
	if len(j.secrets) == 0 {
		return j.args
	}
	out := make([]string, len(j.args))
	for i, a := range j.args {
		out[i] = j.mask(a)
	}
	return out
}

// mask replaces every secret in s.
func (j job) mask(s string) string {
	for _, sec := range j.secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, redact.Mask)
		}
	}
	return s
}

// ErrStopped is passed to the completion of a hook queued after Run
// returned: it never ran.
var ErrStopped = errors.New("hooks: runner stopped")

// ErrQueueFull is passed to the completion of a hook refused because
// MaxQueue hooks are already waiting: it never ran.
var ErrQueueFull = errors.New("hooks: too many hooks waiting")

// MaxQueue bounds the hooks waiting to run (a flood of stations must not
// pile up thousands of processes to start).
const MaxQueue = 256

// New returns a runner whose hooks are each killed after timeout (10 s when
// timeout <= 0); Run must be called to start it.
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

// Queue queues prog (a run_program value) with args and returns at once.
// done, if not nil, is called on the runner's goroutine when the hook has
// ended, with its error (nil on exit status 0). Queue reports false, and
// does not call done, when prog is empty.
func (r *Runner) Queue(prog string, args, env []string, done func(error)) bool {
	return r.QueueSecret(prog, args, env, nil, done)
}

// QueueSecret is Queue for a hook whose arguments or environment carry
// secrets (display_program gets the PIN): every occurrence of a secret is
// masked in the log lines about the hook (its arguments, its output). The
// hook itself gets them unmasked.
func (r *Runner) QueueSecret(prog string, args, env, secrets []string, done func(error)) bool {
	p, lead := Split(prog)
	if p == "" {
		return false
	}
	j := job{prog: p, args: append(lead, args...), env: env, secrets: secrets, done: done}
	r.mu.Lock()
	if r.stopped || len(r.queue) >= MaxQueue {
		err := ErrStopped
		if !r.stopped {
			err = ErrQueueFull
		}
		r.mu.Unlock()
		r.log.Warn("hook not run", "program", j.prog, "args", j.logArgs(), "err", err)
		if done != nil {
			done(err)
		}
		return true
	}
	r.queue = append(r.queue, j)
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
	return true
}

// Run executes queued hooks until ctx is done. It then runs every hook
// still queued (those of the final stop: "disconnect", "stop_group",
// "start") to completion, each with its own timeout and never with the
// cancelled ctx, within stopBudget in all, and returns. A hook running when
// ctx is cancelled is not interrupted.
func (r *Runner) Run(ctx context.Context, stopBudget time.Duration) {
	for {
		select {
		case <-ctx.Done():
		case <-r.wake:
		}
		if r.drain(ctx, stopBudget) {
			return
		}
	}
}

// drain runs the queue empty. Once ctx is done, what is left runs within
// stopBudget, the runner is marked stopped and drain reports true.
func (r *Runner) drain(ctx context.Context, stopBudget time.Duration) bool {
	var deadline time.Time // zero until ctx is done
	for {
		if deadline.IsZero() && ctx.Err() != nil {
			deadline = time.Now().Add(stopBudget)
		}
		r.mu.Lock()
		if len(r.queue) == 0 {
			r.stopped = r.stopped || !deadline.IsZero()
			r.mu.Unlock()
			return !deadline.IsZero()
		}
		j := r.queue[0]
		r.queue = r.queue[1:]
		r.mu.Unlock()
		timeout := r.timeout
		var err error
		if !deadline.IsZero() {
			timeout = min(timeout, time.Until(deadline))
		}
		if timeout <= 0 {
			err = errors.New("not run: the stop budget is spent")
			r.logResult(j, nil, err)
		} else {
			var out []byte
			out, err = Exec(context.Background(), timeout, j.prog, j.args, j.env)
			r.logResult(j, out, err)
		}
		if j.done != nil {
			j.done(err)
		}
	}
}

func (r *Runner) logResult(j job, out []byte, err error) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		r.log.Info("hook output", "program", j.prog, "line", j.mask(sc.Text()))
	}
	if err != nil {
		r.log.Warn("hook failed", "program", j.prog, "args", j.logArgs(), "err", err)
		return
	}
	r.log.Debug("hook done", "program", j.prog, "args", j.logArgs())
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
