package radio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"sync"
)

// Facts are what hostp2pd knows about the radio behind one P2P device. A
// part that could not be read stays empty and its error says why: Phy is
// nil when PhyErr is set, Country is "" when RegErr is set.
type Facts struct {
	Netdev  string  // the interface the P2P device belongs to ("wlan0")
	Phy     *Phy    // the radio; nil when unknown
	Ifaces  []Iface // the radio's interfaces now (the P2P-device wdev included)
	Country string  // the radio's self-managed country, else the global one

	PhyErr, IfacesErr, RegErr error
}

// Errors of [Exec] for iw: the program is not installed, or the kernel has
// no nl80211 (no Wi-Fi driver loaded: a host without Wi-Fi).
var (
	ErrNoIw      = errors.New("iw not found (install the iw package)")
	ErrNoNl80211 = errors.New("no Wi-Fi: nl80211 not found (no cfg80211 driver loaded)")
)

// Runner runs a program and returns its standard output. It must be safe
// for concurrent use: [Probe] runs its commands at once.
type Runner func(ctx context.Context, name string, args ...string) (string, error)

// Exec is the [Runner] of the real system (os/exec). A missing program is
// [ErrNoIw] for iw, a kernel without nl80211 [ErrNoNl80211]; another
// failure carries the program's standard error.
func Exec(ctx context.Context, name string, args ...string) (string, error) {
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if errors.Is(err, exec.ErrNotFound) {
		if name == "iw" {
			return "", ErrNoIw
		}
		return "", fmt.Errorf("%s not found", name)
	}
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if name == "iw" && strings.Contains(msg, "nl80211 not found") {
			return "", ErrNoNl80211
		}
		if msg != "" {
			return string(out), fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, msg)
		}
		return string(out), fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return string(out), nil
}

// Netdev returns the network interface a P2P device interface belongs to:
// "p2p-dev-wlan0" → "wlan0"; any other name is returned as it is (drivers
// without a P2P-device run P2P on the netdev itself).
func Netdev(p2pIface string) string {
	if n, ok := strings.CutPrefix(p2pIface, "p2p-dev-"); ok && n != "" {
		return n
	}
	return p2pIface
}

// Probe reads the facts of the radio behind the P2P device p2pIface with
// `iw dev`, `iw phy` and `iw reg get`. It never fails as a whole: each part
// that cannot be read is left empty with its error in Facts.
//
// The three commands run at once (run must be safe for concurrent use):
// the daemon probes before its first P2P_GROUP_ADD, and one after the
// other three execs of iw cost it about a second on a slow host (issue 20).
func Probe(ctx context.Context, run Runner, p2pIface string) Facts {
	var (
		ifaces                 []Iface
		phys                   []Phy
		reg                    Reg
		devErr, phyErr, regErr error
		wg                     sync.WaitGroup
	)
	wg.Go(func() {
		out, err := run(ctx, "iw", "dev")
		if err != nil {
			devErr = err
			return
		}
		ifaces = ParseIfaces(out)
	})
	wg.Go(func() {
		out, err := run(ctx, "iw", "phy")
		if err != nil {
			phyErr = err
			return
		}
		phys, phyErr = ParsePhys(out)
	})
	wg.Go(func() {
		out, err := run(ctx, "iw", "reg", "get")
		if err != nil {
			regErr = err
			return
		}
		reg = ParseReg(out)
	})
	wg.Wait()
	f := Select(phys, ifaces, reg, Netdev(p2pIface))
	if devErr != nil {
		f.IfacesErr = devErr
	}
	if phyErr != nil {
		f.PhyErr = phyErr
	}
	if regErr != nil {
		f.RegErr = regErr
	}
	return f
}

// Select picks, from everything iw printed, the facts of the radio that
// carries netdev. With one radio only, that radio is used even when netdev
// is not listed (another network namespace, or not created yet).
func Select(phys []Phy, ifaces []Iface, reg Reg, netdev string) Facts {
	f := Facts{Netdev: netdev}
	phy := ""
	for _, i := range ifaces {
		if i.Name == netdev {
			phy = i.Phy
		}
	}
	switch {
	case phy != "":
	case len(phys) == 1:
		phy = phys[0].Name
	default:
		f.IfacesErr = fmt.Errorf("iw dev lists no interface %s", netdev)
	}
	for i := range phys {
		if phys[i].Name == phy {
			f.Phy = &phys[i]
		}
	}
	if f.Phy == nil && len(phys) > 0 {
		f.PhyErr = fmt.Errorf("iw phy has no radio for %s", netdev)
	} else if f.Phy == nil {
		f.PhyErr = ErrNoPhy
	}
	for _, i := range ifaces {
		if i.Phy == phy {
			f.Ifaces = append(f.Ifaces, i)
		}
	}
	f.Country = reg.Global
	if c, ok := reg.Phys[phy]; ok {
		f.Country = c
	}
	if reg.Global == "" && len(reg.Phys) == 0 {
		f.RegErr = errors.New("iw reg get shows no country")
	}
	return f
}

