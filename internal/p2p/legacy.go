package p2p

import "github.com/hostp2pd/hostp2pd/wpaevent"

// Legacy stations: iPhones, laptops and Android apps using
// WifiP2pConfig.Builder().setNetworkName().setPassphrase() join the group
// as an ordinary WPA2-PSK access point, with the passphrase and no WPS.
// wpa_supplicant reports them with an AP-STA-CONNECTED that has no
// p2p_dev_addr= (it adds one only for a station whose association request
// carried a P2P IE). They have no device address and no device name: the
// session knows them by their interface address.

// legacyName stands for the device name of a legacy station.
const legacyName = "legacy"

// markLegacy names a station without a device address "legacy"; one that
// did not enrol with WPS (an anonymous WPS client did) joined with the
// passphrase, so its method is "legacy" too.
func (s *Session) markLegacy(c *client) {
	if !c.dev.IsZero() {
		return
	}
	c.name = legacyName
	if c.method == "persistent" { // no WPS run matched it: it had the passphrase
		c.method = legacyName
	}
	s.count("legacy_connected")
}

// refuseLegacy removes a legacy station the MAC lists do not admit: its
// interface address is all there is to match.
func (s *Session) refuseLegacy(addr wpaevent.MAC) []Action {
	s.count("refused_mac")
	s.log.Warn("legacy station not admitted by the MAC lists removed", "iface_addr", addr)
	return []Action{s.cmd(s.grp.iface, "DEAUTHENTICATE "+addr.String(), TagNone)}
}

// hookAddr is the address run_program gets for c: its P2P device address,
// or for a legacy station its interface address.
func (c *client) hookAddr() string {
	if c.dev.IsZero() {
		return c.iface.String()
	}
	return c.dev.String()
}
