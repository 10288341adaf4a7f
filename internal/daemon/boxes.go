package daemon

// The real boxes (issue 15): what the daemon checks of the radio and the
// P2P device each time it connects to wpa_supplicant, before the session
// starts. An interface without P2P stops the daemon; a P2P device address
// that changed since the last run is one ERROR; the channel policy of
// radio.ChooseFreq gives P2P_GROUP_ADD its freq=; the frequency of the
// persistent group is remembered so that it comes back there.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/p2p"
	"github.com/hostp2pd/hostp2pd/internal/radio"
	"github.com/hostp2pd/hostp2pd/internal/status"
	"github.com/hostp2pd/hostp2pd/wpaevent"
)

// ErrNoP2P means wpa_supplicant's interface has no P2P (STATUS shows no
// p2p_device_address) or the radio cannot be a group owner: Run stops with
// an error that wraps it, since retrying cannot cure it.
var ErrNoP2P = errors.New("no P2P")

// probeTimeout bounds the iw runs of one probe.
const probeTimeout = 3 * time.Second

// stateVersion is the version of the state file format.
const stateVersion = 1

// boxState is the state file: what must survive a daemon restart.
type boxState struct {
	Version       int              `json:"version"`
	Interface     string           `json:"interface"`
	DeviceAddress string           `json:"p2p_device_address,omitempty"`
	Persistent    *persistentState `json:"persistent,omitempty"`
	Updated       time.Time        `json:"updated"`
}

// persistentState is the persistent group the daemon last ran.
type persistentState struct {
	NetworkID int    `json:"network_id"`
	SSID      string `json:"ssid"`
	Freq      int    `json:"freq"`
}

// boxes is the loop's part of the box checks.
type boxes struct {
	loaded  bool
	path    string // the state file, "" when there is none
	st      boxState
	radio   status.Radio // published in the status
	changes uint64       // P2P device address changes seen
	moved   uint64       // groups that started on another frequency than asked
	warned  bool         // the country warning was given
}

