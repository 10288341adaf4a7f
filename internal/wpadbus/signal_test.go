package wpadbus

import (
	"testing"

	"github.com/godbus/dbus/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/hostp2pd/hostp2pd/wpaevent"
)

const devP = dbus.ObjectPath("/fi/w1/wpa_supplicant1/Interfaces/1")

// fakeLookup answers from tables, as wpa_supplicant's Peer, Group and
// Interface objects would.
type fakeLookup struct {
	peers  map[dbus.ObjectPath]peerInfo
	names  map[dbus.ObjectPath]string
	groups map[dbus.ObjectPath]groupInfo
	seen   map[dbus.ObjectPath]string
	// members answers Members for each group interface, in turn.
	members map[dbus.ObjectPath][][]wpaevent.MAC
	tracks  map[dbus.ObjectPath]*memberTracker
}

func (f *fakeLookup) peer(p dbus.ObjectPath) (peerInfo, bool) { v, ok := f.peers[p]; return v, ok }
func (f *fakeLookup) ifname(p dbus.ObjectPath) (string, bool) { v, ok := f.names[p]; return v, ok }
func (f *fakeLookup) group(p dbus.ObjectPath) (groupInfo, bool) {
	v, ok := f.groups[p]
	return v, ok
}
func (f *fakeLookup) groupOf(p dbus.ObjectPath, forget bool) (string, bool) {
	v, ok := f.seen[p]
	if forget {
		delete(f.seen, p)
	}
	return v, ok
}
func (f *fakeLookup) learn(p dbus.ObjectPath, n string, _ dbus.ObjectPath) {
	f.seen[p] = n
	if f.tracks == nil {
		f.tracks = map[dbus.ObjectPath]*memberTracker{}
	}
	f.tracks[p] = newMemberTracker()
}

func (f *fakeLookup) stationDev(p dbus.ObjectPath, sta wpaevent.MAC, connected bool) (wpaevent.MAC, bool) {
	m := f.tracks[p]
	if m == nil {
		return wpaevent.MAC{}, false
	}
	if !connected {
		return m.disconnected(sta)
	}
	if len(f.members[p]) == 0 {
		return wpaevent.MAC{}, false
	}
	cur := f.members[p][0]
	f.members[p] = f.members[p][1:]
	return m.connected(sta, cur)
}

func sig(path dbus.ObjectPath, name string, body ...any) *dbus.Signal {
	return &dbus.Signal{Sender: ":1.0", Path: path, Name: name, Body: body}
}

func v(x any) dbus.Variant { return dbus.MakeVariant(x) }

