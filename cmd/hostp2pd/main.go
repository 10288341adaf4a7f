// Command hostp2pd is the Wi-Fi Direct group-owner daemon: a drop-in
// successor of the Python hostp2pd with the same command line, YAML and
// systemd usage. It is wiring only: flags → config → daemon.New → Run,
// plus the pidfile, signals, sd_notify, logging, the console and the
// control socket. See docs/cli.md.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/internal/pidfile"
)

// version and commit are set at build time (make build, make deb):
// -ldflags "-X main.version=v1.2.3 -X main.commit=<hash>[-dirty]".
var version, commit string

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1 // runtime failure: already running, no daemon, daemon error
	exitUsage   = 2 // bad command line or configuration
)

// Environment knobs.
const (
	// envRunDir overrides the directory of the pidfile and of the default
	// control socket (tests, unprivileged setups).
	envRunDir = "HOSTP2PD_RUNDIR"
	// envStateDir overrides the directory of the state file (the P2P
	// device address and the persistent group's frequency).
	envStateDir = "HOSTP2PD_STATEDIR"
	// envDaemonChild marks the re-executed child of -d; its value is the
	// file descriptor of the start-up report pipe.
	envDaemonChild = "_HOSTP2PD_DAEMON_FD"
	// envConfigFD passes the YAML read from standard input to that child.
	envConfigFD = "_HOSTP2PD_CONFIG_FD"
)

// sys is the process environment main works in; tests may replace parts.
type sys struct {
	stdin          *os.File
	stdout, stderr io.Writer
	getenv         func(string) string
	// noHugePages runs first when the daemon starts: it may execute
	// the program again (thp_linux.go). nil in tests that call run.
	noHugePages func() error
}

func main() {
	os.Exit(run(os.Args[1:], sys{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, noHugePages: noHugePages}))
}

func run(args []string, s sys) int {
	o, err := parseArgs(args)
	if err != nil {
		fmt.Fprintf(s.stderr, "%shostp2pd: %s\nTry 'hostp2pd --help' for more information.\n", usageLine, flagError(err))
		return exitUsage
	}
	switch {
	case o.help:
		fmt.Fprint(s.stdout, helpText)
		return exitOK
	case o.version:
		fmt.Fprintf(s.stdout, "hostp2pd version %s (commit %s)\n", versionString(), commitString())
		return exitOK
	case o.sub != "":
		return runSubcommand(o, s)
	case o.terminate || o.reload:
		return signalDaemon(o, s)
	}
	return serve(o, s)
}

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// commitString is the commit set at build time, else the VCS revision the
// Go tool stamped into the binary, with "-dirty" when the tree had
// uncommitted changes, else "unknown".
func commitString() string {
	if commit != "" {
		return commit
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	rev, dirty := "unknown", ""
	for _, st := range bi.Settings {
		switch {
		case st.Key == "vcs.revision":
			rev = st.Value
		case st.Key == "vcs.modified" && st.Value == "true":
			dirty = "-dirty"
		}
	}
	return rev + dirty
}

// loadConfig reads the configuration named by -c or $HOSTP2PD_CFG (path
// "" = defaults; "-" = standard input, or the YAML passed to the -d child)
// and prints its warnings to stderr. The returned path is absolute.
func loadConfig(o *options, s sys) (*config.Config, string, error) {
	path := o.config
	if path == "" {
		path = s.getenv(config.EnvVar)
	}
	var (
		cfg   *config.Config
		warns []config.Warning
		err   error
	)
	switch {
	case path == "-" && s.getenv(envConfigFD) != "":
		var data []byte
		data, err = readConfigFD(s.getenv(envConfigFD))
		if err == nil {
			cfg, warns, err = config.Parse("-", data)
		}
	case path == "-":
		var data []byte
		data, err = io.ReadAll(io.LimitReader(s.stdin, 1<<20+1))
		o.stdinYAML = data // for the -d child
		if err == nil {
			cfg, warns, err = config.Parse("-", data)
		}
	default:
		// Messages name the file as the user typed it; the path kept for
		// reloads is absolute (the -d child runs in /).
		cfg, warns, err = config.Load(path)
		if path != "" {
			if abs, aerr := filepath.Abs(path); aerr == nil {
				path = abs
			}
		}
	}
	for _, w := range warns {
		fmt.Fprintf(s.stderr, "hostp2pd: warning: %s\n", w)
	}
	if err != nil {
		return nil, path, err
	}
	if path != "" && path != "-" {
		cfg.File = path // reloads must not depend on the working directory
	}
	return cfg, path, nil
}

// printConfigError reports a configuration error, one problem per line.
func printConfigError(w io.Writer, err error) {
	if errs := config.Errors(err); len(errs) > 0 {
		for _, e := range errs {
			fmt.Fprintf(w, "hostp2pd: %s\n", e)
		}
		return
	}
	fmt.Fprintf(w, "hostp2pd: %v\n", err)
}

// resolveInterface applies -i: the flag wins when it names an interface;
// otherwise a concrete interface in the file is kept; otherwise
// [config.AutoInterface], which the caller resolves (hostp2pd's -i default
// and interface: default are both auto).
func resolveInterface(o *options, cfg *config.Config) string {
	switch {
	case o.ifaceSet && o.iface != config.AutoInterface:
		return o.iface
	case cfg != nil && cfg.Interface != "" && cfg.Interface != config.AutoInterface:
		return cfg.Interface
	default:
		return config.AutoInterface
	}
}

// applyFlags makes the command line override the file.
func applyFlags(o *options, cfg *config.Config, iface string) {
	cfg.Interface = iface
	if o.runProgramSet {
		cfg.RunProgram = o.runProgram
	}
}

// runDir is where the pidfile and the default control socket live.
func runDir(s sys) string {
	if d := s.getenv(envRunDir); d != "" {
		return d
	}
	return pidfile.RunDir()
}

func pidPath(s sys, iface string) string {
	if s.getenv(envRunDir) == "" {
		return pidfile.Path(iface)
	}
	return filepath.Join(runDir(s), "hostp2pd-"+iface+".pid")
}

var errCtlOff = errors.New("the control socket is disabled (ctl_socket: off)")
