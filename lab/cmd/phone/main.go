// Command phone simulates a Wi-Fi Direct phone in the hostp2pd lab VM.
//
// It drives the wpa_supplicant of one phone radio (p2p-dev-wlanN, running in
// network namespace phN) over its control socket and prints one
// machine-readable line per step, for example
//
//	PHONE t=12.345 phone=ph1 step=joined method=pbc group=p2p-wlan1-0 ssid=DIRECT-xy freq=2437 ms=4213 ok=1
//
// t is the VM uptime in seconds (comparable with the supplicant logs), ms the
// duration of the step.  The exit status is 0 when ok=1.  State that later
// steps need (the GO's address, the group interface, the SSID) is kept in
// /tmp/phone-<phone>.state.
//
// Usage:
//
//	phone [--phone phN] find <go-dev-addr|name> [--timeout 30s]
//	phone [--phone phN] join --method pbc|keypad|display [--pin N] [--join|--negotiate] [--persistent] [--go ADDR]
//	phone [--phone phN] reinvoke [--via invite|group-add] [--go ADDR]
//	phone [--phone phN] search [--method M] [--timeout 10s]
//	phone [--phone phN] leave
//	phone [--phone phN] sd [--service _http._tcp [--instance Kiosk]] [--upnp ST] [--go ADDR]   (sd.go)
//	phone [--phone phN] mdns [--service _http._tcp [--instance Kiosk]] [--host hostp2pd] [--qu]   (mdnsq.go)
//	phone [--phone phN] dhcp [--renew N]
//	phone [--phone phN] ping <ip> [-c N] [--min M]
//	phone [--phone phN] --client legacy join --ssid S --passphrase P   (legacy.go)
//
// Methods: pbc = push button; keypad = the phone types --pin (the GO's PIN);
// display = the phone shows --pin and the GO side must enter it.
// --join (default) joins a running group (p2p_connect ... join);
// --negotiate runs GO negotiation with go_intent=0.
//
// --client (default plain, or $PHONE_CLIENT) is the software on the phone,
// which decides what happens to an invitation (docs/clients.md):
//
//   - plain copies wpa_cli and NetworkManager (nm-device-wifi-p2p.c only
//     negotiates): nothing answers P2P-INVITATION-RECEIVED, and the
//     supplicant runs with wpa_supplicant's default persistent_reconnect=0,
//     so it replies "information currently unavailable" (status 1) to every
//     invitation (p2p_supplicant.c wpas_invitation_process).
//   - android copies AOSP: p2p_supplicant_overlay.conf sets
//     persistent_reconnect=1, so the supplicant itself accepts a
//     re-invocation of a group it stored; an invitation to another group
//     (P2P-INVITATION-RECEIVED ... unknown-network) is the user dialog of
//     WifiP2pServiceImpl, accepted here at once: P2P_CANCEL of a pending
//     negotiation, then p2p_connect <GO> <method> join (the PHONE line says
//     mode=invited).  Its own re-invocation refused with status 1 or 8 is
//     followed by p2p_connect <GO> pbc persistent join, as the framework
//     does (androidReinvocation).
//
// Every command sets persistent_reconnect on the phone's supplicant to
// match its client.  search is the user opening the Wi-Fi Direct screen:
// p2p_find until the phone is in a group (a GO inviting it back) or the
// timeout.
//
// Built with CGO_ENABLED=0; the standard library, and github.com/miekg/dns
// for the DNS wire format of service discovery and mDNS.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

type phone struct {
	name    string // ph1
	n       int    // radio index
	netns   string
	dir     string // control socket directory
	iface   string // p2p-dev-wlanN
	verbose bool
	timeout time.Duration
	client  string // plain or android

	start  time.Time
	up0    float64
	cmd    *ctrlConn
	ev     *ctrlConn
	state  map[string]string
	events []string // recent events, for failure reports
}

var macRE = regexp.MustCompile(`^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$`)

func main() { os.Exit(run(os.Args[1:])) }

