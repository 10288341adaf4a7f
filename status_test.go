package hostp2pd

import (
	"reflect"
	"testing"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/status"
)

// TestStatus_MirrorsTheInternalSnapshot: the exported Status has the same
// fields and JSON names as the internal one (Group, Client, Pending and
// Peer are kept equal by the conversions in statusFrom), and statusFrom
// copies every field.
func TestStatus_MirrorsTheInternalSnapshot(t *testing.T) {
	t.Parallel()
	pub, in := reflect.TypeOf(Status{}), reflect.TypeOf(status.Status{})
	if pub.NumField() != in.NumField() {
		t.Fatalf("Status has %d fields, status.Status %d", pub.NumField(), in.NumField())
	}
	for i := range in.NumField() {
		a, b := pub.Field(i), in.Field(i)
		if a.Name != b.Name || a.Tag.Get("json") != b.Tag.Get("json") {
			t.Errorf("field %d: %s %q, internal %s %q", i, a.Name, a.Tag.Get("json"), b.Name, b.Tag.Get("json"))
		}
	}
	now := time.Unix(1700000000, 0)
	src := status.Status{
		Version: "v", Interface: "i", ConfigFile: "f", Mode: "m", WPSMethod: "w", State: "s", Supplicant: "c", Paused: true, Started: now,
		Group:    &status.Group{Iface: "g", SSID: "DIRECT-x", Freq: 2412, NetworkID: -1, Since: now},
		Clients:  []status.Client{{DevAddr: "d", Name: "n", Joined: now}},
		Pending:  []status.Pending{{DevAddr: "p", Since: now}},
		Peers:    []status.Peer{{DevAddr: "q", FirstSeen: now}},
		Known:    []string{"k"},
		Counters: map[string]uint64{"x": 1},
		Radio:    &status.Radio{DeviceAddress: "a", AddressChanged: &status.AddressChange{Old: "o", New: "n", Seen: now}, Country: "DE", ChannelFreq: 2412, ChannelWhy: "w"},
		Services: []status.Service{{Kind: "dns_sd", Name: "K._http._tcp.local", Registered: true, MDNS: true}},
	}
	got := statusFrom(src)
	gv, sv := reflect.ValueOf(got), reflect.ValueOf(src)
	for i := range sv.NumField() {
		if sv.Field(i).IsZero() {
			t.Fatalf("test snapshot leaves %s zero", in.Field(i).Name)
		}
		if gv.Field(i).IsZero() {
			t.Errorf("statusFrom drops %s", in.Field(i).Name)
		}
	}
	src.Counters["x"] = 2
	src.Group.SSID = "changed"
	pr, ir := reflect.TypeOf(Radio{}), reflect.TypeOf(status.Radio{})
	if pr.NumField() != ir.NumField() {
		t.Errorf("Radio has %d fields, status.Radio %d", pr.NumField(), ir.NumField())
	}
	if r := got.Radio; r == nil || *r != (Radio{DeviceAddress: "a", AddressChanged: r.AddressChanged, Country: "DE", ChannelFreq: 2412, ChannelWhy: "w"}) ||
		r.AddressChanged == nil || *r.AddressChanged != AddressChange(*src.Radio.AddressChanged) {
		t.Errorf("Radio = %+v", got.Radio)
	}
	if len(got.Services) != 1 || got.Services[0] != (Service{Kind: "dns_sd", Name: "K._http._tcp.local", Registered: true, MDNS: true}) {
		t.Errorf("Services = %+v", got.Services)
	}
	src.Radio.AddressChanged.Old = "changed"
	if got.Counters["x"] != 1 || got.Group.SSID != "DIRECT-x" || got.Radio.AddressChanged.Old != "o" {
		t.Error("statusFrom shares memory with the internal snapshot")
	}
}
