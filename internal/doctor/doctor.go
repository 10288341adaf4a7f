// Package doctor is the preflight check behind `hostp2pd doctor`: it looks
// at the configuration, wpa_supplicant's control socket and settings, the
// radio (iw), NetworkManager, other programs driving the same
// wpa_supplicant and the paths the daemon writes, and says what would stop
// phones from joining, with a hint for each problem.
//
// It only reads. The commands it sends wpa_supplicant are PING, STATUS,
// GET and LIST_NETWORKS; on the system bus it only looks the interface up
// and reads P2P properties of fi.w1.wpa_supplicant1 (internal/wpadbus), to
// say whether D-Bus is open too; it runs `iw dev|phy|reg get` and `nmcli device`;
// it asks a running daemon's control socket for its status; it reads
// /proc (other programs on DHCP's port 67 among them) and /sys; it tests directories with access(2) and creates
// no file or directory (its one client socket, bound while it talks to
// wpa_supplicant like wpa_cli's, is removed when it ends).
//
// A probe that cannot read its input reports "unknown" with the reason and
// the others go on; only a real problem fails the check.
package doctor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/internal/ctl"
	"github.com/hostp2pd/hostp2pd/internal/radio"
	"github.com/hostp2pd/hostp2pd/wpactrl"
	"github.com/hostp2pd/hostp2pd/wpaevent"
)

// Level grades a finding.
type Level int

// Finding levels. Unknown means the probe could not read its input.
const (
	OK Level = iota
	Unknown
	Warn
	Fail
)

func (l Level) String() string { return [...]string{"ok", "?", "warn", "FAIL"}[l] }

// Finding is one result line.
type Finding struct {
	Level Level
	Check string
	Msg   string
	Hint  string // may hold several lines
}

// Env is what the checks touch, so tests can replace it.
type Env struct {
	// Request sends a command to the P2P device's control socket.
	Request func(ctx context.Context, cmd string) (string, error)
	// Run runs a program (iw, nmcli) and returns its standard output.
	Run radio.Runner
	// FS is the root file system ("proc/net/unix", "sys/class/net/…").
	FS fs.FS
	// Euid is the effective user id; Pid the doctor's own process id.
	Euid, Pid int
	// Writable says why dir is not writable, nil if it is (no file is made).
	Writable func(dir string) error
	// DaemonCounters returns the counters of a running daemon (its control
	// socket's status); nil when there is no socket to ask.
	DaemonCounters func(ctx context.Context) (map[string]uint64, error)
	// DBus dials wpa_supplicant's D-Bus interface for the P2P device and
	// reads its P2P configuration; nil skips the D-Bus line.
	DBus func(ctx context.Context, iface string) error
}

// Run checks cfg for the P2P device iface and writes a report to w. It
// returns false when a check failed.
func Run(ctx context.Context, cfg *config.Config, iface string, w io.Writer) bool {
	env := Env{Euid: os.Geteuid(), Pid: os.Getpid(), Writable: accessW, Run: radio.Exec, FS: os.DirFS("/"), DBus: probeDBus}
	path := filepath.Join(cfg.CtrlInterface, iface)
	conn, err := wpactrl.Dial(ctx, path)
	if err == nil {
		defer conn.Close()
		env.Request = conn.Request
	}
	if sock := cfg.CtlSocketPath(iface); sock != "" {
		cl := ctl.NewClient(sock)
		defer cl.Close()
		env.DaemonCounters = func(ctx context.Context) (map[string]uint64, error) {
			st, err := cl.Status(ctx)
			return st.Counters, err
		}
	}
	fs := Check(ctx, cfg, iface, env, err)
	return Report(w, fs)
}

// Report prints findings and returns false if any failed.
func Report(w io.Writer, fs []Finding) bool {
	ok := true
	for _, f := range fs {
		fmt.Fprintf(w, "%-4s  %-22s %s\n", f.Level, f.Check, f.Msg)
		if f.Hint != "" && f.Level != OK {
			for i, l := range strings.Split(f.Hint, "\n") {
				arrow := "→"
				if i > 0 {
					arrow = " "
				}
				fmt.Fprintf(w, "      %-22s %s %s\n", "", arrow, l)
			}
		}
		ok = ok && f.Level != Fail
	}
	return ok
}

