// Package services holds the services the group owner advertises (the
// services: key of hostp2pd.yaml): their validation, and the records
// registered with wpa_supplicant for P2P service discovery
// (P2P_SERVICE_ADD bonjour|upnp) and answered over mDNS on the group.
//
// The DNS wire format is built with github.com/miekg/dns, never by hand.
package services

import (
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/miekg/dns"
)

// DNSSD is one DNS-SD service instance: Instance._type.local, e.g.
// Kiosk._http._tcp.local on port 80.
type DNSSD struct {
	Instance string   `yaml:"instance"` // e.g. "Kiosk": one DNS label (1-63 bytes, no dot)
	Type     string   `yaml:"type"`     // "_name._tcp" or "_name._udp"
	Port     int      `yaml:"port"`     // 1-65535
	TXT      []string `yaml:"txt"`      // each at most 255 bytes, in all at most MaxTXT bytes
}

// Service is one item of services:: exactly one of DNSSD and UPnP is set.
type Service struct {
	DNSSD *DNSSD `yaml:"dns_sd,omitempty"`
	UPnP  string `yaml:"upnp,omitempty"` // a UPnP service or device URN, e.g. urn:schemas-upnp-org:service:ContentDirectory:1
}

// Limits of a service's text.
const (
	// MaxTXTString is the longest TXT string: a DNS character-string.
	MaxTXTString = 255
	// MaxTXT bounds all TXT strings of a service (with their length
	// bytes): wpa_supplicant answers a whole service discovery request in
	// one frame of at most 1400 bytes or so, and RFC 6763 §6.2 advises
	// keeping TXT records under 1300 bytes.
	MaxTXT = 1300
	// MaxUPnP bounds a UPnP service string.
	MaxUPnP = 255
)

var (
	typeRE  = regexp.MustCompile(`^_[A-Za-z0-9](?:[A-Za-z0-9-]{0,13}[A-Za-z0-9])?\._(tcp|udp)$`)
	upnpRE  = regexp.MustCompile(`^(urn:[A-Za-z0-9.-]+:(service|device):[A-Za-z0-9._-]+:[0-9]+|uuid:[0-9A-Fa-f-]+(::.+)?|upnp:rootdevice)$`)
	labelOK = func(s string) bool {
		if s == "" || len(s) > 63 || strings.Contains(s, ".") {
			return false
		}
		for _, r := range s {
			if r < 0x20 || r == 0x7f {
				return false
			}
		}
		return true
	}
)

// CheckInstance reports why s is not a DNS-SD instance name: one DNS label
// of 1-63 bytes without a dot or control character (RFC 6763 §4.1.1 allows
// spaces and UTF-8).
func CheckInstance(s string) error {
	if !labelOK(s) {
		return fmt.Errorf("%q is not a valid DNS label (1-63 bytes, no dot or control character)", s)
	}
	return nil
}

// CheckType reports why s is not a DNS-SD service type "_name._tcp" or
// "_name._udp" (RFC 6335 §5.1: the name is 1-15 letters, digits and
// hyphens, starting and ending with a letter or digit).
func CheckType(s string) error {
	if !typeRE.MatchString(s) {
		return fmt.Errorf("%q is not a service type like _http._tcp or _name._udp (name: 1-15 letters, digits, hyphens)", s)
	}
	return nil
}

// CheckPort reports why p is not a port.
func CheckPort(p int) error {
	if p < 1 || p > 65535 {
		return fmt.Errorf("%d is not a port (1-65535)", p)
	}
	return nil
}

// CheckTXT reports why txt cannot be a service's TXT record: a string over
// MaxTXTString bytes, or more than MaxTXT bytes in all. The index of the
// bad string is returned (-1 for the total).
func CheckTXT(txt []string) (int, error) {
	total := 0
	for i, s := range txt {
		if len(s) > MaxTXTString {
			return i, fmt.Errorf("is %d bytes; a TXT string holds at most %d", len(s), MaxTXTString)
		}
		if s == "" || strings.HasPrefix(s, "=") {
			return i, errors.New("must be key or key=value (RFC 6763 §6.4), not empty or starting with =")
		}
		total += 1 + len(s)
	}
	if total > MaxTXT {
		return -1, fmt.Errorf("the TXT record is %d bytes; at most %d fit a service discovery response", total, MaxTXT)
	}
	return 0, nil
}

// CheckUPnP reports why s is not a UPnP service string: urn:…:service:…:v,
// urn:…:device:…:v, uuid:… (optionally ::urn…) or upnp:rootdevice.
func CheckUPnP(s string) error {
	if len(s) > MaxUPnP || !upnpRE.MatchString(s) {
		return fmt.Errorf("%q is not a UPnP service (urn:domain:service:Name:1, urn:domain:device:Name:1, uuid:… or upnp:rootdevice)", s)
	}
	return nil
}

