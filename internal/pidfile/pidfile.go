package pidfile

import (
	"errors"
	"fmt"
	"io"
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

// ImpostorError is returned by [Signal] when the pid written in the file is
// not the process that holds its lock, or when the lock holder is not a
// hostp2pd. Nothing is signalled then.
type ImpostorError struct {
	Path   string
	PID    int    // the pid written in the file
	Holder int    // the pid holding the lock; 0 when unknown
	Reason string // what did not match
}

func (e *ImpostorError) Error() string {
	return fmt.Sprintf("pidfile: %s: refusing to signal pid %d: %s", e.Path, e.PID, e.Reason)
}

// UnsafeError is returned by [Acquire] when path is not a plain file of our
// own: a symbolic link, a directory, a FIFO, a file owned by another user
// or one with several hard links. The file is left untouched.
type UnsafeError struct {
	Path   string
	Reason string
}

func (e *UnsafeError) Error() string {
	return fmt.Sprintf("pidfile: %s: %s; not touching it (remove it if it is stale)", e.Path, e.Reason)
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
//
// The file is opened with O_NOFOLLOW and checked before it is written: a
// symbolic link, anything but a regular file, a file owned by another user
// or a file with more than one hard link is refused with an *[UnsafeError],
// so a planted link in a world-writable run directory cannot make us
// truncate another file.
func Acquire(path string) (*File, error) {
	f, err := openSafe(path, os.O_RDWR|os.O_CREATE)
	if err != nil {
		return nil, err
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

// openSafe opens path without following a final symbolic link (and without
// blocking on a FIFO), then checks that it is a regular file owned by us
// with a single link.
func openSafe(path string, flag int) (*os.File, error) {
	f, err := os.OpenFile(path, flag|openFlags, 0o644)
	if err != nil {
		if isLoop(err) {
			return nil, &UnsafeError{Path: path, Reason: "is a symbolic link"}
		}
		return nil, fmt.Errorf("pidfile: %w", err)
	}
	if reason := unsafeReason(f); reason != "" {
		_ = f.Close()
		return nil, &UnsafeError{Path: path, Reason: reason}
	}
	return f, nil
}

// unsafeReason explains why the open file f must not be used as our
// pidfile, or returns "".
func unsafeReason(f *os.File) string {
	fi, err := f.Stat()
	if err != nil {
		return err.Error()
	}
	if !fi.Mode().IsRegular() {
		return fmt.Sprintf("is not a regular file (%s)", fi.Mode().Type())
	}
	uid, nlink, ok := owner(fi)
	if !ok {
		return ""
	}
	if euid := os.Geteuid(); uid != euid {
		return fmt.Sprintf("is owned by uid %d, not by us (uid %d)", uid, euid)
	}
	if nlink > 1 {
		return fmt.Sprintf("has %d hard links", nlink)
	}
	return ""
}

func sameFile(f *os.File, path string) (bool, error) {
	a, err := f.Stat()
	if err != nil {
		return false, err
	}
	b, err := os.Lstat(path)
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
	// with our pid in it. Remove only the file we hold: a file put in its
	// place meanwhile is not ours.
	var err error
	if same, serr := sameFile(p.f, p.path); serr == nil && same {
		err = os.Remove(p.path)
	}
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
	f, pid, err := lookup(path)
	if f != nil {
		_ = f.Close()
	}
	return pid, err
}

// lookup opens path, checks that its lock is held and reads the pid.
func lookup(path string) (*os.File, int, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|openFlags, 0)
	if errors.Is(err, os.ErrNotExist) {
		return nil, 0, ErrNotRunning
	}
	if isLoop(err) {
		return nil, 0, &UnsafeError{Path: path, Reason: "is a symbolic link"}
	}
	if err != nil {
		return nil, 0, fmt.Errorf("pidfile: %w", err)
	}
	if fi, err := f.Stat(); err == nil && !fi.Mode().IsRegular() {
		_ = f.Close()
		return nil, 0, &UnsafeError{Path: path, Reason: fmt.Sprintf("is not a regular file (%s)", fi.Mode().Type())}
	}
	held, err := isLocked(f)
	if err != nil {
		_ = f.Close()
		return nil, 0, fmt.Errorf("pidfile: lock %s: %w", path, err)
	}
	if !held {
		_ = f.Close()
		return nil, 0, ErrNotRunning
	}
	pid, err := readPIDFrom(f, path)
	if err != nil {
		_ = f.Close()
		return nil, 0, err
	}
	return f, pid, nil
}

// Signal sends sig to the live hostp2pd holding path's lock. It returns
// [ErrNotRunning] when there is none.
//
// Before signalling it checks that the pid written in the file is the
// process that holds the lock (from /proc/locks), and that this process is
// a hostp2pd: its executable is ours or is named hostp2pd*. Otherwise it
// returns an *[ImpostorError] and sends nothing, so a stale or forged pid
// never gets a SIGTERM.
func Signal(path string, sig syscall.Signal) (int, error) {
	f, pid, err := lookup(path)
	if err != nil {
		return 0, err
	}
	defer func() { _ = f.Close() }()
	if err := verifyHolder(f, path, pid); err != nil {
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

// verifyHolder checks that pid holds the lock of f and is a hostp2pd.
func verifyHolder(f *os.File, path string, pid int) error {
	holders, err := lockHolders(f)
	if err != nil {
		return &ImpostorError{Path: path, PID: pid, Reason: "cannot tell which process holds the lock: " + err.Error()}
	}
	found := false
	for _, h := range holders {
		if h == pid {
			found = true
		}
	}
	if !found {
		h := 0
		if len(holders) > 0 {
			h = holders[0]
		}
		reason := "no process holding the lock is listed in /proc/locks"
		if h > 0 {
			reason = fmt.Sprintf("it does not hold the lock (pid %d does)", h)
		}
		return &ImpostorError{Path: path, PID: pid, Holder: h, Reason: reason}
	}
	if err := isHostp2pd(pid); err != nil {
		return &ImpostorError{Path: path, PID: pid, Holder: pid, Reason: err.Error()}
	}
	return nil
}

// programPrefix is the name every hostp2pd executable starts with
// (hostp2pd, hostp2pd-linux-arm64, …).
const programPrefix = "hostp2pd"

// isHostp2pd reports (as an error) why pid is not a hostp2pd process: its
// /proc/<pid>/exe must be our own executable or be named hostp2pd*; when
// exe cannot be read (another user's process), argv[0] decides.
func isHostp2pd(pid int) error {
	proc := filepath.Join("/proc", strconv.Itoa(pid))
	exe, err := os.Readlink(filepath.Join(proc, "exe"))
	if err == nil {
		exe = strings.TrimSuffix(exe, " (deleted)")
		if strings.HasPrefix(filepath.Base(exe), programPrefix) {
			return nil
		}
		if me, err := os.Executable(); err == nil {
			a, aerr := os.Stat(exe)
			b, berr := os.Stat(me)
			if aerr == nil && berr == nil && os.SameFile(a, b) {
				return nil
			}
		}
		return fmt.Errorf("it is %s, not hostp2pd", exe)
	}
	b, cerr := os.ReadFile(filepath.Join(proc, "cmdline"))
	if cerr != nil {
		return fmt.Errorf("cannot identify it: %v", err)
	}
	argv0, _, _ := strings.Cut(string(b), "\x00")
	if strings.HasPrefix(filepath.Base(argv0), programPrefix) {
		return nil
	}
	return fmt.Errorf("it is %s, not hostp2pd", strconv.Quote(argv0))
}

func readPID(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("pidfile: %w", err)
	}
	return parsePID(b, path)
}

func readPIDFrom(f *os.File, path string) (int, error) {
	b := make([]byte, 32)
	n, err := f.ReadAt(b, 0)
	if n == 0 && err != nil {
		return 0, fmt.Errorf("pidfile: %s: no pid in file", path)
	}
	return parsePID(b[:n], path)
}

func parsePID(b []byte, path string) (int, error) {
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0, fmt.Errorf("pidfile: %s: no pid in file", path)
	}
	return pid, nil
}

// WriteFile replaces path with data (mode 0644) without following or
// truncating anything planted there: the data goes to a new file created
// with O_EXCL|O_NOFOLLOW in the same directory, which is then renamed over
// path (a symbolic link at path is replaced, never followed).
func WriteFile(path string, data []byte) error {
	dir, base := filepath.Split(path)
	for i := 0; ; i++ {
		tmp := filepath.Join(dir, fmt.Sprintf(".%s.%d.%d", base, os.Getpid(), i))
		f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL|openFlags, 0o644)
		if errors.Is(err, os.ErrExist) && i < 100 {
			continue
		}
		if err != nil {
			return fmt.Errorf("pidfile: %w", err)
		}
		_, werr := f.Write(data)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr == nil {
			werr = os.Rename(tmp, path)
		}
		if werr != nil {
			_ = os.Remove(tmp)
			return fmt.Errorf("pidfile: %w", werr)
		}
		return nil
	}
}

// ReadFile reads a file written by [WriteFile]: a regular file (no
// symbolic link) of at most 64 KiB, owned by us or by root. Anything else
// is an *[UnsafeError].
func ReadFile(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|openFlags, 0)
	if isLoop(err) {
		return nil, &UnsafeError{Path: path, Reason: "is a symbolic link"}
	}
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &UnsafeError{Path: path, Reason: fmt.Sprintf("is not a regular file (%s)", fi.Mode().Type())}
	}
	if uid, _, ok := owner(fi); ok && uid != 0 && uid != os.Geteuid() {
		return nil, &UnsafeError{Path: path, Reason: fmt.Sprintf("is owned by uid %d", uid)}
	}
	b := make([]byte, 64<<10)
	n, err := f.ReadAt(b, 0)
	if n == 0 && err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return b[:n], nil
}
