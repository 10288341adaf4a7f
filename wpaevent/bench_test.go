package wpaevent

import "testing"

// benchLines is a mix of real datagrams in roughly the proportion a GO sees
// them during a join (probe noise included).
var benchLines = []string{
	"<3>P2P-PROV-DISC-PBC-REQ 42:00:00:00:01:00 p2p_dev_addr=42:00:00:00:01:00 pri_dev_type=1-0050F204-1 name='phone' config_methods=0x188 dev_capab=0x25 group_capab=0x0 group=p2p-wlan0-0",
	"<3>AP-STA-CONNECTED 46:00:00:00:01:00 p2p_dev_addr=42:00:00:00:01:00",
	"<3>P2P-DEVICE-FOUND 42:00:00:00:01:00 p2p_dev_addr=42:00:00:00:01:00 pri_dev_type=1-0050F204-1 name='phone' config_methods=0x188 dev_capab=0x25 group_capab=0x0 new=1",
	`<3>P2P-GROUP-STARTED p2p-wlan0-0 GO ssid="DIRECT-0z" freq=2437 passphrase="28GwK432" go_dev_addr=42:00:00:00:00:00`,
	"<3>WPS-ENROLLEE-SEEN 46:00:00:00:01:00 572cf82f-c957-5653-9b16-b5cfb298abf1 0-00000000-0 0x3148 4 1 [ ]",
	"<3>RX-PROBE-REQUEST sa=42:00:00:00:01:00 signal=-50",
	"IFNAME=p2p-wlan0-0 <3>WPS-REG-SUCCESS 46:00:00:00:01:00 572cf82f-c957-5653-9b16-b5cfb298abf1",
	"<3>WPS-PBC-ACTIVE ",
	"<3>P2P-GO-NEG-REQUEST 42:00:00:00:01:00 dev_passwd_id=4 go_intent=7",
	"<3>EAPOL-4WAY-HS-COMPLETED 46:00:00:00:01:00",
	"<3>P2P-GROUP-REMOVED p2p-wlan0-0 GO reason=REQUESTED",
	"<3>CTRL-EVENT-DISCONNECTED bssid=46:00:00:00:00:00 reason=3 locally_generated=1",
}

var sink Event

// benchParse reports events/s (wall clock) and events/cpu-s (per second of
// CPU time of the process, i.e. per busy core: the benchmark is one
// goroutine), which stays meaningful when other jobs share the machine.
func benchParse(b *testing.B, lines []string) {
	b.ReportAllocs()
	n := 0
	cpu0 := cpuTime()
	for b.Loop() {
		sink = Parse(lines[n%len(lines)])
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(n)/cpu.Seconds(), "events/cpu-s")
	}
}

// BenchmarkParse reports events/s and allocs/op for the mix and for the two
// most frequent lines a GO acts on.
func BenchmarkParse(b *testing.B) {
	b.Run("mix", func(b *testing.B) { benchParse(b, benchLines) })
	b.Run("PROV-DISC-PBC-REQ", func(b *testing.B) { benchParse(b, benchLines[:1]) })
	b.Run("AP-STA-CONNECTED", func(b *testing.B) { benchParse(b, benchLines[1:2]) })
}

func BenchmarkEventString(b *testing.B) {
	evs := make([]Event, len(benchLines))
	for i, l := range benchLines {
		evs[i] = Parse(l)
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		_ = evs[n%len(evs)].String()
		n++
	}
}
