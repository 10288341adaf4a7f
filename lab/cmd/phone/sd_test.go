package main

import (
	"encoding/hex"
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/hostp2pd/hostp2pd/internal/services"
)

// The queries of wpa_supplicant's README-P2P examples, which are what
// Android's compressDnsName produces.
func TestBonjourQuery_AsAndroidCompressesIt(t *testing.T) {
	for _, tt := range []struct {
		name string
		t    uint16
		want string
	}{
		{"_afpovertcp._tcp.local.", dns.TypePTR, "0b5f6166706f766572746370c00c000c01"},
		{"_ipp._tcp.local.", dns.TypePTR, "045f697070c00c000c01"},
		{"myprinter._ipp._tcp.local.", dns.TypeTXT, "096d797072696e746572045f697070c00c001001"},
	} {
		q, err := bonjourQuery(tt.name, tt.t)
		if err != nil {
			t.Fatal(err)
		}
		if got := hex.EncodeToString(q); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}

// wpa_supplicant answers a query whose uncompressed name equals, byte for
// byte, the name of a registered key (match_bonjour_query: os_strcmp).
// The phone's requests for Kiosk._http._tcp (Android lower-cases the TXT
// name) must match what the daemon registers.
func TestAndroidRequests_MatchTheDaemonsRegistrations(t *testing.T) {
	regs, err := services.Registrations([]services.Service{{DNSSD: &services.DNSSD{Instance: "Kiosk", Type: "_http._tcp", Port: 80, TXT: []string{"path=/"}}}})
	if err != nil {
		t.Fatal(err)
	}
	uncompress := func(key []byte) (string, uint16) {
		msg := append(append([]byte{}, sdVMPacket...), key...)
		name, off, err := dns.UnpackDomainName(msg, len(sdVMPacket))
		if err != nil {
			t.Fatalf("%x: %v", key, err)
		}
		return name, uint16(msg[off])<<8 | uint16(msg[off+1])
	}
	var keys []string
	for _, r := range regs {
		f := strings.Fields(r.Add) // P2P_SERVICE_ADD bonjour <key> <rdata>
		k, _ := hex.DecodeString(f[2])
		n, typ := uncompress(k)
		keys = append(keys, n+" "+dns.TypeToString[typ])
	}
	ptr, _ := bonjourQuery("_http._tcp.local.", dns.TypePTR)
	txt, _ := bonjourQuery(strings.ToLower("Kiosk._http._tcp.local."), dns.TypeTXT)
	for _, q := range [][]byte{ptr, txt} {
		n, typ := uncompress(q)
		if !slices.Contains(keys, n+" "+dns.TypeToString[typ]) {
			t.Errorf("request %s %s matches no registered key %q", n, dns.TypeToString[typ], keys)
		}
	}
}

// A response as wpa_supplicant builds it (wpas_sd_req_bonjour: the query
// as sent, then the RDATA; wpas_sd_req_upnp: version, services), with a
// "not available" TLV among them.
func TestParseSDResp(t *testing.T) {
	ptrQ, _ := bonjourQuery("_http._tcp.local.", dns.TypePTR)
	ptrRData, _ := hex.DecodeString("054b696f736b055f68747470045f746370056c6f63616c00")
	txtQ, _ := bonjourQuery("kiosk._http._tcp.local.", dns.TypeTXT)
	resp := func(tid, status byte, data []byte) []byte {
		b := []byte{byte(len(data) + 3), byte((len(data) + 3) >> 8), 1, tid, status}
		return append(b, data...)
	}
	var b []byte
	b = append(b, resp(1, 0, append(append([]byte{}, ptrQ...), ptrRData...))...)
	b = append(b, resp(2, 0, append(append([]byte{}, txtQ...), "\x06path=/\x03a=b"...))...)
	u := resp(3, 0, []byte("\x10urn:schemas-upnp-org:service:ContentDirectory:1,upnp:rootdevice"))
	u[2] = 2
	b = append(b, u...)
	b = append(b, resp(4, 2, nil)...)
	got, err := parseSDResp(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Fatalf("%d answers: %+v", len(got), got)
	}
	if got[0].ptr != "Kiosk._http._tcp.local." || got[0].name != "_http._tcp.local." {
		t.Errorf("PTR: %+v", got[0])
	}
	if !slices.Equal(got[1].txt, []string{"path=/", "a=b"}) {
		t.Errorf("TXT: %+v", got[1])
	}
	if !slices.Equal(got[2].upnp, []string{"urn:schemas-upnp-org:service:ContentDirectory:1", "upnp:rootdevice"}) {
		t.Errorf("UPnP: %+v", got[2])
	}
	if got[3].status != 2 {
		t.Errorf("status: %+v", got[3])
	}
	if _, err := parseSDResp(b[:len(b)-7]); err == nil {
		t.Error("a cut response parsed")
	}
}
