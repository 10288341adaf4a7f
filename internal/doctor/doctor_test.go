package doctor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/internal/radio"
	"github.com/hostp2pd/hostp2pd/wpactrl"
	"github.com/hostp2pd/hostp2pd/wpactrl/wpatest"
)

// recorded reads an iw output captured in the lab VM (internal/radio/testdata).
func recorded(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "radio", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// outputs is a fake system: "iw dev" → output; a value starting with
// "ERR " is an error of that text.
type outputs map[string]string

func (o outputs) run(_ context.Context, name string, args ...string) (string, error) {
	out, ok := o[strings.Join(append([]string{name}, args...), " ")]
	if !ok {
		if name == "iw" {
			return "", radio.ErrNoIw
		}
		return "", fmt.Errorf("%s not found", name)
	}
	if msg, isErr := strings.CutPrefix(out, "ERR "); isErr {
		return "", errors.New(msg)
	}
	return out, nil
}

// hwsimIdle is the lab GO radio before any group: iw outputs as recorded.
func hwsimIdle(t testing.TB) outputs {
	return outputs{
		"iw dev":                               recorded(t, "hwsim-dev-p2p.txt"),
		"iw phy":                               recorded(t, "hwsim-phy.txt"),
		"iw reg get":                           recorded(t, "hwsim-reg.txt"),
		"nmcli -t -f DEVICE,TYPE,STATE device": "ERR nmcli -t -f DEVICE,TYPE,STATE device: exit status 8: Error: NetworkManager is not running.",
	}
}

// procFS is a /proc with the lab VM's processes (pid 132 the GO's wpa_supplicant).
func procFS() fstest.MapFS {
	return fstest.MapFS{
		"proc/1/cmdline":   {Data: []byte("/bin/sh\x00/init\x00")},
		"proc/132/cmdline": {Data: []byte("wpa_supplicant\x00-B\x00-Dnl80211\x00-i\x00wlan0\x00-c\x00/tmp/go.conf\x00")},
		"proc/net/unix": {Data: []byte("Num       RefCount Protocol Flags    Type St Inode Path\n" +
			"00000000c872c673: 00000002 00000000 00000000 0002 03 12230 /var/run/wpa_supplicant/wlan0\n" +
			"00000000932dfe92: 00000005 00000000 00000000 0002 03 12234 /var/run/wpa_supplicant/p2p-dev-wlan0\n")},
		"proc/self": {Data: []byte("999"), Mode: fs.ModeSymlink},
	}
}

// fakeSupplicant is wpa_supplicant as the lab configures it.
func fakeSupplicant(t *testing.T) (*wpatest.Server, func(context.Context, string) (string, error), string) {
	t.Helper()
	dir := t.TempDir()
	srv, err := wpatest.NewServer(dir, "p2p-dev-wlan0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	for k, v := range map[string]string{"config_methods": "virtual_push_button keypad display", "persistent_reconnect": "1",
		"update_config": "1", "device_name": "hostp2pd-lab", "p2p_device_random_mac_addr": "0"} {
		srv.SetVar(k, v)
	}
	conn, err := wpactrl.Dial(context.Background(), filepath.Join(dir, "p2p-dev-wlan0"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return srv, conn.Request, dir
}

func report(t *testing.T, fs []Finding) (string, bool) {
	t.Helper()
	var buf bytes.Buffer
	ok := Report(&buf, fs)
	return buf.String(), ok
}

func wantLines(t *testing.T, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("missing %q in report:\n%s", w, out)
		}
	}
}

func baseEnv(t *testing.T, req func(context.Context, string) (string, error), o outputs) Env {
	return Env{Request: req, Run: o.run, FS: procFS(), Euid: 0, Pid: 999, Writable: func(string) error { return nil }}
}

func testConfig(dir string) *config.Config {
	cfg := config.Default() // persistent mode: persistent_reconnect is required
	cfg.CtrlInterface = dir
	cfg.LogFile = ""
	cfg.DHCP.Enabled = false
	cfg.CtlSocket = config.Off
	return cfg
}

func TestCheck_LabGORadio(t *testing.T) {
	_, req, dir := fakeSupplicant(t)
	fs := Check(context.Background(), testConfig(dir), "p2p-dev-wlan0", baseEnv(t, req, hwsimIdle(t)), nil)
	out, ok := report(t, fs)
	if !ok {
		t.Errorf("the lab GO radio failed:\n%s", out)
	}
	wantLines(t, out,
		"ok    control socket",
		"ok    p2p device             device address 42:00:00:00:00:00",
		"warn  country                wpa_supplicant has no country=; kernel regulatory domain 00: 00 is the world domain, not a country",
		"ok    p2p device address     p2p_device_random_mac_addr=0: the address comes from the permanent MAC",
		"ok    radio                  phy0: P2P-GO and P2P-device supported; managed + P2P-device + P2P-GO on 1 channel",
		"ok    AP + P2P-GO            no AP interface on phy0; an AP next to the group is allowed",
		"ok    channel                hostp2pd starts groups on 2412 MHz: no group_freq: social channel 2412 MHz (first usable of 1, 6, 11)",
		"ok    NetworkManager         not running",
		"ok    other P2P drivers      no wpa_cli, Python hostp2pd or other control client found",
	)
}

func TestCheck_PersistentModeNeedsPersistentReconnect(t *testing.T) {
	srv, req, dir := fakeSupplicant(t)
	srv.SetVar("persistent_reconnect", "0")
	out, ok := report(t, Check(context.Background(), testConfig(dir), "p2p-dev-wlan0", baseEnv(t, req, hwsimIdle(t)), nil))
	if ok {
		t.Errorf("report passed although persistent_reconnect=0 in persistent mode:\n%s", out)
	}
	wantLines(t, out, "FAIL  persistent_reconnect")
}

func TestCheck_NoSupplicantStillChecksTheHost(t *testing.T) {
	cfg := testConfig(t.TempDir())
	env := baseEnv(t, nil, hwsimIdle(t))
	env.Euid = 1000
	out, ok := report(t, Check(context.Background(), cfg, "p2p-dev-wlan0", env, errors.New("connect: no such file or directory")))
	if ok {
		t.Fatal("passed without a supplicant")
	}
	wantLines(t, out, "is wpa_supplicant running", "CAP_NET_ADMIN",
		"warn  country                kernel regulatory domain 00: 00 is the world domain, not a country",
		"ok    radio                  phy0:", "ok    NetworkManager", "ok    other P2P drivers")
}

// TestCheck_ProbesThatCannotReadSayUnknown: a host without Wi-Fi, iw,
// nmcli or /proc gets "unknown" lines with the reason, and doctor passes
// as long as nothing it could read is wrong.
func TestCheck_ProbesThatCannotReadSayUnknown(t *testing.T) {
	_, req, dir := fakeSupplicant(t)
	tests := []struct {
		name string
		o    outputs
		fs   fs.FS
		want []string
	}{
		{"no iw, no nmcli", outputs{}, procFS(), []string{
			"?     radio                  unknown: iw not found (install the iw package)",
			"warn  country                wpa_supplicant has no country= (regulatory domain unknown: iw not found (install the iw package))",
			"?     NetworkManager         unknown: nmcli not found (NetworkManager is probably not installed)",
		}},
		{"iw without nl80211 (no Wi-Fi)", outputs{"iw dev": "", "iw phy": "", "iw reg get": "ERR iw reg get: exit status 1: nl80211 not found."}, procFS(), []string{
			"?     radio                  unknown: radio: no Wiphy in iw phy output",
			"regulatory domain unknown: iw reg get: exit status 1: nl80211 not found.",
		}},
		{"no /proc", hwsimIdle(t), fstest.MapFS{}, []string{"?     other P2P drivers      unknown: open proc: file does not exist"}},
		{"nmcli fails oddly", outputs{"nmcli -t -f DEVICE,TYPE,STATE device": "ERR nmcli: signal: killed"}, procFS(), []string{
			"?     NetworkManager         unknown: nmcli: nmcli: signal: killed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := baseEnv(t, req, tt.o)
			env.FS = tt.fs
			out, ok := report(t, Check(context.Background(), testConfig(dir), "p2p-dev-wlan0", env, nil))
			if !ok {
				t.Errorf("a probe that cannot read failed doctor:\n%s", out)
			}
			wantLines(t, out, tt.want...)
		})
	}
	// no runner, no file system at all: still a full report
	out, _ := report(t, Check(context.Background(), testConfig(dir), "p2p-dev-wlan0", Env{Request: req}, nil))
	wantLines(t, out, "?     radio", "?     NetworkManager         unknown: cannot run nmcli", "?     other P2P drivers      unknown: no /proc")
}

func TestNetworkManager(t *testing.T) {
	const dropIn = "unmanaged-devices=interface-name:wlan0;interface-name:p2p-dev-wlan0;interface-name:p2p-wlan0-*"
	tests := []struct {
		name, nmcli string
		want        []string
	}{
		{"manages wlan0 (Raspberry Pi OS Bookworm)", "lo:loopback:unmanaged\nwlan0:wifi:connected\np2p-dev-wlan0:wifi-p2p:disconnected\neth0:ethernet:unavailable\n",
			[]string{"warn  NetworkManager         manages wlan0 (connected), p2p-dev-wlan0 (disconnected)", "/etc/NetworkManager/conf.d/99-hostp2pd.conf:", "[keyfile]", dropIn, "systemctl reload NetworkManager"}},
		{"a group interface", "wlan0:wifi:unmanaged\np2p-wlan0-0:wifi:connecting (getting IP configuration)\n", []string{"warn  NetworkManager         manages p2p-wlan0-0 (connecting (getting IP configuration))"}},
		{"unmanaged already", "wlan0:wifi:unmanaged\np2p-dev-wlan0:wifi-p2p:unmanaged\neth0:ethernet:connected\n", []string{"ok    NetworkManager         running; wlan0 and its P2P devices are unmanaged"}},
		{"does not see wlan0", "eth0:ethernet:connected\nwlan1:wifi:connected\n", []string{"ok    NetworkManager         running; it lists no wlan0"}},
		{"escaped colons", `br\:0:bridge:connected` + "\nwlan0:wifi:unmanaged\n", []string{"ok    NetworkManager         running; wlan0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := hwsimIdle(t)
			o["nmcli -t -f DEVICE,TYPE,STATE device"] = tt.nmcli
			c := &checker{ctx: context.Background(), cfg: testConfig(""), iface: "p2p-dev-wlan0", env: Env{Run: o.run}}
			c.networkManager("wlan0")
			out, _ := report(t, c.fs)
			wantLines(t, out, tt.want...)
		})
	}
}

func TestOtherClients(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		level Level
		want  []string
	}{
		{"wpa_cli on the P2P device", map[string]string{"proc/160/cmdline": "wpa_cli\x00-p\x00/var/run/wpa_supplicant\x00-i\x00p2p-dev-wlan0\x00"}, Warn,
			[]string{"wpa_cli (pid 160: wpa_cli -p /var/run/wpa_supplicant -i p2p-dev-wlan0)", "p2p_connect"}},
		{"wpa_cli without -i (takes the first interface)", map[string]string{"proc/161/cmdline": "/usr/sbin/wpa_cli\x00-a\x00/bin/true\x00"}, Warn, []string{"wpa_cli (pid 161"}},
		{"wpa_cli on another radio", map[string]string{"proc/162/cmdline": "wpa_cli\x00-iwlan1\x00"}, OK, []string{"ok    other P2P drivers"}},
		{"the Python hostp2pd", map[string]string{"proc/170/cmdline": "/usr/bin/python3\x00/usr/local/bin/hostp2pd\x00-i\x00p2p-dev-wlan0\x00"}, Warn, []string{"the Python hostp2pd (pid 170"}},
		{"a program with a wpa_ctrl socket", map[string]string{"proc/180/cmdline": "wifi-helper\x00",
			"proc/net/unix": "0000: 00000002 00000000 00000000 0002 03 12261 /tmp/wpa_ctrl_180-1\n"}, Warn, []string{"wifi-helper (pid 180) has a wpa_supplicant control connection"}},
		{"ourselves and the hostp2pd daemon are not others", map[string]string{"proc/999/cmdline": "wpa_cli\x00", "proc/200/cmdline": "/usr/local/bin/hostp2pd\x00-i\x00p2p-dev-wlan0\x00",
			"proc/net/unix": "0000: 00000002 00000000 00000000 0002 03 1 /tmp/wpa_ctrl_999-1\n0000: 00000002 00000000 00000000 0002 03 1 /tmp/wpa_ctrl_200-1\n"}, OK, []string{"ok    other P2P drivers"}},
		{"two wpa_supplicants on wlan0", map[string]string{"proc/300/cmdline": "/sbin/wpa_supplicant\x00-iwlan0\x00-c\x00/etc/wpa.conf\x00"}, Fail,
			[]string{"FAIL  wpa_supplicant         2 wpa_supplicant processes on wlan0"}},
		{"unreadable and odd entries", map[string]string{"proc/400/cmdline": "", "proc/sys/x": "1", "proc/net/unix": "garbage\n"}, OK, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := procFS()
			for k, v := range tt.files {
				fsys[k] = &fstest.MapFile{Data: []byte(v)}
			}
			c := &checker{ctx: context.Background(), cfg: testConfig(""), iface: "p2p-dev-wlan0", env: Env{FS: fsys, Pid: 999}}
			c.otherClients("wlan0")
			out, _ := report(t, c.fs)
			wantWorst(t, c.fs, tt.level, out)
			wantLines(t, out, tt.want...)
		})
	}
}