func usage() int {
	fmt.Fprintln(os.Stderr, `usage: phone [--phone phN] <find|join|reinvoke|search|leave|dhcp|ping> [args]
  find <go-dev-addr|name>       p2p_find until the GO is seen
  join --method pbc|keypad|display [--pin N] [--join|--negotiate] [--persistent]
  reinvoke [--via invite|group-add]   re-invoke the stored persistent group
  search [--method M]           p2p_find until a GO brings the phone into a group
  leave                         p2p_group_remove of the phone's group
  sd [--service T [--instance I]] [--upnp ST]   Android's discoverServices:
                                P2P_SERV_DISC_REQ (Bonjour PTR/TXT, UPnP) + p2p_find
  mdns [--service T [--instance I]] [--host H] [--qu]   mDNS queries on the group
                                (in the phone's netns): PTR, SRV, TXT, A
  dhcp [--renew N]              udhcpc on the group interface (in the phone's netns);
                                --renew: then N renewals (SIGUSR1), each timed
  ping <ip> [-c N] [--min M]    ping from the phone's netns
common flags: --phone phN (default $PHONE or ph1), --client plain|android|legacy
  (default $PHONE_CLIENT or plain), --ctrl-dir DIR, --timeout D, -v`)
	return 2
}

// parseAll parses flags that may be interleaved with positional arguments.
func parseAll(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func run(args []string) int {
	if len(args) == 0 {
		return usage()
	}
	// global flags may come before the subcommand
	var sub string
	var rest []string
	for i, a := range args {
		if !strings.HasPrefix(a, "-") && (i == 0 || !needsValue(args[i-1])) {
			sub, rest = a, append(append([]string{}, args[:i]...), args[i+1:]...)
			break
		}
	}
	if sub == "" {
		return usage()
	}
	p := &phone{start: time.Now()}
	defClient := os.Getenv("PHONE_CLIENT")
	if defClient == "" {
		defClient = "plain"
	}
	fs := flag.NewFlagSet("phone "+sub, flag.ContinueOnError)
	def := os.Getenv("PHONE")
	if def == "" {
		def = "ph1"
	}
	fs.StringVar(&p.name, "phone", def, "phone name phN (radio N, netns phN)")
	fs.StringVar(&p.dir, "ctrl-dir", "/var/run/wpa_supplicant", "wpa_supplicant control socket directory")
	fs.StringVar(&p.netns, "netns", "", "network namespace (default: the phone name)")
	fs.StringVar(&p.iface, "iface", "", "P2P device control interface (default p2p-dev-wlanN)")
	fs.DurationVar(&p.timeout, "timeout", 0, "step timeout (default depends on the step)")
	fs.BoolVar(&p.verbose, "v", false, "print every event to stderr")
	fs.StringVar(&p.client, "client", defClient, "plain (wpa_cli, NetworkManager), android, or legacy: a station without Wi-Fi Direct (legacy.go)")
	client := &p.client
	ssid := fs.String("ssid", "", "legacy join: SSID")
	passphrase := fs.String("passphrase", "", "legacy join: passphrase")
	// subcommand flags
	method := fs.String("method", "pbc", "join: pbc|keypad|display")
	pin := fs.String("pin", "12345670", "join: PIN (keypad: the GO's PIN; display: the PIN the phone shows)")
	joinF := fs.Bool("join", false, "join: join a running group (default)")
	negotiate := fs.Bool("negotiate", false, "join: GO negotiation with go_intent=0 instead of joining")
	persistent := fs.Bool("persistent", false, "join: ask for a persistent group")
	goAddr := fs.String("go", "", "GO P2P device address (default: the one 'find' saw)")
	via := fs.String("via", "invite", "reinvoke: invite (p2p_find + p2p_invite) or group-add (p2p_group_add persistent=ID)")
	count := fs.Int("c", 3, "ping: count")
	minOK := fs.Int("min", -1, "ping: replies needed for ok=1 (default: all)")
	renew := fs.Int("renew", 0, "dhcp: keep udhcpc running and make it renew N times (SIGUSR1: one unicast REQUEST each)")
	service := fs.String("service", "", "sd, mdns: DNS-SD service type, e.g. _http._tcp")
	instance := fs.String("instance", "", "sd: also ask for the TXT record of this instance; mdns: the instance that must be found")
	upnp := fs.String("upnp", "", "sd: UPnP search target, e.g. urn:schemas-upnp-org:service:ContentDirectory:1")
	host := fs.String("host", "", "mdns: host label to resolve, e.g. hostp2pd (hostp2pd.local)")
	qu := fs.Bool("qu", false, "mdns: ask for unicast responses (QU) instead of multicast (QM)")
	pos, err := parseAll(fs, rest)
	if err != nil {
		return 2
	}
	_ = joinF
	if !strings.HasPrefix(p.name, "ph") {
		fmt.Fprintln(os.Stderr, "phone: --phone must be phN")
		return 2
	}
	p.n, err = strconv.Atoi(strings.TrimPrefix(p.name, "ph"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "phone: --phone must be phN")
		return 2
	}
	if p.netns == "" {
		p.netns = p.name
	}
	if p.client == "p2p" {
		p.client = "plain"
	}
	if p.client != "plain" && p.client != "android" && p.client != "legacy" {
		fmt.Fprintln(os.Stderr, "phone: --client must be plain, android or legacy")
		return 2
	}
	if p.iface == "" {
		p.iface = fmt.Sprintf("p2p-dev-wlan%d", p.n)
		if *client == "legacy" {
			p.iface = fmt.Sprintf("wlan%d", p.n)
		}
	}
	if *client == "legacy" {
		switch sub {
		case "join":
			p.up0 = uptime()
			p.loadState()
			defer p.close()
			return p.legacyJoin(*ssid, *passphrase)
		case "leave":
			p.up0 = uptime()
			p.loadState()
			defer p.close()
			return p.legacyLeave()
		}
	}
	p.up0 = uptime()
	p.loadState()
	defer p.close()

	switch sub {
	case "find":
		if len(pos) != 1 {
			return usage()
		}
		return p.find(pos[0])
	case "join":
		return p.join(*method, *pin, *negotiate, *persistent, *goAddr)
	case "reinvoke":
		return p.reinvoke(*via, *goAddr, *method, *pin)
	case "search":
		return p.search(*method, *pin)
	case "leave":
		return p.leave()
	case "sd":
		return p.sd(*service, *instance, *upnp, *goAddr)
	case "mdns":
		if p.netns != "-" {
			return p.mdnsInNetns(args)
		}
		return p.mdns(*service, *instance, *host, *qu)
	case "dhcp":
		if *renew > 0 {
			return p.dhcpRenew(*renew)
		}
		return p.dhcp()
	case "ping":
		if len(pos) != 1 {
			return usage()
		}
		m := *minOK
		if m < 0 {
			m = *count
		}
		return p.ping(pos[0], *count, m)
	}
	return usage()
}

func needsValue(flagArg string) bool {
	switch strings.TrimLeft(flagArg, "-") {
	case "phone", "ctrl-dir", "netns", "iface", "timeout", "method", "pin", "go", "via", "c", "min", "renew",
		"client", "ssid", "passphrase", "service", "instance", "upnp", "host":
		return !strings.Contains(flagArg, "=")
	}
	return false
}

func uptime() float64 {
	b, err := os.ReadFile("/proc/uptime")
	if err != nil {
		return 0
	}
	f, _ := strconv.ParseFloat(strings.Fields(string(b))[0], 64)
	return f
}

// ---- output ----------------------------------------------------------------

func (p *phone) ms() int64 { return time.Since(p.start).Milliseconds() }

// emit prints the PHONE line; kv are alternating keys and values ("" values
// are left out).  Returns the exit status.
func (p *phone) emit(step string, ok bool, kv ...string) int {
	var b strings.Builder
	fmt.Fprintf(&b, "PHONE t=%.3f phone=%s step=%s", p.up0+time.Since(p.start).Seconds(), p.name, step)
	for i := 0; i+1 < len(kv); i += 2 {
		v := kv[i+1]
		if v == "" {
			continue
		}
		if strings.ContainsAny(v, " \t\"") {
			v = strconv.Quote(v)
		}
		fmt.Fprintf(&b, " %s=%s", kv[i], v)
	}
	o := 0
	if ok {
		o = 1
	}
	fmt.Fprintf(&b, " ms=%d ok=%d", p.ms(), o)
	fmt.Println(b.String())
	if !ok && len(p.events) > 0 {
		fmt.Fprintf(os.Stderr, "phone %s: last events:\n", p.name)
		for _, e := range p.events {
			fmt.Fprintf(os.Stderr, "  %s\n", e)
		}
	}
	if ok {
		return 0
	}
	return 1
}

func (p *phone) fail(step string, err error, kv ...string) int {
	return p.emit(step, false, append(kv, "err", err.Error())...)
}

// ---- state -----------------------------------------------------------------

func (p *phone) statePath() string { return fmt.Sprintf("/tmp/phone-%s.state", p.name) }

func (p *phone) loadState() {
	p.state = map[string]string{}
	b, err := os.ReadFile(p.statePath())
	if err != nil {
		return
	}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, "="); ok {
			p.state[k] = v
		}
	}
}

