package p2p

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hostp2pd/hostp2pd/internal/status"
)

// TestRotate_NewPassphraseThenTheGroupRestarts: the persistent network's
// psk is set, the group removed and, once wpa_supplicant reports it gone,
// started again from the same network.
func TestRotate_NewPassphraseThenTheGroupRestarts(t *testing.T) {
	s := upPersistent(t, "", "")
	acts, err := s.Rotate("n3wPassphrase", t0)
	if err != nil {
		t.Fatal(err)
	}
	want := []Action{devCmd(`SET_NETWORK 0 psk "n3wPassphrase"`, TagNone), devCmd("SAVE_CONFIG", TagNone),
		stopEmpty, devCmd("P2P_GROUP_REMOVE p2p-wlan0-0", TagGroupRemove)}
	if diff := cmp.Diff(want, acts); diff != "" {
		t.Errorf("Rotate (-want +got):\n%s", diff)
	}
	got := cmds(s.HandleEvent("p2p-dev-wlan0", ev("P2P-GROUP-REMOVED p2p-wlan0-0 GO reason=REQUESTED"), t0))
	if !slices.Contains(got, ":P2P_GROUP_ADD persistent=0") {
		t.Errorf("after the removal: %q, want P2P_GROUP_ADD persistent=0", got)
	}
	// The next removal (not a rotation) does not start the group again by itself.
	s.HandleEvent("p2p-dev-wlan0", ev(`P2P-GROUP-STARTED p2p-wlan0-1 GO ssid="DIRECT-PP" freq=2437 passphrase="n3wPassphrase" go_dev_addr=42:00:00:00:00:00 [PERSISTENT]`), t0)
	if s.rotating {
		t.Error("still rotating after the group came back")
	}
	if s.counters["passphrase_rotations"] != 1 {
		t.Errorf("passphrase_rotations = %d", s.counters["passphrase_rotations"])
	}
}

func TestRotate_Refused(t *testing.T) {
	tests := []struct {
		name string
		s    func() *Session
		pass string
		kind error
		msg  string
	}{
		{"temporary group", func() *Session { return upAutonomous(t, "pbc_in_use: true") }, "n3wPassphrase", status.ErrConflict, "not persistent"},
		{"no group", func() *Session {
			s := New(cfgFor(t, "activate_persistent_group: false\ndynamic_group: true"), nil, nil)
			drive(s, s.Start(t0), nil, t0)
			return s
		}, "n3wPassphrase", status.ErrConflict, "no group running"},
		{"bad passphrase", func() *Session { return upPersistent(t, "", "") }, "short", status.ErrInvalid, "8 to 63"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.s()
			acts, err := s.Rotate(tt.pass, t0)
			if !errors.Is(err, tt.kind) || err == nil || !strings.Contains(err.Error(), tt.msg) || acts != nil {
				t.Errorf("Rotate = %v, %v; want no actions and %v mentioning %q", acts, err, tt.kind, tt.msg)
			}
			if s.rotating {
				t.Error("rotating set by a refused Rotate")
			}
		})
	}
}
