package wpadbus

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/godbus/dbus/v5"
	"github.com/google/go-cmp/cmp"
)

// TestParseCmd_SessionCommandsBecomeMethodCalls: the commands the session
// sends, with the arguments of wpa_supplicant 2.10's handlers
// (dbus_new_handlers_p2p.c, dbus_new_handlers_wps.c).
func TestParseCmd_SessionCommandsBecomeMethodCalls(t *testing.T) {
	phone := devP + "/Peers/aabbccddeeff"
	vm := func(kv ...any) map[string]dbus.Variant {
		m := map[string]dbus.Variant{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = dbus.MakeVariant(kv[i+1])
		}
		return m
	}
	tests := []struct {
		cmd  string
		want call
	}{
		{"P2P_FIND", call{dev: true, method: p2pIface + ".Find", args: []any{vm()}}},
		{"P2P_FIND 5", call{dev: true, method: p2pIface + ".Find", args: []any{vm("Timeout", int32(5))}}},
		{"P2P_FIND 30 type=social", call{dev: true, method: p2pIface + ".Find", args: []any{vm("Timeout", int32(30), "DiscoveryType", "social")}}},
		{"P2P_STOP_FIND", call{dev: true, method: p2pIface + ".StopFind"}},
		{"P2P_LISTEN", call{dev: true, method: p2pIface + ".Listen", args: []any{int32(0)}}},
		{"P2P_GROUP_ADD", call{dev: true, method: p2pIface + ".GroupAdd", args: []any{vm()}}},
		{"P2P_GROUP_ADD persistent", call{dev: true, method: p2pIface + ".GroupAdd", args: []any{vm("persistent", true)}}},
		{"P2P_GROUP_ADD persistent=3 freq=2412", call{dev: true, method: p2pIface + ".GroupAdd",
			args: []any{vm("persistent_group_object", devP+"/PersistentGroups/3", "frequency", int32(2412))}}},
		{"P2P_CONNECT aa:bb:cc:dd:ee:ff 12345670 display go_intent=15", call{dev: true, method: p2pIface + ".Connect",
			args: []any{vm("peer", phone, "wps_method", "display", "pin", "12345670", "go_intent", int32(15))}}},
		{"P2P_CONNECT aa:bb:cc:dd:ee:ff pbc persistent auth go_intent=15", call{dev: true, method: p2pIface + ".Connect",
			args: []any{vm("peer", phone, "wps_method", "pbc", "persistent", true, "authorize_only", true, "go_intent", int32(15))}}},
		{"P2P_CONNECT aa:bb:cc:dd:ee:ff pin", call{dev: true, method: p2pIface + ".Connect", pin: true,
			args: []any{vm("peer", phone, "wps_method", "pin")}}},
		{"P2P_INVITE persistent=0 peer=aa:bb:cc:dd:ee:ff", call{dev: true, method: p2pIface + ".Invite",
			args: []any{vm("peer", phone, "persistent_group_object", devP+"/PersistentGroups/0")}}},
		{"P2P_INVITE group=p2p-wlan0-0 peer=aa:bb:cc:dd:ee:ff", call{on: "p2p-wlan0-0", method: p2pIface + ".Invite",
			args: []any{vm("peer", phone)}}},
		{"P2P_GROUP_REMOVE p2p-wlan0-0", call{on: "p2p-wlan0-0", method: p2pIface + ".Disconnect"}},
		{"P2P_REMOVE_CLIENT aa:bb:cc:dd:ee:ff", call{dev: true, method: p2pIface + ".RemoveClient", args: []any{vm("peer", phone)}}},
		{"P2P_REMOVE_CLIENT iface=02:11:22:33:44:55", call{dev: true, method: p2pIface + ".RemoveClient",
			args: []any{vm("iface", []byte{2, 0x11, 0x22, 0x33, 0x44, 0x55})}}},
		{"WPS_PBC", call{method: wpsIface + ".Start", args: []any{vm("Role", "enrollee", "Type", "pbc")}}},
		{"WPS_PBC p2p_dev_addr=aa:bb:cc:dd:ee:ff", call{method: wpsIface + ".Start",
			args: []any{vm("Role", "enrollee", "Type", "pbc", "P2PDeviceAddress", []byte{0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff})}}},
		{"WPS_PIN any 12345670", call{method: wpsIface + ".Start", args: []any{vm("Role", "enrollee", "Type", "pin", "Pin", "12345670")}}},
		{"WPS_PIN 02:11:22:33:44:55 1234", call{method: wpsIface + ".Start",
			args: []any{vm("Role", "enrollee", "Type", "pin", "Pin", "1234", "Bssid", []byte{2, 0x11, 0x22, 0x33, 0x44, 0x55})}}},
		{"P2P_PROV_DISC aa:bb:cc:dd:ee:ff display", call{dev: true, method: p2pIface + ".ProvisionDiscoveryRequest", args: []any{phone, "display"}}},
		{"WPS_CANCEL", call{method: wpsIface + ".Cancel"}},
		{"P2P_CANCEL", call{dev: true, method: p2pIface + ".Cancel"}},
		{"SAVE_CONFIG", call{method: ifaceIface + ".SaveConfig"}},
		{"P2P_SET ssid_postfix -hostp2pd", call{dev: true, method: propsIface + ".Set",
			args: []any{p2pIface, "P2PDeviceConfig", dbus.MakeVariant(vm("SsidPostfix", "-hostp2pd"))}}},
		{"SET p2p_go_intent 15", call{dev: true, method: propsIface + ".Set",
			args: []any{p2pIface, "P2PDeviceConfig", dbus.MakeVariant(vm("GOIntent", uint32(15)))}}},
		{"SET persistent_reconnect 1", call{dev: true, method: propsIface + ".Set",
			args: []any{p2pIface, "P2PDeviceConfig", dbus.MakeVariant(vm("PersistentReconnect", true))}}},
		{"SET ip_addr_go 192.168.49.1", call{dev: true, method: propsIface + ".Set",
			args: []any{p2pIface, "P2PDeviceConfig", dbus.MakeVariant(vm("IpAddrGo", []byte{192, 168, 49, 1}))}}},
		{"SET device_name Kiosk", call{dev: true, method: propsIface + ".Set",
			args: []any{p2pIface, "P2PDeviceConfig", dbus.MakeVariant(vm("DeviceName", "Kiosk"))}}},
	}
	for _, tt := range tests {
		t.Run(tt.cmd, func(t *testing.T) {
			got, err := parseCmd(tt.cmd, devP)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(call{}),
				cmp.Transformer("variant", func(v dbus.Variant) string { return v.String() })); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestParseCmd_NoEquivalentOrBadInput: never a pretended success.
func TestParseCmd_NoEquivalentOrBadInput(t *testing.T) {
	for _, tt := range []struct {
		cmd    string
		noEqui bool
	}{
		{"SET country DE", true}, {"SET p2p_go_intent x", false}, {"SET ip_addr_go ::1", false}, {"SET p2p_intra_bss yes", false},
		{"SET p2p_go_intent", false}, {"DEAUTHENTICATE 02:00:00:00:00:01", true}, {"P2P_SET per_sta_psk 1", true},
		{"P2P_GROUP_ADD ht40", true}, {"P2P_CONNECT aa:bb:cc:dd:ee:ff pbc persistent=2", true}, {"SET_NETWORK 0 ssid \"x\"", true},
		{"ADD_NETWORK", true}, {"P2P_FIND nonsense", true}, {"WPS_PBC 02:00:00:00:00:01", true},
		{"", false}, {"P2P_CONNECT nomac pbc", false}, {"P2P_CONNECT aa:bb:cc:dd:ee:ff 12ab", false},
		{"P2P_CONNECT aa:bb:cc:dd:ee:ff pbc go_intent=16", false}, {"P2P_GROUP_ADD persistent=-1", false},
		{"P2P_INVITE persistent=0", false}, {"WPS_PIN any 123", false}, {"P2P_GROUP_REMOVE", false},
		{"P2P_LISTEN x", false}, {"P2P_REMOVE_CLIENT iface=zz", false},
	} {
		_, err := parseCmd(tt.cmd, devP)
		if err == nil {
			t.Errorf("%q: no error", tt.cmd)
			continue
		}
		if errors.Is(err, ErrNoEquivalent) != tt.noEqui {
			t.Errorf("%q: err = %v, ErrNoEquivalent want %v", tt.cmd, err, tt.noEqui)
		}
	}
}

func FuzzParseCmd(f *testing.F) {
	for _, s := range []string{"P2P_CONNECT aa:bb:cc:dd:ee:ff 12345670 display go_intent=15", "WPS_PIN any 1234", "P2P_GROUP_ADD persistent=3 freq=2412"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cmd string) { _, _ = parseCmd(cmd, devP) })
}

func TestP2PDevName_CutAtIFNAMSIZ(t *testing.T) {
	for in, want := range map[string]string{"wlan0": "p2p-dev-wlan0", "wlp0s20f3": "p2p-dev-wlp0s20", "wlx00c0ca123456": "p2p-dev-wlx00c0"} {
		if got := p2pDevName(in); got != want {
			t.Errorf("p2pDevName(%q) = %q, want %q", in, got, want)
		}
	}
}

// SET_NETWORK values take the D-Bus type that set_network_properties
// (dbus_new_handlers.c) writes back as the same control-socket text.
func TestSetValue_TheSetterWritesTheSocketText(t *testing.T) {
	psk := strings.Repeat("ab", 32)
	for _, tt := range []struct {
		field, v string
		want     any // nil: no D-Bus form
	}{
		{"psk", `"a new passphrase"`, "a new passphrase"}, // quoted again by the setter
		{"ssid", `"DIRECT-xy"`, "DIRECT-xy"},
		{"psk", psk, []byte(strings.Repeat("\xab", 32))}, // bytes: written as hex, unquoted
		{"disabled", "2", int32(2)},
		{"key_mgmt", "WPA-PSK", "WPA-PSK"},
		{"p2p_client_list", "02:00:00:00:00:01 02:00:00:00:00:02", "02:00:00:00:00:01 02:00:00:00:00:02"},
		{"key_mgmt", `"WPA-PSK"`, nil}, // a quoted value of a dont_quote field would lose its quotes
		{"ssid", "DIRECT-xy", nil},     // a bare hex/text ssid would be quoted by the setter
		{"psk", "abc", nil},
		{"psk", `"`, nil},
	} {
		v, ok := setValue(tt.field, tt.v)
		switch {
		case tt.want == nil && ok:
			t.Errorf("%s %s: got %v, want no D-Bus form", tt.field, tt.v, v)
		case tt.want != nil && (!ok || !reflect.DeepEqual(v.Value(), tt.want)):
			t.Errorf("%s %s: got %#v (%v), want %#v", tt.field, tt.v, v.Value(), ok, tt.want)
		}
	}
}
