package metrics

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hostp2pd/hostp2pd/internal/status"
)

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
	Handler(func() status.Status { return st }).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`hostp2pd_events_total{event="P2P-PROV-DISC-PBC-REQ"} 3`,
		`hostp2pd_commands_total{command="WPS_PBC"} 2`,
		`hostp2pd_refused_mac_total 1`,
		`hostp2pd_clients 1`,
		`hostp2pd_group_up 1`,
		`hostp2pd_supplicant_connected 1`,
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("missing %q in:\n%s", want, body)
		}
	}
}