func (p *phone) saveState() {
	keys := make([]string, 0, len(p.state))
	for k := range p.state {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		if p.state[k] != "" {
			fmt.Fprintf(&b, "%s=%s\n", k, p.state[k])
		}
	}
	_ = os.WriteFile(p.statePath(), []byte(b.String()), 0o644)
}

// ---- control interface -------------------------------------------------------

func (p *phone) connect() error {
	if p.cmd != nil {
		return nil
	}
	path := filepath.Join(p.dir, p.iface)
	var err error
	if p.cmd, err = dialCtrl(path); err != nil {
		return err
	}
	if p.ev, err = dialCtrl(path); err != nil {
		return err
	}
	r, err := p.ev.request("ATTACH", 5*time.Second, nil)
	if err != nil {
		return err
	}
	if r != "OK" {
		return fmt.Errorf("ATTACH: %s", r)
	}
	if p.client == "legacy" {
		return nil
	}
	pr := "0"
	if p.client == "android" {
		pr = "1"
	}
	if r, err := p.cmd.request("SET persistent_reconnect "+pr, 5*time.Second, nil); err != nil || r != "OK" {
		return fmt.Errorf("SET persistent_reconnect %s: %q %v", pr, r, err)
	}
	return nil
}

func (p *phone) close() {
	if p.ev != nil {
		_, _ = p.ev.request("DETACH", time.Second, nil)
		p.ev.Close()
	}
	if p.cmd != nil {
		p.cmd.Close()
	}
}

