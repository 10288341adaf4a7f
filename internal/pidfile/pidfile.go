package pidfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// ErrNotRunning is returned by [Signal] and [Lookup] when no live process
// holds the lock of the pidfile (missing or stale file).
var ErrNotRunning = errors.New("pidfile: not running")

// HeldError is returned by [Acquire] when another live process holds the lock.
type HeldError struct {
	Path string
	PID  int // 0 when the file could not be read
}

func (e *HeldError) Error() string {
	if e.PID > 0 {
		return fmt.Sprintf("pidfile: %s is locked by running process %d", e.Path, e.PID)
	}
	return fmt.Sprintf("pidfile: %s is locked by another process", e.Path)
}

// Path returns the conventional pidfile of iface: /var/run/hostp2pd-<iface>.pid
// for root, /tmp/hostp2pd-<iface>.pid otherwise (as the Python hostp2pd).
func Path(iface string) string {
	return filepath.Join(RunDir(), "hostp2pd-"+iface+".pid")
}

// RunDir is /var/run for root and /tmp for other users.
func RunDir() string {
	if os.Geteuid() == 0 {
		return "/var/run"
	}
	return os.TempDir()
}

// File is a held pidfile. Keep it for the life of the process.
type File struct {
	f    *os.File
	path string
}

// Acquire creates or opens path, takes an exclusive non-blocking lock on it
// and writes the current pid. A stale file (no lock holder) is taken over.
// When another process holds the lock it returns a *[HeldError].
func Acquire(path string) (*File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("pidfile: %w", err)
	}
	if err := lockExclusive(f); err != nil {
		_ = f.Close()
		if errors.Is(err, errWouldBlock) {
			pid, _ := readPID(path)
			return nil, &HeldError{Path: path, PID: pid}
		}
		return nil, fmt.Errorf("pidfile: lock %s: %w", path, err)
	}
	// The file we locked may have been unlinked by a previous holder's
	// Release between our open and our lock: then a third process could
	// create and lock a new file at path. Check we locked what path names.
	if same, err := sameFile(f, path); err != nil || !same {
		_ = f.Close()
		if err == nil {
			err = errors.New("file replaced while locking")
		}
		return nil, fmt.Errorf("pidfile: %s: %w", path, err)
	}
	if err := f.Truncate(0); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("pidfile: %w", err)
	}
	if _, err := f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("pidfile: %w", err)
	}
	return &File{f: f, path: path}, nil
}

func sameFile(f *os.File, path string) (bool, error) {
	a, err := f.Stat()
	if err != nil {
		return false, err
	}
	b, err := os.Stat(path)
	if err != nil {
		return false, err
	}
	return os.SameFile(a, b), nil
}

// Path returns the file's path.
func (p *File) Path() string { return p.path }

// Release removes the file and drops the lock. It is safe to call on nil.
func (p *File) Release() error {
	if p == nil || p.f == nil {
		return nil
	}
	// Remove while still holding the lock, so nobody sees an unlocked file
	// with our pid in it.
	err := os.Remove(p.path)
	if cerr := p.f.Close(); err == nil {
		err = cerr
	}
	p.f = nil
	if errors.Is(err, os.ErrNotExist) {
		err = nil
	}
	return err
}

// Lookup returns the pid of the live process holding path's lock, or
// [ErrNotRunning] when the file is missing or stale.
func Lookup(path string) (int, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, ErrNotRunning
	}
	if err != nil {
		return 0, fmt.Errorf("pidfile: %w", err)
	}
	defer func() { _ = f.Close() }()
	held, err := isLocked(f)
	if err != nil {
		return 0, fmt.Errorf("pidfile: lock %s: %w", path, err)
	}
	if !held {
		return 0, ErrNotRunning
	}
	pid, err := readPID(path)
	if err != nil {
		return 0, err
	}
	return pid, nil
}

// Signal sends sig to the live process holding path's lock. It returns
// [ErrNotRunning] when there is none.
func Signal(path string, sig syscall.Signal) (int, error) {
	pid, err := Lookup(path)
	if err != nil {
		return 0, err
	}
	if err := kill(pid, sig); err != nil {
		if errors.Is(err, syscall.ESRCH) {
			return 0, ErrNotRunning
		}
		return pid, fmt.Errorf("pidfile: kill %d: %w", pid, err)
	}
	return pid, nil
}

func readPID(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("pidfile: %w", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0, fmt.Errorf("pidfile: %s: no pid in file", path)
	}
	return pid, nil
}
