package lab

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"

	"github.com/hostp2pd/hostp2pd/internal/joincode"
)

// checkQR decodes, on the host, the PNG a scenario printed as
// "QRPNG <base64>" (the file hostp2pd qr --png wrote in the VM) and compares
// it with the join URI of "QRWANT <base64 ssid> <base64 passphrase>" (read
// from status --json). It logs the decoded text with the passphrase masked.
func checkQR(t *testing.T, lines []string) {
	t.Helper()
	var pngB64, want string
	var ssid, pass string
	for _, l := range lines {
		if s, ok := strings.CutPrefix(l, "QRPNG "); ok {
			pngB64 = strings.TrimSpace(s)
		}
		if s, ok := strings.CutPrefix(l, "QRWANT "); ok {
			f := strings.Fields(s)
			if len(f) == 2 {
				a, _ := base64.StdEncoding.DecodeString(f[0])
				b, _ := base64.StdEncoding.DecodeString(f[1])
				ssid, pass = string(a), string(b)
				want = joincode.URI(ssid, pass)
			}
		}
	}
	if pngB64 == "" && want == "" {
		return
	}
	if pngB64 == "" || want == "" {
		t.Errorf("QR check: QRPNG or QRWANT line missing")
		return
	}
	b, err := base64.StdEncoding.DecodeString(pngB64)
	if err != nil {
		t.Errorf("QR check: QRPNG is not base64: %v", err)
		return
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Errorf("QR check: hostp2pd qr --png wrote no PNG: %v", err)
		return
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Errorf("QR check: %v", err)
		return
	}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Errorf("QR check: gozxing cannot read the PNG: %v", err)
		return
	}
	got := res.GetText()
	masked := strings.ReplaceAll(got, pass, strings.Repeat("*", len(pass)))
	if got != want {
		t.Errorf("QR check: the PNG reads %q, want %q", masked, joincode.Mask(ssid, pass))
		return
	}
	t.Logf("QR check: the PNG of hostp2pd qr --png decodes to %s (%d bytes of PNG)", masked, len(b))
}
