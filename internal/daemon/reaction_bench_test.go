package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/internal/logging"
	"github.com/hostp2pd/hostp2pd/wpactrl"
	"github.com/hostp2pd/hostp2pd/wpactrl/wpatest"
)

// BenchmarkReaction is the daemon's reaction latency against an oracle in
// the same run: from a P2P-PROV-DISC-SHOW-PIN written by the fake
// wpa_supplicant to the WPS_PIN it receives, for the whole daemon (monitor,
// parse, log at INFO to a file as with -b FILE -v, session, command,
// status) and for the reflex client of lab/bench/reflex (attach, match the
// prefix, send WPS_PIN any) on a second fake. The two alternate, so host load falls on both; the reflex client's
// turn comes once the daemon has finished the join. The daemon has 8
// clients and 30 peers; each of its joins is completed (WPS-REG-SUCCESS,
// AP-STA-CONNECTED, AP-STA-DISCONNECTED) outside the timed part. Metrics:
// p50/p99 of both and their ratios, and what the daemon allocates and
// collects per join.
func BenchmarkReaction(b *testing.B) {
	const pin = "12345670"
	dir, err := os.MkdirTemp("", "hp2pbench")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(dir)
	srv, err := wpatest.NewServer(filepath.Join(dir, "d"), "wlan0", dev)
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	srv.SetVar("config_methods", "virtual_push_button keypad display")
	yml := "activate_persistent_group: false\nactivate_autonomous_group: true\npbc_in_use: false\npassword: \"" + pin + "\"" +
		"\ninterface: " + dev + "\nctrl_interface: " + filepath.Join(dir, "d") + "\n"
	cfg, _, err := config.Parse("bench.yaml", []byte(yml))
	if err != nil {
		b.Fatal(err)
	}
	ready := make(chan struct{}, 8)
	// Logging as in the lab bench (hostp2pd -b FILE -v: INFO to a log file).
	level := new(slog.LevelVar)
	level.Set(slog.LevelInfo)
	logs := logging.New(logging.Options{Level: level, File: filepath.Join(dir, "hostp2pd.log")})
	defer logs.Close()
	log := logs.Logger
	d, err := New(cfg, Options{Logger: log, Iw: noIw, LocalDir: dir,
		OnReady: func() {
			select {
			case ready <- struct{}{}:
			default:
			}
		}})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	defer func() { cancel(); <-done }()
	select {
	case <-ready:
	case <-time.After(5 * time.Second):
		b.Fatal("session not ready")
	}
	const grp = "p2p-wlan0-0"
	wait := func(s *wpatest.Server, iface, prefix string) wpatest.Command {
		wctx, wcancel := context.WithTimeout(ctx, 5*time.Second)
		defer wcancel()
		c, err := s.WaitCommand(wctx, iface, prefix)
		if err != nil {
			b.Fatal(err)
		}
		return c
	}
	wait(srv, dev, "P2P_GROUP_ADD")
	until := func(what string, cond func() bool) {
		deadline := time.Now().Add(5 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				b.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(time.Millisecond)
		}
	}
	until("group monitor", func() bool { return d.Status().Group != nil && srv.Monitors(grp) > 0 })
	for i := 1; i <= 8; i++ {
		srv.Emit(grp, fmt.Sprintf("AP-STA-CONNECTED 46:00:00:00:%02x:01 p2p_dev_addr=42:00:00:00:%02x:01", i, i))
	}
	for i := 1; i <= 30; i++ {
		srv.Emit(dev, fmt.Sprintf("P2P-DEVICE-FOUND 42:00:00:00:%02x:02 p2p_dev_addr=42:00:00:00:%02x:02 pri_dev_type=10-0050F204-5 name='p%d' config_methods=0x188 dev_capab=0x25 group_capab=0x0", i, i, i))
	}
	until("8 clients, 30 peers", func() bool { st := d.Status(); return len(st.Clients) == 8 && len(st.Peers) >= 30 })

	// The oracle: the reflex client on its own fake.
	rsrv, err := wpatest.NewServer(filepath.Join(dir, "r"), "wlan0", dev)
	if err != nil {
		b.Fatal(err)
	}
	defer rsrv.Close()
	if err := rsrv.AddIface(grp); err != nil {
		b.Fatal(err)
	}
	rconn, err := wpactrl.Dial(ctx, rsrv.Path(grp), wpactrl.WithLocalDir(dir))
	if err != nil {
		b.Fatal(err)
	}
	defer rconn.Close()
	rmon, err := wpactrl.Attach(ctx, rsrv.Path(dev), wpactrl.WithLocalDir(dir), wpactrl.WithQueueLen(1024))
	if err != nil {
		b.Fatal(err)
	}
	defer rmon.Close()
	go func() {
		for ev := range rmon.Events() {
			if strings.HasPrefix(ev.Text, "P2P-PROV-DISC-SHOW-PIN ") {
				_, _ = rconn.Request(ctx, "WPS_PIN any "+pin)
			}
		}
	}()

	var dLat, rLat []time.Duration
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	n := 0
	for b.Loop() {
		n++
		p := fmt.Sprintf("42:00:00:%02x:%02x:00", n/256%256, n%256)
		s := fmt.Sprintf("46:00:00:%02x:%02x:00", n/256%256, n%256)
		ev := "P2P-PROV-DISC-SHOW-PIN " + p + " 11442752 p2p_dev_addr=" + p + " pri_dev_type=1-0050F204-1 name='phone' config_methods=0x188 dev_capab=0x25 group_capab=0x0 group=" + grp

		time.Sleep(time.Millisecond) // both start from an idle process
		t0 := time.Now()
		srv.Emit(dev, ev)
		dLat = append(dLat, wait(srv, grp, "WPS_PIN").Time.Sub(t0))

		// Complete the join, and the client leaves again: 8 clients stay.
		srv.Emit(grp, "WPS-REG-SUCCESS "+s+" 572cf82f-c957-5653-9b16-b5cfb298abf1")
		srv.Emit(grp, "AP-STA-CONNECTED "+s+" p2p_dev_addr="+p)
		srv.Emit(grp, "AP-STA-DISCONNECTED "+s+" p2p_dev_addr="+p)
		until("join completed", func() bool {
			st := d.Status()
			return len(st.Pending) == 0 && len(st.Clients) == 8 && st.Counters["clients_disconnected"] >= uint64(n)
		})

		// The oracle's turn, with the daemon idle (what it does after
		// its command would otherwise slow the reflex client down).
		time.Sleep(time.Millisecond)
		t0 = time.Now()
		rsrv.Emit(dev, ev)
		rLat = append(rLat, wait(rsrv, grp, "WPS_PIN").Time.Sub(t0))
		rsrv.Emit(grp, "AP-STA-CONNECTED "+s+" p2p_dev_addr="+p)
	}
	runtime.ReadMemStats(&ms1)
	q := func(l []time.Duration, p float64) float64 {
		s := slices.Clone(l)
		slices.Sort(s)
		i := int(p*float64(len(s))+0.5) - 1 // nearest rank
		return float64(s[min(max(i, 0), len(s)-1)].Nanoseconds()) / 1e3
	}
	b.ReportMetric(q(dLat, 0.5), "p50-us")
	b.ReportMetric(q(dLat, 0.99), "p99-us")
	b.ReportMetric(q(rLat, 0.5), "oracle-p50-us")
	b.ReportMetric(q(rLat, 0.99), "oracle-p99-us")
	b.ReportMetric(q(dLat, 0.5)/q(rLat, 0.5), "p50-ratio")
	b.ReportMetric(q(dLat, 0.99)/q(rLat, 0.99), "p99-ratio")
	b.ReportMetric(float64(ms1.NumGC-ms0.NumGC)/float64(n), "gc/join")
}
