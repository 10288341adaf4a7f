package p2p

import (
	"strconv"
	"time"

	"github.com/hostp2pd/hostp2pd/wpaevent"
)

// A persistent GO network needs bssid=<our P2P device address>: when the
// group starts, wpa_supplicant looks for the network to store it in by
// SSID and that address (p2p_supplicant.c wpas_p2p_store_persistent_group)
// and, not finding it, stores a second copy. The README's predefined
// DIRECT-PP-group block and the network network_parms creates have none,
// so the session gives it one before the group starts:
//
//	GET_NETWORK <id> bssid  --FAIL (unset)-->  STATUS  -->  SET_NETWORK <id> bssid <p2p_device_address>  [SAVE_CONFIG]
//	                        --an address----> (kept as it is)

// checkBSSID asks whether network id has a bssid.
func (s *Session) checkBSSID(id int) []Action {
	c := s.cmd("", "GET_NETWORK "+strconv.Itoa(id)+" bssid", TagNetworkBSSID)
	c.NetID = id
	return []Action{c}
}

// ownAddress asks for our P2P device address, to be network id's bssid.
func (s *Session) ownAddress(id int) Action {
	c := s.cmd("", "STATUS", TagOwnAddress)
	c.NetID = id
	return c
}

func (s *Session) bssidReply(c Cmd, reply string, err error, now time.Time) []Action {
	switch c.Tag {
	case TagNetworkBSSID:
		if mac, perr := wpaevent.ParseMAC(reply); err == nil && perr == nil && !mac.IsZero() {
			return s.networksKnown(now) // it names a device already: as it is
		}
		return []Action{s.ownAddress(c.NetID)}
	case TagOwnAddress:
		var a []Action
		if st := wpaevent.ParseStatus(reply); err == nil && !st.P2PDeviceAddress.IsZero() {
			a = append(a, s.cmd("", "SET_NETWORK "+strconv.Itoa(c.NetID)+" bssid "+st.P2PDeviceAddress.String(), TagNone))
			s.log.Info("persistent network given our P2P device address as bssid, so wpa_supplicant stores no second copy",
				"network_id", c.NetID, "bssid", st.P2PDeviceAddress)
		} else {
			s.log.Warn("cannot read our P2P device address; wpa_supplicant may store a second copy of the persistent network", "network_id", c.NetID)
		}
		if s.cfg.SaveConfigEnabled {
			a = append(a, s.cmd("", "SAVE_CONFIG", TagNone))
		}
		return append(a, s.networksKnown(now)...)
	}
	return nil
}