// Station returns the radio's interface associated as a station: a
// managed interface on a channel.
func (f Facts) Station() (Iface, bool) {
	for _, i := range f.Ifaces {
		if i.Type == Managed && i.Freq > 0 {
			return i, true
		}
	}
	return Iface{}, false
}

// WithStation returns f with the station interface Netdev on freq MHz (0:
// not associated), for callers that know the association from
// wpa_supplicant's STATUS (wpa_state=COMPLETED, freq=) rather than from
// `iw dev`, or when iw is missing.
func (f Facts) WithStation(freq int) Facts {
	ifs := make([]Iface, 0, len(f.Ifaces)+1)
	found := false
	for _, i := range f.Ifaces {
		if i.Name == f.Netdev {
			i.Type, i.Freq, found = Managed, freq, true
		}
		ifs = append(ifs, i)
	}
	if !found {
		phy := ""
		if f.Phy != nil {
			phy = f.Phy.Name
		}
		ifs = append(ifs, Iface{Phy: phy, Name: f.Netdev, Type: Managed, Freq: freq})
	}
	f.Ifaces = ifs
	return f
}

// APs returns the radio's access-point interfaces (hostapd's, such as
// uap0). P2P groups are "P2P-GO", not "AP".
func (f Facts) APs() []Iface {
	var aps []Iface
	for _, i := range f.Ifaces {
		if i.Type == AP {
			aps = append(aps, i)
		}
	}
	return aps
}

// GORoom reports whether a P2P group owner fits next to the radio's current
// interfaces (groups already up are left out: the question is whether ours
// fits), and on how many channels at most. It is false when Phy is nil.
func (f Facts) GORoom() (channels int, ok bool) {
	if f.Phy == nil {
		return 0, false
	}
	types := []string{P2PGO}
	for _, i := range f.Ifaces {
		if i.Type != P2PGO && i.Type != P2PClient {
			types = append(types, i.Type)
		}
	}
	return f.Phy.Allows(types...)
}

// Supports reports whether mode is among the radio's interface modes.
func (p *Phy) Supports(mode string) bool { return slices.Contains(p.Modes, mode) }

// software interface types do not count in combinations.
func software(t string) bool { return t == "monitor" || t == "AP/VLAN" }

// Allows reports whether the radio can run one interface of each of types
// at the same time (a type given twice means two interfaces), and the
// largest number of channels a combination that fits allows. A radio that
// lists no combination runs a single interface.
func (p *Phy) Allows(types ...string) (channels int, ok bool) {
	var need []string
	for _, t := range types {
		if !software(t) {
			need = append(need, t)
		}
	}
	if len(p.Combinations) == 0 {
		if len(need) <= 1 {
			return 1, true
		}
		return 0, false
	}
	for _, c := range p.Combinations {
		if c.fits(need) && c.Channels > channels {
			channels, ok = c.Channels, true
		} else if c.fits(need) {
			ok = true
		}
	}
	if ok && channels == 0 {
		channels = 1
	}
	return channels, ok
}

// fits assigns each needed interface to a limit that names its type,
// backtracking (there are a handful of each).
func (c Combination) fits(need []string) bool {
	if c.Total > 0 && len(need) > c.Total {
		return false
	}
	used := make([]int, len(c.Limits))
	var assign func(k int) bool
	assign = func(k int) bool {
		if k == len(need) {
			return true
		}
		for i, l := range c.Limits {
			if used[i] < l.Max && slices.Contains(l.Types, need[k]) {
				used[i]++
				if assign(k + 1) {
					return true
				}
				used[i]--
			}
		}
		return false
	}
	return assign(0)
}

// P2PSupport says whether the radio can be a Wi-Fi Direct group owner: the
// P2P-GO interface mode, and a combination that runs it next to the
// station interface (and the P2P-device, when the driver has one).
func P2PSupport(p *Phy) (ok bool, why string) {
	if !p.Supports(P2PGO) {
		return false, "the driver offers no P2P-GO interface mode: this radio cannot be a Wi-Fi Direct group owner"
	}
	types := []string{Managed, P2PGO}
	dev := p.Supports(P2PDevice)
	if dev {
		types = append(types, P2PDevice)
	}
	n, fit := p.Allows(types...)
	if !fit {
		return false, fmt.Sprintf("no interface combination runs %s at once", strings.Join(types, " + "))
	}
	if !dev {
		return true, fmt.Sprintf("P2P-GO supported, no P2P-device (wpa_supplicant runs P2P on the station interface); managed + P2P-GO on %s", plural(n, "channel"))
	}
	return true, fmt.Sprintf("P2P-GO and P2P-device supported; managed + P2P-device + P2P-GO on %s", plural(n, "channel"))
}

