package daemon

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/internal/mdns"
	"github.com/hostp2pd/hostp2pd/internal/metrics"
	"github.com/hostp2pd/hostp2pd/internal/status"
)

const svcYAML = `activate_persistent_group: false
activate_autonomous_group: true
services:
  - dns_sd: {instance: "Kiosk", type: "_http._tcp", port: 80, txt: ["path=/"]}
  - upnp: "urn:schemas-upnp-org:service:ContentDirectory:1"
`

// The records Android registers for Kiosk._http._tcp (PTR and TXT) and the
// UPnP service, as the fake wpa_supplicant's table holds them.
var svcTable = []string{
	"bonjour 055f68747470045f746370056c6f63616c00000c01 054b696f736b055f68747470045f746370056c6f63616c00",
	"bonjour 056b696f736b055f68747470045f746370056c6f63616c00001001 06706174683d2f",
	"upnp 10 urn:schemas-upnp-org:service:ContentDirectory:1",
}

func (h *harness) services(what string, want []string) {
	h.t.Helper()
	h.eventually(what, func(status.Status) bool { return slices.Equal(h.srv.Services(), want) })
}

func TestServices_RegisteredAtStartAndAfterRestart(t *testing.T) {
	h := start(t, svcYAML)
	h.services("services registered", svcTable)
	st := h.eventually("status lists them", func(s status.Status) bool { return len(s.Services) == 2 && s.Services[0].Registered })
	if st.Services[0].Name != "Kiosk._http._tcp.local" || st.Services[1].Kind != "upnp" || !st.Services[1].Registered {
		t.Errorf("status services: %+v", st.Services)
	}
	var b strings.Builder
	metrics.Write(&b, st)
	if !strings.Contains(b.String(), "hostp2pd_services_advertised 2") {
		t.Errorf("metrics:\n%s", b.String())
	}
	// A new wpa_supplicant process has no local services: registered again.
	h.srv.Kill()
	h.eventually("lost", func(s status.Status) bool { return s.Supplicant == "lost" })
	if err := h.srv.Restart(); err != nil {
		t.Fatal(err)
	}
	if len(h.srv.Services()) != 0 {
		t.Fatal("the fake kept its services over a restart")
	}
	h.waitReady()
	h.services("services registered again", svcTable)
}