// do sends a command on the command socket and returns the reply.
func (p *phone) do(cmd string) (string, error) {
	if err := p.connect(); err != nil {
		return "", err
	}
	r, err := p.cmd.request(cmd, 10*time.Second, nil)
	if p.verbose {
		fmt.Fprintf(os.Stderr, "phone %s: %s -> %q (%v)\n", p.name, cmd, r, err)
	}
	return r, err
}

func (p *phone) doOK(cmd string) error {
	r, err := p.do(cmd)
	if err != nil {
		return err
	}
	if r != "OK" {
		return fmt.Errorf("%s: %s", cmd, r)
	}
	return nil
}

// wait reads events until match returns done (or an error) or timeout.
func (p *phone) wait(timeout time.Duration, what string, match func(ev string) (bool, error)) (string, error) {
	if err := p.connect(); err != nil {
		return "", err
	}
	end := time.Now().Add(timeout)
	for {
		left := time.Until(end)
		if left <= 0 {
			return "", fmt.Errorf("timeout %s waiting for %s", timeout, what)
		}
		ev, ok, err := p.ev.event(left)
		if err != nil {
			return "", err
		}
		if !ok {
			continue
		}
		if p.verbose {
			fmt.Fprintf(os.Stderr, "phone %s: event %s\n", p.name, ev)
		}
		if !strings.HasPrefix(ev, "CTRL-EVENT-SCAN") && !strings.HasPrefix(ev, "CTRL-EVENT-BSS") {
			p.events = append(p.events, ev)
			if len(p.events) > 12 {
				p.events = p.events[1:]
			}
		}
		done, err := match(ev)
		if err != nil {
			return ev, err
		}
		if done {
			return ev, nil
		}
	}
}

func (p *phone) to(def time.Duration) time.Duration {
	if p.timeout > 0 {
		return p.timeout
	}
	return def
}

// ---- steps -------------------------------------------------------------------

// discover runs p2p_find until the target (device address or device name) is
// seen; returns its device address and name.
func (p *phone) discover(target string, timeout time.Duration) (string, string, error) {
	isAddr := macRE.MatchString(target)
	if isAddr {
		target = strings.ToLower(target)
	}
	if err := p.connect(); err != nil {
		return "", "", err
	}
	if err := p.doOK("P2P_FIND"); err != nil {
		return "", "", err
	}
	defer p.do("P2P_STOP_FIND")
	ev, err := p.wait(timeout, "P2P-DEVICE-FOUND "+target, func(ev string) (bool, error) {
		if !strings.HasPrefix(ev, "P2P-DEVICE-FOUND ") {
			return false, nil
		}
		if isAddr {
			return evField(ev, "p2p_dev_addr") == target, nil
		}
		return evField(ev, "name") == target, nil
	})
	if err != nil {
		return "", "", err
	}
	return evField(ev, "p2p_dev_addr"), evField(ev, "name"), nil
}

func (p *phone) find(target string) int {
	addr, name, err := p.discover(target, p.to(30*time.Second))
	if err != nil {
		return p.fail("found", err, "target", target)
	}
	p.state["go"] = addr
	p.state["go_name"] = name
	p.saveState()
	return p.emit("found", true, "peer", addr, "name", name)
}

