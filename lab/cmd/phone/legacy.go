package main

// The legacy client (--client legacy): a station without Wi-Fi Direct,
// the way an iPhone or a laptop joins the group (the original hostp2pd
// README: persistent groups "can be joined by iPhones" as an ordinary
// access point; shared/reference/clients.md "iPhone, iPad, laptops without
// Wi-Fi Direct"). It drives a wpa_supplicant started with p2p_disabled=1 on
// the phone radio (lab.sh legacy_up), whose control interface is wlanN,
// and associates by SSID and passphrase: WPA2-PSK, RSN, CCMP, no WPS, no
// provision discovery, no P2P IE. DHCP and ping are the common steps.
//
// Android 10+ apps that join with WifiP2pConfig.Builder().setNetworkName()
// .setPassphrase() also skip WPS and provision discovery, but associate from
// a P2P client interface; that client is not modelled here.

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// legacyJoin associates with ssid using passphrase and waits for
// CTRL-EVENT-CONNECTED. A wrong passphrase shows as
// CTRL-EVENT-SSID-TEMP-DISABLED ... reason=WRONG_KEY (the 4-way handshake
// failed): the step fails with err=wrong-key.
func (p *phone) legacyJoin(ssid, passphrase string) int {
	if ssid == "" || passphrase == "" {
		return p.fail("joined", fmt.Errorf("--ssid and --passphrase are needed with --client legacy"))
	}
	if err := p.connect(); err != nil {
		return p.fail("joined", err)
	}
	_, _ = p.do("DISCONNECT")
	_, _ = p.do("REMOVE_NETWORK all")
	id, err := p.do("ADD_NETWORK")
	if err != nil {
		return p.fail("joined", err)
	}
	if _, err := strconv.Atoi(id); err != nil {
		return p.fail("joined", fmt.Errorf("ADD_NETWORK: %s", id))
	}
	for _, kv := range [][2]string{
		{"ssid", strconv.Quote(ssid)}, {"psk", strconv.Quote(passphrase)},
		{"key_mgmt", "WPA-PSK"}, {"proto", "RSN"}, {"pairwise", "CCMP"}, {"group", "CCMP"}, {"scan_ssid", "1"},
	} {
		if err := p.doOK("SET_NETWORK " + id + " " + kv[0] + " " + kv[1]); err != nil {
			return p.fail("joined", err)
		}
	}
	if err := p.doOK("SELECT_NETWORK " + id); err != nil {
		return p.fail("joined", err)
	}
	ev, err := p.wait(p.to(30*time.Second), "CTRL-EVENT-CONNECTED", func(ev string) (bool, error) {
		switch {
		case strings.HasPrefix(ev, "CTRL-EVENT-CONNECTED"):
			return true, nil
		case strings.HasPrefix(ev, "CTRL-EVENT-SSID-TEMP-DISABLED") && strings.Contains(ev, "WRONG_KEY"),
			strings.HasPrefix(ev, "CTRL-EVENT-SSID-TEMP-DISABLED") && strings.Contains(ev, "reason=CONN_FAILED"):
			return false, fmt.Errorf("wrong-key")
		}
		return false, nil
	})
	if err != nil {
		_, _ = p.do("REMOVE_NETWORK all")
		return p.fail("joined", err, "mode", "legacy", "ssid", ssid)
	}
	p.state["group"], p.state["ssid"], p.state["ip"] = p.iface, ssid, ""
	p.saveState()
	bssid := ""
	if i := strings.Index(ev, "Connection to "); i >= 0 {
		bssid, _, _ = strings.Cut(ev[i+len("Connection to "):], " ")
	}
	return p.emit("joined", true, "method", "passphrase", "mode", "legacy", "group", p.iface, "ssid", ssid, "bssid", bssid)
}

// legacyLeave disconnects and forgets the network.
func (p *phone) legacyLeave() int {
	if err := p.doOK("DISCONNECT"); err != nil {
		return p.fail("left", err)
	}
	_, _ = p.do("REMOVE_NETWORK all")
	p.state["group"], p.state["ip"] = "", ""
	p.saveState()
	return p.emit("left", true, "mode", "legacy", "reason", "disconnect")
}