type checker struct {
	ctx   context.Context
	cfg   *config.Config
	iface string // the P2P device ("p2p-dev-wlan0")
	env   Env
	fs    []Finding
	// dbusErr is the D-Bus probe's answer; picked the backend the daemon
	// would use ("" none, with pickWhy).
	dbusErr         error
	picked, pickWhy string
}

func (c *checker) add(l Level, check, msg, hint string) {
	c.fs = append(c.fs, Finding{l, check, msg, hint})
}

func (c *checker) unknown(check string, err error) {
	c.add(Unknown, check, "unknown: "+err.Error(), "")
}

// probeTimeout bounds each program doctor runs.
const probeTimeout = 5 * time.Second

// Check runs every check; dialErr is the error of connecting to the P2P
// device's control socket (nil if env.Request works).
func Check(ctx context.Context, cfg *config.Config, iface string, env Env, dialErr error) []Finding {
	if run := env.Run; run != nil { // one hung program (nmcli waiting on D-Bus) must not eat the others' time
		env.Run = func(ctx context.Context, name string, args ...string) (string, error) {
			ctx, cancel := context.WithTimeout(ctx, probeTimeout)
			defer cancel()
			return run(ctx, name, args...)
		}
	}
	c := &checker{ctx: ctx, cfg: cfg, iface: iface, env: env}
	if env.Euid == 0 {
		c.add(OK, "privileges", "running as root", "")
	} else {
		c.add(Warn, "privileges", fmt.Sprintf("running as uid %d", env.Euid),
			"the daemon needs CAP_NET_ADMIN (group address, DHCP on port 67) and access to the wpa_supplicant socket group (ctrl_interface GROUP=)")
	}
	facts := radio.Facts{Netdev: radio.Netdev(iface), PhyErr: errors.New("no way to run iw"), IfacesErr: errors.New("no way to run iw"), RegErr: errors.New("no way to run iw")}
	if env.Run != nil {
		facts = radio.Probe(ctx, env.Run, iface)
	}
	c.probeBackends(dialErr)
	c.safe("control socket", func() { c.supplicant(dialErr, facts) })
	c.safe("D-Bus", func() { c.dbus(dialErr) })
	c.safe("backend", c.backend)
	c.safe("radio", func() { c.radio(facts) })
	c.safe("NetworkManager", func() { c.networkManager(facts.Netdev) })
	c.safe("other P2P drivers", func() { c.otherClients(facts.Netdev) })
	c.safe("DHCP server", c.dhcp)
	c.safe("files", c.files)
	return c.fs
}

// safe runs one group of checks; a panic in it (a bug, or input no test
// foresaw) becomes an unknown line and the other checks go on.
func (c *checker) safe(check string, probe func()) {
	defer func() {
		if r := recover(); r != nil {
			c.add(Unknown, check, fmt.Sprintf("unknown: internal error in this check: %v", r), "please report it with this output")
		}
	}()
	probe()
}

