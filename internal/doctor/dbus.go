package doctor

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/config"

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
// to wpa_supplicant, -u) is reachable for iface, and what stops it; then
// which backend the daemon would pick (the backend line), so that a host
// where only D-Bus is open (NetworkManager images) learns what to set or
// add.
func (c *checker) dbus(dialErr error) {
	if c.env.DBus == nil {
		return
	}
	ctlOK := dialErr == nil && c.env.Request != nil
	err := c.dbusErr
	used := " (the control socket is used)"
	if c.picked == config.BackendDBus {
		used = " (D-Bus is used: backend " + c.cfg.Backend + ")"
	}
	onlyDBus := "wpa_supplicant is reachable over D-Bus only, and this configuration needs the control socket (see the backend line): " +
		"add ctrl_interface=DIR=" + c.cfg.CtrlInterface + " to the wpa_supplicant.conf it runs with (see docs/dbus.md)"
	switch {
	case err == nil && (ctlOK || c.picked == config.BackendDBus):
		c.add(OK, "D-Bus", "fi.w1.wpa_supplicant1 manages "+c.iface+" with P2P"+used, "")
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

// probeBackends probes D-Bus and picks the backend; dialErr is the
// control socket's.
func (c *checker) probeBackends(dialErr error) {
	c.dbusErr = errors.New("not probed (no D-Bus probe)")
	if c.env.DBus != nil {
		c.dbusErr = c.env.DBus(c.ctx, c.iface)
	}
	c.picked, c.pickWhy = pick(c.cfg, dialErr == nil && c.env.Request != nil, c.dbusErr)
}

// pick says which backend the daemon would use, as it decides at connect
// time (config.Config.Backend): "" when neither works, with the reason.
func pick(cfg *config.Config, ctlOK bool, dbusErr error) (picked, why string) {
	viaDBus := func() (string, string) {
		if dbusErr != nil {
			return "", "D-Bus: " + dbusErr.Error()
		}
		if key, why := cfg.NeedsCtrl(); key != "" {
			return "", key + " needs the control-socket backend: " + why
		}
		return config.BackendDBus, ""
	}
	switch cfg.Backend {
	case config.BackendCtrl:
		if ctlOK {
			return config.BackendCtrl, ""
		}
		return "", "backend: ctrl and the control socket does not answer"
	case config.BackendDBus:
		return viaDBus()
	}
	if ctlOK {
		return config.BackendCtrl, ""
	}
	p, why := viaDBus()
	if p == "" {
		why = "no control socket; " + why
	}
	return p, why
}

// backend reports the pick.
func (c *checker) backend() {
	switch c.picked {
	case config.BackendCtrl:
		c.add(OK, "backend", c.cfg.Backend+": the control socket "+filepath.Join(c.cfg.CtrlInterface, c.iface), "")
	case config.BackendDBus:
		c.add(OK, "backend", c.cfg.Backend+": D-Bus (fi.w1.wpa_supplicant1 on "+wpadbus.SystemBusAddress()+"); see docs/dbus.md for what D-Bus does not carry", "")
	default:
		c.add(Fail, "backend", c.cfg.Backend+": no way in to wpa_supplicant", c.pickWhy)
	}
}
