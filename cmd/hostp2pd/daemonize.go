package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/pidfile"
)

// childStartTimeout bounds how long -d waits for the child to take the lock.
const childStartTimeout = 30 * time.Second

// daemonize implements -d: it re-executes this program in a new session
// with stdio on /dev/null and the envDaemonChild marker, then waits until
// the child holds the pidfile lock (exit 0) or reports an error (exit with
// the child's status). Configuration errors were reported before, while
// stderr still reaches the user.
func daemonize(o *options, s sys, path, iface string, autoIface bool) int {
	if pid, err := pidfile.Lookup(pidPath(s, iface)); err == nil {
		fmt.Fprintf(s.stderr, "hostp2pd: hostp2pd is already running on %s (pid %d)\n", iface, pid)
		return exitFailure
	}
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintf(s.stderr, "hostp2pd: cannot find my executable: %v\n", err)
		return exitFailure
	}
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		fmt.Fprintf(s.stderr, "hostp2pd: %v\n", err)
		return exitFailure
	}
	defer func() { _ = null.Close() }()
	pr, pw, err := os.Pipe()
	if err != nil {
		fmt.Fprintf(s.stderr, "hostp2pd: %v\n", err)
		return exitFailure
	}
	defer func() { _ = pr.Close() }()

	// The child must not depend on our working directory or on stdin.
	args := []string{os.Args[0]}
	args = append(args, rewriteConfigArg(os.Args[1:], path)...)
	if autoIface {
		// The child runs on the interface found here (the last -i wins).
		args = append(args, "--interface="+iface)
	}
	cmd := &exec.Cmd{
		Path:        exe,
		Args:        args,
		Env:         append(os.Environ(), envDaemonChild+"=3"),
		Stdin:       null,
		Stdout:      null,
		Stderr:      null,
		ExtraFiles:  []*os.File{pw},
		SysProcAttr: &syscall.SysProcAttr{Setsid: true},
	}
	if path == "-" {
		f, err := stdinConfigFile(o.stdinYAML)
		if err != nil {
			fmt.Fprintf(s.stderr, "hostp2pd: %v\n", err)
			return exitFailure
		}
		defer func() { _ = f.Close() }()
		cmd.ExtraFiles = append(cmd.ExtraFiles, f)
		cmd.Env = append(cmd.Env, envConfigFD+"=4")
	}
	if err := cmd.Start(); err != nil {
		_ = pw.Close()
		fmt.Fprintf(s.stderr, "hostp2pd: cannot start the daemon: %v\n", err)
		return exitFailure
	}
	_ = pw.Close()

	type result struct {
		line string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		l, err := bufio.NewReader(pr).ReadString('\n')
		got <- result{strings.TrimSpace(l), err}
	}()
	select {
	case r := <-got:
		if r.line == "ok" {
			_ = cmd.Process.Release()
			return exitOK
		}
		msg := strings.TrimPrefix(r.line, "error: ")
		if msg == "" {
			msg = "the daemon exited during start-up"
		}
		fmt.Fprintf(s.stderr, "hostp2pd: %s\n", msg)
		if err := cmd.Wait(); err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) && ee.ExitCode() > 0 {
				return ee.ExitCode()
			}
		}
		return exitFailure
	case <-time.After(childStartTimeout):
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		fmt.Fprintf(s.stderr, "hostp2pd: the daemon did not start within %s\n", childStartTimeout)
		return exitFailure
	}
}

// rewriteConfigArg makes -c/--config absolute (the child runs in /).
func rewriteConfigArg(args []string, abs string) []string {
	if abs == "" || abs == "-" {
		return args
	}
	out := make([]string, 0, len(args)+1)
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-c" || a == "--config":
			if i+1 < len(args) {
				out = append(out, a, abs)
				i++
				continue
			}
		case strings.HasPrefix(a, "--config="):
			a = "--config=" + abs
		case strings.HasPrefix(a, "-c") && len(a) > 2 && !strings.HasPrefix(a, "--"):
			a = "-c" + abs
		}
		out = append(out, a)
	}
	return out
}

// stdinConfigFile hands the YAML read from stdin to the child as an
// unlinked temporary file.
func stdinConfigFile(data []byte) (*os.File, error) {
	f, err := os.CreateTemp("", "hostp2pd-config-*.yaml")
	if err != nil {
		return nil, err
	}
	_ = os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		_ = f.Close()
		return nil, err
	}
	return f, nil
}

// readConfigFD reads the YAML the -d parent passed on fd.
func readConfigFD(fd string) ([]byte, error) {
	n, err := strconv.Atoi(fd)
	if err != nil {
		return nil, fmt.Errorf("bad %s=%q", envConfigFD, fd)
	}
	f := os.NewFile(uintptr(n), "config")
	defer func() { _ = f.Close() }()
	return io.ReadAll(io.LimitReader(f, 1<<20))
}

// childReporter returns a function that tells the -d parent how start-up
// went ("ok" or "error: …") and closes the pipe.
func childReporter(fd string) func(string) {
	n, err := strconv.Atoi(fd)
	if err != nil {
		return func(string) {}
	}
	f := os.NewFile(uintptr(n), "report")
	return func(msg string) {
		if f == nil {
			return
		}
		_, _ = io.WriteString(f, msg+"\n")
		_ = f.Close()
		f = nil
	}
}
