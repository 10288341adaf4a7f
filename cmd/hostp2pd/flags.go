package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/hostp2pd/hostp2pd/internal/config"
)

// defaultInterface is the -i default, as in hostp2pd: auto, the first P2P
// device wpa_supplicant reports (unless the file names one).
const defaultInterface = config.AutoInterface

// subcommands are clients of a running daemon's control socket.
var subcommands = map[string]bool{"status": true, "clients": true, "pin": true, "disconnect": true, "forget": true, "reload": true, "doctor": true, "qr": true, "rotate": true}

// options are the parsed command line.
type options struct {
	help, version     bool
	verbosity         int
	debug             bool
	terminate, reload bool
	config            string
	daemon            bool
	batch             string
	batchSet          bool
	iface             string
	ifaceSet          bool
	runProgram        string
	runProgramSet     bool
	json              bool
	socket            string
	sub               string   // subcommand name, "" for the daemon
	args              []string // subcommand arguments
	jsonUsed          bool
	png               string // qr --png FILE
	rotate            bool   // disconnect --rotate
	pngSet            bool
	stdinYAML         []byte // the configuration read from "-c -"
}

// level returns the -v count, --debug counting as -vv.
func (o *options) level() int {
	if o.debug && o.verbosity < 2 {
		return 2
	}
	return o.verbosity
}

func newFlagSet(o *options) *pflag.FlagSet {
	fs := pflag.NewFlagSet("hostp2pd", pflag.ContinueOnError)
	fs.SortFlags = false
	fs.SetOutput(io.Discard)
	fs.BoolVarP(&o.help, "help", "h", false, "")
	fs.BoolVarP(&o.version, "version", "V", false, "")
	fs.CountVarP(&o.verbosity, "verbosity", "v", "")
	fs.BoolVar(&o.debug, "debug", false, "")
	fs.BoolVarP(&o.terminate, "terminate", "t", false, "")
	fs.BoolVarP(&o.reload, "reload", "r", false, "")
	fs.StringVarP(&o.config, "config", "c", "", "")
	fs.BoolVarP(&o.daemon, "daemon", "d", false, "")
	fs.StringVarP(&o.batch, "batch", "b", "", "")
	fs.StringVarP(&o.iface, "interface", "i", defaultInterface, "")
	fs.StringVarP(&o.runProgram, "run_program", "p", "", "")
	fs.BoolVar(&o.json, "json", false, "")
	fs.StringVar(&o.socket, "socket", "", "")
	fs.StringVar(&o.png, "png", "", "")
	fs.BoolVar(&o.rotate, "rotate", false, "")
	return fs
}

// parseArgs parses args (without the program name). The first
// non-option argument, when it names a subcommand, selects it; its own
// arguments follow (options may come before or after it).
func parseArgs(args []string) (*options, error) {
	o := &options{}
	fs := newFlagSet(o)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	rest := fs.Args()
	if len(rest) > 0 && subcommands[rest[0]] {
		o.sub, rest = rest[0], rest[1:]
	}
	o.batchSet = fs.Changed("batch")
	o.ifaceSet = fs.Changed("interface")
	o.runProgramSet = fs.Changed("run_program")
	o.jsonUsed = fs.Changed("json") || fs.Changed("socket")
	o.pngSet = fs.Changed("png")
	if o.help || o.version {
		return o, nil
	}
	if o.ifaceSet {
		// The name becomes part of the pidfile and socket paths.
		if err := config.CheckInterface(o.iface); err != nil {
			return nil, fmt.Errorf("-i: %v", err)
		}
	}
	if o.sub == "" {
		if len(rest) > 0 {
			return nil, fmt.Errorf("unexpected argument %q (subcommands: status, clients, pin, disconnect, forget, reload)", rest[0])
		}
		if o.jsonUsed || o.pngSet {
			return nil, fmt.Errorf("--json, --png and --socket are options of the subcommands")
		}
		n := 0
		for _, b := range []bool{o.terminate, o.reload, o.daemon || o.batchSet} {
			if b {
				n++
			}
		}
		if n > 1 {
			return nil, fmt.Errorf("-t, -r and -d/-b exclude each other")
		}
		if o.batchSet && o.batch == "" {
			return nil, fmt.Errorf("-b needs a file name (or - for standard output)")
		}
		// -d -b FILE is hostp2pd's foreground service mode: no console,
		// no detaching, logs to FILE; that is batch mode.
		o.daemon = o.daemon && !o.batchSet
		return o, nil
	}
	o.args = rest
	if o.terminate || o.reload || o.daemon || o.batchSet || o.runProgramSet {
		return nil, fmt.Errorf("%s: only -i, -c, --socket and --json apply to subcommands", o.sub)
	}
	want := map[string][2]int{"status": {0, 0}, "clients": {0, 0}, "pin": {1, 2}, "disconnect": {1, 1}, "forget": {1, 1}, "reload": {0, 1}, "doctor": {0, 0}, "qr": {0, 0}, "rotate": {0, 0}}[o.sub]
	if len(o.args) < want[0] || len(o.args) > want[1] {
		return nil, fmt.Errorf("usage: hostp2pd %s", subUsage[o.sub])
	}
	if o.json && o.sub != "status" && o.sub != "clients" {
		return nil, fmt.Errorf("--json applies to status and clients")
	}
	if o.pngSet && (o.sub != "qr" || o.png == "") {
		return nil, fmt.Errorf("--png FILE applies to qr")
	}
	if o.rotate && o.sub != "disconnect" {
		return nil, fmt.Errorf("--rotate applies to disconnect")
	}
	return o, nil
}