// TestTranslate_SignalsBecomeTheSocketsEventLines checks each signal's
// translation by the text a monitor socket carries, parsed back with
// wpaevent.Parse: what the daemon reads. Argument layouts follow
// wpa_supplicant 2.10 dbus_new.c (wpas_dbus_p2p_device_signals and the
// wpas_dbus_signal_* functions).
func TestTranslate_SignalsBecomeTheSocketsEventLines(t *testing.T) {
	phone := devP + "/Peers/aabbccddeeff"
	grpIf := dbus.ObjectPath("/fi/w1/wpa_supplicant1/Interfaces/2")
	grpObj := grpIf + "/Groups/4449524543542d7879"
	lk := func() *fakeLookup {
		return &fakeLookup{
			peers:  map[dbus.ObjectPath]peerInfo{phone: {Name: "Pixel 7", PriDevType: "10-0050F204-5", ConfigMethods: 0x188, DevCapab: 0x25, GroupCapab: 0x2b}},
			names:  map[dbus.ObjectPath]string{grpIf: "p2p-wlan0-0"},
			groups: map[dbus.ObjectPath]groupInfo{grpObj: {SSID: "DIRECT-xy", Freq: 2412, Passphrase: "secret12"}},
			seen:   map[dbus.ObjectPath]string{},
		}
	}
	started := sig(devP, p2pIface+".GroupStarted", map[string]dbus.Variant{"interface_object": v(grpIf),
		"role": v("GO"), "persistent": v(true), "group_object": v(grpObj)})
	tests := []struct {
		name    string
		before  []*dbus.Signal
		members [][]wpaevent.MAC // Members answers of the group interface
		sig     *dbus.Signal
		want    string // the event line; "" = no event
	}{
		{name: "DeviceFoundProperties", sig: sig(devP, p2pIface+".DeviceFoundProperties", phone, map[string]dbus.Variant{
			"DeviceName": v("Pixel 7"), "PrimaryDeviceType": v([]byte{0, 10, 0, 0x50, 0xf2, 4, 0, 5}),
			"config_method": v(uint16(0x188)), "devicecapability": v(uint8(0x25)), "groupcapability": v(uint8(0x2b))}),
			want: "P2P-DEVICE-FOUND aa:bb:cc:dd:ee:ff p2p_dev_addr=aa:bb:cc:dd:ee:ff pri_dev_type=10-0050F204-5 name='Pixel 7' config_methods=0x188 dev_capab=0x25 group_capab=0x2b new=1"},
		{name: "DeviceLost", sig: sig(devP, p2pIface+".DeviceLost", phone),
			want: "P2P-DEVICE-LOST p2p_dev_addr=aa:bb:cc:dd:ee:ff"},
		{name: "PBC request with the peer's name", sig: sig(devP, p2pIface+".ProvisionDiscoveryPBCRequest", phone),
			want: "P2P-PROV-DISC-PBC-REQ aa:bb:cc:dd:ee:ff p2p_dev_addr=aa:bb:cc:dd:ee:ff pri_dev_type=10-0050F204-5 name='Pixel 7' config_methods=0x188 dev_capab=0x25 group_capab=0x2b"},
		{name: "keypad phone: enter PIN", sig: sig(devP, p2pIface+".ProvisionDiscoveryRequestEnterPin", phone),
			want: "P2P-PROV-DISC-ENTER-PIN aa:bb:cc:dd:ee:ff p2p_dev_addr=aa:bb:cc:dd:ee:ff pri_dev_type=10-0050F204-5 name='Pixel 7' config_methods=0x188 dev_capab=0x25 group_capab=0x2b"},
		{name: "display PIN", sig: sig(devP, p2pIface+".ProvisionDiscoveryRequestDisplayPin", phone, "12345670"),
			want: "P2P-PROV-DISC-SHOW-PIN aa:bb:cc:dd:ee:ff 12345670 p2p_dev_addr=aa:bb:cc:dd:ee:ff pri_dev_type=10-0050F204-5 name='Pixel 7' config_methods=0x188 dev_capab=0x25 group_capab=0x2b"},
		{name: "GO negotiation request", sig: sig(devP, p2pIface+".GONegotiationRequest", phone, uint16(4), uint8(7)),
			want: "P2P-GO-NEG-REQUEST aa:bb:cc:dd:ee:ff dev_passwd_id=4 go_intent=7"},
		{name: "GroupStarted reads the interface and group objects", sig: started,
			want: `P2P-GROUP-STARTED p2p-wlan0-0 GO ssid="DIRECT-xy" freq=2412 passphrase="secret12" go_dev_addr=00:00:00:00:00:00 [PERSISTENT]`},
		{name: "StaAuthorized on the group", before: []*dbus.Signal{started},
			sig:  sig(grpIf, ifaceIface+".StaAuthorized", "02:11:22:33:44:55"),
			want: "AP-STA-CONNECTED 02:11:22:33:44:55"},
		{name: "StaAuthorized of a P2P client gets its device address from Members", before: []*dbus.Signal{started},
			members: [][]wpaevent.MAC{{{0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}}},
			sig:     sig(grpIf, ifaceIface+".StaAuthorized", "02:11:22:33:44:55"),
			want:    "AP-STA-CONNECTED 02:11:22:33:44:55 p2p_dev_addr=aa:bb:cc:dd:ee:ff"},
		{name: "StaDeauthorized on the group", before: []*dbus.Signal{started},
			sig:  sig(grpIf, ifaceIface+".StaDeauthorized", "02:11:22:33:44:55"),
			want: "AP-STA-DISCONNECTED 02:11:22:33:44:55"},
		{name: "WPS fail on the group", before: []*dbus.Signal{started},
			sig:  sig(grpIf, wpsIface+".Event", "fail", map[string]dbus.Variant{"msg": v(int32(8)), "config_error": v(int32(18)), "error_indication": v(int32(0))}),
			want: "WPS-FAIL msg=8 config_error=18"},
		{name: "WpsFailed from the group interface during formation", before: []*dbus.Signal{started},
			sig:  sig(grpIf, p2pIface+".WpsFailed", "fail", map[string]dbus.Variant{"msg": v(int32(8)), "config_error": v(int16(18))}),
			want: "WPS-FAIL msg=8 config_error=18"},
		{name: "other P2PDevice signals from a group interface are not ours", before: []*dbus.Signal{started},
			sig: sig(grpIf, p2pIface+".FindStopped")},
		{name: "GroupFinished names the group started", before: []*dbus.Signal{started},
			sig:  sig(devP, p2pIface+".GroupFinished", map[string]dbus.Variant{"interface_object": v(grpIf), "role": v("GO"), "group_object": v(grpObj)}),
			want: "P2P-GROUP-REMOVED p2p-wlan0-0 GO"},
		{name: "InvitationReceived", sig: sig(devP, p2pIface+".InvitationReceived", map[string]dbus.Variant{
			"sa": v([]byte{0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}), "go_dev_addr": v([]byte{2, 0, 0, 0, 0, 1}), "persistent_id": v(int32(3)), "op_freq": v(int32(2437))}),
			want: "P2P-INVITATION-RECEIVED sa=aa:bb:cc:dd:ee:ff persistent=3 freq=2437 go_dev_addr=02:00:00:00:00:01"},
		{name: "InvitationReceived of a non-persistent group", sig: sig(devP, p2pIface+".InvitationReceived", map[string]dbus.Variant{
			"sa": v([]byte{0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}), "go_dev_addr": v([]byte{2, 0, 0, 0, 0, 1}), "op_freq": v(int32(2437))}),
			want: "P2P-INVITATION-RECEIVED sa=aa:bb:cc:dd:ee:ff go_dev_addr=02:00:00:00:00:01 freq=2437 unknown-network"},
		{name: "FindStopped", sig: sig(devP, p2pIface+".FindStopped"), want: "P2P-FIND-STOPPED "},
		{name: "GroupFormationFailure", sig: sig(devP, p2pIface+".GroupFormationFailure", "FREQ_CONFLICT"),
			want: "P2P-GROUP-FORMATION-FAILURE reason=FREQ_CONFLICT"},
		// Signals for objects we do not know give nothing, never a guess.
		{name: "StaAuthorized of an unknown interface", sig: sig(grpIf, ifaceIface+".StaAuthorized", "02:11:22:33:44:55")},
		{name: "GroupFinished of a group never started", sig: sig(devP, p2pIface+".GroupFinished", map[string]dbus.Variant{"interface_object": v(grpIf)})},
		{name: "P2P signal of another device", sig: sig("/fi/w1/wpa_supplicant1/Interfaces/9", p2pIface+".FindStopped")},
		{name: "bad peer path", sig: sig(devP, p2pIface+".DeviceLost", dbus.ObjectPath("/x/Peers/zz"))},
		{name: "wrong argument types", sig: sig(devP, p2pIface+".GONegotiationRequest", "x", 1, 2)},
		{name: "no counterpart", sig: sig(devP, ifaceIface+".BSSAdded", dbus.ObjectPath("/b"), map[string]dbus.Variant{})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := lk()
			l.members = map[dbus.ObjectPath][][]wpaevent.MAC{grpIf: tt.members}
			for _, s := range tt.before {
				translate(s, devP, l)
			}
			evs, why := translate(tt.sig, devP, l)
			if tt.want == "" {
				if len(evs) != 0 || why == "" {
					t.Fatalf("got %v (reason %q), want no event and a reason", evs, why)
				}
				return
			}
			if len(evs) != 1 {
				t.Fatalf("got %d events (reason %q), want 1", len(evs), why)
			}
			line := evs[0].String()
			// The line must be read back by the parser the daemon uses.
			if got := wpaevent.Parse("<3>" + line); got.Kind != evs[0].Kind {
				t.Errorf("Parse(%q).Kind = %v, want %v", line, got.Kind, evs[0].Kind)
			}
			if diff := cmp.Diff(tt.want, line); diff != "" {
				t.Errorf("event line (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTranslate_GroupEventsCarryTheGroupInterface: the daemon routes
// AP-STA-* by the interface the event came from, as with a global socket.
func TestTranslate_GroupEventsCarryTheGroupInterface(t *testing.T) {
	grpIf := dbus.ObjectPath("/fi/w1/wpa_supplicant1/Interfaces/2")
	l := &fakeLookup{names: map[dbus.ObjectPath]string{grpIf: "p2p-wlan0-3"}, seen: map[dbus.ObjectPath]string{}}
	translate(sig(devP, p2pIface+".GroupStarted", map[string]dbus.Variant{"interface_object": v(grpIf), "role": v("GO")}), devP, l)
	evs, _ := translate(sig(grpIf, ifaceIface+".StaAuthorized", "02:11:22:33:44:55"), devP, l)
	if len(evs) != 1 || evs[0].Iface != "p2p-wlan0-3" {
		t.Fatalf("events = %+v, want one on p2p-wlan0-3", evs)
	}
	evs, _ = translate(sig(devP, p2pIface+".GroupFinished", map[string]dbus.Variant{"interface_object": v(grpIf), "role": v("GO")}), devP, l)
	if len(evs) != 1 || evs[0].Group != "p2p-wlan0-3" {
		t.Fatalf("GroupFinished = %+v", evs)
	}
	// Forgotten after GroupFinished: a late station signal is dropped.
	if evs, why := translate(sig(grpIf, ifaceIface+".StaDeauthorized", "02:11:22:33:44:55"), devP, l); len(evs) != 0 || why == "" {
		t.Fatalf("after GroupFinished: %+v %q", evs, why)
	}
}

func FuzzTranslate(f *testing.F) {
	f.Add("fi.w1.wpa_supplicant1.Interface.P2PDevice.DeviceLost", string(devP)+"/Peers/aabbccddeeff", "x")
	f.Add("fi.w1.wpa_supplicant1.Interface.StaAuthorized", "02:00:00:00:00:01", "")
	f.Add("fi.w1.wpa_supplicant1.Interface.WPS.Event", "fail", "")
	f.Fuzz(func(t *testing.T, name, a0, a1 string) {
		l := &fakeLookup{seen: map[dbus.ObjectPath]string{devP: "p2p-wlan0-0"}}
		for _, body := range [][]any{{a0}, {a0, a1}, {dbus.ObjectPath(a0)}, {dbus.ObjectPath(a0), a1}, {a0, map[string]dbus.Variant{a1: v(a1)}}, {map[string]dbus.Variant{a0: v(a1)}}} {
			evs, _ := translate(sig(devP, name, body...), devP, l)
			for _, ev := range evs {
				_ = wpaevent.Parse(ev.Datagram())
			}
		}
	})
}