func TestRadioChecks(t *testing.T) {
	brcm := hwsimIdle(t)
	brcm["iw phy"] = recorded(t, "brcmfmac-like-phy.txt")
	uap := hwsimIdle(t)
	uap["iw phy"] = recorded(t, "brcmfmac-like-phy.txt")
	uap["iw dev"] = recorded(t, "hwsim-dev-p2p.txt") + "\tInterface uap0\n\t\tifindex 4\n\t\taddr 02:00:00:00:00:01\n\t\ttype AP\n\t\tchannel 1 (2412 MHz), width: 20 MHz\n"
	station := hwsimIdle(t)
	station["iw dev"] = recorded(t, "hwsim-dev-station.txt")
	nogo := hwsimIdle(t)
	nogo["iw phy"] = "Wiphy phy0\n\tSupported interface modes:\n\t\t * managed\n\t\t * AP\n"
	tests := []struct {
		name      string
		o         outputs
		groupFreq int
		ok        bool
		want      []string
	}{
		{"brcmfmac idle", brcm, 0, true, []string{
			"ok    radio                  phy0: P2P-GO and P2P-device supported; managed + P2P-device + P2P-GO on 2 channels",
			"ok    AP + P2P-GO            no AP interface on phy0; an AP next to the group is NOT allowed: do not add one (such as uap0)"}},
		{"brcmfmac with uap0 (EBUSY)", uap, 0, false, []string{
			"FAIL  AP + P2P-GO            AP interface uap0 is up on phy0 and no interface combination runs a P2P-GO next to it",
			"group creation fails with EBUSY", "iw dev uap0 del"}},
		{"hwsim station on channel 6", station, 0, true, []string{
			"ok    channel                hostp2pd starts groups on 2437 MHz: wlan0 is a station on 2437 MHz and phy0 allows one channel for managed + P2P-GO: the group uses the station's channel"}},
		{"hwsim station, group_freq elsewhere", station, 2462, true, []string{
			"warn  channel                hostp2pd starts groups on 2462 MHz: group_freq 2462 MHz from the configuration; but wlan0 is a station on 2437 MHz",
			"set group_freq: 2437 (or remove it)"}},
		{"group_freq 5", hwsimIdle(t), 5, true, []string{"ok    channel                hostp2pd starts groups on any 5 GHz channel: group_freq 5: any 5 GHz channel wpa_supplicant picks"}},
		{"no P2P-GO", nogo, 0, false, []string{"FAIL  radio                  phy0: the driver offers no P2P-GO interface mode"}},
		{"-i wlan0 next to a P2P-device", hwsimIdle(t), 0, true, []string{
			"warn  interface              wlan0 is the station interface, and phy0 has a P2P-device (42:00:00:00:00:00): wpa_supplicant reports P2P events on p2p-dev-wlan0",
			"run hostp2pd with -i p2p-dev-wlan0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig("")
			cfg.GroupFreq = tt.groupFreq
			iface := "p2p-dev-wlan0"
			if strings.HasPrefix(tt.name, "-i wlan0") {
				iface = "wlan0"
			}
			c := &checker{ctx: context.Background(), cfg: cfg, iface: iface, env: Env{Run: tt.o.run}}
			c.radio(radio.Probe(context.Background(), tt.o.run, iface))
			if iface == "p2p-dev-wlan0" && slices.ContainsFunc(c.fs, func(f Finding) bool { return f.Check == "interface" }) {
				t.Errorf("interface warning for the P2P device itself: %v", c.fs)
			}
			out, ok := report(t, c.fs)
			if ok != tt.ok {
				t.Errorf("passed = %v, want %v:\n%s", ok, tt.ok, out)
			}
			wantLines(t, out, tt.want...)
		})
	}
}