func (p *phone) goAddr(flagGo string) (string, error) {
	if flagGo != "" {
		return strings.ToLower(flagGo), nil
	}
	if a := p.state["go"]; a != "" {
		return a, nil
	}
	return "", fmt.Errorf("no GO address: run 'phone find' first or pass --go")
}

// waitGroupHook is waitGroup with a hook that sees every event first; when
// it returns handled=true the event is not matched any further (err ends
// the wait).
func (p *phone) waitGroupHook(timeout time.Duration, hook func(ev string) (handled bool, err error)) (string, error) {
	ev, err := p.wait(timeout, "P2P-GROUP-STARTED", func(ev string) (bool, error) {
		if hook != nil {
			if handled, err := hook(ev); err != nil {
				return true, err
			} else if handled {
				return false, nil
			}
		}
		switch {
		case strings.HasPrefix(ev, "P2P-GROUP-STARTED "):
			if f := strings.Fields(ev); len(f) > 2 && f[2] != "client" {
				return true, fmt.Errorf("group started with role %s, not client", f[2])
			}
			return true, nil
		case strings.HasPrefix(ev, "P2P-GROUP-FORMATION-FAILURE"),
			strings.HasPrefix(ev, "P2P-GO-NEG-FAILURE"),
			strings.HasPrefix(ev, "P2P-PROV-DISC-FAILURE"):
			return true, fmt.Errorf("%s", ev)
		case strings.HasPrefix(ev, "P2P-INVITATION-RESULT ") && evField(ev, "status") != "0":
			return true, fmt.Errorf("%s", ev)
		}
		return false, nil
	})
	if err != nil {
		return ev, err
	}
	f := strings.Fields(ev)
	p.state["group"] = f[1]
	p.state["ssid"] = evField(ev, "ssid")
	p.state["freq"] = evField(ev, "freq")
	if g := evField(ev, "go_dev_addr"); g != "" {
		p.state["go"] = g
	}
	p.state["ip"] = ""
	p.saveState()
	return ev, nil
}

func (p *phone) join(method, pin string, negotiate, persistent bool, flagGo string) int {
	mode := "join"
	if negotiate {
		mode = "negotiate"
	}
	kv := []string{"method", method, "mode", mode}
	goa, err := p.goAddr(flagGo)
	if err != nil {
		return p.fail("joined", err, kv...)
	}
	var cmd string
	switch method {
	case "pbc":
		cmd = "P2P_CONNECT " + goa + " pbc"
	case "keypad", "display":
		cmd = "P2P_CONNECT " + goa + " " + pin + " " + method
	default:
		return p.fail("joined", fmt.Errorf("unknown method %q", method), kv...)
	}
	if negotiate {
		cmd += " go_intent=0"
	} else {
		cmd += " join"
	}
	if persistent {
		cmd += " persistent"
	}
	if err := p.connect(); err != nil {
		return p.fail("joined", err, kv...)
	}
	if err := p.doOK(cmd); err != nil {
		return p.fail("joined", err, kv...)
	}
	// Android's "accept invitation": a GO that answers our negotiation
	// request by inviting us into its (new or running) group gets a
	// P2P_CANCEL of the negotiation and a p2p_connect ... join.  A plain
	// client has nothing that answers.
	var hook func(string) (bool, error)
	invited := false
	if negotiate && p.client == "android" {
		joinCmd := strings.Replace(cmd, " go_intent=0", " join", 1)
		hook = func(ev string) (bool, error) {
			switch {
			case strings.HasPrefix(ev, "P2P-INVITATION-RECEIVED ") && !invited:
				sa, gda := evField(ev, "sa"), evField(ev, "go_dev_addr")
				if !strings.Contains(ev, "unknown-network") || (sa != goa && gda != goa) {
					return false, nil // persistent invitations: not ours to model here
				}
				invited = true
				_, _ = p.do("P2P_CANCEL")
				if err := p.doOK(joinCmd); err != nil {
					return true, err
				}
				mode = "invited"
				return true, nil
			case invited && strings.HasPrefix(ev, "P2P-GO-NEG-FAILURE"):
				return true, nil // the negotiation we just cancelled
			case invited && strings.HasPrefix(ev, "P2P-INVITATION-RECEIVED "):
				return true, nil // repeated invitation while joining
			}
			return false, nil
		}
	}
	ev, err := p.waitGroupHook(p.to(60*time.Second), hook)
	kv[3] = mode
	if err != nil {
		// like a user giving up: stop retrying WPS in the background
		_, _ = p.do("P2P_CANCEL")
		return p.fail("joined", err, kv...)
	}
	pers := "0"
	if strings.Contains(ev, "[PERSISTENT]") {
		pers = "1"
	}
	return p.emit("joined", true, append(kv, "group", p.state["group"], "ssid", p.state["ssid"],
		"freq", p.state["freq"], "go", p.state["go"], "persistent", pers, "ip_addr", evField(ev, "ip_addr"))...)
}

