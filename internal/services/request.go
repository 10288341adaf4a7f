package services

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// Service protocol types of a P2P service discovery TLV (Wi-Fi P2P
// specification, table 60).
const (
	ProtoAll     = 0
	ProtoBonjour = 1
	ProtoUPnP    = 2
)

// Request is a P2P-SERV-DISC-REQ event: a peer asked which services we
// offer. wpa_supplicant answers it itself from the registered services.
type Request struct {
	Freq   int
	Peer   string // P2P device address
	Dialog int
	Protos []int // service protocol of each query TLV, in order
}

// ErrNotRequest is returned by ParseRequest for another event.
var ErrNotRequest = errors.New("not a P2P-SERV-DISC-REQ event")

// ParseRequest parses "P2P-SERV-DISC-REQ <freq> <addr> <dialog> <update
// indicator> <TLVs hex>" (after an optional "<N>" level prefix). Each TLV
// is length (2 bytes, little endian), protocol (1), transaction id (1),
// query (length-2). A malformed event is an error.
func ParseRequest(text string) (Request, error) {
	text = strings.TrimSpace(text)
	if strings.HasPrefix(text, "<") {
		if i := strings.IndexByte(text, '>'); i > 0 {
			text = text[i+1:]
		}
	}
	rest, ok := strings.CutPrefix(text, "P2P-SERV-DISC-REQ ")
	if !ok {
		return Request{}, ErrNotRequest
	}
	f := strings.Fields(rest)
	if len(f) != 5 {
		return Request{}, fmt.Errorf("P2P-SERV-DISC-REQ: %d fields, want 5", len(f))
	}
	var r Request
	var err error
	if r.Freq, err = strconv.Atoi(f[0]); err != nil || r.Freq < 0 {
		return Request{}, fmt.Errorf("P2P-SERV-DISC-REQ: frequency %q", f[0])
	}
	if hw, err := net.ParseMAC(f[1]); err != nil || len(hw) != 6 {
		return Request{}, fmt.Errorf("P2P-SERV-DISC-REQ: address %q", f[1])
	}
	r.Peer = strings.ToLower(f[1])
	if r.Dialog, err = strconv.Atoi(f[2]); err != nil || r.Dialog < 0 || r.Dialog > 255 {
		return Request{}, fmt.Errorf("P2P-SERV-DISC-REQ: dialog token %q", f[2])
	}
	if _, err := strconv.ParseUint(f[3], 10, 16); err != nil {
		return Request{}, fmt.Errorf("P2P-SERV-DISC-REQ: update indicator %q", f[3])
	}
	tlvs, err := hex.DecodeString(f[4])
	if err != nil {
		return Request{}, fmt.Errorf("P2P-SERV-DISC-REQ: TLVs are not hex: %v", err)
	}
	for len(tlvs) > 0 {
		if len(tlvs) < 4 {
			return Request{}, errors.New("P2P-SERV-DISC-REQ: truncated TLV")
		}
		n := int(tlvs[0]) | int(tlvs[1])<<8
		if n < 2 || 2+n > len(tlvs) {
			return Request{}, fmt.Errorf("P2P-SERV-DISC-REQ: TLV length %d does not fit %d bytes", n, len(tlvs)-2)
		}
		r.Protos = append(r.Protos, int(tlvs[2]))
		tlvs = tlvs[2+n:]
	}
	if len(r.Protos) == 0 {
		return Request{}, errors.New("P2P-SERV-DISC-REQ: no query TLV")
	}
	return r, nil
}
