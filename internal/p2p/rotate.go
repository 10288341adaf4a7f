package p2p

import (
	"strconv"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/joincode"
	"github.com/hostp2pd/hostp2pd/internal/status"
)

// Rotate gives the persistent group the passphrase pass and restarts it:
//
//	SET_NETWORK <id> psk "<pass>"  [SAVE_CONFIG]  P2P_GROUP_REMOVE <group>
//	... P2P-GROUP-REMOVED ...  P2P_GROUP_ADD persistent=<id>
//
// Stations holding the old passphrase (legacy stations, and P2P clients
// that stored the group's passphrase) can no longer associate; P2P phones
// enrol again with WPS. Only the psk of that network changes. A temporary
// group gets a new passphrase at every start anyway: Rotate refuses it.
func (s *Session) Rotate(pass string, now time.Time) ([]Action, error) {
	switch {
	case s.grp == nil:
		return nil, status.Errorf(status.ErrConflict, "no group running")
	case s.st == stateRemoving:
		return nil, status.Errorf(status.ErrConflict, "group %s is being removed", s.grp.iface)
	case !s.grp.persistent || s.netID < 0:
		return nil, status.Errorf(status.ErrConflict, "group %s is not persistent: it gets a new passphrase at every start", s.grp.iface)
	}
	if err := joincode.ValidPassphrase(pass); err != nil {
		return nil, status.Errorf(status.ErrInvalid, "new passphrase %v", err)
	}
	id := strconv.Itoa(s.netID)
	a := []Action{s.cmd("", "SET_NETWORK "+id+` psk "`+pass+`"`, TagNone)}
	if s.cfg.SaveConfigEnabled {
		a = append(a, s.cmd("", "SAVE_CONFIG", TagNone))
	}
	s.count("passphrase_rotations")
	s.log.Info("passphrase rotated; restarting the persistent group", "group", s.grp.iface, "network_id", s.netID)
	s.rotating = true
	return append(a, s.removeGroup(now, "passphrase rotated")...), nil
}