func TestMACPolicy(t *testing.T) {
	brcmfmac := fstest.MapFS{"sys/class/net/wlan0/device/driver": {Data: []byte("../../../../bus/sdio/drivers/brcmfmac"), Mode: fs.ModeSymlink}}
	tests := []struct {
		name   string
		vars   map[string]string // "" value: unset (GET answers FAIL)
		fs     fs.FS
		level  Level
		expect string
	}{
		{"permanent MAC on hwsim", map[string]string{"p2p_device_random_mac_addr": "0"}, procFS(), OK, "p2p_device_random_mac_addr=0: the address comes from the permanent MAC"},
		{"permanent MAC on brcmfmac", map[string]string{"p2p_device_random_mac_addr": "0"}, brcmfmac, Warn, "the driver is brcmfmac: it gives the P2P device a new address at each wpa_supplicant restart"},
		{"random at each start", map[string]string{"p2p_device_random_mac_addr": "1"}, procFS(), Warn, "a new random address at each start"},
		{"persistent random", map[string]string{"p2p_device_random_mac_addr": "2"}, brcmfmac, OK, "one random address, kept in p2p_device_persistent_mac_addr"},
		{"persistent random not saved", map[string]string{"p2p_device_random_mac_addr": "2", "update_config": "0"}, procFS(), Warn, "but update_config is not 1"},
		{"old wpa_supplicant", map[string]string{"p2p_device_random_mac_addr": ""}, procFS(), Unknown, "unknown: this wpa_supplicant has no p2p_device_random_mac_addr"},
		{"old wpa_supplicant on brcmfmac", map[string]string{"p2p_device_random_mac_addr": ""}, brcmfmac, Warn, "the driver is brcmfmac"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			srv, err := wpatest.NewServer(dir, "p2p-dev-wlan0")
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			srv.SetVar("update_config", "1")
			for k, v := range tt.vars {
				if v != "" {
					srv.SetVar(k, v)
				}
			}
			conn, err := wpactrl.Dial(context.Background(), filepath.Join(dir, "p2p-dev-wlan0"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			env := baseEnv(t, conn.Request, hwsimIdle(t))
			env.FS = tt.fs
			fs := Check(context.Background(), testConfig(dir), "p2p-dev-wlan0", env, nil)
			i := slices.IndexFunc(fs, func(f Finding) bool { return f.Check == "p2p device address" })
			if i < 0 {
				t.Fatalf("no p2p device address finding: %v", fs)
			}
			if fs[i].Level != tt.level || !strings.Contains(fs[i].Msg, tt.expect) {
				t.Errorf("got %v %q, want %v containing %q", fs[i].Level, fs[i].Msg, tt.level, tt.expect)
			}
		})
	}
}

func TestCountry(t *testing.T) {
	de := hwsimIdle(t)
	de["iw reg get"] = "global\ncountry DE: DFS-ETSI\n\t(2400 - 2483 @ 40), (N/A, 20), (N/A)\n"
	tests := []struct {
		name    string
		country string
		o       outputs
		level   Level
		msg     string
	}{
		{"set and taken", "DE", de, OK, "DE (regulatory domain DE)"},
		{"set, kernel still 00", "DE", hwsimIdle(t), Warn, "wpa_supplicant country=DE, but the kernel's regulatory domain 00"},
		{"unset, world domain", "", hwsimIdle(t), Warn, "wpa_supplicant has no country=; kernel regulatory domain 00: 00 is the world domain, not a country"},
		{"set to 00", "00", hwsimIdle(t), Warn, "wpa_supplicant country=00: 00 is the world domain, not a country"},
		{"unset, kernel DE", "", de, OK, "DE (kernel regulatory domain; wpa_supplicant has no country=)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, req, dir := fakeSupplicant(t)
			if tt.country != "" {
				srv.SetVar("country", tt.country)
			}
			fs := Check(context.Background(), testConfig(dir), "p2p-dev-wlan0", baseEnv(t, req, tt.o), nil)
			i := slices.IndexFunc(fs, func(f Finding) bool { return f.Check == "country" })
			if i < 0 || fs[i].Level != tt.level || fs[i].Msg != tt.msg {
				t.Errorf("got %+v, want %v %q", fs, tt.level, tt.msg)
			}
		})
	}
}