var subUsage = map[string]string{
	"status":     "status [--json]",
	"clients":    "clients [--json]",
	"pin":        "pin [PEER] PIN",
	"disconnect": "disconnect [--rotate] PEER",
	"forget":     "forget PEER",
	"reload":     "reload [FILE|reset]",
	"doctor":     "doctor [-i INTERFACE] [-c CONFIG_FILE]",
	"qr":         "qr [--png FILE]",
	"rotate":     "rotate",
}

const usageLine = `usage: hostp2pd [-h] [-V] [-v] [-vv] [-t] [-r] [-c CONFIG_FILE] [-d]
                [-b FILE] [-i INTERFACE] [-p RUN_PROGRAM]
       hostp2pd {status [--json] | clients [--json] | pin [PEER] PIN |
                 disconnect PEER | forget PEER | reload [FILE|reset] | doctor |
                 qr [--png FILE] | rotate}
                [-i INTERFACE] [-c CONFIG_FILE] [--socket PATH]
`

const helpText = usageLine + `
hostp2pd - the Wi-Fi Direct session manager: a group-owner daemon driving
wpa_supplicant's P2P device interface.

Without -d or -b, hostp2pd runs in interactive mode: a CMD> prompt (type
help) while the daemon runs; quit, Ctrl-D or Ctrl-C stop it.

options:
  -h, --help            show this help message and exit
  -V, --version         print the version and exit
  -v, --verbosity       print execution logging (INFO)
  -vv, --debug          print debug logging information (DEBUG)
  -t, --terminate       terminate a daemon process sending SIGTERM
                        (and wait up to 10 s for it to exit)
  -r, --reload          reload configuration of a daemon process sending
                        SIGHUP
  -c CONFIG_FILE, --config CONFIG_FILE
                        configuration file (YAML); "-" reads it from standard
                        input; default: $HOSTP2PD_CFG, else built-in defaults
  -d, --daemon          run hostp2pd in daemon mode (in the background,
                        logging to log_file)
  -b FILE, --batch FILE
                        run hostp2pd in batch mode (no console, in the
                        foreground), logging to FILE; use a hyphen (-) for
                        standard output; -d -b FILE is the same, as in
                        hostp2pd
  -i INTERFACE, --interface INTERFACE
                        P2P device interface managed by hostp2pd (default
                        auto: the interface in the configuration file, else
                        the first p2p-dev-* interface wpa_supplicant reports)
  -p RUN_PROGRAM, --run_program RUN_PROGRAM
                        program run on group and station events (see the
                        run_program key); overrides the configuration file

subcommands (clients of the control socket of a running hostp2pd):
  status [--json]       mode, state, group, clients and counters
  clients [--json]      connected stations
  pin [PEER] PIN        PIN displayed by a phone (display method)
  disconnect PEER       remove a station from the group; --rotate then gives
                        the persistent group a new passphrase (for legacy
                        stations, which share it), as rotate does
  forget PEER           remove a phone from the known phones (the persistent
                        group's client list): it is not invited back
  reload [FILE|reset]   reload the configuration (same file, another file,
                        or the defaults)
  doctor                preflight check of wpa_supplicant, the radio and the
                        paths hostp2pd uses (needs no running hostp2pd)
  qr [--png FILE]       the running group's Wi-Fi join code (SSID and
                        passphrase) as a QR code on the terminal, or as a
                        PNG file (mode 0600: it holds the passphrase)
  rotate                new random passphrase for the persistent group, which
                        restarts; prints the new join code (root only)
  --socket PATH         control socket (default: ctl_socket of the
                        configuration, else /run/hostp2pd-INTERFACE.sock)

exit status: 0 success, 1 runtime failure (already running, no daemon
running, daemon error), 2 usage or configuration error.
`

// flagError formats a pflag error the way the rest of main reports errors.
func flagError(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "hostp2pd: ")
	return msg
}
