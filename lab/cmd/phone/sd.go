package main

// P2P service discovery as an Android app asks for it before it connects
// (issue 18): WifiP2pManager.addServiceRequest + discoverServices.
//
// Request, as AOSP builds it:
//   - WifiP2pServiceRequest.getSupplicantQuery: one TLV per request,
//     length (2 octets, little endian: query + 2), protocol (1 Bonjour,
//     2 UPnP), transaction id (nonzero, counted up by
//     WifiP2pServiceImpl), query.
//   - WifiP2pDnsSdServiceRequest.newInstance(type) asks for the PTR of
//     "<type>.local."; newInstance(instance, type) for the TXT of
//     "<instance>.<type>.local.", lower-cased (WifiP2pDnsSdServiceInfo
//     .createRequest lower-cases TXT names). The name is compressed
//     against the Wi-Fi P2P spec's in-memory packet (Annex E.3:
//     "_tcp.local." = c00c, "local." = c011, "_udp.local." = c01c;
//     compressDnsName), then type (2, big endian) and version 1.
//   - WifiP2pUpnpServiceRequest.newInstance(st): version 0x10, then st.
//   - WifiP2pServiceImpl.updateSupplicantServiceRequest concatenates the
//     TLVs into one P2P_SERV_DISC_REQ 00:00:00:00:00:00 <hex>, then
//     discoverServices runs P2P_FIND; wpa_supplicant sends the query to
//     every peer that advertises service discovery once it is found
//     (p2p_sd.c).
//
// Response (P2P-SERV-DISC-RESP <addr> <update indicator> <hex>): TLVs of
// length (2, LE), protocol, transaction id, status (0 = success), data.
// wpa_supplicant answers Bonjour with the query as sent followed by the
// registered RDATA (p2p_supplicant_sd.c wpas_sd_req_bonjour, which also
// uncompresses both names to match them, case-sensitively), UPnP with
// version + the matching service strings, comma separated
// (wpas_sd_req_upnp). Names are read back with the same in-memory packet
// in front, as WifiP2pDnsSdServiceResponse does.

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// sdVMPacket is the Wi-Fi P2P spec's in-memory DNS packet (Annex E.3)
// behind a 12-octet DNS header: the questions _tcp.local. PTR IN and
// _udp.local. PTR IN, targets of the compression pointers.
var sdVMPacket = append(make([]byte, 12),
	"\x04_tcp\x05local\x00\x00\x0c\x00\x01\x04_udp\xc0\x11\x00\x0c\x00\x01"...)

// sdPointers are the suffixes Android replaces by a pointer into sdVMPacket.
var sdPointers = map[string][]byte{"_tcp.local.": {0xc0, 0x0c}, "local.": {0xc0, 0x11}, "_udp.local.": {0xc0, 0x1c}}

// androidDNSName encodes name ("kiosk._http._tcp.local.") as
// compressDnsName does: labels until a suffix of sdPointers.
func androidDNSName(name string) ([]byte, error) {
	name = dns.Fqdn(name)
	var out []byte
	for name != "" && name != "." {
		if p, ok := sdPointers[name]; ok {
			return append(out, p...), nil
		}
		label, rest, _ := strings.Cut(name, ".")
		if label == "" || len(label) > 63 {
			return nil, fmt.Errorf("bad DNS label in %q", name)
		}
		out = append(append(out, byte(len(label))), label...)
		name = rest
	}
	return append(out, 0), nil
}

// sdTLV is one query TLV of an Android service request.
func sdTLV(proto, tid byte, query []byte) []byte {
	b := binary.LittleEndian.AppendUint16(nil, uint16(len(query)+2))
	return append(append(b, proto, tid), query...)
}

func bonjourQuery(name string, rrtype uint16) ([]byte, error) {
	b, err := androidDNSName(name)
	if err != nil {
		return nil, err
	}
	return append(binary.BigEndian.AppendUint16(b, rrtype), 1), nil
}

// sdAnswer is one response TLV.
type sdAnswer struct {
	proto, tid, status byte
	name               string // Bonjour: the record's name
	rrtype             uint16
	ptr                string   // Bonjour PTR
	txt                []string // Bonjour TXT
	upnp               []string // UPnP services
}

// parseSDResp parses the TLVs of a P2P-SERV-DISC-RESP.
func parseSDResp(tlvs []byte) ([]sdAnswer, error) {
	var out []sdAnswer
	for len(tlvs) > 0 {
		if len(tlvs) < 5 {
			return out, errors.New("truncated response TLV")
		}
		n := int(binary.LittleEndian.Uint16(tlvs))
		if n < 3 || 2+n > len(tlvs) {
			return out, fmt.Errorf("response TLV length %d in %d bytes", n, len(tlvs))
		}
		a := sdAnswer{proto: tlvs[2], tid: tlvs[3], status: tlvs[4]}
		data := tlvs[5 : 2+n]
		tlvs = tlvs[2+n:]
		if a.status == 0 {
			var err error
			switch a.proto {
			case 1:
				err = a.bonjour(data)
			case 2:
				if len(data) < 1 {
					err = errors.New("empty UPnP response")
				} else {
					a.upnp = strings.Split(string(data[1:]), ",")
				}
			}
			if err != nil {
				return out, err
			}
		}
		out = append(out, a)
	}
	return out, nil
}

