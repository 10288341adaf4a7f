package dhcpd

import (
	"bytes"
	"encoding/hex"
	"net"
	"net/netip"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

const (
	// offerHold is how long an offered address stays reserved for the
	// client that was offered it.
	offerHold = 30 * time.Second

	// declineHold is how long an address that a client DECLINEd (found in
	// use) is kept out of the pool.
	declineHold = 10 * time.Minute

	// maxHostname caps the length of a client-supplied host name.
	maxHostname = 64
)

// bindState is where a binding stands in its life.
//
//	offered --REQUEST--> bound --RELEASE/Release--> released
//	   ^                   |                           |
//	   +----DISCOVER-------+------------DISCOVER-------+
//
// An offered or bound binding whose expiry has passed, and any released
// binding, is reclaimable: its client still gets the address back first,
// but another client may take it when the pool is otherwise exhausted.
type bindState uint8

const (
	stateOffered bindState = iota + 1
	stateBound
	stateReleased
)

// String returns the name used in the lease file.
func (s bindState) String() string {
	switch s {
	case stateOffered:
		return "offered"
	case stateBound:
		return "bound"
	case stateReleased:
		return "released"
	}
	return "unknown"
}

func parseBindState(s string) (bindState, bool) {
	for _, st := range []bindState{stateOffered, stateBound, stateReleased} {
		if st.String() == s {
			return st, true
		}
	}
	return 0, false
}

// client identifies the sender of a request.
type client struct {
	key      string // see clientKey
	mac      net.HardwareAddr
	clientID []byte
	hostname string
}

// clientKey names a client by its identifier, or by its MAC address when it
// has none or its identifier is just the MAC (type 1, RFC 2132 §9.14), as
// udhcpc and Android send: such a client is the same whether or not it
// sends the option.
func clientKey(mac net.HardwareAddr, clientID []byte) string {
	isMAC := len(clientID) == 1+len(mac) && clientID[0] == 1 && bytes.Equal(clientID[1:], mac)
	if len(clientID) > 0 && !isMAC {
		return "id:" + hex.EncodeToString(clientID)
	}
	return "hw:" + mac.String()
}

// binding ties a client to an address.
type binding struct {
	client
	ip     netip.Addr
	state  bindState
	expiry time.Time // lease end (bound), offer end (offered), release time (released)
	eapol  bool      // made by Server.Bind (address from the 4-way handshake)
}

// active reports whether the binding holds its address at now.
func (b *binding) active(now time.Time) bool {
	return b.state != stateReleased && now.Before(b.expiry)
}

func (b *binding) lease() Lease {
	return Lease{
		MAC:      slices.Clone(b.mac),
		IP:       b.ip,
		Hostname: b.hostname,
		Expiry:   b.expiry,
	}
}

// pool holds the bindings. It does no I/O and is not safe for concurrent
// use; Server guards it with a mutex.
type pool struct {
	from, to netip.Addr
	server   netip.Addr
	// resFrom-resTo is reserved for the 4-way handshake (zero: none).
	resFrom, resTo netip.Addr
	byKey          map[string]*binding
	byIP           map[netip.Addr]*binding
	declined       map[netip.Addr]time.Time // address → end of quarantine
}

func newPool(from, to, server netip.Addr) *pool {
	return &pool{
		from:     from,
		to:       to,
		server:   server,
		byKey:    make(map[string]*binding),
		byIP:     make(map[netip.Addr]*binding),
		declined: make(map[netip.Addr]time.Time),
	}
}

// inRange reports whether ip is a pool address.
func (p *pool) inRange(ip netip.Addr) bool {
	return ip.Is4() && ip != p.server && p.from.Compare(ip) <= 0 && ip.Compare(p.to) <= 0
}

// reserved reports whether ip is in the range wpa_supplicant hands out.
func (p *pool) reserved(ip netip.Addr) bool {
	return p.resFrom.IsValid() && p.resFrom.Compare(ip) <= 0 && ip.Compare(p.resTo) <= 0
}

// usable reports whether ip is a pool address that is not quarantined.
func (p *pool) usable(ip netip.Addr, now time.Time) bool {
	if !p.inRange(ip) {
		return false
	}
	until, ok := p.declined[ip]
	if ok && !now.Before(until) {
		delete(p.declined, ip)
		ok = false
	}
	return !ok
}

// availableTo reports whether ip may be bound to the client with key
// without an offer: it is usable and no other client has a binding on it,
// not even a released one (that client gets it back first).
func (p *pool) availableTo(ip netip.Addr, key string, now time.Time) bool {
	if !p.usable(ip, now) {
		return false
	}
	b := p.byIP[ip]
	if p.reserved(ip) {
		return b != nil && b.key == key
	}
	return b == nil || b.key == key
}

// adopt moves a binding made by Server.Bind for the MAC address of c to
// c's key, when c (e.g. a client identifier other than its MAC) has none.
func (p *pool) adopt(c client) {
	if p.byKey[c.key] != nil {
		return
	}
	hw := clientKey(c.mac, nil)
	b := p.byKey[hw]
	if b == nil || !b.eapol || hw == c.key {
		return
	}
	delete(p.byKey, hw)
	b.key, b.clientID = c.key, c.clientID
	p.byKey[c.key] = b
}

// choose picks the address to offer the client with key: its previous
// address, else the requested one if nobody holds it, else the lowest
// never-bound address, else the reclaimable binding that expired first.
func (p *pool) choose(key string, requested netip.Addr, now time.Time) (netip.Addr, bool) {
	if b := p.byKey[key]; b != nil && p.usable(b.ip, now) {
		return b.ip, true
	}
	if requested.IsValid() && p.usable(requested, now) && p.byIP[requested] == nil && !p.reserved(requested) {
		return requested, true
	}
	for ip := p.from; ip.IsValid() && ip.Compare(p.to) <= 0; ip = ip.Next() {
		if p.byIP[ip] == nil && p.usable(ip, now) && !p.reserved(ip) {
			return ip, true
		}
	}
	var oldest *binding
	for ip, b := range p.byIP {
		if b.active(now) || !p.usable(ip, now) || p.reserved(ip) {
			continue
		}
		if oldest == nil || b.expiry.Before(oldest.expiry) ||
			(b.expiry.Equal(oldest.expiry) && ip.Less(oldest.ip)) {
			oldest = b
		}
	}
	if oldest == nil {
		return netip.Addr{}, false
	}
	return oldest.ip, true
}

// assign binds ip to c, moving c off any other address and evicting any
// other client from ip. It returns the binding and the evicted one, if any.
func (p *pool) assign(c client, ip netip.Addr, st bindState, expiry time.Time) (b, evicted *binding) {
	if old := p.byIP[ip]; old != nil && old.key != c.key {
		delete(p.byKey, old.key)
		evicted = old
	}
	b = p.byKey[c.key]
	if b == nil {
		b = &binding{}
		p.byKey[c.key] = b
	} else if b.ip != ip {
		delete(p.byIP, b.ip)
	}
	hostname := c.hostname
	if hostname == "" {
		hostname = b.hostname
	}
	if b.ip != ip {
		b.eapol = false
	}
	b.client = c
	b.hostname = hostname
	b.ip = ip
	b.state = st
	b.expiry = expiry
	p.byIP[ip] = b
	return b, evicted
}

// remove forgets b.
func (p *pool) remove(b *binding) {
	delete(p.byKey, b.key)
	if p.byIP[b.ip] == b {
		delete(p.byIP, b.ip)
	}
}

// decline quarantines ip until until.
func (p *pool) decline(ip netip.Addr, until time.Time) {
	if b := p.byIP[ip]; b != nil {
		p.remove(b)
	}
	p.declined[ip] = until
}

// sorted returns the bindings ordered by address.
func (p *pool) sorted() []*binding {
	bs := make([]*binding, 0, len(p.byIP))
	for _, b := range p.byIP {
		bs = append(bs, b)
	}
	slices.SortFunc(bs, func(a, b *binding) int { return a.ip.Compare(b.ip) })
	return bs
}

// cleanHostname makes a peer-supplied host name safe to store and show:
// valid UTF-8, no control characters, at most maxHostname bytes.
func cleanHostname(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	for len(s) > maxHostname {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return strings.TrimSpace(s)
}
