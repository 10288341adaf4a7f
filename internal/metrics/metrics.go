// Package metrics exposes the daemon's counters in the Prometheus text
// format: every event and command counter of the status snapshot, the
// number of clients, group and supplicant state, and the process metrics.
// It keeps no state of its own: each scrape renders the latest snapshot.
package metrics

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	vm "github.com/VictoriaMetrics/metrics"

	"github.com/hostp2pd/hostp2pd/internal/status"
)

// MaxConns is the number of connections the /metrics listener keeps open
// at once (a Prometheus server needs one or two).
const MaxConns = 16

// Handler serves /metrics from snapshots returned by snap. dropped names
// the daemon's connection-limited listeners ("ctl", "metrics") and returns
// how many connections each closed at its cap; they are exported as
// hostp2pd_http_connections_dropped_total{listener="<name>"}.
func Handler(snap func() status.Status, dropped map[string]func() uint64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		Write(w, snap())
		names := make([]string, 0, len(dropped))
		for name := range dropped {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			vm.WriteCounterUint64(w, fmt.Sprintf(`hostp2pd_http_connections_dropped_total{listener=%q}`, label(name)), dropped[name]())
		}
		vm.WriteProcessMetrics(w)
	})
}

// Write renders st.
func Write(w io.Writer, st status.Status) {
	keys := make([]string, 0, len(st.Counters))
	for k := range st.Counters {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := st.Counters[k]
		switch {
		case strings.HasPrefix(k, "cmd:"):
			vm.WriteCounterUint64(w, fmt.Sprintf(`hostp2pd_commands_total{command=%q}`, label(strings.TrimPrefix(k, "cmd:"))), v)
		case strings.ToUpper(k) == k:
			vm.WriteCounterUint64(w, fmt.Sprintf(`hostp2pd_events_total{event=%q}`, label(k)), v)
		default:
			vm.WriteCounterUint64(w, "hostp2pd_"+metricName(k)+"_total", v)
		}
	}
	vm.WriteGaugeUint64(w, "hostp2pd_clients", uint64(len(st.Clients)))
	vm.WriteGaugeUint64(w, "hostp2pd_pending_enrolments", uint64(len(st.Pending)))
	vm.WriteGaugeUint64(w, "hostp2pd_peers_known", uint64(len(st.Peers)))
	registered := uint64(0)
	for _, sv := range st.Services {
		if sv.Registered {
			registered++
		}
	}
	vm.WriteGaugeUint64(w, "hostp2pd_services_advertised", registered)
	up := uint64(0)
	if st.Group != nil {
		up = 1
	}
	vm.WriteGaugeUint64(w, "hostp2pd_group_up", up)
	conn := uint64(0)
	if st.Supplicant == "connected" {
		conn = 1
	}
	vm.WriteGaugeUint64(w, "hostp2pd_supplicant_connected", conn)
}

// label keeps a label value printable.
func label(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '_'
		}
		return r
	}, s)
}

// metricName maps a counter key to a metric name fragment.
func metricName(k string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return '_'
	}, k)
}
