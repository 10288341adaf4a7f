package wpadbus

import (
	"context"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// fakeRoot and fakeProps are a minimal fi.w1.wpa_supplicant1 owned by the
// test on a private bus: GetInterface and Properties.Get, enough for Dial,
// so that the test can emit the signals no -Dwired supplicant sends.
type fakeRoot struct{ dev dbus.ObjectPath }

func (f fakeRoot) GetInterface(name string) (dbus.ObjectPath, *dbus.Error) {
	if name != "p2p-dev-wlan0" {
		return "", dbus.NewError(Service+".InterfaceUnknown", []any{"wpa_supplicant knows nothing about this interface."})
	}
	return f.dev, nil
}

type fakeProps struct{ vals map[string]any }

func (f fakeProps) Get(iface, name string) (dbus.Variant, *dbus.Error) {
	if v, ok := f.vals[iface+"."+name]; ok {
		return dbus.MakeVariant(v), nil
	}
	return dbus.Variant{}, dbus.NewError("org.freedesktop.DBus.Error.InvalidArgs", []any{"No such property"})
}

func (f fakeProps) GetAll(iface string) (map[string]dbus.Variant, *dbus.Error) {
	return map[string]dbus.Variant{}, nil
}

// TestConn_SignalsArriveAsEventLinesInOrder runs the whole path: match
// rules on a real dbus-daemon, the translating goroutine, and the
// Message a monitor would deliver, including a group's interface.
func TestConn_SignalsArriveAsEventLinesInOrder(t *testing.T) {
	addr, _ := privateBus(t, openPolicy)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	svc, err := connect(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	grpIf := dbus.ObjectPath("/fi/w1/wpa_supplicant1/Interfaces/7")
	if err := svc.Export(fakeRoot{dev: devP}, rootPath, Service); err != nil {
		t.Fatal(err)
	}
	if err := svc.Export(fakeProps{vals: map[string]any{p2pIface + ".Role": "device"}}, devP, propsIface); err != nil {
		t.Fatal(err)
	}
	if err := svc.Export(fakeProps{vals: map[string]any{ifaceIface + ".Ifname": "p2p-wlan0-0"}}, grpIf, propsIface); err != nil {
		t.Fatal(err)
	}
	phone := devP + "/Peers/aabbccddeeff"
	if err := svc.Export(fakeProps{vals: map[string]any{groupIface + ".Members": []dbus.ObjectPath{phone}}}, grpIf+"/Groups/00", propsIface); err != nil {
		t.Fatal(err)
	}
	if r, err := svc.RequestName(Service, dbus.NameFlagDoNotQueue); err != nil || r != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("RequestName: %v %v", r, err)
	}
	c, err := Dial(ctx, "p2p-dev-wlan0", WithAddress(addr))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	emit := func(path dbus.ObjectPath, name string, args ...any) {
		t.Helper()
		if err := svc.Emit(path, name, args...); err != nil {
			t.Fatal(err)
		}
	}
	emit(devP, p2pIface+".ProvisionDiscoveryRequestDisplayPin", phone, "12345670")
	emit(devP, ifaceIface+".BSSAdded", dbus.ObjectPath("/x"), map[string]dbus.Variant{}) // no counterpart: dropped
	emit(devP, p2pIface+".GroupStarted", map[string]dbus.Variant{"interface_object": dbus.MakeVariant(grpIf),
		"role": dbus.MakeVariant("GO"), "persistent": dbus.MakeVariant(false), "group_object": dbus.MakeVariant(grpIf + "/Groups/00")})
	emit(grpIf, ifaceIface+".StaAuthorized", "02:11:22:33:44:55")
	emit(devP, p2pIface+".GroupFinished", map[string]dbus.Variant{"interface_object": dbus.MakeVariant(grpIf), "role": dbus.MakeVariant("GO")})
	want := []struct{ iface, text string }{
		{"", "P2P-PROV-DISC-SHOW-PIN aa:bb:cc:dd:ee:ff 12345670 p2p_dev_addr=aa:bb:cc:dd:ee:ff pri_dev_type= name='' config_methods=0x0 dev_capab=0x0 group_capab=0x0"},
		{"", `P2P-GROUP-STARTED p2p-wlan0-0 GO ssid="" freq=0 go_dev_addr=00:00:00:00:00:00`},
		{"p2p-wlan0-0", "AP-STA-CONNECTED 02:11:22:33:44:55 p2p_dev_addr=aa:bb:cc:dd:ee:ff"}, // from the group's Members
		{"", "P2P-GROUP-REMOVED p2p-wlan0-0 GO"},
	}
	for i, w := range want {
		select {
		case m := <-c.Events():
			if m.Text != w.text || m.Iface != w.iface || m.Level != 3 {
				t.Errorf("event %d = {%q %q %d}, want {%q %q 3}", i, m.Iface, m.Text, m.Level, w.iface, w.text)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("event %d (%s) did not come", i, w.text)
		}
	}
	// The owner leaving (a supplicant restart) ends the stream.
	if _, err := svc.ReleaseName(Service); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-c.Events():
		if m.Text != "CTRL-EVENT-TERMINATING " {
			t.Errorf("after ReleaseName: %q", m.Text)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no CTRL-EVENT-TERMINATING after the name was released")
	}
}