// supplicant checks the control socket and wpa_supplicant's settings.
func (c *checker) supplicant(dialErr error, facts radio.Facts) {
	cfg, iface := c.cfg, c.iface
	if dialErr != nil || c.env.Request == nil {
		if dialErr == nil {
			dialErr = errors.New("not connected")
		}
		if c.picked == config.BackendDBus {
			c.add(OK, "control socket", fmt.Sprintf("%s/%s: %v (not needed: D-Bus is used)", cfg.CtrlInterface, iface, dialErr), "")
			c.country("", false, facts)
			return
		}
		c.add(Fail, "control socket", fmt.Sprintf("%s/%s: %v", cfg.CtrlInterface, iface, dialErr),
			"is wpa_supplicant running with ctrl_interface=DIR="+cfg.CtrlInterface+" and a P2P-capable driver (-Dnl80211)? `iw dev` should list a P2P-device")
		c.country("", false, facts)
		return
	}
	req := func(cmd string) (string, error) {
		ctx, cancel := context.WithTimeout(c.ctx, 3*time.Second)
		defer cancel()
		r, err := c.env.Request(ctx, cmd)
		return strings.TrimSpace(r), err
	}
	if r, err := req("PING"); err != nil || r != "PONG" {
		c.add(Fail, "control socket", fmt.Sprintf("PING: %q %v", r, err), "wpa_supplicant does not answer")
		c.country("", false, facts)
		return
	}
	c.add(OK, "control socket", cfg.CtrlInterface+"/"+iface+" answers PING", "")

	if r, err := req("STATUS"); err != nil {
		c.unknown("p2p device", fmt.Errorf("STATUS: %w", err))
	} else if st := wpaevent.ParseStatus(r); st.P2PDeviceAddress.IsZero() {
		why := "P2P is not enabled on this interface (driver without P2P, or p2p_disabled=1)"
		if d, err := req("GET p2p_disabled"); err == nil && d == "1" {
			why = "wpa_supplicant runs with p2p_disabled=1: remove it from wpa_supplicant.conf and restart wpa_supplicant"
		}
		c.add(Fail, "p2p device", iface+" has no p2p_device_address", why)
	} else {
		c.add(OK, "p2p device", "device address "+st.P2PDeviceAddress.String(), "")
	}

	// get returns a setting; ok is false when wpa_supplicant refuses the
	// GET (FAIL: the setting is unset, or this build cannot print it).
	get := func(name string) (v string, ok bool, err error) {
		r, err := req("GET " + name)
		if errors.Is(err, wpactrl.ErrFail) || err == nil && (r == "FAIL" || r == "UNKNOWN COMMAND") {
			return "", false, nil
		}
		if err != nil {
			return "", false, err
		}
		return r, true, nil
	}
	value := func(name string) (string, error) {
		v, _, err := get(name)
		return v, err
	}
	if cm, err := value("config_methods"); err != nil {
		c.unknown("config_methods", err)
	} else if cm == "" {
		c.add(Warn, "config_methods", "not set", "set config_methods=keypad virtual_push_button (or display) in wpa_supplicant.conf")
	} else {
		c.add(OK, "config_methods", cm, "")
	}
	if pr, err := value("persistent_reconnect"); err != nil {
		c.unknown("persistent_reconnect", err)
	} else if pr != "1" {
		lvl := Warn
		if cfg.Mode == config.ModePersistent || cfg.Mode == config.ModePersistentOnDemand || cfg.Mode == config.ModeNegotiatedPersistent {
			lvl = Fail
		}
		c.add(lvl, "persistent_reconnect", "not 1", "set persistent_reconnect=1 so phones re-invoke a persistent group without a prompt")
	} else {
		c.add(OK, "persistent_reconnect", "1", "")
	}
	updateConfig, ucErr := value("update_config")
	if ucErr != nil {
		c.unknown("update_config", ucErr)
	} else if updateConfig != "1" && cfg.SaveConfigEnabled {
		c.add(Warn, "update_config", "not 1", "persistent groups are not saved across wpa_supplicant restarts without update_config=1")
	}
	if cc, set, err := get("country"); err != nil {
		c.unknown("country", err)
	} else {
		c.country(cc, set, facts)
	}
	if dn, err := value("device_name"); err != nil {
		c.unknown("device_name", err)
	} else if dn == "" {
		c.add(Warn, "device_name", "not set", "set device_name= — it is the name phones show")
	} else {
		c.add(OK, "device_name", dn, "")
	}
	c.macPolicy(get, updateConfig, facts.Netdev)

	if r, err := req("LIST_NETWORKS"); err != nil {
		c.unknown("persistent groups", err)
	} else if nets, err := wpaevent.ParseListNetworks(r); err != nil {
		c.unknown("persistent groups", err)
	} else {
		n := 0
		for _, nw := range nets {
			if nw.Persistent && strings.HasPrefix(nw.SSID, "DIRECT-") {
				n++
			}
		}
		if n > 3 {
			c.add(Warn, "persistent groups", fmt.Sprintf("%d stored", n), "old persistent groups pile up; remove unused ones with `wpa_cli -i "+iface+" remove_network <id>`")
		} else {
			c.add(OK, "persistent groups", fmt.Sprintf("%d stored", n), "")
		}
	}
}

