package metrics

import (
	"net/http/httptest"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/hostp2pd/hostp2pd/internal/status"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestHandler_RendersCounters(t *testing.T) {
	st := status.Status{
		Supplicant: "connected",
		Group:      &status.Group{Iface: "p2p-wlan0-0"},
		Clients:    []status.Client{{DevAddr: "42:00:00:00:01:00"}},
		Counters: map[string]uint64{
			"P2P-PROV-DISC-PBC-REQ": 3,
			"cmd:WPS_PBC":           2,
			"refused_mac":           1,
		},
	}
	rec := httptest.NewRecorder()
	Handler(func() status.Status { return st }, map[string]func() uint64{"ctl": func() uint64 { return 7 }}).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`hostp2pd_events_total{event="P2P-PROV-DISC-PBC-REQ"} 3`,
		`hostp2pd_commands_total{command="WPS_PBC"} 2`,
		`hostp2pd_refused_mac_total 1`,
		`hostp2pd_clients 1`,
		`hostp2pd_group_up 1`,
		`hostp2pd_supplicant_connected 1`,
		`hostp2pd_http_connections_dropped_total{listener="ctl"} 7`,
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("missing %q in:\n%s", want, body)
		}
	}
}
