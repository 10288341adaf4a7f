// Package doctor is the preflight check behind `hostp2pd doctor`: it looks
// at the configuration, wpa_supplicant's control sockets and settings, the
// radio's capabilities and the files the daemon writes, and says what would
// stop phones from joining, with a hint for each problem. It only reads:
// no command it sends changes wpa_supplicant's state.
package doctor

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/wpactrl"
	"github.com/hostp2pd/hostp2pd/wpaevent"
)

// Level grades a finding.
type Level int

// Finding levels.
const (
	OK Level = iota
	Warn
	Fail
)

func (l Level) String() string { return [...]string{"ok", "warn", "FAIL"}[l] }

// Finding is one result line.
type Finding struct {
	Level Level
	Check string
	Msg   string
	Hint  string
}

// Env is what the checks touch, so tests can replace it.
type Env struct {
	// Request sends a command to the P2P device's control socket.
	Request func(ctx context.Context, cmd string) (string, error)
	// IwPhy returns `iw phy` output ("" if iw is missing).
	IwPhy func() string
	// Euid is the effective user id.
	Euid int
	// Writable reports whether a file could be created in dir.
	Writable func(dir string) bool
}

// Run checks cfg for the P2P device iface and writes a report to w. It
// returns false when a check failed.
func Run(ctx context.Context, cfg *config.Config, iface string, w io.Writer) bool {
	env := Env{Euid: os.Geteuid(), Writable: writable, IwPhy: iwPhy}
	path := filepath.Join(cfg.CtrlInterface, iface)
	conn, err := wpactrl.Dial(ctx, path)
	if err == nil {
		defer conn.Close()
		env.Request = conn.Request
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
			fmt.Fprintf(w, "      %-22s → %s\n", "", f.Hint)
		}
		ok = ok && f.Level != Fail
	}
	return ok
}

// Check runs every check; dialErr is the error of connecting to the P2P
// device's control socket (nil if env.Request works).
func Check(ctx context.Context, cfg *config.Config, iface string, env Env, dialErr error) []Finding {
	var fs []Finding
	add := func(l Level, check, msg, hint string) { fs = append(fs, Finding{l, check, msg, hint}) }

	if env.Euid == 0 {
		add(OK, "privileges", "running as root", "")
	} else {
		add(Warn, "privileges", fmt.Sprintf("running as uid %d", env.Euid),
			"the daemon needs CAP_NET_ADMIN (group address, DHCP on port 67) and access to the wpa_supplicant socket group (ctrl_interface GROUP=)")
	}

	if dialErr != nil || env.Request == nil {
		add(Fail, "control socket", fmt.Sprintf("%s/%s: %v", cfg.CtrlInterface, iface, dialErr),
			"is wpa_supplicant running with ctrl_interface=DIR="+cfg.CtrlInterface+" and a P2P-capable driver (-Dnl80211)? `iw dev` should list a P2P-device")
		return append(fs, files(cfg, iface, env)...)
	}
	req := func(cmd string) (string, error) {
		c, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		r, err := env.Request(c, cmd)
		return strings.TrimSpace(r), err
	}
	if r, err := req("PING"); err != nil || r != "PONG" {
		add(Fail, "control socket", fmt.Sprintf("PING: %q %v", r, err), "wpa_supplicant does not answer")
		return fs
	}
	add(OK, "control socket", cfg.CtrlInterface+"/"+iface+" answers PING", "")

	st := wpaevent.ParseStatus(mustReply(req("STATUS")))
	if st.P2PDeviceAddress.IsZero() {
		add(Fail, "p2p device", iface+" has no p2p_device_address", "P2P is not enabled on this interface (driver without P2P, or p2p_disabled=1)")
	} else {
		add(OK, "p2p device", "device address "+st.P2PDeviceAddress.String(), "")
	}

	get := func(name string) string {
		r, err := req("GET " + name)
		if err != nil {
			return ""
		}
		return r
	}
	if cm := get("config_methods"); cm == "" {
		add(Warn, "config_methods", "not set", "set config_methods=keypad virtual_push_button (or display) in wpa_supplicant.conf")
	} else {
		add(OK, "config_methods", cm, "")
	}
	if get("persistent_reconnect") != "1" {
		lvl := Warn
		if cfg.Mode == config.ModePersistent || cfg.Mode == config.ModePersistentOnDemand || cfg.Mode == config.ModeNegotiatedPersistent {
			lvl = Fail
		}
		add(lvl, "persistent_reconnect", "not 1", "set persistent_reconnect=1 so phones re-invoke a persistent group without a prompt")
	} else {
		add(OK, "persistent_reconnect", "1", "")
	}
	if get("update_config") != "1" && cfg.SaveConfigEnabled {
		add(Warn, "update_config", "not 1", "persistent groups are not saved across wpa_supplicant restarts without update_config=1")
	}
	if c := get("country"); c == "" || c == "00" {
		add(Warn, "country", "not set", "set country=<ISO code>: without it many channels are disabled and 5 GHz GOs are invisible")
	} else {
		add(OK, "country", c, "")
	}
	if dn := get("device_name"); dn == "" {
		add(Warn, "device_name", "not set", "set device_name= — it is the name phones show")
	} else {
		add(OK, "device_name", dn, "")
	}

	if nets, err := wpaevent.ParseListNetworks(mustReply(req("LIST_NETWORKS"))); err == nil {
		n := 0
		for _, nw := range nets {
			if nw.Persistent && strings.HasPrefix(nw.SSID, "DIRECT-") {
				n++
			}
		}
		switch {
		case n > 3:
			add(Warn, "persistent groups", fmt.Sprintf("%d stored", n), "old persistent groups pile up; remove unused ones with `wpa_cli -i "+iface+" remove_network <id>`")
		default:
			add(OK, "persistent groups", fmt.Sprintf("%d stored", n), "")
		}
	}

	if env.IwPhy != nil {
		phy := env.IwPhy()
		switch {
		case phy == "":
			add(Warn, "radio", "`iw` not available", "")
		case !strings.Contains(phy, "P2P-GO"):
			add(Fail, "radio", "no P2P-GO interface mode", "this radio/driver cannot be a Wi-Fi Direct group owner")
		case strings.Contains(phy, "#{ AP, P2P-GO") || strings.Contains(phy, "#{ P2P-GO, AP"):
			add(OK, "radio", "supports P2P-GO (shares its limit with AP interfaces: stop hostapd on this radio)", "")
		default:
			add(OK, "radio", "supports P2P-GO", "")
		}
	}
	return append(fs, files(cfg, iface, env)...)
}

func files(cfg *config.Config, iface string, env Env) []Finding {
	var fs []Finding
	check := func(what, path string) {
		if path == "" {
			return
		}
		dir := filepath.Dir(path)
		if env.Writable != nil && !env.Writable(dir) {
			fs = append(fs, Finding{Warn, what, dir + " is not writable", "create it or set another path in hostp2pd.yaml"})
			return
		}
		fs = append(fs, Finding{OK, what, path, ""})
	}
	check("log file", cfg.LogFile)
	if cfg.DHCP.Enabled {
		check("dhcp lease file", cfg.LeaseFilePath(iface))
	}
	check("control API socket", cfg.CtlSocketPath(iface))
	return fs
}

func mustReply(r string, err error) string {
	if err != nil {
		return ""
	}
	return r
}

func writable(dir string) bool {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return false
	}
	f, err := os.CreateTemp(dir, ".hostp2pd-doctor-*")
	if err != nil {
		return false
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return true
}

func iwPhy() string {
	out, err := exec.Command("iw", "phy").Output()
	if err != nil {
		return ""
	}
	return string(out)
}
