package doctor

import (
	"context"
	"errors"
	"io/fs"
	"testing"
	"testing/fstest"
)

// udpTable is /proc/net/udp with the given rows (local address, inode).
func udpTable(rows ...[2]string) string {
	t := "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"
	for i, r := range rows {
		t += "  " + string(rune('0'+i)) + ": " + r[0] + " 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 " + r[1] + " 2 0000000000000000 0\n"
	}
	return t
}

// TestDHCP_RivalServers: doctor names a program other than hostp2pd that
// holds UDP port 67 on the wildcard address (it would answer the phones'
// broadcast DISCOVERs on the group interface, as lab 30's udhcpd does),
// with what to change in that program; and a running daemon that saw a
// rival (counter dhcp_rival_server) fails the check.
func TestDHCP_RivalServers(t *testing.T) {
	sock := func(ino string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("socket:[" + ino + "]"), Mode: fs.ModeSymlink}
	}
	tests := []struct {
		name     string
		files    fstest.MapFS
		dhcpOff  bool
		counters map[string]uint64
		countErr error
		level    Level
		want     []string
	}{
		{"dnsmasq on 0.0.0.0:67", fstest.MapFS{
			"proc/net/udp":     {Data: []byte(udpTable([2]string{"00000000:0043", "23456"}, [2]string{"00000000:0035", "23457"}))},
			"proc/500/cmdline": {Data: []byte("/usr/sbin/dnsmasq\x00-x\x00/run/dnsmasq/dnsmasq.pid\x00")},
			"proc/500/fd/3":    sock("23457"), "proc/500/fd/4": sock("23456"),
		}, false, nil, nil, Warn, []string{
			"warn  DHCP server            dnsmasq (pid 500) listens on 0.0.0.0:67: unless its configuration leaves the group interfaces (p2p-*) out",
			"no-dhcp-interface=p2p-*", "except-interface=p2p-*"}},
		{"busybox udhcpd (lab 30's rival)", fstest.MapFS{
			"proc/net/udp":     {Data: []byte(udpTable([2]string{"00000000:0043", "777"}))},
			"proc/610/cmdline": {Data: []byte("udhcpd\x00-f\x00/tmp/rival.conf\x00")},
			"proc/610/fd/5":    sock("777"),
		}, false, nil, nil, Warn, []string{"udhcpd (pid 610) listens on 0.0.0.0:67", "interface line"}},
		{"an unknown program, named by comm", fstest.MapFS{
			"proc/net/udp":  {Data: []byte(udpTable([2]string{"00000000:0043", "88"}))},
			"proc/620/comm": {Data: []byte("mydhcp\n")},
			"proc/620/fd/0": sock("88"),
		}, false, nil, nil, Warn, []string{"mydhcp (pid 620)", "dhcp: enabled: false"}},
		{"the daemon's own server is not a rival", fstest.MapFS{
			"proc/net/udp":     {Data: []byte(udpTable([2]string{"00000000:0043", "900"}))},
			"proc/200/cmdline": {Data: []byte("/usr/local/bin/hostp2pd\x00-i\x00p2p-dev-wlan0\x00")},
			"proc/200/fd/7":    sock("900"),
		}, false, map[string]uint64{"dhcp_acks": 4}, nil, OK, []string{"ok    DHCP server            no other program holds UDP port 67"}},
		{"bound to another interface's address, or the client port: no rival", fstest.MapFS{
			"proc/net/udp":     {Data: []byte(udpTable([2]string{"0101A8C0:0043", "31"}, [2]string{"00000000:0044", "32"}))},
			"proc/700/cmdline": {Data: []byte("dhcpd\x00eth0\x00")},
			"proc/700/fd/1":    sock("31"),
			"proc/701/cmdline": {Data: []byte("dhclient\x00eth0\x00")},
			"proc/701/fd/1":    sock("32"),
		}, false, nil, nil, OK, []string{"ok    DHCP server            no other program holds UDP port 67"}},
		{"the running daemon saw one", fstest.MapFS{"proc/net/udp": {Data: []byte(udpTable())}},
			false, map[string]uint64{"dhcp_rival_server": 3}, nil, Fail, []string{
				"FAIL  DHCP server            the running daemon saw another DHCP server on the group interface 3 times (counter dhcp_rival_server)",
				"grep 'another DHCP server'"}},
		{"no daemon to ask", fstest.MapFS{"proc/net/udp": {Data: []byte(udpTable())}},
			false, nil, errors.New("ctl: no server listening"), OK, []string{"ok    DHCP server            no other program holds UDP port 67"}},
		{"no /proc/net/udp", fstest.MapFS{}, false, nil, nil, Unknown, []string{"?     DHCP server            unknown: open proc/net/udp"}},
		{"our server off: another one is expected", fstest.MapFS{
			"proc/net/udp":     {Data: []byte(udpTable([2]string{"00000000:0043", "23456"}))},
			"proc/500/cmdline": {Data: []byte("dnsmasq\x00")},
			"proc/500/fd/4":    sock("23456"),
		}, true, nil, nil, OK, []string{"hostp2pd's DHCP server is off"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig("")
			cfg.DHCP.Enabled = !tt.dhcpOff
			env := Env{FS: tt.files, Pid: 999}
			if tt.counters != nil || tt.countErr != nil {
				env.DaemonCounters = func(context.Context) (map[string]uint64, error) { return tt.counters, tt.countErr }
			}
			c := &checker{ctx: context.Background(), cfg: cfg, iface: "p2p-dev-wlan0", env: env}
			c.dhcp()
			out, _ := report(t, c.fs)
			wantWorst(t, c.fs, tt.level, out)
			wantLines(t, out, tt.want...)
		})
	}
}