// CountryProblem returns what is wrong with a regulatory country code, or
// "" when it is a country. "" (unknown) and "00" (the world domain) are
// problems: channels 12-14 and most 5 GHz ones are then passive-only, and
// wpa_supplicant may not start a group owner there.
func CountryProblem(cc string) string {
	switch {
	case cc == "":
		return "no country code is set"
	case cc == "00":
		return "00 is the world domain, not a country"
	case len(cc) != 2 || cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z':
		return fmt.Sprintf("%q is not a country code", cc)
	}
	return ""
}

// Social channels of 2.4 GHz, where P2P discovery happens and every phone
// looks.
var socialFreqs = [...]int{2412, 2437, 2462}

// IsSocial reports whether freq is a 2.4 GHz social channel (1, 6 or 11).
func IsSocial(freq int) bool { return slices.Contains(socialFreqs[:], freq) }

// usable reports whether a group owner may start on freq: the radio lists
// it, not disabled and not passive-only. Unknown channel lists allow all.
func (p *Phy) usable(freq int) bool {
	if p == nil || len(p.Channels) == 0 {
		return true
	}
	for _, c := range p.Channels {
		if c.Freq == freq {
			return !c.Disabled && !c.NoIR
		}
	}
	return false
}

// ChooseFreq decides the freq= of P2P_GROUP_ADD for groupFreq (the
// group_freq setting: 0 unset, 2 or 5 a band, else MHz) and says why in a
// sentence for the log. The policy:
//   - a frequency in MHz from the configuration is kept (with a warning in
//     why when the radio's station or regulatory rules work against it);
//   - a station interface on a radio that allows one channel for managed +
//     P2P-GO: the station's frequency (a group elsewhere fails or makes the
//     radio hop);
//   - otherwise, without group_freq or with 2: a social channel, the
//     station's when it is on one, else the first usable of 1, 6 and 11;
//   - group_freq 5 with room for a second channel: 5 (wpa_supplicant picks).
//
// It returns 2 (any 2.4 GHz channel) when no social channel is usable.
func ChooseFreq(f Facts, groupFreq int) (freq int, why string) {
	st, assoc := f.Station()
	channels, fit := 0, false
	if assoc && f.Phy != nil {
		channels, fit = f.GORoom()
	}
	oneChannel := assoc && (f.Phy == nil || !fit || channels <= 1)
	shared := func() string {
		switch {
		case f.Phy == nil:
			return fmt.Sprintf("%s is a station on %d MHz and the radio's interface combinations are unknown (%v)", st.Name, st.Freq, f.PhyErr)
		case !fit:
			return fmt.Sprintf("%s is a station on %d MHz and no interface combination of %s runs a P2P-GO next to it", st.Name, st.Freq, f.Phy.Name)
		}
		return fmt.Sprintf("%s is a station on %d MHz and %s allows one channel for managed + P2P-GO", st.Name, st.Freq, f.Phy.Name)
	}
	if groupFreq > 5 {
		why = fmt.Sprintf("group_freq %d MHz from the configuration", groupFreq)
		if oneChannel && st.Freq != groupFreq {
			why += "; but " + shared() + ": the group may fail to start or be moved to " + fmt.Sprint(st.Freq) + " MHz"
		}
		if f.Phy != nil && !f.Phy.usable(groupFreq) {
			why += fmt.Sprintf("; %s marks %d MHz disabled or passive-only (country code?)", f.Phy.Name, groupFreq)
		}
		if groupFreq == 2467 || groupFreq == 2472 {
			why += "; channels 12 and 13 are invisible to phones set for the US"
		}
		return groupFreq, why
	}
	if oneChannel {
		return st.Freq, shared() + ": the group uses the station's channel"
	}
	setting := "no group_freq"
	if groupFreq == 2 || groupFreq == 5 {
		setting = fmt.Sprintf("group_freq %d", groupFreq)
	}
	if groupFreq == 5 {
		if assoc {
			return 5, fmt.Sprintf("%s: any 5 GHz channel (%s is a station on %d MHz, %s allows %s)", setting, st.Name, st.Freq, f.Phy.Name, plural(channels, "channel"))
		}
		return 5, setting + ": any 5 GHz channel wpa_supplicant picks"
	}
	if assoc && IsSocial(st.Freq) {
		return st.Freq, fmt.Sprintf("%s: social channel %d MHz, the one %s is a station on (no channel switching)", setting, st.Freq, st.Name)
	}
	for _, s := range socialFreqs {
		if f.Phy.usable(s) {
			why = fmt.Sprintf("%s: social channel %d MHz (first usable of 1, 6, 11)", setting, s)
			if assoc {
				why += fmt.Sprintf("; %s is a station on %d MHz, %s allows %s", st.Name, st.Freq, f.Phy.Name, plural(channels, "channel"))
			}
			return s, why
		}
	}
	return 2, fmt.Sprintf("%s: no social channel is usable on %s (disabled or passive-only: country code?), any 2.4 GHz channel", setting, f.Phy.Name)
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