// persistentID finds the stored persistent group: same SSID as the last
// group if known, else the first [P2P-PERSISTENT] network.
func (p *phone) persistentID() (string, string, error) {
	r, err := p.do("LIST_NETWORKS")
	if err != nil {
		return "", "", err
	}
	var first, firstSSID string
	for _, l := range strings.Split(r, "\n")[1:] {
		f := strings.Split(l, "\t")
		if len(f) < 4 || !strings.Contains(f[3], "P2P-PERSISTENT") {
			continue
		}
		if f[1] == p.state["ssid"] {
			return f[0], f[1], nil
		}
		if first == "" {
			first, firstSSID = f[0], f[1]
		}
	}
	if first == "" {
		return "", "", fmt.Errorf("no persistent group stored (join with --persistent first)")
	}
	return first, firstSSID, nil
}

func (p *phone) reinvoke(via, flagGo, method, pin string) int {
	kv := []string{"via", via}
	id, ssid, err := p.persistentID()
	if err != nil {
		return p.fail("reinvoked", err, kv...)
	}
	kv = append(kv, "id", id)
	var findMS int64
	switch via {
	case "invite":
		goa, err := p.goAddr(flagGo)
		if err != nil {
			return p.fail("reinvoked", err, kv...)
		}
		// an invitation needs a fresh p2p_find: it is sent on the channel
		// last seen for the peer, and stale peers make p2p_invite FAIL
		if _, _, err := p.discover(goa, p.to(30*time.Second)); err != nil {
			return p.fail("reinvoked", err, kv...)
		}
		findMS = p.ms()
		if err := p.doOK("P2P_INVITE persistent=" + id + " peer=" + goa); err != nil {
			return p.fail("reinvoked", err, kv...)
		}
	case "group-add":
		if err := p.doOK("P2P_GROUP_ADD persistent=" + id); err != nil {
			return p.fail("reinvoked", err, kv...)
		}
	default:
		return p.fail("reinvoked", fmt.Errorf("unknown --via %q", via), kv...)
	}
	// Our invitation refused: an Android phone connects instead (see
	// androidReinvocation); a plain client gives up.
	var hook func(string) (bool, error)
	if p.client == "android" && via == "invite" {
		goa, _ := p.goAddr(flagGo)
		hook = p.androidReinvocation(goa, method, pin, &kv)
	}
	if _, err := p.waitGroupHook(p.to(45*time.Second), hook); err != nil {
		return p.fail("reinvoked", err, kv...)
	}
	_ = ssid
	fm := ""
	if findMS > 0 {
		fm = strconv.FormatInt(findMS, 10)
	}
	return p.emit("reinvoked", true, append(kv, "group", p.state["group"], "ssid", p.state["ssid"],
		"freq", p.state["freq"], "find_ms", fm)...)
}

// androidReinvocation is what Android's framework does when its
// re-invocation of a stored group is refused (AOSP WifiP2pServiceImpl,
// GroupNegotiationState, P2P_INVITATION_RESULT_EVENT): on status 8
// (unknown P2P group: the GO forgot it; the GO is removed from the group's
// client list) and on status 1 (information currently unavailable: "devices
// setting persistent_reconnect to 0 always defer the invocation request")
// it connects again with the same configuration and a new persistent group,
// p2pConnectWithPinDisplay: p2p_connect <GO> <method> persistent, with join
// when the peer advertises itself as a group owner (dev.isGroupOwner()),
// else GO negotiation with its default intent 6.  Any other status ends the
// attempt (handleGroupCreationFailure).  Invitations that arrive meanwhile
// are not handled in that state (the dialog belongs to InactiveState), so
// they are ignored here.  kv gets inv_status= and fallback=join|negotiate.
func (p *phone) androidReinvocation(goa, method, pin string, kv *[]string) func(string) (bool, error) {
	done := false
	return func(ev string) (bool, error) {
		switch {
		case strings.HasPrefix(ev, "P2P-INVITATION-RESULT ") && !done:
			st := evField(ev, "status")
			if st == "0" {
				return true, nil // wait for P2P-GROUP-STARTED
			}
			if st != "1" && st != "8" {
				return true, fmt.Errorf("%s", ev)
			}
			done = true
			c := "P2P_CONNECT " + goa + " pbc"
			if method != "pbc" {
				c = "P2P_CONNECT " + goa + " " + pin + " " + method
			}
			c += " persistent"
			how := "negotiate"
			if p.peerIsGO(goa) {
				c += " join"
				how = "join"
			} else {
				c += " go_intent=6"
			}
			*kv = append(*kv, "inv_status", st, "fallback", how)
			return true, p.doOK(c)
		case strings.HasPrefix(ev, "P2P-INVITATION-RECEIVED "):
			return true, nil
		}
		return false, nil
	}
}

