package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// fakeTHP is a system for hugePages: the THP mode, the process's flag,
// and what was done.
type fakeTHP struct {
	mode        string
	modeErr     error
	off         bool
	setErr      error
	setIgnored  bool // prctl says OK but the flag stays clear
	execErr     error
	sets, execs int
}

func (f *fakeTHP) hp() hugePages {
	return hugePages{
		mode:     func() (string, error) { return f.mode, f.modeErr },
		disabled: func() (bool, error) { return f.off, nil },
		disable: func() error {
			f.sets++
			if f.setErr == nil && !f.setIgnored {
				f.off = true
			}
			return f.setErr
		},
		exec: func() error { f.execs++; return f.execErr },
	}
}

func TestNoHugePages(t *testing.T) {
	for _, c := range []struct {
		name        string
		f           fakeTHP
		sets, execs int
		err         string
	}{
		{name: "always: flag set, executed again", f: fakeTHP{mode: "[always] madvise never\n"}, sets: 1, execs: 1},
		{name: "madvise: Go asks for none", f: fakeTHP{mode: "always [madvise] never\n"}},
		{name: "never", f: fakeTHP{mode: "always madvise [never]\n"}},
		{name: "no THP in the kernel", f: fakeTHP{modeErr: errors.New("no such file")}},
		{name: "after the execve: the flag is set", f: fakeTHP{mode: "[always] madvise never\n", off: true}},
		{name: "prctl refused", f: fakeTHP{mode: "[always] madvise never\n", setErr: errors.New("EINVAL")}, sets: 1, err: "PR_SET_THP_DISABLE"},
		{name: "flag not set: no exec, no loop", f: fakeTHP{mode: "[always] madvise never\n", setIgnored: true}, sets: 1, err: "did not take effect"},
		{name: "exec failed", f: fakeTHP{mode: "[always] madvise never\n", execErr: errors.New("ENOENT")}, sets: 1, execs: 1, err: "execute myself again"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.f.hp().run()
			if c.f.sets != c.sets || c.f.execs != c.execs {
				t.Errorf("prctl set %d times, exec %d times; want %d, %d", c.f.sets, c.f.execs, c.sets, c.execs)
			}
			if c.err == "" && err != nil || c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
				t.Errorf("err = %v, want %q", err, c.err)
			}
		})
	}
}

func init() { testCommands["thp-always"] = thpAlwaysMain }

// thpAlwaysMain is the program of TestNoHugePages_ExecutesItselfAgain:
// noHugePages with the real prctl and execve on a system that says
// "always". It prints a line per image, then its THP_enabled.
func thpAlwaysMain() {
	h := realHugePages
	h.mode = func() (string, error) { return "[always] madvise never\n", nil }
	fmt.Printf("image pid=%d\n", os.Getpid())
	if err := h.run(); err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	st, err := os.ReadFile("/proc/self/status")
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	for l := range strings.Lines(string(st)) {
		if strings.HasPrefix(l, "THP_enabled:") {
			fmt.Print(strings.Join(strings.Fields(l), " "), "\n")
		}
	}
	os.Exit(0)
}

// TestNoHugePages_ExecutesItselfAgain runs the real thing in a child: it
// sets PR_SET_THP_DISABLE, executes itself once (same pid, same
// arguments), and the new image runs with huge pages off.
func TestNoHugePages_ExecutesItselfAgain(t *testing.T) {
	skipUnlessSelfExec(t)
	if _, err := unix.PrctlRetInt(unix.PR_GET_THP_DISABLE, 0, 0, 0, 0); err != nil {
		t.Skipf("no PR_GET_THP_DISABLE: %v", err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	out, err := (&exec.Cmd{Path: exe, Args: []string{"thp-always"}}).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 3 || lines[0] != lines[1] || !strings.HasPrefix(lines[0], "image pid=") {
		t.Fatalf("want two images of the same pid, then THP_enabled; got:\n%s", out)
	}
	if !strings.Contains(string(out), "THP_enabled: 0") {
		t.Errorf("the new image runs with huge pages on:\n%s", out)
	}
}