// country combines wpa_supplicant's country= (set tells whether GET gave
// one) with the kernel's regulatory domain.
func (c *checker) country(cc string, set bool, facts radio.Facts) {
	const hint = "set country=<ISO 3166 code> in wpa_supplicant.conf (e.g. country=DE): in the world domain 00 channels 12-14 and most 5 GHz channels are passive-only, and a group owner there is invisible or refused"
	kernel := facts.Country
	kernelNote := ""
	switch {
	case facts.RegErr != nil:
		kernelNote = "regulatory domain unknown: " + facts.RegErr.Error()
	default:
		kernelNote = "regulatory domain " + kernel
	}
	if set {
		if p := radio.CountryProblem(cc); p != "" {
			c.add(Warn, "country", fmt.Sprintf("wpa_supplicant country=%s: %s", cc, p), hint)
			return
		}
		if facts.RegErr == nil && kernel != cc {
			c.add(Warn, "country", fmt.Sprintf("wpa_supplicant country=%s, but the kernel's %s", cc, kernelNote),
				"the radio did not take the country (a self-managed driver, or another program set it): check `iw reg get`")
			return
		}
		c.add(OK, "country", fmt.Sprintf("%s (%s)", cc, kernelNote), "")
		return
	}
	if facts.RegErr != nil {
		if c.env.Request != nil {
			c.add(Warn, "country", "wpa_supplicant has no country= ("+kernelNote+")", hint)
		} else {
			c.add(Unknown, "country", "unknown: no wpa_supplicant to ask and "+kernelNote, "")
		}
		return
	}
	if p := radio.CountryProblem(kernel); p != "" {
		msg := "kernel " + kernelNote + ": " + p
		if c.env.Request != nil {
			msg = "wpa_supplicant has no country=; " + msg
		}
		c.add(Warn, "country", msg, hint)
		return
	}
	c.add(OK, "country", kernel+" (kernel regulatory domain; wpa_supplicant has no country=)", "")
}

// macPolicy checks how wpa_supplicant picks the P2P device address: if it
// changes at a restart, every phone's saved persistent group stops working.
func (c *checker) macPolicy(get func(string) (string, bool, error), updateConfig, netdev string) {
	const check = "p2p device address"
	driver := ""
	if c.env.FS != nil {
		if l, err := fs.ReadLink(c.env.FS, "sys/class/net/"+netdev+"/device/driver"); err == nil {
			driver = filepath.Base(l)
		}
	}
	const fix = "set p2p_device_random_mac_addr=2 with update_config=1: wpa_supplicant then keeps one address in p2p_device_persistent_mac_addr\nand reuses it at every start, so phones' saved groups keep working (wpa_supplicant 2.10 and later)"
	mode, ok, err := get("p2p_device_random_mac_addr")
	switch {
	case err != nil:
		c.unknown(check, err)
	case !ok:
		msg := "unknown: this wpa_supplicant has no p2p_device_random_mac_addr (an older build)"
		if driver == "brcmfmac" {
			c.add(Warn, check, msg+"; the driver is brcmfmac, which gives the P2P device a new address at each wpa_supplicant restart",
				"phones' saved groups stop reconnecting after every restart; a wpa_supplicant with p2p_device_random_mac_addr fixes it:\n"+fix)
			return
		}
		c.add(Unknown, check, msg, "")
	case mode == "1":
		c.add(Warn, check, "p2p_device_random_mac_addr=1: a new random address at each start while no persistent group is stored", fix)
	case mode == "2":
		msg := "p2p_device_random_mac_addr=2: one random address, kept in p2p_device_persistent_mac_addr"
		if updateConfig != "1" {
			c.add(Warn, check, msg+", but update_config is not 1", "without update_config=1 the kept address is not saved and changes at the next restart")
			return
		}
		c.add(OK, check, msg, "")
	case driver == "brcmfmac":
		c.add(Warn, check, "p2p_device_random_mac_addr="+mode+" and the driver is brcmfmac: it gives the P2P device a new address at each wpa_supplicant restart", fix)
	default:
		c.add(OK, check, "p2p_device_random_mac_addr="+mode+": the address comes from the permanent MAC", "")
	}
}