// peerIsGO reports whether the peer advertises the group owner bit
// (P2P_PEER group_capab, bit 0), as Android's WifiP2pDevice.isGroupOwner.
func (p *phone) peerIsGO(addr string) bool {
	r, err := p.do("P2P_PEER " + addr)
	if err != nil {
		return false
	}
	for _, l := range strings.Split(r, "\n") {
		if v, ok := strings.CutPrefix(l, "group_capab="); ok {
			n, err := strconv.ParseUint(strings.TrimPrefix(v, "0x"), 16, 8)
			return err == nil && n&1 == 1
		}
	}
	return false
}

// androidInvitations is the Android side of invitations while the user
// looks at the Wi-Fi Direct screen (search): an invitation to a group it
// did not store (P2P-INVITATION-RECEIVED ... unknown-network) is accepted
// as the user would in WifiP2pServiceImpl's dialog (InactiveState ->
// UserAuthorizingInviteRequestState): p2p_connect <GO> <method> join.  kv
// gets mode=invited then.
func (p *phone) androidInvitations(method, pin string, kv *[]string) func(string) (bool, error) {
	invited := false
	return func(ev string) (bool, error) {
		switch {
		case strings.HasPrefix(ev, "P2P-INVITATION-RESULT ") && evField(ev, "status") == "1":
			return true, nil
		case strings.HasPrefix(ev, "P2P-INVITATION-RECEIVED "):
			if invited || !strings.Contains(ev, "unknown-network") {
				return true, nil // the supplicant answered it (persistent_reconnect=1)
			}
			goa := evField(ev, "go_dev_addr")
			if goa == "" {
				goa = evField(ev, "sa")
			}
			invited = true
			*kv = append(*kv, "mode", "invited")
			c := "P2P_CONNECT " + goa + " pbc join"
			if method != "pbc" {
				c = "P2P_CONNECT " + goa + " " + pin + " " + method + " join"
			}
			_, _ = p.do("P2P_STOP_FIND")
			_, _ = p.do("P2P_CANCEL")
			return true, p.doOK(c)
		case invited && strings.HasPrefix(ev, "P2P-GO-NEG-FAILURE"):
			return true, nil // a negotiation cancelled for the join
		}
		return false, nil
	}
}

// search is the user opening the Wi-Fi Direct screen: p2p_find until the
// phone is in a group.  A GO re-invoking a persistent group the phone
// stored is accepted by the supplicant itself (android:
// persistent_reconnect=1); an invitation to another group is accepted the
// Android way (p2p_connect <GO> <method> join).  ms is the time from the
// start of the search to P2P-GROUP-STARTED.
func (p *phone) search(method, pin string) int {
	kv := []string{"client", p.client}
	if err := p.connect(); err != nil {
		return p.fail("back", err, kv...)
	}
	if err := p.doOK("P2P_FIND"); err != nil {
		return p.fail("back", err, kv...)
	}
	var hook func(string) (bool, error)
	if p.client == "android" {
		hook = p.androidInvitations(method, pin, &kv)
	}
	ev, err := p.waitGroupHook(p.to(10*time.Second), hook)
	_, _ = p.do("P2P_STOP_FIND")
	if err != nil {
		_, _ = p.do("P2P_CANCEL")
		return p.fail("back", err, kv...)
	}
	pers := "0"
	if strings.Contains(ev, "[PERSISTENT]") {
		pers = "1"
	}
	return p.emit("back", true, append(kv, "group", p.state["group"], "ssid", p.state["ssid"],
		"freq", p.state["freq"], "go", p.state["go"], "persistent", pers)...)
}

