package ctl_test

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"net/http"
	"path/filepath"
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

// rotator is a controller that can rotate: the new passphrase shows in the
// status, as the daemon's does once the group is back.
type rotator struct {
	*statustest.Controller
}

func (r rotator) Rotate(context.Context) (string, string, error) {
	r.Set(func(c *statustest.Controller) { c.Snapshot.Group.Passphrase = "N3wPassphrase99" })
	return r.Status().Group.SSID, "N3wPassphrase99", nil
}

func TestRotate_Route(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "ctl.sock")
	l, err := ctl.Listen(path, "")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ctl.Serve(ctx, l, rotator{&statustest.Controller{Snapshot: sampleStatus()}}, nil) }()
	t.Cleanup(func() { cancel(); <-done })
	c := ctl.NewClient(path)
	defer c.Close()
	r, err := c.Rotate(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if r.SSID != "DIRECT-ab-Group" || r.Passphrase != "N3wPassphrase99" {
		t.Errorf("Rotate = %+v", r)
	}
	// A controller that cannot rotate: 501.
	c2, _ := start(t, &statustest.Controller{Snapshot: sampleStatus()})
	var ae *ctl.APIError
	if _, err := c2.Rotate(t.Context()); !errors.As(err, &ae) || ae.Code != http.StatusNotImplemented {
		t.Errorf("Rotate on a plain controller = %v, want 501", err)
	}
}
