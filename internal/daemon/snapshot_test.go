package daemon

import (
	"fmt"
	"testing"

	"github.com/hostp2pd/hostp2pd/internal/status"
)

// The loop builds no snapshot for events nobody reads: Status builds one
// when the state changed since the last, and it holds what the events did.
func TestStatus_SnapshotBuiltOnReadOnlyAfterAChange(t *testing.T) {
	h := start(t, "activate_persistent_group: false\nactivate_autonomous_group: true\npbc_in_use: false\npassword: \"12345670\"")
	h.want(dev, "P2P_GROUP_ADD")
	h.groupUp()
	// The group's attach reports its facts (STATUS address=) off the loop;
	// once they are in, nothing else is on its way to the loop.
	h.eventually("group attached", func(s status.Status) bool { return s.Group != nil && s.Group.BSSID != "" })
	h.d.Status()
	before := h.d.builds.Load()
	for i := 1; i <= 20; i++ {
		h.srv.Emit(dev, fmt.Sprintf("P2P-DEVICE-FOUND 42:00:00:00:%02x:02 p2p_dev_addr=42:00:00:00:%02x:02 pri_dev_type=10-0050F204-5 name='p%d' config_methods=0x188 dev_capab=0x25 group_capab=0x0", i, i, i))
	}
	h.srv.Emit(dev, evShowPIN) // on the same socket, after the peers
	h.want("p2p-wlan0-0", "WPS_PIN any 12345670")
	if n := h.d.builds.Load() - before; n != 0 {
		t.Errorf("%d snapshots built for 21 events and no reader, want 0", n)
	}
	st := h.d.Status()
	if len(st.Peers) < 20 || len(st.Pending) != 1 || st.Supplicant != "connected" {
		t.Errorf("status after the events: %d peers, %d pending, supplicant %q; want 20+, 1, connected", len(st.Peers), len(st.Pending), st.Supplicant)
	}
	if n := h.d.builds.Load() - before; n != 1 {
		t.Errorf("%d snapshots built for the first Status, want 1", n)
	}
	h.d.Status()
	h.d.Status()
	if n := h.d.builds.Load() - before; n != 1 {
		t.Errorf("%d snapshots built after three Status calls with no change between, want 1", n)
	}
	h.srv.Emit("p2p-wlan0-0", "WPS-REG-SUCCESS 46:00:00:00:01:00 572cf82f-c957-5653-9b16-b5cfb298abf1")
	h.srv.Emit("p2p-wlan0-0", evStaConn)
	h.eventually("the client", func(s status.Status) bool { return len(s.Clients) == 1 && len(s.Pending) == 0 })
}
