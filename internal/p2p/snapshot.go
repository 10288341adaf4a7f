package p2p

import (
	"bytes"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/status"
	"github.com/hostp2pd/hostp2pd/wpaevent"
)

func (s *Session) sortedClients() []*client {
	cs := slices.AppendSeq(make([]*client, 0, len(s.clients)), maps.Values(s.clients))
	slices.SortFunc(cs, func(a, b *client) int {
		if c := a.joined.Compare(b.joined); c != 0 {
			return c
		}
		return bytes.Compare(a.iface[:], b.iface[:]) // the order of the text, without formatting it
	})
	return cs
}

// Snapshot fills the session part of a status snapshot. ips maps client
// interface addresses to leased IP addresses (may be nil).
func (s *Session) Snapshot(st *status.Status, ips func(iface wpaevent.MAC) string) {
	st.State = s.st.String()
	st.Mode = s.cfg.Mode.String()
	st.WPSMethod = s.policyString()
	st.Group = nil
	if g := new(status.Group); s.FillGroup(g) {
		st.Group = g
	}
	st.Clients = s.Clients(ips)
	st.Pending = nil
	all := s.queue
	if s.armed != nil {
		all = append(append([]*enrol{s.armed}, s.riders...), s.queue...)
	}
	for _, e := range all {
		p := status.Pending{DevAddr: e.peer.String(), Name: e.name, Method: e.method.String(), State: e.state.String(), Since: e.since}
		if e.refused {
			p.State += ", invitation refused"
		}
		if e.peer.IsZero() {
			p.DevAddr = ""
		}
		st.Pending = append(st.Pending, p)
	}
	st.Peers = make([]status.Peer, 0, len(s.peers))
	ps := slices.AppendSeq(make([]*peer, 0, len(s.peers)), maps.Values(s.peers))
	slices.SortFunc(ps, func(a, b *peer) int { return a.first.Compare(b.first) })
	for _, p := range ps {
		st.Peers = append(st.Peers, status.Peer{DevAddr: p.dev.String(), Name: p.name, DevType: p.devType, FirstSeen: p.first, LastSeen: p.last})
	}
	st.Known = s.knownList()
	st.Counters = maps.Clone(s.counters)
}

// Clients returns the clients as in a snapshot, without building one;
// ips (may be nil) gives a client's IP address by interface address.
func (s *Session) Clients(ips func(iface wpaevent.MAC) string) []status.Client {
	out := make([]status.Client, 0, len(s.clients))
	for _, c := range s.sortedClients() {
		cl := status.Client{DevAddr: c.dev.String(), IfaceAddr: c.iface.String(), Name: c.name, Method: c.method, Joined: c.joined}
		if c.dev.IsZero() {
			cl.DevAddr = ""
		}
		if ips != nil {
			cl.IP = ips(c.iface)
		}
		out = append(out, cl)
	}
	return out
}

// EachClient calls f with each client's interface address and join time,
// in no order; it allocates nothing.
func (s *Session) EachClient(f func(iface wpaevent.MAC, joined time.Time)) {
	for _, c := range s.clients {
		f(c.iface, c.joined)
	}
}

// FillGroup sets *g to the group as in a snapshot and reports whether
// there is one; it allocates nothing.
func (s *Session) FillGroup(g *status.Group) bool {
	r := s.grp
	if r == nil {
		return false
	}
	*g = status.Group{Iface: r.iface, SSID: r.ssid, Freq: r.freq, Persistent: r.persistent,
		NetworkID: r.netID, Passphrase: r.passphrase, Since: r.since}
	return true
}

func (s *Session) policyString() string {
	var m []string
	if s.pol.pbc {
		m = append(m, "pbc")
	}
	if s.pol.keypad {
		m = append(m, "keypad")
	}
	if s.pol.display {
		m = append(m, "display")
	}
	if s.pol.random {
		m = append(m, "random")
	}
	return strings.Join(m, "+")
}

// ResetStats clears the counters.
func (s *Session) ResetStats() { clear(s.counters) }
