package services

import (
	"bytes"
	"encoding/hex"
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

func kiosk() Service {
	return Service{DNSSD: &DNSSD{Instance: "Kiosk", Type: "_http._tcp", Port: 80, TXT: []string{"path=/"}}}
}

func TestBonjourWireFormat(t *testing.T) {
	// README-P2P's "IP Printing over TCP" example, uncompressed: the
	// query is _ipp._tcp.local in wire format, PTR (000c), version 01.
	q, err := BonjourQuery("_ipp._tcp.local", dns.TypePTR)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := hex.EncodeToString(q), "045f697070045f746370056c6f63616c00000c01"; got != want {
		t.Errorf("PTR query = %s, want %s", got, want)
	}
	// The TXT RDATA of README-P2P's example, byte for byte (its hex spells
	// "postscrypt", whatever its comment says).
	d := &DNSSD{Instance: "myprinter", Type: "_ipp._tcp", Port: 631, TXT: []string{"txtvers=1", "pdl=application/postscrypt"}}
	recs, err := d.Bonjour()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := hex.EncodeToString(recs[1].RDATA), "09747874766572733d311a70646c3d6170706c69636174696f6e2f706f7374736372797074"; got != want {
		t.Errorf("TXT rdata = %s, want %s", got, want)
	}
	if got, want := hex.EncodeToString(recs[1].Query), "096d797072696e746572045f697070045f746370056c6f63616c00001001"; got != want {
		t.Errorf("TXT query = %s, want %s", got, want)
	}
	// PTR RDATA: myprinter._ipp._tcp.local, uncompressed.
	name, _, err := dns.UnpackDomainName(recs[0].RDATA, 0)
	if err != nil || name != "myprinter._ipp._tcp.local." {
		t.Errorf("PTR rdata = %x → %q, %v", recs[0].RDATA, name, err)
	}
}

func TestEmptyTXTIsOneEmptyString(t *testing.T) {
	d := &DNSSD{Instance: "Kiosk", Type: "_http._tcp", Port: 80}
	recs, err := d.Bonjour()
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(recs[1].RDATA); got != "00" {
		t.Errorf("empty TXT rdata = %s, want 00 (README-P2P: RDATA=null)", got)
	}
}

// A service type written with capitals is registered as apps ask for it:
// lower case (wpa_supplicant compares the query bytes).
func TestServiceTypeLowerCasedInQueries(t *testing.T) {
	upper, err := (&DNSSD{Instance: "Kiosk", Type: "_HTTP._TCP", Port: 80}).Bonjour()
	if err != nil {
		t.Fatal(err)
	}
	lower, err := (&DNSSD{Instance: "Kiosk", Type: "_http._tcp", Port: 80}).Bonjour()
	if err != nil {
		t.Fatal(err)
	}
	for i := range lower {
		if !bytes.Equal(upper[i].Query, lower[i].Query) {
			t.Errorf("query %d: %x for _HTTP._TCP, want %x as for _http._tcp", i, upper[i].Query, lower[i].Query)
		}
	}
}

func TestInstanceWithSpaceAndDot(t *testing.T) {
	d := &DNSSD{Instance: "My Kiosk", Type: "_http._tcp", Port: 80}
	recs, err := d.Bonjour()
	if err != nil {
		t.Fatal(err)
	}
	q := recs[1].Query
	if q[0] != 8 || string(q[1:9]) != "my kiosk" {
		t.Errorf("TXT query %x does not start with the 8-byte label \"my kiosk\" (lower-cased as Android asks)", q)
	}
	if p := recs[0].RDATA; p[0] != 8 || string(p[1:9]) != "My Kiosk" {
		t.Errorf("PTR RDATA %x does not name the instance \"My Kiosk\" as written", p)
	}
	if err := CheckInstance("a.b"); err == nil {
		t.Error("instance with a dot accepted")
	}
}

func TestCommands(t *testing.T) {
	regs, err := Registrations([]Service{kiosk(), {UPnP: "urn:schemas-upnp-org:service:ContentDirectory:1"}})
	if err != nil {
		t.Fatal(err)
	}
	var adds []string
	for _, r := range regs {
		adds = append(adds, r.Add)
	}
	want := []string{
		"P2P_SERVICE_ADD bonjour 055f68747470045f746370056c6f63616c00000c01 054b696f736b055f68747470045f746370056c6f63616c00",
		"P2P_SERVICE_ADD bonjour 056b696f736b055f68747470045f746370056c6f63616c00001001 06706174683d2f",
		"P2P_SERVICE_ADD upnp 10 urn:schemas-upnp-org:service:ContentDirectory:1",
	}
	if !slices.Equal(adds, want) {
		t.Errorf("adds:\n%s\nwant:\n%s", strings.Join(adds, "\n"), strings.Join(want, "\n"))
	}
	if regs[0].Del != "P2P_SERVICE_DEL bonjour 055f68747470045f746370056c6f63616c00000c01" {
		t.Errorf("del = %s", regs[0].Del)
	}
	if regs[2].Del != "P2P_SERVICE_DEL upnp 10 urn:schemas-upnp-org:service:ContentDirectory:1" {
		t.Errorf("del = %s", regs[2].Del)
	}
}

func TestDiff(t *testing.T) {
	a, _ := Registrations([]Service{kiosk(), {UPnP: "upnp:rootdevice"}})
	k2 := kiosk()
	k2.DNSSD.TXT = []string{"path=/v2"}
	b, _ := Registrations([]Service{k2, {UPnP: "upnp:rootdevice"}})
	del, add := Diff(a, b)
	// The PTR is the same; the TXT changed: delete the old, add the new.
	if len(del) != 1 || !strings.HasPrefix(del[0], "P2P_SERVICE_DEL bonjour 056b696f736b") {
		t.Errorf("del = %q", del)
	}
	if len(add) != 1 || !strings.HasSuffix(add[0], hex.EncodeToString([]byte("\x08path=/v2"))) {
		t.Errorf("add = %q", add)
	}
	if del, add := Diff(a, a); del != nil || add != nil {
		t.Errorf("same: del %q add %q", del, add)
	}
}

func TestCheck(t *testing.T) {
	long := strings.Repeat("x", 256)
	bad := []struct {
		s    Service
		want string
	}{
		{Service{DNSSD: &DNSSD{Instance: "", Type: "_http._tcp", Port: 80}}, "instance"},
		{Service{DNSSD: &DNSSD{Instance: strings.Repeat("k", 64), Type: "_http._tcp", Port: 80}}, "instance"},
		{Service{DNSSD: &DNSSD{Instance: "K", Type: "http._tcp", Port: 80}}, "type"},
		{Service{DNSSD: &DNSSD{Instance: "K", Type: "_http._sctp", Port: 80}}, "type"},
		{Service{DNSSD: &DNSSD{Instance: "K", Type: "_a-very-long-service-name._tcp", Port: 80}}, "type"},
		{Service{DNSSD: &DNSSD{Instance: "K", Type: "_http._tcp", Port: 0}}, "port"},
		{Service{DNSSD: &DNSSD{Instance: "K", Type: "_http._tcp", Port: 80, TXT: []string{"a", long}}}, "txt: item 2"},
		{Service{DNSSD: &DNSSD{Instance: "K", Type: "_http._tcp", Port: 80, TXT: slices.Repeat([]string{strings.Repeat("y", 200)}, 7)}}, "the TXT record is 1407 bytes"},
		{Service{DNSSD: &DNSSD{Instance: "K", Type: "_http._tcp", Port: 80, TXT: []string{"=x"}}}, "txt: item 1"},
		{Service{UPnP: "ContentDirectory"}, "not a UPnP service"},
		{Service{}, "needs dns_sd or upnp"},
	}
	for _, c := range bad {
		err := c.s.Check()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: err = %v, want it to mention %q", c.s.DNSSD, err, c.want)
		}
	}
	for _, s := range []Service{kiosk(), {UPnP: "urn:schemas-upnp-org:device:MediaServer:1"},
		{UPnP: "uuid:6859dede-8574-59ab-9332-123456789012::upnp:rootdevice"}} {
		if err := s.Check(); err != nil {
			t.Errorf("%s: %v", s.Name(), err)
		}
	}
}