// statePath is the state file of P2P device dev, "" without a state
// directory or for a name that is not a plain file name.
func (d *Daemon) statePath(dev string) string {
	if d.o.StateDir == "" || dev == "" || strings.ContainsAny(dev, `/\`) || strings.HasPrefix(dev, ".") {
		return ""
	}
	return filepath.Join(d.o.StateDir, "state-"+dev+".json")
}

// checkBox runs when the sockets are connected, before the session starts.
// It returns a fatalError wrapping ErrNoP2P for an interface without P2P.
func (l *loop) checkBox(ctx context.Context) error {
	reply, err := l.request(ctx, "", "STATUS")
	if err != nil {
		return fmt.Errorf("STATUS: %w", err)
	}
	st := wpaevent.ParseStatus(reply)
	if st.P2PDeviceAddress.IsZero() {
		l.d.log.Error("wpa_supplicant's interface has no P2P: STATUS shows no p2p_device_address; hostp2pd stops",
			"iface", l.dev, "hint", "remove p2p_disabled=1 from wpa_supplicant.conf, run wpa_supplicant on a Wi-Fi Direct capable radio, and see `hostp2pd doctor`")
		return fatalError{fmt.Errorf("%w on %s: wpa_supplicant's STATUS shows no p2p_device_address (p2p_disabled=1, or a driver without P2P)", ErrNoP2P, l.dev)}
	}
	l.watchAddress(st.P2PDeviceAddress.String())

	pctx, cancel := context.WithTimeout(ctx, probeTimeout)
	f := radio.Probe(pctx, l.d.o.Iw, l.dev)
	cancel()
	if f.Phy != nil && !f.Phy.Supports(radio.P2PGO) {
		why := f.Phy.Name + " offers no P2P-GO interface mode: this radio cannot be a Wi-Fi Direct group owner"
		l.d.log.Error("the radio cannot be a group owner; hostp2pd stops", "iface", l.dev, "reason", why,
			"hint", "use a radio whose `iw phy` lists P2P-GO among the supported interface modes")
		return fatalError{fmt.Errorf("%w on %s: %s", ErrNoP2P, l.dev, why)}
	}
	f = l.stationFromSupplicant(ctx, f, st)
	l.warnCountry(f)
	l.channelPolicy(f)
	return nil
}

// stationFromSupplicant completes f with wpa_supplicant's STATUS of the
// station interface when iw cannot tell (iw missing, or the interface not
// listed): devSt is the STATUS of the P2P device.
func (l *loop) stationFromSupplicant(ctx context.Context, f radio.Facts, devSt wpaevent.Status) radio.Facts {
	if f.IfacesErr == nil {
		for _, i := range f.Ifaces {
			if i.Name == f.Netdev {
				return f
			}
		}
	}
	st := devSt
	if f.Netdev != l.dev {
		reply, err := l.request(ctx, f.Netdev, "STATUS")
		if err != nil {
			l.d.log.Debug("station interface not known to wpa_supplicant", "iface", f.Netdev, "err", err)
			return f
		}
		st = wpaevent.ParseStatus(reply)
	}
	if st.WPAState == "COMPLETED" && st.Freq > 0 && !strings.HasPrefix(st.Mode, "P2P") {
		l.d.log.Debug("station interface from wpa_supplicant's STATUS", "iface", f.Netdev, "freq", st.Freq)
		return f.WithStation(st.Freq)
	}
	return f
}

// warnCountry gives one WARNING per run when the regulatory country is
// missing or the world domain.
func (l *loop) warnCountry(f radio.Facts) {
	l.box.radio.Country = f.Country
	if l.box.warned {
		return
	}
	const hint = "set country=<ISO 3166 code> in wpa_supplicant.conf (e.g. country=DE): in the world domain 00 channels 12-14 and most 5 GHz channels are passive-only, and a group owner there is invisible or refused"
	switch {
	case f.RegErr != nil && f.Country == "":
		l.box.warned = true
		l.d.log.Warn("regulatory country unknown", "err", f.RegErr, "hint", hint)
	case radio.CountryProblem(f.Country) != "":
		l.box.warned = true
		l.d.log.Warn("no regulatory country", "country", f.Country, "problem", radio.CountryProblem(f.Country), "hint", hint)
	}
}

// channelPolicy gives the session the freq= of P2P_GROUP_ADD.
func (l *loop) channelPolicy(f radio.Facts) {
	cfg := l.d.config()
	freq, why := radio.ChooseFreq(f, cfg.GroupFreq)
	st, assoc := f.Station()
	// The persistent group may come back on its old channel unless the
	// configuration names a frequency or the station's channel was taken.
	reuse := cfg.GroupFreq <= 5 && !(assoc && freq == st.Freq)
	l.sess.SetChannel(p2p.Channel{Freq: freq, Why: why, Reuse: reuse})
	if p := l.box.st.Persistent; p != nil {
		l.sess.RememberFreq(p.NetworkID, p.Freq)
	}
	l.box.radio.ChannelFreq, l.box.radio.ChannelWhy = freq, why
	if cfg.GroupFreq > 5 && strings.Contains(why, "; ") {
		l.d.log.Warn("group_freq fights the radio", "freq", freq, "why", why)
		return
	}
	l.d.log.Info("channel policy", "freq", freq, "why", why)
}

// checkGroupFreq compares a group owner's P2P-GROUP-STARTED with the freq=
// of the P2P_GROUP_ADD that asked for it: a group elsewhere is a WARNING
// with the reason.
func (l *loop) checkGroupFreq(ctx context.Context, ev wpaevent.Event) {
	if ev.Kind != wpaevent.GroupStarted || ev.Role != "GO" {
		return
	}
	asked := l.sess.TakeAskedFreq()
	if asked <= 0 || ev.Freq <= 0 || p2p.FreqMatches(asked, ev.Freq) {
		return
	}
	l.box.moved++
	pctx, cancel := context.WithTimeout(ctx, probeTimeout)
	f := radio.Probe(pctx, l.d.o.Iw, l.dev)
	cancel()
	l.d.log.Warn("the group started on another frequency than asked", "group", ev.Group, "asked", asked, "freq", ev.Freq,
		"reason", movedReason(f, asked, ev.Freq))
}

// movedReason explains a group on got MHz when asked was asked for.
func movedReason(f radio.Facts, asked, got int) string {
	if st, ok := f.Station(); ok && st.Freq == got {
		n, _ := f.GORoom()
		return fmt.Sprintf("%s is a station on %d MHz and the radio allows %d channel(s): wpa_supplicant put the group on the station's channel", st.Name, got, max(n, 1))
	}
	if f.Phy != nil {
		for _, c := range f.Phy.Channels {
			if c.Freq == asked && (c.Disabled || c.NoIR) {
				return fmt.Sprintf("%s marks %d MHz disabled or passive-only (country %q)", f.Phy.Name, asked, f.Country)
			}
		}
	}
	return fmt.Sprintf("wpa_supplicant gave no reason (its channel preferences, or the driver refused %d MHz): see its log at -dd", asked)
}

// watchAddress compares the P2P device address with the one remembered in
// the state file: a change is one ERROR (phones' saved groups name the old
// address) and is shown in the status and the metrics.
func (l *loop) watchAddress(addr string) {
	b := &l.box
	l.loadState()
	b.radio.DeviceAddress = addr
	old := b.st.DeviceAddress
	if old == addr {
		return
	}
	if old != "" {
		b.changes++
		b.radio.AddressChanged = &status.AddressChange{Old: old, New: addr, Seen: time.Now()}
		l.d.log.Error("the P2P device address changed since the persistent group was saved: phones that saved the group will not reconnect (they invite the old address); they must forget it and join again",
			"iface", l.dev, "old", old, "new", addr,
			"fix", "in wpa_supplicant.conf set p2p_device_random_mac_addr=2 with update_config=1 (or p2p_device_persistent_mac_addr=<MAC>), on wpa_supplicant builds that have them; brcmfmac (Raspberry Pi) gives the P2P device a new random address at each wpa_supplicant start whatever the setting, so keep wpa_supplicant running or pin the address there")
	}
	b.st.DeviceAddress = addr
	l.saveState()
}

// rememberGroup stores the persistent group's network id and frequency
// (called with each published status).
func (l *loop) rememberGroup(g *status.Group) {
	if g == nil || !g.Persistent || g.NetworkID < 0 || g.Freq <= 0 {
		return
	}
	p := &persistentState{NetworkID: g.NetworkID, SSID: g.SSID, Freq: g.Freq}
	if old := l.box.st.Persistent; old != nil && *old == *p {
		return
	}
	l.box.st.Persistent = p
	l.sess.RememberFreq(p.NetworkID, p.Freq)
	l.saveState()
}

// publishBox adds the box facts and counters to a status.
func (l *loop) publishBox(st *status.Status) {
	if l.box.radio.DeviceAddress == "" {
		return
	}
	r := l.box.radio
	st.Radio = &r
	if st.Counters == nil {
		st.Counters = map[string]uint64{}
	}
	st.Counters["device_address_changes"] = l.box.changes
	st.Counters["group_freq_moved"] = l.box.moved
}

// maxStateFile bounds what is read of a state file.
const maxStateFile = 64 << 10

// loadState reads the state file once per run. A missing file is a first
// run; a bad one is logged and replaced.
func (l *loop) loadState() {
	b := &l.box
	if b.loaded {
		return
	}
	b.loaded = true
	b.path = l.d.statePath(l.dev)
	b.st = boxState{Version: stateVersion, Interface: l.dev}
	if b.path == "" {
		return
	}
	data, err := readNoFollow(b.path, maxStateFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return
	case err != nil:
		l.d.log.Warn("cannot read the state file; starting afresh", "path", b.path, "err", err)
		return
	}
	var st boxState
	if err := json.Unmarshal(data, &st); err != nil || st.Version != stateVersion {
		l.d.log.Warn("state file not understood; starting afresh", "path", b.path, "err", err, "version", st.Version)
		return
	}
	if _, err := wpaevent.ParseMAC(st.DeviceAddress); st.DeviceAddress != "" && err != nil {
		l.d.log.Warn("state file has a bad P2P device address; ignored", "path", b.path, "address", st.DeviceAddress)
		st.DeviceAddress = ""
	}
	if p := st.Persistent; p != nil && (p.NetworkID < 0 || p.Freq < 2400 || p.Freq > 7125) {
		st.Persistent = nil
	}
	st.Interface = l.dev
	b.st = st
}

// saveState writes the state file atomically (temporary file, fsync,
// rename); a failure is logged once per run.
func (l *loop) saveState() {
	b := &l.box
	if b.path == "" {
		return
	}
	b.st.Version, b.st.Updated = stateVersion, time.Now().UTC()
	data, err := json.MarshalIndent(b.st, "", "  ")
	if err == nil {
		err = writeAtomic(b.path, append(data, '\n'))
	}
	if err != nil {
		l.d.log.Warn("cannot write the state file; the P2P device address and the group's channel are not remembered", "path", b.path, "err", err)
		b.path = ""
	}
}

// readNoFollow reads at most limit bytes of a regular file, refusing a
// symbolic link.
func readNoFollow(path string, limit int64) ([]byte, error) {
	fh, err := os.OpenFile(path, os.O_RDONLY|oNoFollow, 0)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	data, err := io.ReadAll(io.LimitReader(fh, limit+1))
	if err == nil && int64(len(data)) > limit {
		err = fmt.Errorf("%s is larger than %d bytes", path, limit)
	}
	return data, err
}

// writeAtomic replaces path with data: a new temporary file in the same
// directory (O_EXCL, so never through a link), fsync, rename, directory
// fsync. The directory is created 0700 when missing.
func writeAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if dh, err := os.Open(dir); err == nil {
		_ = dh.Sync()
		_ = dh.Close()
	}
	return nil
}