// radio reports the radio's P2P support, AP coexistence and the channel a
// group would take.
func (c *checker) radio(f radio.Facts) {
	if f.Phy == nil {
		c.add(Unknown, "radio", fmt.Sprintf("unknown: %v", f.PhyErr), "")
		return
	}
	p := f.Phy
	ok, why := radio.P2PSupport(p)
	if !ok {
		c.add(Fail, "radio", p.Name+": "+why, "use a radio whose driver supports P2P-GO (`iw phy` lists P2P-GO under interface modes)")
		return
	}
	c.add(OK, "radio", p.Name+": "+why, "")
	if !strings.HasPrefix(c.iface, "p2p-dev-") && f.IfacesErr == nil {
		for _, i := range f.Ifaces {
			if i.Type == radio.P2PDevice {
				c.add(Warn, "interface", fmt.Sprintf("%s is the station interface, and %s has a P2P-device (%s): wpa_supplicant reports P2P events on p2p-dev-%s", c.iface, p.Name, i.Addr, c.iface),
					"run hostp2pd with -i p2p-dev-"+c.iface+" (or without -i: it finds the P2P device)")
				break
			}
		}
	}

	types := []string{radio.Managed, radio.AP, radio.P2PGO}
	if p.Supports(radio.P2PDevice) {
		types = append(types, radio.P2PDevice)
	}
	_, apOK := p.Allows(types...)
	aps := f.APs()
	var names []string
	for _, a := range aps {
		names = append(names, a.Name)
	}
	_, room := f.GORoom()
	switch {
	case f.IfacesErr != nil:
		c.add(Unknown, "AP + P2P-GO", fmt.Sprintf("unknown which interfaces are up: %v (AP next to a group: allowed %v)", f.IfacesErr, apOK), "")
	case len(aps) > 0 && !room:
		c.add(Fail, "AP + P2P-GO", fmt.Sprintf("AP interface %s is up on %s and no interface combination runs a P2P-GO next to it", strings.Join(names, ", "), p.Name),
			"group creation fails with EBUSY: stop hostapd and delete the AP interface (`iw dev "+names[0]+" del`), or use another radio")
	case len(aps) > 0:
		c.add(OK, "AP + P2P-GO", fmt.Sprintf("AP interface %s is up on %s; the combinations allow a P2P-GO next to it", strings.Join(names, ", "), p.Name), "")
	case apOK:
		c.add(OK, "AP + P2P-GO", "no AP interface on "+p.Name+"; an AP next to the group is allowed", "")
	default:
		c.add(OK, "AP + P2P-GO", "no AP interface on "+p.Name+"; an AP next to the group is NOT allowed: do not add one (such as uap0)", "")
	}

	freq, why := radio.ChooseFreq(f, c.cfg.GroupFreq)
	st, assoc := f.Station()
	lvl, hint := OK, ""
	if assoc && c.cfg.GroupFreq > 5 && freq != st.Freq {
		if n, fit := f.GORoom(); !fit || n <= 1 {
			lvl, hint = Warn, fmt.Sprintf("set group_freq: %d (or remove it) so the group shares the station's channel", st.Freq)
		}
	}
	switch {
	case freq == 2 || freq == 5:
		c.add(lvl, "channel", fmt.Sprintf("hostp2pd starts groups on any %d GHz channel: %s", freq, why), hint)
	default:
		c.add(lvl, "channel", fmt.Sprintf("hostp2pd starts groups on %d MHz: %s", freq, why), hint)
	}
}

