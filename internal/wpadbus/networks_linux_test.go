package wpadbus

import (
	"context"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/hostp2pd/hostp2pd/wpaevent"
)

// TestConn_ListNetworksFromObjects: LIST_NETWORKS and GET_NETWORK are
// rebuilt from the Networks and PersistentGroups objects in the socket's
// format (Properties values are wpa_config_get text: the ssid quoted), so
// that wpaevent.ParseListNetworks reads them as from the socket.
func TestConn_ListNetworksFromObjects(t *testing.T) {
	addr, _ := privateBus(t, openPolicy)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	svc, err := connect(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	home, pg := devP+"/Networks/0", devP+"/PersistentGroups/1"
	export := func(obj any, p dbus.ObjectPath, iface string) {
		t.Helper()
		if err := svc.Export(obj, p, iface); err != nil {
			t.Fatal(err)
		}
	}
	export(fakeRoot{dev: devP}, rootPath, Service)
	export(fakeProps{vals: map[string]any{p2pIface + ".Role": "device", ifaceIface + ".Networks": []dbus.ObjectPath{home},
		p2pIface + ".PersistentGroups": []dbus.ObjectPath{pg}}}, devP, propsIface)
	export(fakeProps{vals: map[string]any{Service + ".Network.Properties": map[string]dbus.Variant{
		"ssid": dbus.MakeVariant(`"home"`), "key_mgmt": dbus.MakeVariant("WPA-PSK")}}}, home, propsIface)
	export(fakeProps{vals: map[string]any{pgIface + ".Properties": map[string]dbus.Variant{
		"ssid": dbus.MakeVariant(`"DIRECT-xy"`), "bssid": dbus.MakeVariant("42:00:00:00:00:00"),
		"mode": dbus.MakeVariant("3"), "disabled": dbus.MakeVariant("2")}}}, pg, propsIface)
	if _, err := svc.RequestName(Service, dbus.NameFlagDoNotQueue); err != nil {
		t.Fatal(err)
	}
	c, err := Dial(ctx, "p2p-dev-wlan0", WithAddress(addr))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r, err := c.Request(ctx, "LIST_NETWORKS")
	if err != nil {
		t.Fatal(err)
	}
	want := "network id / ssid / bssid / flags\n0\thome\tany\t\n1\tDIRECT-xy\t42:00:00:00:00:00\t[DISABLED][P2P-PERSISTENT]\n"
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("LIST_NETWORKS (-want +got):\n%s", diff)
	}
	nets, err := wpaevent.ParseListNetworks(r)
	if err != nil || len(nets) != 2 || !nets[1].Persistent || nets[1].SSID != "DIRECT-xy" || nets[0].Persistent {
		t.Errorf("ParseListNetworks = %+v, %v", nets, err)
	}
	for _, tt := range []struct{ cmd, want string }{
		{"GET_NETWORK 1 mode", "3"}, {"GET_NETWORK 1 ssid", `"DIRECT-xy"`}, {"GET_NETWORK 0 key_mgmt", "WPA-PSK"},
	} {
		if got, err := c.Request(ctx, tt.cmd); err != nil || got != tt.want {
			t.Errorf("%s = %q, %v; want %q", tt.cmd, got, err, tt.want)
		}
	}
	// A field or network that is not there is the socket's FAIL.
	for _, cmd := range []string{"GET_NETWORK 1 psk", "GET_NETWORK 7 ssid"} {
		if _, err := c.Request(ctx, cmd); !errorsIsMethod(err) {
			t.Errorf("%s: err = %v, want a MethodError", cmd, err)
		}
	}
}

func errorsIsMethod(err error) bool {
	_, ok := err.(*MethodError)
	return ok
}