// Check validates s as a whole.
func (s Service) Check() error {
	switch {
	case s.DNSSD != nil && s.UPnP != "":
		return errors.New("an item is either dns_sd or upnp, not both")
	case s.DNSSD != nil:
		d := s.DNSSD
		if err := CheckInstance(d.Instance); err != nil {
			return fmt.Errorf("instance: %w", err)
		}
		if err := CheckType(d.Type); err != nil {
			return fmt.Errorf("type: %w", err)
		}
		if err := CheckPort(d.Port); err != nil {
			return fmt.Errorf("port: %w", err)
		}
		if i, err := CheckTXT(d.TXT); err != nil {
			if i < 0 {
				return fmt.Errorf("txt: %w", err)
			}
			return fmt.Errorf("txt: item %d: %w", i+1, err)
		}
		return nil
	case s.UPnP != "":
		return CheckUPnP(s.UPnP)
	}
	return errors.New("an item needs dns_sd or upnp")
}

// Name returns the service's name as shown in status: the instance's full
// DNS-SD name ("Kiosk._http._tcp.local") or the UPnP string.
func (s Service) Name() string {
	if s.DNSSD != nil {
		return s.DNSSD.FQDN()
	}
	return s.UPnP
}

// Kind returns "dns_sd" or "upnp".
func (s Service) Kind() string {
	if s.DNSSD != nil {
		return "dns_sd"
	}
	return "upnp"
}

// ServiceName returns the type's name in the local domain, "_http._tcp.local".
func (d *DNSSD) ServiceName() string { return d.Type + ".local" }

// FQDN returns the instance's name, "Kiosk._http._tcp.local", with the
// instance's dots and backslashes escaped as DNS presentation format wants.
func (d *DNSSD) FQDN() string { return escapeLabel(d.Instance) + "." + d.ServiceName() }

func escapeLabel(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.' || c == '\\' || c == '"' || c == '(' || c == ')' || c == ';' || c == '@' || c == '$':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == ' ' || c >= 0x80 || c < 0x20:
			fmt.Fprintf(&b, "\\%03d", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Bonjour is one record registered for Bonjour service discovery:
// P2P_SERVICE_ADD bonjour <Query> <RDATA>.
type Bonjour struct {
	Query []byte // the record's name in DNS wire format, its type (2 bytes, big endian), version 1
	RDATA []byte // the record's RDATA in DNS wire format
}

// Add returns the wpa_supplicant command that registers b.
func (b Bonjour) Add() string {
	return "P2P_SERVICE_ADD bonjour " + hex.EncodeToString(b.Query) + " " + hex.EncodeToString(b.RDATA)
}

// Del returns the wpa_supplicant command that removes b.
func (b Bonjour) Del() string { return "P2P_SERVICE_DEL bonjour " + hex.EncodeToString(b.Query) }

// bonjourVersion is the Bonjour protocol version of a P2P query (Wi-Fi P2P
// technical specification, Annex E: always 1).
const bonjourVersion = 1

// BonjourQuery returns the query key of the record (name, type), as a
// phone sends it in P2P_SERV_DISC_REQ: name in wire format (uncompressed),
// type, version 1.
func BonjourQuery(name string, rrtype uint16) ([]byte, error) {
	buf := make([]byte, 256+3)
	off, err := dns.PackDomainName(dns.Fqdn(name), buf, 0, nil, false)
	if err != nil {
		return nil, fmt.Errorf("name %q: %w", name, err)
	}
	buf = buf[:off]
	buf = append(buf, byte(rrtype>>8), byte(rrtype), bonjourVersion)
	return buf, nil
}

// Bonjour returns the records a phone asks for over P2P service
// discovery, as Android registers its own (WifiP2pDnsSdServiceInfo): the
// PTR _type.local → instance, and the instance's TXT record under the
// lower-cased instance name.
func (d *DNSSD) Bonjour() ([]Bonjour, error) {
	// The service type is lower-cased in both queries: service names are
	// case-insensitive (RFC 6335 §5.1) and registered in lower case, apps
	// ask for "_http._tcp", and wpa_supplicant matches the bytes, so a
	// configured "_HTTP._tcp" would otherwise never be found.
	svc := strings.ToLower(d.ServiceName())
	ptrQ, err := BonjourQuery(svc, dns.TypePTR)
	if err != nil {
		return nil, err
	}
	ptr, err := rdata(&dns.PTR{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypePTR, Class: dns.ClassINET}, Ptr: dns.Fqdn(d.FQDN())})
	if err != nil {
		return nil, err
	}
	// The TXT key is lower-cased: Android lower-cases the name of a TXT
	// request (WifiP2pDnsSdServiceInfo.createRequest) and registers its
	// own services so, and wpa_supplicant compares names case-sensitively
	// (p2p_supplicant_sd.c match_bonjour_query), so "Kiosk" would never
	// match a phone's request for kiosk._http._tcp.local.
	txtQ, err := BonjourQuery(escapeLabel(strings.ToLower(d.Instance))+"."+svc, dns.TypeTXT)
	if err != nil {
		return nil, err
	}
	txt, err := rdata(d.TXTRecord("."))
	if err != nil {
		return nil, err
	}
	return []Bonjour{{Query: ptrQ, RDATA: ptr}, {Query: txtQ, RDATA: txt}}, nil
}

// TXTRecord returns the instance's TXT record under name. With no TXT
// strings it holds one empty string, as RFC 6763 §6.1 requires.
func (d *DNSSD) TXTRecord(name string) *dns.TXT {
	txt := slices.Clone(d.TXT)
	if len(txt) == 0 {
		txt = []string{""}
	}
	for i, s := range txt {
		txt[i] = escapeTXT(s)
	}
	return &dns.TXT{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeTXT, Class: dns.ClassINET}, Txt: txt}
}

