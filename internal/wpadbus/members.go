package wpadbus

import "github.com/hostp2pd/hostp2pd/wpaevent"

// memberTracker finds the P2P device address of a station, which D-Bus's
// StaAuthorized leaves out (the socket's AP-STA-CONNECTED has
// p2p_dev_addr=). The group object's Members property lists the P2P
// device addresses of the group's P2P clients; wpa_supplicant adds a
// client at association (p2p_group_notif_assoc in src/ap/ieee802_11.c),
// before it authorizes it, so the one member new since the last look is
// the station just authorized. A legacy station is no member, and two
// members new at once are ambiguous: then no address is given rather than
// a guess. The address is remembered for StaDeauthorized, sent when the
// member may already be gone.
type memberTracker struct {
	seen map[wpaevent.MAC]bool         // members at the last look
	dev  map[wpaevent.MAC]wpaevent.MAC // station interface address → P2P device address
}

func newMemberTracker() *memberTracker {
	return &memberTracker{seen: map[wpaevent.MAC]bool{}, dev: map[wpaevent.MAC]wpaevent.MAC{}}
}

// connected records the current Members when sta is authorized and
// returns sta's device address if exactly one member is new.
func (m *memberTracker) connected(sta wpaevent.MAC, members []wpaevent.MAC) (wpaevent.MAC, bool) {
	var fresh []wpaevent.MAC
	now := make(map[wpaevent.MAC]bool, len(members))
	known := map[wpaevent.MAC]bool{}
	for _, d := range m.dev {
		known[d] = true
	}
	for _, d := range members {
		now[d] = true
		if !m.seen[d] && !known[d] {
			fresh = append(fresh, d)
		}
	}
	m.seen = now
	if len(fresh) != 1 {
		return wpaevent.MAC{}, false
	}
	m.dev[sta] = fresh[0]
	return fresh[0], true
}

// disconnected returns and forgets sta's device address.
func (m *memberTracker) disconnected(sta wpaevent.MAC) (wpaevent.MAC, bool) {
	d, ok := m.dev[sta]
	delete(m.dev, sta)
	delete(m.seen, d)
	return d, ok
}