// networkManager asks nmcli whether NetworkManager manages the station
// interface or the P2P device: it then runs its own wpa_supplicant (over
// D-Bus) on them and undoes what hostp2pd's does.
func (c *checker) networkManager(netdev string) {
	const check = "NetworkManager"
	if c.env.Run == nil {
		c.add(Unknown, check, "unknown: cannot run nmcli", "")
		return
	}
	out, err := c.env.Run(c.ctx, "nmcli", "-t", "-f", "DEVICE,TYPE,STATE", "device")
	switch {
	case err != nil && strings.Contains(err.Error(), "not found"):
		c.add(Unknown, check, "unknown: nmcli not found (NetworkManager is probably not installed)", "")
		return
	case err != nil && strings.Contains(err.Error(), "not running"):
		c.add(OK, check, "not running", "")
		return
	case err != nil:
		c.unknown(check, fmt.Errorf("nmcli: %w", err))
		return
	}
	var managed []string
	seen := false
	for _, line := range strings.Split(out, "\n") {
		f := splitTerse(line)
		if len(f) < 3 {
			continue
		}
		dev, state := f[0], f[2]
		if dev != netdev && dev != c.iface && !strings.HasPrefix(dev, "p2p-"+netdev+"-") {
			continue
		}
		seen = true
		if state != "unmanaged" {
			managed = append(managed, fmt.Sprintf("%s (%s)", dev, state))
		}
	}
	switch {
	case len(managed) > 0:
		c.add(Warn, check, "manages "+strings.Join(managed, ", "),
			"NetworkManager drives its own wpa_supplicant on these devices and fights hostp2pd's. Make them unmanaged:\n"+
				"/etc/NetworkManager/conf.d/99-hostp2pd.conf:\n"+
				"  [keyfile]\n"+
				"  unmanaged-devices=interface-name:"+netdev+";interface-name:p2p-dev-"+netdev+";interface-name:p2p-"+netdev+"-*\n"+
				"then `systemctl reload NetworkManager` (NetworkManager keeps managing the other interfaces)")
	case seen:
		c.add(OK, check, "running; "+netdev+" and its P2P devices are unmanaged", "")
	default:
		c.add(OK, check, "running; it lists no "+netdev, "")
	}
}

// splitTerse splits one line of `nmcli -t` output at the colons that are
// not escaped with a backslash.
func splitTerse(line string) []string {
	var f []string
	var b strings.Builder
	for i := 0; i < len(line); i++ {
		switch {
		case line[i] == '\\' && i+1 < len(line):
			i++
			b.WriteByte(line[i])
		case line[i] == ':':
			f = append(f, b.String())
			b.Reset()
		default:
			b.WriteByte(line[i])
		}
	}
	return append(f, b.String())
}

