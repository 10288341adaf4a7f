package daemon

import (
	"context"
	"crypto/rand"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/joincode"
	"github.com/hostp2pd/hostp2pd/internal/status"
	"github.com/hostp2pd/hostp2pd/wpactrl"
	"github.com/hostp2pd/hostp2pd/wpaevent"
)

// joinFacts is what a person needs to join the running group without WPS
// that the session's events do not carry: the group interface address
// (the BSSID, which Android's setDeviceAddress matches) and, for a group
// that was running before the daemon started (adopted), the passphrase.
type joinFacts struct {
	bssid      string
	passphrase string // only when the session has none
}

// needPassphrase reports whether the session lacks the group's
// passphrase: an adopted group has no P2P-GROUP-STARTED to carry it.
func (l *loop) needPassphrase() bool {
	var st status.Status
	l.sess.Snapshot(&st, nil)
	return st.Group != nil && st.Group.Passphrase == ""
}

// requester sends one command to an interface.
type requester func(ctx context.Context, iface, cmd string) (string, error)

// dialRequest is a requester on a connection of its own to path, for the
// goroutine that attaches to a new group socket (the loop's connections
// are the loop's).
func dialRequest(path string, opts []wpactrl.Option) requester {
	return func(ctx context.Context, _, cmd string) (string, error) {
		c, err := wpactrl.Dial(ctx, path, opts...)
		if err != nil {
			return "", err
		}
		defer c.Close()
		return c.Request(ctx, cmd)
	}
}

// askJoin asks wpa_supplicant, on the group interface, for its address
// (STATUS address=) and, if needPass, for the passphrase
// (P2P_GET_PASSPHRASE: the bare passphrase, or FAIL when the interface is
// not a GO). The replies are never logged. It may run outside the loop:
// it touches no loop state.
func askJoin(ctx context.Context, req requester, iface string, needPass bool) joinFacts {
	var j joinFacts
	if reply, err := req(ctx, iface, "STATUS"); err == nil {
		if st := wpaevent.ParseStatus(reply); !st.Address.IsZero() {
			j.bssid = st.Address.String()
		}
	}
	if !needPass {
		return j
	}
	if reply, err := req(ctx, iface, "P2P_GET_PASSPHRASE"); err == nil && joincode.ValidPassphrase(reply) == nil {
		j.passphrase = reply
	}
	return j
}

// fillJoin completes the published group with the learned facts.
func (l *loop) fillJoin(g *status.Group) {
	if g == nil {
		return
	}
	g.BSSID = l.join.bssid
	if g.Passphrase == "" {
		g.Passphrase = l.join.passphrase
	}
}

// rotatedLen is the length of the passphrases Rotate makes.
const rotatedLen = 16

// Rotate gives the persistent group a new random passphrase and restarts
// it (p2p.Session.Rotate). It returns the group's SSID and the new
// passphrase; the group is back once P2P-GROUP-STARTED arrives.
func (d *Daemon) Rotate(ctx context.Context) (ssid, passphrase string, err error) {
	pass, err := joincode.NewPassphrase(rand.Reader, rotatedLen)
	if err != nil {
		return "", "", err
	}
	err = d.do(ctx, func(l *loop) error {
		if l.conn == nil {
			return errOffline
		}
		var st status.Status
		l.sess.Snapshot(&st, nil)
		acts, err := l.sess.Rotate(pass, time.Now())
		if err != nil {
			return err
		}
		ssid = st.Group.SSID
		return l.exec(ctx, acts)
	})
	if err != nil {
		return "", "", err
	}
	return ssid, pass, nil
}
