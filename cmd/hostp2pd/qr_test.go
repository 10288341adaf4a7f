package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"

	"github.com/hostp2pd/hostp2pd/internal/ctl"
	"github.com/hostp2pd/hostp2pd/internal/status"
	"github.com/hostp2pd/hostp2pd/internal/status/statustest"
)

// serveStatus serves st on a control socket for the test's duration.
func serveStatus(t *testing.T, st status.Status) string {
	t.Helper()
	return serveController(t, &statustest.Controller{Snapshot: st})
}

// serveController serves c on a control socket for the test's duration
// and returns the socket's path.
func serveController(t *testing.T, c status.Controller) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ctl.sock")
	l, err := ctl.Listen(path, "")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ctl.Serve(ctx, l, c, nil) }()
	t.Cleanup(func() { cancel(); <-done })
	return path
}

func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	return res.GetText()
}

// halfBlocksImage turns the terminal drawing (blocks = dark modules) back
// into a picture, 6 pixels per module.
func halfBlocksImage(t *testing.T, s string) image.Image {
	t.Helper()
	var rows [][]bool
	for _, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		var top, bottom []bool
		for _, r := range line {
			switch r {
			case ' ':
				top, bottom = append(top, false), append(bottom, false)
			case '▀':
				top, bottom = append(top, true), append(bottom, false)
			case '▄':
				top, bottom = append(top, false), append(bottom, true)
			case '█':
				top, bottom = append(top, true), append(bottom, true)
			default:
				t.Fatalf("unexpected rune %U in %q", r, line)
			}
		}
		rows = append(rows, top, bottom)
	}
	const scale = 6
	n := len(rows[0])
	img := image.NewGray(image.Rect(0, 0, (n+8)*scale, (len(rows)+8)*scale))
	for y := range img.Bounds().Dy() {
		for x := range img.Bounds().Dx() {
			my, mx := y/scale-4, x/scale-4
			dark := my >= 0 && mx >= 0 && my < len(rows) && mx < len(rows[my]) && rows[my][mx]
			c := color.Gray{Y: 255}
			if dark {
				c.Y = 0
			}
			img.SetGray(x, y, c)
		}
	}
	return img
}

func groupStatus() status.Status {
	return status.Status{Interface: "p2p-dev-wlan0", Group: &status.Group{Iface: "p2p-wlan0-0",
		SSID: "DIRECT-PP-group", Passphrase: "se;cret:pass", Freq: 2412}}
}

const wantURI = `WIFI:T:WPA;S:DIRECT-PP-group;P:se\;cret\:pass;;`

func TestQR_TerminalDrawingDecodesToTheJoinURI(t *testing.T) {
	t.Parallel()
	path := serveStatus(t, groupStatus())
	var out, errb bytes.Buffer
	if code := run([]string{"qr", "--socket", path}, sys{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	drawing, text, ok := strings.Cut(out.String(), "ssid:")
	if !ok {
		t.Fatalf("no ssid line after the code:\n%s", out.String())
	}
	if got := decodeQR(t, halfBlocksImage(t, drawing)); got != wantURI {
		t.Errorf("the terminal code reads %q, want %q", got, wantURI)
	}
	if !strings.Contains(text, `"DIRECT-PP-group"`) || !strings.Contains(text, `passphrase: "se;cret:pass"`) {
		t.Errorf("text under the code = %q", text)
	}
}

func TestQR_PNGFileDecodesToTheJoinURI(t *testing.T) {
	t.Parallel()
	path := serveStatus(t, groupStatus())
	file := filepath.Join(t.TempDir(), "join.png")
	var out, errb bytes.Buffer
	if code := run([]string{"qr", "--png", file, "--socket", path}, sys{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if fi, _ := f.Stat(); fi.Mode().Perm() != 0o600 {
		t.Errorf("PNG mode %v, want 0600 (it holds the passphrase)", fi.Mode().Perm())
	}
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if got := decodeQR(t, img); got != wantURI {
		t.Errorf("the PNG reads %q, want %q", got, wantURI)
	}
}

func TestQR_NoGroupRunningExits1(t *testing.T) {
	t.Parallel()
	path := serveStatus(t, status.Status{Interface: "p2p-dev-wlan0"})
	for _, args := range [][]string{{"qr"}, {"qr", "--png", filepath.Join(t.TempDir(), "x.png")}} {
		var out, errb bytes.Buffer
		code := run(append(args, "--socket", path), sys{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }})
		if code != exitFailure || !strings.Contains(errb.String(), "no group running") || out.Len() != 0 {
			t.Errorf("%v: exit %d, stderr %q, stdout %q; want 1 and \"no group running\"", args, code, errb.String(), out.String())
		}
	}
}

type rotatingController struct{ *statustest.Controller }

func (r rotatingController) Rotate(context.Context) (string, string, error) {
	r.Set(func(c *statustest.Controller) { c.Snapshot.Group.Passphrase = "N3wPassphrase99" })
	return "DIRECT-PP-group", "N3wPassphrase99", nil
}

func TestRotate_PrintsTheNewJoinCode(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "ctl.sock")
	l, err := ctl.Listen(path, "")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- ctl.Serve(ctx, l, rotatingController{&statustest.Controller{Snapshot: groupStatus()}}, nil)
	}()
	t.Cleanup(func() { cancel(); <-done })
	var out, errb bytes.Buffer
	if code := run([]string{"rotate", "--socket", path}, sys{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	head, rest, _ := strings.Cut(out.String(), "\n")
	if !strings.Contains(head, "new passphrase for DIRECT-PP-group") {
		t.Errorf("first line %q", head)
	}
	drawing, _, _ := strings.Cut(rest, "ssid:")
	if got, want := decodeQR(t, halfBlocksImage(t, drawing)), "WIFI:T:WPA;S:DIRECT-PP-group;P:N3wPassphrase99;;"; got != want {
		t.Errorf("the new code reads %q, want %q", got, want)
	}
}

func TestDisconnectRotate_DisconnectsThenRotates(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "ctl.sock")
	l, err := ctl.Listen(path, "")
	if err != nil {
		t.Fatal(err)
	}
	f := &statustest.Controller{Snapshot: groupStatus()}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ctl.Serve(ctx, l, rotatingController{f}, nil) }()
	t.Cleanup(func() { cancel(); <-done })
	var out, errb bytes.Buffer
	if code := run([]string{"disconnect", "--rotate", "02:11:22:33:44:55", "--socket", path}, sys{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if got := f.Calls(); len(got) != 1 || got[0] != "disconnect 02:11:22:33:44:55" {
		t.Errorf("controller calls %q, want the disconnect", got)
	}
	if !strings.Contains(out.String(), `passphrase: "N3wPassphrase99"`) {
		t.Errorf("no new code printed:\n%s", out.String())
	}
	if _, err := parseArgs([]string{"status", "--rotate"}); err == nil {
		t.Error("status --rotate accepted")
	}
}