func (a *sdAnswer) bonjour(data []byte) error {
	msg := append(append([]byte{}, sdVMPacket...), data...)
	name, off, err := dns.UnpackDomainName(msg, len(sdVMPacket))
	if err != nil {
		return fmt.Errorf("bonjour name: %w", err)
	}
	if off+3 > len(msg) {
		return errors.New("bonjour response without type and version")
	}
	a.name, a.rrtype = name, binary.BigEndian.Uint16(msg[off:])
	off += 3
	h := dns.RR_Header{Name: name, Rrtype: a.rrtype, Class: dns.ClassINET, Rdlength: uint16(len(msg) - off)}
	rr, _, err := dns.UnpackRRWithHeader(h, msg, off)
	if err != nil {
		return fmt.Errorf("bonjour %s RDATA: %w", dns.TypeToString[a.rrtype], err)
	}
	switch v := rr.(type) {
	case *dns.PTR:
		a.ptr = v.Ptr
	case *dns.TXT:
		a.txt = v.Txt
	}
	return nil
}

// sd is discoverServices: the requests for service (PTR), instance (TXT of
// instance.service) and upnp, then p2p_find until one peer (--go if given)
// answered every one of them. req_ms is the time from P2P_SERV_DISC_REQ to
// that response, found_ms the time from the peer's P2P-DEVICE-FOUND to it
// (the service discovery exchange itself).
func (p *phone) sd(service, instance, upnp, flagGo string) int {
	kv := []string{"service", service, "instance", instance, "upnp", upnp}
	var tlvs []byte
	var tid byte
	want := map[byte]string{} // transaction id → what
	add := func(proto byte, q []byte, what string) {
		tid++
		tlvs = append(tlvs, sdTLV(proto, tid, q)...)
		want[tid] = what
	}
	if service != "" {
		q, err := bonjourQuery(service+".local.", dns.TypePTR)
		if err != nil {
			return p.fail("sd", err, kv...)
		}
		add(1, q, "ptr")
		if instance != "" {
			q, err := bonjourQuery(strings.ToLower(instance+"."+service+".local."), dns.TypeTXT)
			if err != nil {
				return p.fail("sd", err, kv...)
			}
			add(1, q, "txt")
		}
	}
	if upnp != "" {
		add(2, append([]byte{0x10}, upnp...), "upnp")
	}
	if len(tlvs) == 0 {
		return p.fail("sd", errors.New("nothing to ask: --service and/or --upnp"), kv...)
	}
	goa := strings.ToLower(flagGo)
	if err := p.connect(); err != nil {
		return p.fail("sd", err, kv...)
	}
	t0 := time.Now()
	id, err := p.do("P2P_SERV_DISC_REQ 00:00:00:00:00:00 " + hex.EncodeToString(tlvs))
	if err != nil || id == "" || strings.HasPrefix(id, "FAIL") {
		return p.fail("sd", fmt.Errorf("P2P_SERV_DISC_REQ: %q %v", id, err), kv...)
	}
	defer p.do("P2P_SERV_DISC_CANCEL_REQ " + id)
	if err := p.doOK("P2P_FIND"); err != nil {
		return p.fail("sd", err, kv...)
	}
	defer p.do("P2P_STOP_FIND")
	found := map[string]time.Time{}
	var got map[string]string
	var peer string
	var tResp time.Time
	_, err = p.wait(p.to(30*time.Second), "P2P-SERV-DISC-RESP", func(ev string) (bool, error) {
		if strings.HasPrefix(ev, "P2P-DEVICE-FOUND ") {
			if a := evField(ev, "p2p_dev_addr"); a != "" {
				if _, ok := found[a]; !ok {
					found[a] = time.Now()
				}
			}
			return false, nil
		}
		if !strings.HasPrefix(ev, "P2P-SERV-DISC-RESP ") {
			return false, nil
		}
		f := strings.Fields(ev)
		if len(f) != 4 || (goa != "" && strings.ToLower(f[1]) != goa) {
			return false, nil
		}
		b, err := hex.DecodeString(f[3])
		if err != nil {
			return true, fmt.Errorf("P2P-SERV-DISC-RESP: %v", err)
		}
		answers, err := parseSDResp(b)
		if err != nil {
			return true, fmt.Errorf("P2P-SERV-DISC-RESP from %s: %v", f[1], err)
		}
		g := map[string]string{}
		for _, a := range answers {
			what := want[a.tid]
			if what == "" {
				continue
			}
			if a.status != 0 {
				g[what+"_status"] = strconv.Itoa(int(a.status))
				continue
			}
			switch what {
			case "ptr":
				if a.rrtype == dns.TypePTR {
					g["ptr"] = strings.TrimSuffix(a.ptr, ".")
				}
			case "txt":
				if a.rrtype == dns.TypeTXT {
					g["txt"] = strings.Join(a.txt, ",")
				}
			case "upnp":
				g["upnp"] = strings.Join(a.upnp, ",")
			}
		}
		got, peer, tResp = g, strings.ToLower(f[1]), time.Now()
		for _, what := range want {
			if _, ok := g[what]; !ok {
				return true, fmt.Errorf("peer %s answered without %s: %v", peer, what, g)
			}
		}
		return true, nil
	})
	if err != nil {
		return p.fail("sd", err, append(kv, "peer", peer)...)
	}
	p.state["go"] = peer
	p.saveState()
	foundMS := ""
	if t, ok := found[peer]; ok {
		foundMS = strconv.FormatInt(tResp.Sub(t).Milliseconds(), 10)
	}
	return p.emit("sd", true, append(kv, "peer", peer, "ptr", got["ptr"], "txt", got["txt"], "upnp_resp", got["upnp"],
		"req_ms", strconv.FormatInt(tResp.Sub(t0).Milliseconds(), 10), "found_ms", foundMS)...)
}