func TestServices_ReloadDiffsWithoutFlush(t *testing.T) {
	h := start(t, svcYAML)
	h.services("services registered", svcTable)
	flushes := countPrefix(h.srv.Commands(), "P2P_SERVICE_FLUSH")
	yml := strings.Replace(svcYAML, `"path=/"`, `"path=/v2"`, 1)
	yml = strings.Replace(yml, "ContentDirectory:1", "ContentDirectory:2", 1)
	cfg, _, err := config.Parse("new.yaml", []byte(yml+"interface: "+dev+"\nctrl_interface: "+h.dir+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := h.d.ReloadConfig(cfg); err != nil {
		t.Fatal(err)
	}
	h.services("services changed", []string{
		svcTable[0], // the PTR is unchanged: not touched
		"bonjour 056b696f736b055f68747470045f746370056c6f63616c00001001 08706174683d2f7632",
		"upnp 10 urn:schemas-upnp-org:service:ContentDirectory:2",
	})
	if n := countPrefix(h.srv.Commands(), "P2P_SERVICE_FLUSH"); n != flushes {
		t.Errorf("reload flushed the service table (%d → %d)", flushes, n)
	}
	if n := countPrefix(h.srv.Commands(), "P2P_SERVICE_DEL"); n != 2 {
		t.Errorf("%d P2P_SERVICE_DEL, want 2 (old TXT, old UPnP): %v", n, cmdList(h.srv.Commands()))
	}
	// Removing every service deletes them all.
	cfg, _, err = config.Parse("none.yaml", []byte("activate_persistent_group: false\nactivate_autonomous_group: true\ninterface: "+dev+"\nctrl_interface: "+h.dir+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := h.d.ReloadConfig(cfg); err != nil {
		t.Fatal(err)
	}
	h.services("services removed", nil)
}

func TestServices_DiscoveryRequestsCounted(t *testing.T) {
	h := start(t, svcYAML)
	h.services("services registered", svcTable)
	h.srv.Emit(dev, "P2P-SERV-DISC-REQ 2437 42:00:00:00:01:00 1 0 0200010102000202")
	h.srv.Emit(dev, "P2P-SERV-DISC-REQ 2437 42:00:00:00:01:00 2 0 0900010102") // TLV longer than the data
	h.srv.Emit(dev, "P2P-SERV-DISC-REQ 2437 42:00:00:00:01:00 3 0 zz")
	st := h.eventually("requests counted", func(s status.Status) bool {
		return s.Counters["sd_requests"] == 1 && s.Counters["sd_requests_malformed"] == 2
	})
	var b strings.Builder
	metrics.Write(&b, st)
	for _, m := range []string{"hostp2pd_sd_requests_total 1", "hostp2pd_sd_requests_malformed_total 2"} {
		if !strings.Contains(b.String(), m) {
			t.Errorf("metrics lack %q:\n%s", m, b.String())
		}
	}
	// The session goes on: a phone still joins.
	h.want(dev, "P2P_GROUP_ADD")
	h.groupUp()
}

func TestServices_NoneConfiguredLeavesTableAlone(t *testing.T) {
	h := start(t, "activate_persistent_group: false\nactivate_autonomous_group: true")
	h.want(dev, "P2P_GROUP_ADD")
	h.noCommand("P2P_SERVICE_", 50*time.Millisecond)
}

// Malformed service discovery requests from peers (what wpa_supplicant's
// event could carry from a broken or hostile phone) are counted and
// ignored: the daemon sends nothing in reply (wpa_supplicant answers well
// formed ones itself), the good-request counter does not move, and the
// session goes on.
func TestServices_MalformedDiscoveryRequestsIgnoredAndCounted(t *testing.T) {
	h := start(t, svcYAML)
	h.services("services registered", svcTable)
	bad := []string{
		"P2P-SERV-DISC-REQ 2437 42:00:00:00:01:00 1 0",                                     // no TLVs
		"P2P-SERV-DISC-REQ 2437 42:00:00:00:01:00 1 0 02000101 extra",                      // a sixth field
		"P2P-SERV-DISC-REQ x 42:00:00:00:01:00 1 0 02000101",                               // frequency
		"P2P-SERV-DISC-REQ 2437 42:00:00:00:01 1 0 02000101",                               // address
		"P2P-SERV-DISC-REQ 2437 42:00:00:00:01:00 256 0 02000101",                          // dialog token over 255
		"P2P-SERV-DISC-REQ 2437 42:00:00:00:01:00 1 70000 02000101",                        // update indicator over 16 bits
		"P2P-SERV-DISC-REQ 2437 42:00:00:00:01:00 1 0 0200010",                             // odd hex
		"P2P-SERV-DISC-REQ 2437 42:00:00:00:01:00 1 0 020001",                              // TLV header cut
		"P2P-SERV-DISC-REQ 2437 42:00:00:00:01:00 1 0 01000101",                            // TLV length 1 (< protocol + id)
		"P2P-SERV-DISC-REQ 2437 42:00:00:00:01:00 1 0 ffff01" + strings.Repeat("01", 3000), // length past the end, 6 KB event
	}
	before := len(h.srv.Commands())
	for _, ev := range bad {
		h.srv.Emit(dev, ev)
	}
	h.eventually("malformed requests counted", func(s status.Status) bool {
		return s.Counters["sd_requests_malformed"] == uint64(len(bad))
	})
	st := h.d.Status()
	if st.Counters["sd_requests"] != 0 {
		t.Errorf("sd_requests = %d after malformed requests only", st.Counters["sd_requests"])
	}
	for _, c := range h.srv.Commands()[before:] {
		if strings.HasPrefix(c.Cmd, "P2P_SERV_DISC") || strings.HasPrefix(c.Cmd, "P2P_SERVICE") {
			t.Errorf("the daemon answered a malformed request: %s", c.Cmd)
		}
	}
	// A good one after them is counted as a request.
	h.srv.Emit(dev, "P2P-SERV-DISC-REQ 2437 42:00:00:00:01:00 9 0 0200010102000202")
	h.eventually("good request counted", func(s status.Status) bool { return s.Counters["sd_requests"] == 1 })
	h.want(dev, "P2P_GROUP_ADD")
	h.groupUp()
}

// ResetStats clears the service counters with the session's: the status
// (and so the metrics) shows none until the next request.
func TestServices_ResetStatsClearsServiceCounters(t *testing.T) {
	h := start(t, svcYAML)
	h.services("services registered", svcTable)
	h.srv.Emit(dev, "P2P-SERV-DISC-REQ 2437 42:00:00:00:01:00 1 0 0200010102000202")
	h.srv.Emit(dev, "P2P-SERV-DISC-REQ 2437 42:00:00:00:01:00 2 0 zz")
	h.eventually("requests counted", func(s status.Status) bool {
		return s.Counters["sd_requests"] == 1 && s.Counters["sd_requests_malformed"] == 1
	})
	h.d.ResetStats()
	st := h.d.Status()
	for _, k := range []string{"sd_requests", "sd_requests_malformed"} {
		if v, ok := st.Counters[k]; ok && v != 0 {
			t.Errorf("after ResetStats %s = %d", k, v)
		}
	}
	var b strings.Builder
	metrics.Write(&b, st)
	if strings.Contains(b.String(), "hostp2pd_sd_requests_total 1") {
		t.Errorf("metrics still count the request after ResetStats:\n%s", b.String())
	}
	// Counting goes on from zero.
	h.srv.Emit(dev, "P2P-SERV-DISC-REQ 2437 42:00:00:00:01:00 3 0 02000101")
	h.eventually("counted again", func(s status.Status) bool {
		return s.Counters["sd_requests"] == 1 && s.Counters["sd_requests_malformed"] == 0
	})
}

// resetStats also zeroes a running mDNS responder's counters and those
// folded in from an earlier group.
func TestSvcState_ResetStatsClearsMDNSCounters(t *testing.T) {
	st := &mdns.Stats{}
	st.Queries.Store(7)
	st.Answered.Store(5)
	st.Bad.Store(2)
	s := svcState{counters: map[string]uint64{"mdns_queries": 3, "sd_requests": 4}, mdnsStats: st}
	s.resetStats()
	if len(s.counters) != 0 {
		t.Errorf("counters after reset: %v", s.counters)
	}
	if q, a, b := st.Queries.Load(), st.Answered.Load(), st.Bad.Load(); q != 0 || a != 0 || b != 0 {
		t.Errorf("mDNS stats after reset: queries %d answered %d bad %d", q, a, b)
	}
	s.count("sd_requests")
	if s.counters["sd_requests"] != 1 {
		t.Errorf("counting after reset: %v", s.counters)
	}
}

// The mDNS responder answers on its own goroutine, with no event for the
// loop to publish: Status reads its counters when asked, so an answer
// shows at once (the lab's 28-daemon-services saw mdns_answers 0 after
// two answered queries before this).
func TestServices_StatusReadsLiveMDNSCounters(t *testing.T) {
	h := start(t, svcYAML)
	h.services("services registered", svcTable)
	st := &mdns.Stats{}
	st.Queries.Store(2)
	st.Answered.Store(2)
	h.d.mdnsLive.Store(st)
	if c := h.d.Status().Counters; c["mdns_answers"] != 2 || c["mdns_queries"] != 2 {
		t.Fatalf("counters %v, want 2 mDNS queries and answers", c)
	}
	st.Answered.Add(1)
	if got := h.d.Status().Counters["mdns_answers"]; got != 3 {
		t.Errorf("mdns_answers = %d after one more answer, want 3", got)
	}
	if _, ok := h.d.snap.Load().Counters["mdns_answers"]; ok {
		t.Error("Status wrote the live counters into the published snapshot")
	}
}
