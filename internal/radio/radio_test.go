package radio

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Outputs in testdata/hwsim-* were captured in the lab VM (Debian 12 kernel
// 6.1, iw 5.19, mac80211_hwsim radios=2; channels=2 and
// support_p2p_device=0 for the variants; wlan0 associated to a
// wpa_supplicant AP on wlan1 for hwsim-dev-station.txt).
// brcmfmac-like-phy.txt is hand-written in iw's format with the
// combinations brcmfmac announces for a Raspberry Pi (managed + P2P on two
// channels, AP + P2P-client on one); it is not a capture.
func testdata(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func phy(t testing.TB, name string) *Phy {
	t.Helper()
	phys, err := ParsePhys(testdata(t, name))
	if err != nil {
		t.Fatal(err)
	}
	if len(phys) != 1 {
		t.Fatalf("%s: %d radios, want 1", name, len(phys))
	}
	return &phys[0]
}

func TestParsePhys_RecordedOutputs(t *testing.T) {
	hwsimModes := []string{"IBSS", "managed", "AP", "AP/VLAN", "monitor", "mesh point", "P2P-client", "P2P-GO", "P2P-device", "outside context of a BSS"}
	hwsimLimits := []Limit{{[]string{"IBSS"}, 1}, {[]string{"managed", "AP", "mesh point", "P2P-client", "P2P-GO"}, 2048}, {[]string{"P2P-device"}, 1}}
	tests := []struct {
		file   string
		name   string
		modes  []string
		combos []Combination
	}{
		{"hwsim-phy.txt", "phy0", hwsimModes, []Combination{{hwsimLimits, 2050, 1}}},
		{"hwsim-channels2-phy.txt", "phy2", hwsimModes, []Combination{{hwsimLimits, 2050, 2}}},
		{"hwsim-no-p2p-device-phy.txt", "phy3", []string{"IBSS", "managed", "AP", "AP/VLAN", "monitor", "mesh point", "P2P-client", "P2P-GO", "outside context of a BSS"},
			[]Combination{{hwsimLimits[:2], 2049, 1}}},
		{"brcmfmac-like-phy.txt", "phy0", []string{"IBSS", "managed", "AP", "P2P-client", "P2P-GO", "P2P-device"}, []Combination{
			{[]Limit{{[]string{"managed"}, 1}, {[]string{"P2P-device"}, 1}, {[]string{"P2P-client", "P2P-GO"}, 1}}, 3, 2},
			{[]Limit{{[]string{"managed"}, 1}, {[]string{"AP"}, 1}, {[]string{"P2P-client"}, 1}, {[]string{"P2P-device"}, 1}}, 4, 1},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			p := phy(t, tt.file)
			if p.Name != tt.name {
				t.Errorf("name %q, want %q", p.Name, tt.name)
			}
			if diff := cmp.Diff(tt.modes, p.Modes); diff != "" {
				t.Errorf("modes (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.combos, p.Combinations); diff != "" {
				t.Errorf("combinations (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParsePhys_Channels(t *testing.T) {
	p := phy(t, "hwsim-phy.txt")
	byFreq := map[int]Channel{}
	for _, c := range p.Channels {
		byFreq[c.Freq] = c
	}
	for _, want := range []Channel{
		{Freq: 2412, Number: 1}, {Freq: 2437, Number: 6}, {Freq: 2462, Number: 11},
		{Freq: 2467, Number: 12, NoIR: true}, {Freq: 2484, Number: 14, NoIR: true},
		{Freq: 5180, Number: 36, NoIR: true}, {Freq: 5260, Number: 52, NoIR: true},
	} {
		if diff := cmp.Diff(want, byFreq[want.Freq]); diff != "" {
			t.Errorf("%d MHz (-want +got):\n%s", want.Freq, diff)
		}
	}
	b := phy(t, "brcmfmac-like-phy.txt")
	if diff := cmp.Diff([]Channel{{2412, 1, false, false}, {2437, 6, false, false}, {2462, 11, false, false},
		{2467, 12, true, false}, {2472, 13, true, false}, {2484, 14, true, false},
		{5180, 36, false, false}, {5260, 52, false, true}}, b.Channels); diff != "" {
		t.Errorf("brcmfmac channels (-want +got):\n%s", diff)
	}
}

func TestParsePhys_BadInput(t *testing.T) {
	for _, in := range []string{"", "command failed: No such file or directory (-2)\n", "nl80211 not found.\n"} {
		if _, err := ParsePhys(in); !errors.Is(err, ErrNoPhy) {
			t.Errorf("ParsePhys(%q) = %v, want ErrNoPhy", in, err)
		}
	}
	// a truncated combination line and stray text do not panic or invent limits
	phys, err := ParsePhys("Wiphy phy7\n\tvalid interface combinations:\n\t\t * #{ managed \n\t\t * total <= 3\n\tSupported interface modes:\n\t\t * P2P-GO\n\t\t   stray\n")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Phy{{Name: "phy7", Modes: []string{"P2P-GO"}}}, phys); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParseIfaces_RecordedOutputs(t *testing.T) {
	tests := []struct {
		file string
		want []Iface
	}{
		{"hwsim-dev-idle.txt", []Iface{
			{Phy: "phy1", Name: "wlan1", Type: "managed", Addr: "02:00:00:00:01:00"},
			{Phy: "phy0", Name: "wlan0", Type: "managed", Addr: "02:00:00:00:00:00"},
		}},
		{"hwsim-dev-station.txt", []Iface{
			{Phy: "phy1", Name: "wlan1", Type: "AP", Addr: "02:00:00:00:01:00", SSID: "uplink", Freq: 2437},
			{Phy: "phy0", Type: "P2P-device", Addr: "42:00:00:00:00:00"},
			{Phy: "phy0", Name: "wlan0", Type: "managed", Addr: "02:00:00:00:00:00", Freq: 2437},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ParseIfaces(testdata(t, tt.file))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if got := ParseIfaces("garbage\n\ttype AP\nchannel 6 (2437 MHz)\n"); len(got) != 0 {
		t.Errorf("garbage gave %v", got)
	}
}

func TestParseReg(t *testing.T) {
	tests := []struct {
		name, in string
		want     Reg
	}{
		{"hwsim world domain", testdata(t, "hwsim-reg.txt"), Reg{Global: "00", Phys: map[string]string{}}},
		{"self-managed radio", "global\ncountry DE: DFS-ETSI\n\t(2400 - 2483 @ 40), (N/A, 20), (N/A)\n\nphy#0 (self-managed)\ncountry US: DFS-FCC\n\t(2402 - 2472 @ 40), (6, 22), (N/A)\n",
			Reg{Global: "DE", Phys: map[string]string{"phy0": "US"}}},
		{"old iw without global line", "country 00: DFS-UNSET\n\t(2402 - 2472 @ 40), (6, 20), (N/A)\n", Reg{Global: "00", Phys: map[string]string{}}},
		{"garbage", "command failed: Operation not supported (-95)\n", Reg{Phys: map[string]string{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ParseReg(tt.in)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestPhy_Allows(t *testing.T) {
	hw, hw2, brcm, nodev := phy(t, "hwsim-phy.txt"), phy(t, "hwsim-channels2-phy.txt"), phy(t, "brcmfmac-like-phy.txt"), phy(t, "hwsim-no-p2p-device-phy.txt")
	single := &Phy{Name: "phy9", Modes: []string{Managed, P2PGO}}
	tests := []struct {
		name     string
		p        *Phy
		types    []string
		channels int
		ok       bool
	}{
		{"hwsim: station + P2P-device + GO", hw, []string{Managed, P2PDevice, P2PGO}, 1, true},
		{"hwsim channels=2: the same on two channels", hw2, []string{Managed, P2PDevice, P2PGO}, 2, true},
		{"hwsim: AP + GO (the uap0 case is allowed)", hw, []string{Managed, AP, P2PDevice, P2PGO}, 1, true},
		{"hwsim: two P2P-devices", hw, []string{P2PDevice, P2PDevice}, 0, false},
		{"hwsim without P2P-device: no P2P-device", nodev, []string{Managed, P2PDevice}, 0, false},
		{"brcmfmac: station + P2P-device + GO on two channels", brcm, []string{Managed, P2PDevice, P2PGO}, 2, true},
		{"brcmfmac: AP next to a GO (uap0) is refused", brcm, []string{Managed, AP, P2PDevice, P2PGO}, 0, false},
		{"brcmfmac: AP + P2P-client on one channel", brcm, []string{Managed, AP, P2PDevice, P2PClient}, 1, true},
		{"brcmfmac: two groups", brcm, []string{P2PGO, P2PGO}, 0, false},
		{"brcmfmac: monitor does not count", brcm, []string{Managed, "monitor", P2PGO}, 2, true},
		{"no combinations: one interface", single, []string{P2PGO}, 1, true},
		{"no combinations: two interfaces", single, []string{Managed, P2PGO}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, ok := tt.p.Allows(tt.types...)
			if n != tt.channels || ok != tt.ok {
				t.Errorf("Allows(%v) = %d, %v; want %d, %v", tt.types, n, ok, tt.channels, tt.ok)
			}
		})
	}
}

func TestP2PSupport(t *testing.T) {
	tests := []struct {
		name string
		p    *Phy
		ok   bool
		why  string
	}{
		{"hwsim", phy(t, "hwsim-phy.txt"), true, "P2P-GO and P2P-device supported; managed + P2P-device + P2P-GO on 1 channel"},
		{"brcmfmac", phy(t, "brcmfmac-like-phy.txt"), true, "P2P-GO and P2P-device supported; managed + P2P-device + P2P-GO on 2 channels"},
		{"hwsim without P2P-device", phy(t, "hwsim-no-p2p-device-phy.txt"), true, "P2P-GO supported, no P2P-device (wpa_supplicant runs P2P on the station interface); managed + P2P-GO on 1 channel"},
		{"no P2P-GO mode", &Phy{Modes: []string{Managed, AP}}, false, "the driver offers no P2P-GO interface mode: this radio cannot be a Wi-Fi Direct group owner"},
		{"P2P-GO only alone", &Phy{Modes: []string{Managed, P2PGO, P2PDevice}, Combinations: []Combination{{Limits: []Limit{{[]string{Managed, P2PGO, P2PDevice}, 1}}, Total: 1, Channels: 1}}},
			false, "no interface combination runs managed + P2P-GO + P2P-device at once"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, why := P2PSupport(tt.p)
			if ok != tt.ok || why != tt.why {
				t.Errorf("P2PSupport = %v, %q; want %v, %q", ok, why, tt.ok, tt.why)
			}
		})
	}
}

func TestCountryProblem(t *testing.T) {
	for cc, bad := range map[string]bool{"": true, "00": true, "99": true, "de": true, "DEU": true, "DE": false, "US": false, "JP": false} {
		if got := CountryProblem(cc); (got != "") != bad {
			t.Errorf("CountryProblem(%q) = %q, want a problem: %v", cc, got, bad)
		}
	}
}

// facts builds the Facts of radio 0 from recorded outputs.
func facts(t testing.TB, phyFile, devFile string) Facts {
	t.Helper()
	phys, err := ParsePhys(testdata(t, phyFile))
	if err != nil {
		t.Fatal(err)
	}
	ifs := ParseIfaces(testdata(t, devFile))
	for i := range ifs { // the variants were captured on other phy numbers
		if ifs[i].Phy == "phy0" {
			ifs[i].Phy = phys[0].Name
		}
	}
	return Select(phys, ifs, ParseReg(testdata(t, "hwsim-reg.txt")), "wlan0")
}

func TestChooseFreq(t *testing.T) {
	withStation := func(f Facts, freq int) Facts {
		f.Ifaces = append([]Iface(nil), f.Ifaces...)
		for i := range f.Ifaces {
			if f.Ifaces[i].Name == "wlan0" {
				f.Ifaces[i].Freq = freq
			}
		}
		return f
	}
	idle := facts(t, "hwsim-phy.txt", "hwsim-dev-p2p.txt")
	station := facts(t, "hwsim-phy.txt", "hwsim-dev-station.txt")
	station2 := facts(t, "hwsim-channels2-phy.txt", "hwsim-dev-station.txt")
	brcmIdle := facts(t, "brcmfmac-like-phy.txt", "hwsim-dev-p2p.txt")
	noIR := idle
	noIR.Phy = &Phy{Name: "phy0", Modes: idle.Phy.Modes, Combinations: idle.Phy.Combinations,
		Channels: []Channel{{2412, 1, false, true}, {2437, 6, true, false}, {2462, 11, false, true}, {2417, 2, false, false}}}
	unknown := Facts{Netdev: "wlan0", PhyErr: ErrNoIw, IfacesErr: ErrNoIw}
	unknownStation := Facts{Netdev: "wlan0", PhyErr: ErrNoIw, Ifaces: []Iface{{Name: "wlan0", Type: Managed, Freq: 2462}}}

	tests := []struct {
		name      string
		f         Facts
		groupFreq int
		freq      int
		why       string
	}{
		{"idle radio: first social channel", idle, 0, 2412, "no group_freq: social channel 2412 MHz (first usable of 1, 6, 11)"},
		{"idle radio, group_freq 2", idle, 2, 2412, "group_freq 2: social channel 2412 MHz (first usable of 1, 6, 11)"},
		{"idle radio, group_freq 5", idle, 5, 5, "group_freq 5: any 5 GHz channel wpa_supplicant picks"},
		{"station, one channel: the station's", station, 0, 2437, "wlan0 is a station on 2437 MHz and phy0 allows one channel for managed + P2P-GO: the group uses the station's channel"},
		{"station, one channel, group_freq 5: still the station's", station, 5, 2437, "wlan0 is a station on 2437 MHz and phy0 allows one channel for managed + P2P-GO: the group uses the station's channel"},
		{"station on 5 GHz, one channel", withStation(station, 5180), 0, 5180, "wlan0 is a station on 5180 MHz and phy0 allows one channel for managed + P2P-GO: the group uses the station's channel"},
		{"station on social channel, two channels: same channel", station2, 0, 2437, "no group_freq: social channel 2437 MHz, the one wlan0 is a station on (no channel switching)"},
		{"station on 5 GHz, two channels: a social channel", withStation(station2, 5180), 0, 2412, "no group_freq: social channel 2412 MHz (first usable of 1, 6, 11); wlan0 is a station on 5180 MHz, phy2 allows 2 channels"},
		{"station on 5 GHz, two channels, group_freq 5", withStation(station2, 5180), 5, 5, "group_freq 5: any 5 GHz channel (wlan0 is a station on 5180 MHz, phy2 allows 2 channels)"},
		{"explicit MHz kept", idle, 2462, 2462, "group_freq 2462 MHz from the configuration"},
		{"explicit MHz against a one-channel station", station, 2462, 2462, "group_freq 2462 MHz from the configuration; but wlan0 is a station on 2437 MHz and phy0 allows one channel for managed + P2P-GO: the group may fail to start or be moved to 2437 MHz"},
		{"explicit passive-only MHz", idle, 5180, 5180, "group_freq 5180 MHz from the configuration; phy0 marks 5180 MHz disabled or passive-only (country code?)"},
		{"explicit channel 13", brcmIdle, 2472, 2472, "group_freq 2472 MHz from the configuration; phy0 marks 2472 MHz disabled or passive-only (country code?); channels 12 and 13 are invisible to phones set for the US"},
		{"no usable social channel", noIR, 0, 2, "no group_freq: no social channel is usable on phy0 (disabled or passive-only: country code?), any 2.4 GHz channel"},
		{"no iw, no station", unknown, 0, 2412, "no group_freq: social channel 2412 MHz (first usable of 1, 6, 11)"},
		{"no iw, station known", unknownStation, 0, 2462, "wlan0 is a station on 2462 MHz and the radio's interface combinations are unknown (iw not found (install the iw package)): the group uses the station's channel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			freq, why := ChooseFreq(tt.f, tt.groupFreq)
			if freq != tt.freq || why != tt.why {
				t.Errorf("ChooseFreq(%d) = %d, %q\n  want %d, %q", tt.groupFreq, freq, why, tt.freq, tt.why)
			}
		})
	}
}

func TestFacts_WithStation(t *testing.T) {
	idle := facts(t, "hwsim-phy.txt", "hwsim-dev-p2p.txt")
	f := idle.WithStation(2462)
	if st, ok := f.Station(); !ok || st.Name != "wlan0" || st.Freq != 2462 {
		t.Errorf("Station = %+v, %v", st, ok)
	}
	if _, ok := idle.Station(); ok {
		t.Error("WithStation changed the original Facts")
	}
	if freq, _ := ChooseFreq(f, 0); freq != 2462 {
		t.Errorf("ChooseFreq = %d, want the station's 2462 on a one-channel radio", freq)
	}
	if _, ok := f.WithStation(0).Station(); ok {
		t.Error("WithStation(0) still associated")
	}
	// without iw: the station from STATUS is all there is
	none := Facts{Netdev: "wlan0", PhyErr: ErrNoIw}.WithStation(5180)
	if freq, why := ChooseFreq(none, 0); freq != 5180 || !strings.Contains(why, "interface combinations are unknown") {
		t.Errorf("ChooseFreq = %d, %q", freq, why)
	}
}

func TestFacts_GORoomAndAPs(t *testing.T) {
	brcm := facts(t, "brcmfmac-like-phy.txt", "hwsim-dev-p2p.txt")
	if n, ok := brcm.GORoom(); !ok || n != 2 {
		t.Errorf("brcmfmac idle: GORoom = %d, %v; want 2, true", n, ok)
	}
	uap := brcm
	uap.Ifaces = append(append([]Iface(nil), brcm.Ifaces...), Iface{Phy: "phy0", Name: "uap0", Type: AP})
	if n, ok := uap.GORoom(); ok {
		t.Errorf("brcmfmac with uap0: GORoom = %d, true; want no room", n)
	}
	if aps := uap.APs(); len(aps) != 1 || aps[0].Name != "uap0" {
		t.Errorf("APs = %v", aps)
	}
	hw := facts(t, "hwsim-phy.txt", "hwsim-dev-station.txt")
	if aps := hw.APs(); len(aps) != 0 {
		t.Errorf("radio 0 has no AP, got %v (wlan1's AP is on phy1)", aps)
	}
	if (Facts{}).Phy != nil {
		t.Fatal()
	}
	if _, ok := (Facts{}).GORoom(); ok {
		t.Error("GORoom without radio facts said ok")
	}
}

func TestProbe(t *testing.T) {
	ctx := context.Background()
	recorded := func(_ context.Context, name string, args ...string) (string, error) {
		switch strings.Join(append([]string{name}, args...), " ") {
		case "iw dev":
			return testdata(t, "hwsim-dev-station.txt"), nil
		case "iw phy":
			return testdata(t, "hwsim-phy.txt") + testdata(t, "hwsim-channels2-phy.txt"), nil
		case "iw reg get":
			return testdata(t, "hwsim-reg.txt"), nil
		}
		return "", fmt.Errorf("unexpected %s %v", name, args)
	}
	f := Probe(ctx, recorded, "p2p-dev-wlan0")
	if f.PhyErr != nil || f.IfacesErr != nil || f.RegErr != nil {
		t.Fatalf("errors: %v %v %v", f.PhyErr, f.IfacesErr, f.RegErr)
	}
	if f.Netdev != "wlan0" || f.Phy == nil || f.Phy.Name != "phy0" || f.Country != "00" || len(f.Ifaces) != 2 {
		t.Errorf("facts: netdev %q phy %v country %q ifaces %v", f.Netdev, f.Phy, f.Country, f.Ifaces)
	}
	if st, ok := f.Station(); !ok || st.Freq != 2437 {
		t.Errorf("station %v %v", st, ok)
	}

	noIw := func(context.Context, string, ...string) (string, error) { return "", ErrNoIw }
	f = Probe(ctx, noIw, "p2p-dev-wlan0")
	for _, err := range []error{f.PhyErr, f.IfacesErr, f.RegErr} {
		if !errors.Is(err, ErrNoIw) {
			t.Errorf("without iw: %v, want ErrNoIw", err)
		}
	}
	if f.Phy != nil || f.Country != "" {
		t.Errorf("without iw: %+v", f)
	}

	garbage := func(context.Context, string, ...string) (string, error) { return "nl80211 not found.\n", nil }
	f = Probe(ctx, garbage, "wlan0")
	if !errors.Is(f.PhyErr, ErrNoPhy) || f.IfacesErr == nil || f.RegErr == nil {
		t.Errorf("garbage: %v / %v / %v", f.PhyErr, f.IfacesErr, f.RegErr)
	}
}

func TestExec_MissingProgramAndNoWiFi(t *testing.T) {
	bin := t.TempDir()
	t.Setenv("PATH", bin)
	if _, err := Exec(context.Background(), "iw", "dev"); !errors.Is(err, ErrNoIw) {
		t.Errorf("Exec(iw) without iw = %v, want ErrNoIw", err)
	}
	// iw on a host without Wi-Fi: "nl80211 not found." on stderr, exit 1
	if err := os.WriteFile(filepath.Join(bin, "iw"), []byte("#!/bin/sh\necho 'nl80211 not found.' >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Exec(context.Background(), "iw", "dev"); !errors.Is(err, ErrNoNl80211) {
		t.Errorf("Exec(iw) without nl80211 = %v, want ErrNoNl80211", err)
	}
	if err := os.WriteFile(filepath.Join(bin, "iw"), []byte("#!/bin/sh\necho 'command failed: No such device (-19)' >&2\nexit 237\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Exec(context.Background(), "iw", "dev", "wlan9", "info"); err == nil || !strings.Contains(err.Error(), "iw dev wlan9 info: exit status 237: command failed: No such device (-19)") {
		t.Errorf("Exec(iw) failing = %v", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"hwsim-phy.txt", "brcmfmac-like-phy.txt", "hwsim-dev-station.txt", "hwsim-reg.txt"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b[:min(len(b), 4000)]))
	}
	f.Fuzz(func(t *testing.T, s string) {
		phys, _ := ParsePhys(s)
		f := Select(phys, ParseIfaces(s), ParseReg(s), "wlan0")
		ChooseFreq(f, 0)
		if f.Phy != nil {
			P2PSupport(f.Phy)
		}
	})
}

// TestProbe_RunsTheCommandsAtOnce: each iw command waits until all three
// are running, so a Probe that ran them one after the other would see each
// cut short by its context instead of the facts (issue 20: the three
// execs in series cost the daemon's start ~1 s).
func TestProbe_RunsTheCommandsAtOnce(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var running sync.WaitGroup
	running.Add(3)
	all := make(chan struct{})
	go func() { running.Wait(); close(all) }()
	out := map[string]string{
		"iw dev":     testdata(t, "hwsim-dev-station.txt"),
		"iw phy":     testdata(t, "hwsim-phy.txt"),
		"iw reg get": testdata(t, "hwsim-reg.txt"),
	}
	barrier := func(ctx context.Context, name string, args ...string) (string, error) {
		running.Done()
		select {
		case <-all:
		case <-ctx.Done():
			return "", ctx.Err()
		}
		return out[strings.Join(append([]string{name}, args...), " ")], nil
	}
	f := Probe(ctx, barrier, "p2p-dev-wlan0")
	if f.IfacesErr != nil || f.PhyErr != nil || f.RegErr != nil {
		t.Fatalf("errors: dev %v, phy %v, reg %v", f.IfacesErr, f.PhyErr, f.RegErr)
	}
	if f.Phy == nil || f.Country == "" || len(f.Ifaces) == 0 {
		t.Fatalf("facts missing: %+v", f)
	}
}