func TestParseRequest(t *testing.T) {
	r, err := ParseRequest("<3>P2P-SERV-DISC-REQ 2437 02:40:61:c2:f3:b7 1 0 0200010102000202")
	if err != nil {
		t.Fatal(err)
	}
	if r.Freq != 2437 || r.Peer != "02:40:61:c2:f3:b7" || r.Dialog != 1 || !slices.Equal(r.Protos, []int{ProtoBonjour, ProtoUPnP}) {
		t.Errorf("got %+v", r)
	}
	for _, bad := range []string{
		"P2P-SERV-DISC-REQ 2437 02:40:61:c2:f3:b7 1 0 02000",         // odd hex
		"P2P-SERV-DISC-REQ 2437 02:40:61:c2:f3:b7 1 0 0900010102",    // length beyond the data
		"P2P-SERV-DISC-REQ 2437 nope 1 0 02000101",                   // address
		"P2P-SERV-DISC-REQ 2437 02:40:61:c2:f3:b7 1 0",               // no TLVs
		"P2P-SERV-DISC-REQ 2437 02:40:61:c2:f3:b7 1 0 010001",        // length 1 < 2
		"P2P-SERV-DISC-REQ x 02:40:61:c2:f3:b7 1 0 02000101",         // frequency
		"P2P-SERV-DISC-REQ 2437 02:40:61:c2:f3:b7 300 0 02000101",    // dialog token
		"P2P-SERV-DISC-REQ 2437 02:40:61:c2:f3:b7 1 0 02000101 junk", // extra field
	} {
		if _, err := ParseRequest(bad); err == nil || err == ErrNotRequest {
			t.Errorf("%q: err = %v, want a parse error", bad, err)
		}
	}
	if _, err := ParseRequest("P2P-DEVICE-FOUND 02:40:61:c2:f3:b7"); err != ErrNotRequest {
		t.Errorf("other event: %v", err)
	}
}

func FuzzParseRequest(f *testing.F) {
	f.Add("P2P-SERV-DISC-REQ 2437 02:40:61:c2:f3:b7 1 0 0200010102000202")
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRequest(s)
		if err == nil && len(r.Protos) == 0 {
			t.Fatalf("%q: no error and no TLV", s)
		}
	})
}
