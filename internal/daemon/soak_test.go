package daemon

import (
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/status"
)

func openFDs(t *testing.T) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	return len(ents)
}

// TestSoak_JoinLeaveCycles drives many PBC join/leave cycles through the
// real sockets and checks that goroutines and open files come back to
// where they were. HOSTP2PD_SOAK=N sets the number of cycles (make soak
// uses 10000); the default keeps make test quick.
func TestSoak_JoinLeaveCycles(t *testing.T) {
	n := 300
	if v, err := strconv.Atoi(os.Getenv("HOSTP2PD_SOAK")); err == nil && v > 0 {
		n = v
	}
	h := start(t, "activate_persistent_group: false\nactivate_autonomous_group: true\npbc_in_use: true")
	h.want(dev, "P2P_GROUP_ADD")
	h.groupUp()
	settle := func() (int, int) {
		time.Sleep(50 * time.Millisecond)
		runtime.GC()
		return runtime.NumGoroutine(), openFDs(t)
	}
	g0, f0 := settle()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	start := time.Now()
	for i := 0; i < n; i++ {
		h.srv.Emit(dev, evPBCReq)
		h.want("p2p-wlan0-0", "WPS_PBC p2p_dev_addr="+phone)
		h.srv.Emit("p2p-wlan0-0", "WPS-REG-SUCCESS 46:00:00:00:01:00 572cf82f-c957-5653-9b16-b5cfb298abf1")
		h.srv.Emit("p2p-wlan0-0", evStaConn)
		h.srv.Emit(dev, evStaConn)
		h.eventually("joined", func(s status.Status) bool { return len(s.Clients) == 1 })
		h.srv.Emit("p2p-wlan0-0", evStaDisc)
		h.srv.Emit(dev, evStaDisc)
		h.eventually("left", func(s status.Status) bool { return len(s.Clients) == 0 })
	}
	elapsed := time.Since(start)
	g1, f1 := settle()
	runtime.ReadMemStats(&m1)
	st := h.d.Status()
	if got := st.Counters["clients_connected"]; got != uint64(n) {
		t.Errorf("clients_connected = %d, want %d", got, n)
	}
	if g1 != g0 || f1 != f0 {
		t.Errorf("after %d cycles: goroutines %d -> %d, open fds %d -> %d", n, g0, g1, f0, f1)
	}
	t.Logf("%d join/leave cycles in %v (%.0f µs/cycle); goroutines %d -> %d; fds %d -> %d; heap in use %d -> %d KiB",
		n, elapsed.Round(time.Millisecond), float64(elapsed.Microseconds())/float64(n), g0, g1, f0, f1, m0.HeapInuse>>10, m1.HeapInuse>>10)
}