// escapeTXT turns raw bytes into miekg/dns's presentation form of a
// character-string (it unescapes \" \\ and \DDD when packing).
func escapeTXT(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, "\\%03d", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// rdata packs rr (named ".") and returns its RDATA.
func rdata(rr dns.RR) ([]byte, error) {
	buf := make([]byte, dns.Len(rr)+16)
	off, err := dns.PackRR(rr, buf, 0, nil, false)
	if err != nil {
		return nil, err
	}
	const hdr = 1 + 10 // root name, type, class, TTL, RDLENGTH
	if off < hdr {
		return nil, errors.New("short record")
	}
	return buf[hdr:off], nil
}

// UPnPVersion is the UPnP version of the registrations, hex as
// wpa_supplicant reads it: 0x10 = UPnP 1.0.
const UPnPVersion = "10"

// UPnPAdd returns the command that registers the UPnP service s.
func UPnPAdd(s string) string { return "P2P_SERVICE_ADD upnp " + UPnPVersion + " " + s }

// UPnPDel returns the command that removes the UPnP service s.
func UPnPDel(s string) string { return "P2P_SERVICE_DEL upnp " + UPnPVersion + " " + s }

// Registration is one P2P_SERVICE_ADD and its P2P_SERVICE_DEL.
type Registration struct {
	Add, Del string
}

// Registrations returns the wpa_supplicant registrations of list, in
// order, without duplicates.
func Registrations(list []Service) ([]Registration, error) {
	var out []Registration
	seen := map[string]bool{}
	add := func(r Registration) {
		if !seen[r.Add] {
			seen[r.Add] = true
			out = append(out, r)
		}
	}
	for _, s := range list {
		if err := s.Check(); err != nil {
			return nil, fmt.Errorf("%s: %w", s.Name(), err)
		}
		if s.DNSSD != nil {
			recs, err := s.DNSSD.Bonjour()
			if err != nil {
				return nil, fmt.Errorf("%s: %w", s.Name(), err)
			}
			for _, r := range recs {
				add(Registration{Add: r.Add(), Del: r.Del()})
			}
			continue
		}
		add(Registration{Add: UPnPAdd(s.UPnP), Del: UPnPDel(s.UPnP)})
	}
	return out, nil
}

// Diff returns what turns the registrations old into new: the removals
// (P2P_SERVICE_DEL of each old one not in new) then the additions.
func Diff(old, new []Registration) (del, add []string) {
	in := func(list []Registration, r Registration) bool { return slices.Contains(list, r) }
	for _, r := range old {
		if !in(new, r) {
			del = append(del, r.Del)
		}
	}
	for _, r := range new {
		if !in(old, r) {
			add = append(add, r.Add)
		}
	}
	return del, add
}

// Equal reports whether a and b list the same services in the same order.
func Equal(a, b []Service) bool {
	return slices.EqualFunc(a, b, func(x, y Service) bool {
		if (x.DNSSD == nil) != (y.DNSSD == nil) || x.UPnP != y.UPnP {
			return false
		}
		if x.DNSSD == nil {
			return true
		}
		return x.DNSSD.Instance == y.DNSSD.Instance && x.DNSSD.Type == y.DNSSD.Type &&
			x.DNSSD.Port == y.DNSSD.Port && slices.Equal(x.DNSSD.TXT, y.DNSSD.TXT)
	})
}

// Clone returns a deep copy of list.
func Clone(list []Service) []Service {
	out := slices.Clone(list)
	for i, s := range out {
		if s.DNSSD != nil {
			d := *s.DNSSD
			d.TXT = slices.Clone(d.TXT)
			out[i].DNSSD = &d
		}
	}
	return out
}
