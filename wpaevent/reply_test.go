package wpaevent

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// firstReply returns the first trace reply to a command that starts with cmd
// and whose reply satisfies ok (nil: any).
func firstReply(t *testing.T, cmd string, ok func(string) bool) traceRec {
	t.Helper()
	for _, r := range traceReplies(t, cmd) {
		if ok == nil || ok(r.Data) {
			return r
		}
	}
	t.Fatalf("no trace reply to %q", cmd)
	return traceRec{}
}

func TestParseListNetworks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    []Network
		wantErr error
	}{
		{
			name: "trace: no networks",
			in:   firstReply(t, "LIST_NETWORKS", func(s string) bool { return !strings.Contains(s, "\t") }).Data,
		},
		{
			name: "trace: persistent GO group",
			in:   firstReply(t, "LIST_NETWORKS", func(s string) bool { return strings.Contains(s, "\t") }).Data,
			want: []Network{{ID: 0, SSID: "DIRECT-SJ", BSSID: "42:00:00:00:00:00", Flags: []string{"DISABLED", "P2P-PERSISTENT"}, Persistent: true, Disabled: true}},
		},
		{
			name: "escaped SSID, any, no flags, current",
			in:   "network id / ssid / bssid / flags\n0\tmy \\\"net\\\"\\x00\tany\t[CURRENT]\n7\tDIRECT-ab\t02:00:00:00:00:00\t\n",
			want: []Network{
				{ID: 0, SSID: "my \"net\"\x00", BSSID: "any", Flags: []string{"CURRENT"}, Current: true},
				{ID: 7, SSID: "DIRECT-ab", BSSID: "02:00:00:00:00:00"},
			},
		},
		{name: "FAIL", in: "FAIL\n", wantErr: ErrFail},
		{name: "no header", in: "0\tx\tany\t\n", wantErr: ErrMalformed},
		{name: "bad id", in: "network id / ssid / bssid / flags\nx\ty\tany\t\n", wantErr: ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseListNetworks(tt.in)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("networks (-want +got):\n%s", diff)
			}
		})
	}
	_, err := ParseListNetworks("FAIL\n")
	if got, want := err.Error(), "wpaevent: list_networks: FAIL"; got != want {
		t.Errorf("error text = %q, want %q", got, want)
	}
}