// group returns the phone's group interface: from the state, else the first
// p2p-wlanN-* control socket.
func (p *phone) group() (string, error) {
	if g := p.state["group"]; g != "" {
		if _, err := os.Stat(filepath.Join(p.dir, g)); err == nil {
			return g, nil
		}
	}
	m, _ := filepath.Glob(filepath.Join(p.dir, fmt.Sprintf("p2p-wlan%d-*", p.n)))
	if len(m) > 0 {
		return filepath.Base(m[len(m)-1]), nil
	}
	return "", fmt.Errorf("phone %s is in no group", p.name)
}

func (p *phone) leave() int {
	g, err := p.group()
	if err != nil {
		return p.fail("left", err)
	}
	if err := p.connect(); err != nil {
		return p.fail("left", err, "group", g)
	}
	if err := p.doOK("P2P_GROUP_REMOVE " + g); err != nil {
		return p.fail("left", err, "group", g)
	}
	ev, err := p.wait(p.to(10*time.Second), "P2P-GROUP-REMOVED "+g, func(ev string) (bool, error) {
		return strings.HasPrefix(ev, "P2P-GROUP-REMOVED "+g+" "), nil
	})
	if err != nil {
		return p.fail("left", err, "group", g)
	}
	p.state["group"], p.state["ip"] = "", ""
	p.saveState()
	return p.emit("left", true, "group", g, "reason", evField(ev, "reason"))
}

const udhcpcScript = `#!/bin/sh
# udhcpc hook of the phone simulator
case "$1" in
deconfig) /sbin/ip -4 addr flush dev "$interface" ;;
bound|renew)
	/sbin/ip -4 addr flush dev "$interface"
	/sbin/ip addr add "$ip/${mask:-24}" dev "$interface"
	echo "PHONE-DHCP event=$1 ip=$ip mask=${mask:-24} router=$router serverid=$serverid lease=$lease" ;;
esac
exit 0
`

func (p *phone) dhcp() int {
	g, err := p.group()
	if err != nil {
		return p.fail("dhcp", err)
	}
	script := "/tmp/phone-udhcpc.sh"
	if err := os.WriteFile(script, []byte(udhcpcScript), 0o755); err != nil {
		return p.fail("dhcp", err, "group", g)
	}
	secs := int(p.to(20*time.Second) / time.Second)
	tries := secs / 3
	if tries < 1 {
		tries = 1
	}
	args := []string{"udhcpc", "-i", g, "-s", script, "-n", "-q", "-t", strconv.Itoa(tries), "-T", "3"}
	out, err := p.inNetns(args...)
	if p.verbose {
		fmt.Fprintf(os.Stderr, "%s", out)
	}
	var ip, server string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "PHONE-DHCP ") {
			ip, server = evField(l, "ip"), evField(l, "serverid")
		}
	}
	if ip == "" {
		if err == nil {
			err = fmt.Errorf("no lease")
		}
		fmt.Fprint(os.Stderr, out)
		return p.fail("dhcp", err, "group", g)
	}
	p.state["ip"] = ip
	p.saveState()
	return p.emit("dhcp", true, "group", g, "ip", ip, "server", server)
}

// inNetns runs a command in the phone's network namespace; combined output.
func (p *phone) inNetns(args ...string) (string, error) {
	var c *exec.Cmd
	if p.netns == "-" {
		c = exec.Command(args[0], args[1:]...)
	} else {
		c = exec.Command("/sbin/ip", append([]string{"netns", "exec", p.netns}, args...)...)
	}
	b, err := c.CombinedOutput()
	return string(b), err
}

var (
	pingStatsRE = regexp.MustCompile(`(\d+) packets transmitted, (\d+) (packets )?received`)
	pingRTTRE   = regexp.MustCompile(`min/avg/max[^=]*= [0-9.]+/([0-9.]+)/`)
)

func (p *phone) ping(target string, count, minOK int) int {
	out, _ := p.inNetns("ping", "-c", strconv.Itoa(count), "-W", "2", target)
	m := pingStatsRE.FindStringSubmatch(out)
	if m == nil {
		fmt.Fprint(os.Stderr, out)
		return p.fail("ping", fmt.Errorf("no ping statistics"), "target", target)
	}
	sent, _ := strconv.Atoi(m[1])
	recv, _ := strconv.Atoi(m[2])
	rtt := ""
	if r := pingRTTRE.FindStringSubmatch(out); r != nil {
		rtt = r[1]
	}
	ok := recv >= minOK && recv > 0
	if !ok {
		fmt.Fprint(os.Stderr, out)
	}
	return p.emit("ping", ok, "target", target, "sent", m[1], "recv", m[2], "rtt_ms", rtt, "from", p.state["ip"],
		"loss", strconv.Itoa(sent-recv))
}