// TestCheck_CreatesNothing: doctor used to MkdirAll the daemon's
// directories and write a probe file in them. It must only read.
func TestCheck_CreatesNothing(t *testing.T) {
	_, req, dir := fakeSupplicant(t)
	root := t.TempDir()
	ro := filepath.Join(root, "ro")
	if err := os.Mkdir(ro, 0o555); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(dir)
	cfg.LogFile = filepath.Join(root, "missing", "log", "hostp2pd.log")
	cfg.DHCP.Enabled = true
	cfg.DHCP.LeaseFile = filepath.Join(root, "leases-<iface>.json")
	cfg.CtlSocket = filepath.Join(root, "run", "hostp2pd-<iface>.sock")
	env := baseEnv(t, req, hwsimIdle(t))
	env.Writable = accessW
	before := listTree(t, root)
	out, _ := report(t, Check(context.Background(), cfg, "p2p-dev-wlan0", env, nil))
	if after := listTree(t, root); !slices.Equal(before, after) {
		t.Errorf("doctor changed %s: before %v, after %v", root, before, after)
	}
	wantLines(t, out,
		"ok    log file               "+cfg.LogFile+" (hostp2pd creates "+filepath.Dir(cfg.LogFile)+")",
		"ok    dhcp lease file        "+filepath.Join(root, "leases-p2p-dev-wlan0.json"),
		"warn  control API socket     "+filepath.Join(root, "run")+" does not exist")
	if os.Geteuid() != 0 { // root may write anywhere
		cfg.LogFile = filepath.Join(ro, "hostp2pd.log")
		out, _ = report(t, Check(context.Background(), cfg, "p2p-dev-wlan0", env, nil))
		wantLines(t, out, "warn  log file               "+ro+" is not writable: access "+ro+": permission denied")
	}
}