// otherClients looks for other programs that drive wpa_supplicant: wpa_cli
// (and the Python hostp2pd, which runs one), another wpa_supplicant on the
// same interface, and any process holding a wpa_ctrl client socket.
func (c *checker) otherClients(netdev string) {
	const check = "other P2P drivers"
	if c.env.FS == nil {
		c.add(Unknown, check, "unknown: no /proc", "")
		return
	}
	entries, err := fs.ReadDir(c.env.FS, "proc")
	if err != nil {
		c.unknown(check, err)
		return
	}
	ctrlPids := map[string]bool{} // pids owning a wpa_ctrl_<pid>-<n> client socket
	if b, err := fs.ReadFile(c.env.FS, "proc/net/unix"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Fields(line)
			if len(f) < 8 {
				continue
			}
			if rest, ok := strings.CutPrefix(filepath.Base(f[len(f)-1]), "wpa_ctrl_"); ok {
				pid, _, _ := strings.Cut(rest, "-")
				ctrlPids[pid] = true
			}
		}
	}
	var others, supplicants []string
	self := fmt.Sprint(c.env.Pid)
	for _, e := range entries {
		pid := e.Name()
		if pid == self || pid == "" || pid[0] < '0' || pid[0] > '9' {
			continue
		}
		b, err := fs.ReadFile(c.env.FS, "proc/"+pid+"/cmdline")
		if err != nil || len(b) == 0 {
			continue
		}
		argv := strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
		prog := filepath.Base(argv[0])
		line := strings.Join(argv, " ")
		switch {
		case prog == "wpa_supplicant":
			if onIface(argv, netdev, c.iface) {
				supplicants = append(supplicants, fmt.Sprintf("pid %s: %s", pid, line))
			}
		case strings.HasPrefix(prog, "python") && strings.Contains(line, "hostp2pd"):
			others = append(others, fmt.Sprintf("the Python hostp2pd (pid %s: %s)", pid, line))
		case prog == "wpa_cli":
			if onIface(argv, netdev, c.iface) || !hasIfaceArg(argv) {
				others = append(others, fmt.Sprintf("wpa_cli (pid %s: %s)", pid, line))
			}
		case ctrlPids[pid] && prog != "hostp2pd":
			others = append(others, fmt.Sprintf("%s (pid %s) has a wpa_supplicant control connection", prog, pid))
		}
	}
	if len(supplicants) > 1 {
		c.add(Fail, "wpa_supplicant", fmt.Sprintf("%d wpa_supplicant processes on %s: %s", len(supplicants), netdev, strings.Join(supplicants, "; ")),
			"run one wpa_supplicant per radio (NetworkManager's, a wpa_supplicant@"+netdev+" unit and a manual one fight over the radio)")
	}
	if len(others) > 0 {
		c.add(Warn, check, strings.Join(others, "; "),
			"another program sending P2P commands (p2p_find, p2p_connect, wps_pbc, p2p_group_remove) undoes hostp2pd's; stop it\n(an interactive wpa_cli only to watch is harmless while it sends nothing)")
		return
	}
	c.add(OK, check, "no wpa_cli, Python hostp2pd or other control client found", "")
}

// onIface reports whether argv names the interface with -i.
func onIface(argv []string, names ...string) bool {
	for i, a := range argv {
		v, ok := "", false
		switch {
		case a == "-i" && i+1 < len(argv):
			v, ok = argv[i+1], true
		case strings.HasPrefix(a, "-i") && len(a) > 2:
			v, ok = a[2:], true
		}
		for _, n := range names {
			if ok && v == n {
				return true
			}
		}
	}
	return false
}

func hasIfaceArg(argv []string) bool {
	for _, a := range argv {
		if strings.HasPrefix(a, "-i") {
			return true
		}
	}
	return false
}

// files checks that the daemon can write where it will, without creating
// anything: an existing directory is tested with access(2); a missing one
// by its nearest existing parent (the daemon creates the log and lease
// directories, not the control socket's).
func (c *checker) files() {
	check := func(what, path string, creates bool) {
		if path == "" {
			return
		}
		dir := filepath.Dir(path)
		if c.env.Writable == nil {
			c.add(Unknown, what, "unknown: cannot test "+dir, "")
			return
		}
		if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
			parent := dir
			for {
				parent = filepath.Dir(parent)
				if _, err := os.Stat(parent); err == nil || parent == filepath.Dir(parent) {
					break
				}
			}
			switch {
			case !creates:
				c.add(Warn, what, dir+" does not exist", "create it or set another path in hostp2pd.yaml")
			case c.env.Writable(parent) != nil:
				c.add(Warn, what, fmt.Sprintf("%s does not exist and %s is not writable", dir, parent), "create it or set another path in hostp2pd.yaml")
			default:
				c.add(OK, what, path+" (hostp2pd creates "+dir+")", "")
			}
			return
		}
		if err := c.env.Writable(dir); err != nil {
			c.add(Warn, what, dir+" is not writable: "+err.Error(), "fix its permissions or set another path in hostp2pd.yaml")
			return
		}
		c.add(OK, what, path, "")
	}
	check("log file", c.cfg.LogFile, true)
	if c.cfg.DHCP.Enabled {
		check("dhcp lease file", c.cfg.LeaseFilePath(c.iface), true)
	}
	check("control API socket", c.cfg.CtlSocketPath(c.iface), false)
}

// accessW tests write permission on dir with access(2): no file is made.
func accessW(dir string) error {
	if err := unix.Access(dir, unix.W_OK); err != nil {
		return fmt.Errorf("access %s: %w", dir, err)
	}
	return nil
}
