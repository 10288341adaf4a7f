package daemon

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/config"
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
	"bonjour 054b696f736b055f68747470045f746370056c6f63616c00001001 06706174683d2f",
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
		"bonjour 054b696f736b055f68747470045f746370056c6f63616c00001001 08706174683d2f7632",
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