func TestParseInterfaces(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
	}{
		{"p2p-dev-wlan0\nwlan0\n", []string{"p2p-dev-wlan0", "wlan0"}},
		{"p2p-wlan0-1\np2p-wlan0-0\np2p-dev-wlan0\nwlan0\n", []string{"p2p-wlan0-1", "p2p-wlan0-0", "p2p-dev-wlan0", "wlan0"}},
		{"wlan0 ctrl_iface=DIR=/var/run/wpa_supplicant\n", []string{"wlan0"}},
		{"FAIL\n", nil},
		{"", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, ParseInterfaces(tt.in)); diff != "" {
			t.Errorf("ParseInterfaces(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
	// Every INTERFACES reply of the traces lists p2p-dev-wlan0 and wlan0,
	// newest group first.
	for _, r := range traceReplies(t, "INTERFACES") {
		got := ParseInterfaces(r.Data)
		if len(got) < 2 || got[len(got)-2] != "p2p-dev-wlan0" || got[len(got)-1] != "wlan0" {
			t.Errorf("%s: ParseInterfaces = %q", r.where(), got)
		}
	}
}

func TestParseStatus(t *testing.T) {
	t.Parallel()
	group := firstReply(t, "STATUS", func(s string) bool { return strings.HasPrefix(s, "bssid=") }).Data
	dev := firstReply(t, "STATUS", func(s string) bool { return strings.HasPrefix(s, "wpa_state=") }).Data
	global := firstReply(t, "STATUS", func(s string) bool { return strings.HasPrefix(s, "p2p_device_address=") }).Data
	tests := []struct {
		name string
		in   string
		want Status
	}{
		{
			name: "trace: group interface",
			in:   group,
			want: Status{
				WPAState: "COMPLETED", Mode: "P2P GO", SSID: "DIRECT-0z", Freq: 2437, BSSID: goBSSID,
				Address: goBSSID, P2PDeviceAddress: goDev, ID: 0, UUID: "362db47b-a53a-5191-88fb-5458b986b2e4",
				KeyMgmt: "WPA2-PSK", PairwiseCipher: "CCMP", GroupCipher: "CCMP",
			},
		},
		{
			name: "trace: P2P device interface",
			in:   dev,
			want: Status{WPAState: "DISCONNECTED", Address: goDev, P2PDeviceAddress: goDev, ID: -1, UUID: "362db47b-a53a-5191-88fb-5458b986b2e4"},
		},
		{
			name: "trace: global interface",
			in:   global,
			want: Status{P2PDeviceAddress: goDev, P2PState: "IDLE", Address: goDev, ID: -1},
		},
		{
			name: "escaped SSID",
			in:   "ssid=caf\\xc3\\xa9 \\\"x\\\"\nwpa_state=COMPLETED\n",
			want: Status{SSID: "café \"x\"", WPAState: "COMPLETED", ID: -1},
		},
		{name: "FAIL", in: "FAIL\n", want: Status{ID: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ParseStatus(tt.in)); diff != "" {
				t.Errorf("ParseStatus (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseKV(t *testing.T) {
	t.Parallel()
	r := firstReply(t, "P2P_PEER", func(s string) bool { return strings.Contains(s, "device_name=Bob") })
	m := ParseKV(r.Data)
	for k, want := range map[string]string{
		"device_name":    hostileN1,
		"manufacturer":   " ",
		"config_methods": "0x188",
		"interface_addr": "00:00:00:00:00:00",
		"flags":          "[REPORTED]",
	} {
		if m[k] != want {
			t.Errorf("%s: ParseKV[%q] = %q, want %q", r.where(), k, m[k], want)
		}
	}
	if _, ok := m["42:00:00:00:01:00"]; ok || len(m) != 26 {
		t.Errorf("ParseKV has %d keys (want 26, without the MAC line): %v", len(m), m)
	}
	if diff := cmp.Diff(map[string]string{"a": "b=c", "d": ""}, ParseKV("a=x\na=b=c\nnoequals\nd=")); diff != "" {
		t.Errorf("ParseKV (-want +got):\n%s", diff)
	}
}

func TestParsePeer(t *testing.T) {
	t.Parallel()
	trace := firstReply(t, "P2P_PEER FIRST", nil)
	hostile := firstReply(t, "P2P_PEER", func(s string) bool { return strings.Contains(s, "device_name=Bob") })
	utf8 := firstReply(t, "P2P_PEER", func(s string) bool { return strings.Contains(s, "device_name=T\xc3\xa9l") })
	base := func(name string, set func(p *Peer)) Peer {
		p := Peer{
			Addr: phone, PriDevType: devTypePhn, DeviceName: name, Manufacturer: " ", ModelName: " ", ModelNumber: " ", SerialNumber: " ",
			ConfigMethods: 0x188, DevCapab: 0x25, Level: -50, Age: 4, ListenFreq: 2412, WPSMethod: "not-ready",
			Flags: []string{"REPORTED"}, Status: 0, PersistentID: -1,
		}
		if set != nil {
			set(&p)
		}
		return p
	}
	tests := []struct {
		name    string
		in      string
		want    Peer
		wantErr error
	}{
		{
			name: "trace: after the join",
			in:   trace.Data,
			want: base("phone", func(p *Peer) {
				p.SerialNumber, p.Level, p.Age, p.ListenFreq = "", 0, 1, 2437
				p.InterfaceAddr, p.OperSSID = phoneIf, "DIRECT-0z"
			}),
		},
		{name: "trace: hostile name", in: hostile.Data, want: base(hostileN1, nil)},
		{name: "trace: UTF-8 name", in: utf8.Data, want: base(hostileN2, nil)},
		{
			name: "name with newlines that imitate later fields",
			in:   "42:00:00:00:01:00\npri_dev_type=1-0050F204-1\ndevice_name=evil\nconfig_methods=0xffff\ninterface_addr=de:ad:be:ef:00:00\nmanufacturer=m\nfoo\nmodel_name= \nmodel_number= \nserial_number= \nconfig_methods=0x188\ndev_capab=0x25\ngroup_capab=0x0\nlevel=-50\nage=4\nlisten_freq=2412\nwps_method=not-ready\ninterface_addr=00:00:00:00:00:00\nflags=[REPORTED]\nstatus=0\npersistent=3\n",
			want: base("evil\nconfig_methods=0xffff\ninterface_addr=de:ad:be:ef:00:00", func(p *Peer) {
				p.Manufacturer, p.PersistentID = "m\nfoo", 3
			}),
		},
		{name: "FAIL (unknown peer)", in: "FAIL\n", want: Peer{Status: -1, PersistentID: -1}, wantErr: ErrFail},
		{name: "no MAC line", in: "pri_dev_type=1\n", want: Peer{Status: -1, PersistentID: -1}, wantErr: ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePeer(tt.in)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParsePeer (-want +got):\n%s", diff)
			}
		})
	}
	// Every successful P2P_PEER reply of the traces parses.
	for _, r := range traceReplies(t, "P2P_PEER") {
		if _, err := ParsePeer(r.Data); err != nil && !errors.Is(err, ErrFail) {
			t.Errorf("%s: %v", r.where(), err)
		}
	}
}

func TestParseSta(t *testing.T) {
	t.Parallel()
	first := firstReply(t, "STA-FIRST", func(s string) bool { return s != "" })
	hostile := traceReplies(t, "STA-FIRST")
	var hostileData string
	for _, r := range hostile {
		if strings.Contains(r.Data, "p2p_device_name=Bob") {
			hostileData = r.Data
		}
	}
	want := Sta{
		Addr: phoneIf, Flags: []string{"AUTH", "ASSOC", "AUTHORIZED", "SHORT_PREAMBLE", "WMM", "HT"}, Authorized: true, AID: 1,
		WPSUUID: uuid1, P2PDeviceName: "phone", P2PDeviceAddr: phone, P2PConfigMethods: 0x188,
		RxBytes: 1131, TxBytes: 519, Signal: -30, ConnectedTime: time.Second,
	}
	tests := []struct {
		name    string
		in      string
		want    Sta
		wantErr error
	}{
		{name: "trace: STA-FIRST", in: first.Data, want: want},
		{name: "trace: hostile name", in: hostileData, want: func() Sta {
			w := want
			w.P2PDeviceName, w.RxBytes = hostileN1, 1156
			return w
		}()},
		{
			name: "WPS name with newlines that imitate fields",
			in:   "46:00:00:00:01:00\nflags=[AUTH][ASSOC][AUTHORIZED]\naid=1\nwpsUuid=u\nwpsDeviceName=x\nflags=[AUTH]\naid=9\np2p_device_addr=de:ad:be:ef:00:00\np2p_device_name=fake\nwpsManufacturer= \np2p_device_name=a\nb\np2p_device_addr=42:00:00:00:01:00\np2p_config_methods=0x188\nconnected_time=65\n",
			want: Sta{
				Addr: phoneIf, Flags: []string{"AUTH", "ASSOC", "AUTHORIZED"}, Authorized: true, AID: 1, WPSUUID: "u",
				P2PDeviceName: "a\nb", P2PDeviceAddr: phone, P2PConfigMethods: 0x188, ConnectedTime: 65 * time.Second,
			},
		},
		{name: "empty: no (more) stations", in: "", wantErr: ErrNoStation},
		{name: "FAIL", in: "FAIL\n", wantErr: ErrFail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSta(tt.in)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseSta (-want +got):\n%s", diff)
			}
		})
	}
	// Every STA-FIRST/STA-NEXT/STA reply of the traces: a station, or the
	// empty datagram after the last one (or with none).
	for _, cmd := range []string{"STA-FIRST", "STA-NEXT", "STA "} {
		for _, r := range traceReplies(t, cmd) {
			st, err := ParseSta(r.Data)
			switch {
			case r.Data == "":
				if !errors.Is(err, ErrNoStation) {
					t.Errorf("%s: empty reply: err = %v", r.where(), err)
				}
			case err != nil && !errors.Is(err, ErrFail):
				t.Errorf("%s: %v", r.where(), err)
			case err == nil && (st.P2PDeviceAddr.IsZero() || !st.Authorized || st.P2PDeviceName == ""):
				t.Errorf("%s: incomplete station %+v", r.where(), st)
			}
		}
	}
}

func TestParseGetNetwork(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    string
		wantErr error
	}{
		{`"DIRECT-SJ"`, "DIRECT-SJ", nil},
		{`"a"b"`, `a"b`, nil}, // an embedded quote is not escaped
		{"4449524543542dc3a9", "DIRECT-\xc3\xa9", nil},
		{"3", "3", nil},
		{"*", "*", nil},
		{"42:00:00:00:00:00", "42:00:00:00:00:00", nil},
		{"zz", "zz", nil},
		{"FAIL\n", "", ErrFail},
	}
	for _, tt := range tests {
		got, err := ParseGetNetwork(tt.in)
		if got != tt.want || !errors.Is(err, tt.wantErr) {
			t.Errorf("ParseGetNetwork(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
	// The GET_NETWORK replies of the traces.
	for _, r := range traceReplies(t, "GET_NETWORK") {
		got, err := ParseGetNetwork(r.Data)
		switch {
		case strings.HasSuffix(r.Cmd, " ssid") && err == nil:
			if got != "DIRECT-SJ" {
				t.Errorf("%s: %q → %q", r.where(), r.Data, got)
			}
		case err != nil && !errors.Is(err, ErrFail):
			t.Errorf("%s: %q: %v", r.where(), r.Data, err)
		}
	}
}

func TestReplyErrors(t *testing.T) {
	t.Parallel()
	_, err := ParsePeer("FAIL-NO-IFNAME-MATCH\n")
	if !errors.Is(err, ErrFail) || err.Error() != "wpaevent: p2p_peer: FAIL-NO-IFNAME-MATCH" {
		t.Errorf("err = %v", err)
	}
	_, err = ParseSta("UNKNOWN COMMAND\n")
	if !errors.Is(err, ErrUnknownCommand) {
		t.Errorf("err = %v", err)
	}
}
