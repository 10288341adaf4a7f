package doctor

import (
	"context"
	"errors"
	"io/fs"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/wpadbus"
)

// probeDBus dials wpa_supplicant on the system bus for iface and reads its
// P2P device configuration (lookups and property reads; nothing changes).
func probeDBus(ctx context.Context, iface string) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	c, err := wpadbus.Dial(ctx, iface)
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = c.DeviceConfig(ctx)
	return err
}

// dbus reports whether wpa_supplicant's D-Bus interface (the other way in
// to wpa_supplicant, -u) is reachable for iface, and what stops it. The
// daemon drives wpa_supplicant through the control socket; the line says
// which of the two ways work, so that a host where only D-Bus is open
// (NetworkManager images) learns what to add.
func (c *checker) dbus(dialErr error) {
	if c.env.DBus == nil {
		return
	}
	ctlOK := dialErr == nil && c.env.Request != nil
	err := c.env.DBus(c.ctx, c.iface)
	onlyDBus := "wpa_supplicant is reachable over D-Bus only, but hostp2pd drives it through the control socket: " +
		"add ctrl_interface=DIR=" + c.cfg.CtrlInterface + " to the wpa_supplicant.conf it runs with (see docs/dbus.md)"
	switch {
	case err == nil && ctlOK:
		c.add(OK, "D-Bus", "fi.w1.wpa_supplicant1 manages "+c.iface+" with P2P (the control socket is used)", "")
	case err == nil:
		c.add(Warn, "D-Bus", "fi.w1.wpa_supplicant1 manages "+c.iface+" with P2P", onlyDBus)
	case errors.Is(err, wpadbus.ErrAccessDenied):
		lvl := OK
		if !ctlOK {
			lvl = Warn
		}
		c.add(lvl, "D-Bus", "access denied by the bus policy", err.Error())
		if lvl == OK { // the hint is shown only for problems; say it in the line
			c.fs[len(c.fs)-1].Msg += " (not needed: the control socket is used); policy file: " + wpadbus.PolicyFiles[0]
		}
	case errors.Is(err, wpadbus.ErrNoP2P), errors.Is(err, wpadbus.ErrUnknownInterface):
		c.add(Warn, "D-Bus", err.Error(), "wpa_supplicant on the bus has no P2P device "+c.iface+"; `iw dev` should list a P2P-device")
	case errors.Is(err, wpadbus.ErrNoService), errors.Is(err, fs.ErrNotExist):
		c.add(OK, "D-Bus", "not available ("+err.Error()+"); only the control socket is used", "")
	default:
		c.unknown("D-Bus", err)
	}
}
