package ctl_test

import (
	"bytes"
	"errors"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"

	"github.com/hostp2pd/hostp2pd/internal/ctl"
	"github.com/hostp2pd/hostp2pd/internal/joincode"
	"github.com/hostp2pd/hostp2pd/internal/status"
	"github.com/hostp2pd/hostp2pd/internal/status/statustest"
)

// TestQRPNG_DecodesToTheGroupsJoinURI: GET /v1/qr.png is a PNG that an
// independent decoder (ZXing's Go port) reads as the group's WIFI: URI.
func TestQRPNG_DecodesToTheGroupsJoinURI(t *testing.T) {
	t.Parallel()
	st := sampleStatus()
	st.Group.SSID, st.Group.Passphrase = "DIRECT-ab;Group", `se:cr"et pass`
	c, _ := start(t, &statustest.Controller{Snapshot: st})
	b, err := c.QRPNG(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if got, want := res.GetText(), `WIFI:T:WPA;S:DIRECT-ab\;Group;P:se\:cr\"et pass;;`; got != want {
		t.Errorf("decoded %q, want %q", got, want)
	}
	if want := joincode.URI(st.Group.SSID, st.Group.Passphrase); res.GetText() != want {
		t.Errorf("decoded %q, joincode.URI says %q", res.GetText(), want)
	}
}

func TestQRPNG_NoGroupIs409(t *testing.T) {
	t.Parallel()
	for name, g := range map[string]*status.Group{
		"no group running": nil,
		"is unknown":       {Iface: "p2p-wlan0-0", SSID: "DIRECT-xy"}, // adopted, passphrase not read
	} {
		st := sampleStatus()
		st.Group = g
		c, _ := start(t, &statustest.Controller{Snapshot: st})
		_, err := c.QRPNG(t.Context())
		var ae *ctl.APIError
		if !errors.As(err, &ae) || ae.Code != http.StatusConflict || !strings.Contains(ae.Message, name) {
			t.Errorf("%s: QRPNG error = %v, want 409 mentioning %q", name, err, name)
		}
	}
}