func listTree(t *testing.T, root string) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(root, func(p string, _ fs.DirEntry, err error) error {
		names = append(names, p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func TestCheck_APanickingProbeDoesNotStopTheOthers(t *testing.T) {
	_, req, dir := fakeSupplicant(t)
	env := baseEnv(t, req, hwsimIdle(t))
	env.Writable = func(string) error { panic("boom") }
	cfg := testConfig(dir)
	cfg.LogFile = filepath.Join(t.TempDir(), "hostp2pd.log")
	out, ok := report(t, Check(context.Background(), cfg, "p2p-dev-wlan0", env, nil))
	if !ok {
		t.Errorf("a panicking probe failed doctor:\n%s", out)
	}
	wantLines(t, out, "?     files                  unknown: internal error in this check: boom", "ok    other P2P drivers", "ok    radio")
}

// TestCheck_AHungProgramIsCutShort: nmcli stuck on D-Bus is stopped after
// probeTimeout and reported as unknown; the other checks still run.
func TestCheck_AHungProgramIsCutShort(t *testing.T) {
	_, req, dir := fakeSupplicant(t)
	o := hwsimIdle(t)
	env := baseEnv(t, req, o)
	var deadline time.Duration
	env.Run = func(ctx context.Context, name string, args ...string) (string, error) {
		if name != "nmcli" {
			return o.run(ctx, name, args...)
		}
		d, ok := ctx.Deadline()
		if !ok {
			t.Error("nmcli runs without a deadline")
			return "", errors.New("no deadline")
		}
		deadline = time.Until(d)
		return "", fmt.Errorf("nmcli: %w", context.DeadlineExceeded) // what exec gives when the deadline kills it
	}
	out, ok := report(t, Check(context.Background(), testConfig(dir), "p2p-dev-wlan0", env, nil))
	if !ok {
		t.Errorf("failed:\n%s", out)
	}
	if deadline <= 0 || deadline > probeTimeout {
		t.Errorf("nmcli deadline in %v, want within %v", deadline, probeTimeout)
	}
	wantLines(t, out, "?     NetworkManager         unknown: nmcli: nmcli: context deadline exceeded", "ok    other P2P drivers")
}

// TestCheck_NoP2P: wpa_supplicant with p2p_disabled=1 on wlan0, replies as
// recorded in the lab (25-daemon-doctor): STATUS without
// p2p_device_address.
func TestCheck_NoP2P(t *testing.T) {
	for _, disabled := range []bool{true, false} {
		t.Run(fmt.Sprint("p2p_disabled=", disabled), func(t *testing.T) {
			dir := t.TempDir()
			srv, err := wpatest.NewServer(dir, "wlan0")
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			srv.Reply("wlan0", "STATUS", "wpa_state=DISCONNECTED\naddress=02:00:00:00:00:00\nuuid=362db47b-a53a-5191-88fb-5458b986b2e4\n")
			if disabled {
				srv.SetVar("p2p_disabled", "1")
			}
			conn, err := wpactrl.Dial(context.Background(), filepath.Join(dir, "wlan0"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			out, ok := report(t, Check(context.Background(), testConfig(dir), "wlan0", baseEnv(t, conn.Request, hwsimIdle(t)), nil))
			if ok {
				t.Errorf("passed on an interface without P2P:\n%s", out)
			}
			want := "→ P2P is not enabled on this interface (driver without P2P, or p2p_disabled=1)"
			if disabled {
				want = "→ wpa_supplicant runs with p2p_disabled=1: remove it from wpa_supplicant.conf"
			}
			wantLines(t, out, "FAIL  p2p device             wlan0 has no p2p_device_address", want)
		})
	}
}

// wantWorst checks that the worst level among the findings is want.
func wantWorst(t *testing.T, fs []Finding, want Level, out string) {
	t.Helper()
	worst := OK
	for _, f := range fs {
		worst = max(worst, f.Level)
	}
	if worst != want {
		t.Errorf("level %v, want %v:\n%s", worst, want, out)
	}
}
