package joincode

import (
	"bytes"
	"crypto/rand"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
)

func TestURI_EscapesTheFormatsSpecialCharacters(t *testing.T) {
	tests := []struct {
		name, ssid, pass, want string
	}{
		{"plain", "DIRECT-PP-group", "secretpass", `WIFI:T:WPA;S:DIRECT-PP-group;P:secretpass;;`},
		{"semicolon", "DIRECT-ab;x", "pa;ss;word", `WIFI:T:WPA;S:DIRECT-ab\;x;P:pa\;ss\;word;;`},
		{"all five", `DIRECT-xy\;,:"`, `a\b;c,d:e"f`, `WIFI:T:WPA;S:DIRECT-xy\\\;\,\:\";P:a\\b\;c\,d\:e\"f;;`},
		{"space and utf-8 untouched", "DIRECT-hé llo", "with space!", `WIFI:T:WPA;S:DIRECT-hé llo;P:with space!;;`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := URI(tt.ssid, tt.pass); got != tt.want {
				t.Errorf("URI(%q, %q)\n got %s\nwant %s", tt.ssid, tt.pass, got, tt.want)
			}
		})
	}
}

func TestMask_HidesOnlyThePassphrase(t *testing.T) {
	if got, want := Mask("DIRECT-a:", "12345678"), `WIFI:T:WPA;S:DIRECT-a\:;P:********;;`; got != want {
		t.Errorf("Mask = %s, want %s", got, want)
	}
}

func TestValidSSID(t *testing.T) {
	tests := []struct {
		ssid string
		ok   bool
		msg  string // part of the error
	}{
		{"DIRECT-PP-group", true, ""},
		{"DIRECT-xy", true, ""},
		{"DIRECT-09", true, ""},
		{"DIRECT-Ab hostp2pd ünïcode", true, ""},
		{"DIRECT-" + strings.Repeat("a", 25), true, ""}, // 32 bytes
		{"DIRECT-" + strings.Repeat("a", 26), false, "33 bytes"},
		{"DIRECT-abé" + strings.Repeat("a", 22), false, "33 bytes"}, // é is two bytes
		{"", false, "empty"},
		{"DIRECT-", false, "DIRECT-xy"},
		{"DIRECT-x", false, "DIRECT-xy"},
		{"DIRECT--x", false, "DIRECT-xy"},
		{"DIRECT-x_", false, "DIRECT-xy"},
		{"direct-xy", false, "DIRECT-xy"},
		{"MyHotspot", false, "DIRECT-xy"},
		{"DIRECT-éa", false, "DIRECT-xy"},
		{"DIRECT-xy\nnetwork={", false, "control character"},
		{"DIRECT-xy\x7f", false, "control character"},
		{"DIRECT-xy\xff", false, "UTF-8"},
	}
	for _, tt := range tests {
		err := ValidSSID(tt.ssid)
		if (err == nil) != tt.ok {
			t.Errorf("ValidSSID(%q) = %v, want ok=%v", tt.ssid, err, tt.ok)
			continue
		}
		if err != nil && !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("ValidSSID(%q) = %q, want it to mention %q", tt.ssid, err, tt.msg)
		}
	}
}

func TestValidPassphrase(t *testing.T) {
	tests := []struct {
		pass string
		ok   bool
		msg  string
	}{
		{"12345678", true, ""},
		{strings.Repeat("x", 63), true, ""},
		{` !"#$%&'()*+,-./:;<=>?@[\]^_{|}~`, true, ""},
		{"1234567", false, "7 characters"},
		{"", false, "0 characters"},
		{strings.Repeat("x", 64), false, "64 characters"},
		{"pass\tword", false, "0x09 at position 5"},
		{"passwörd", false, "0xc3"},
		{"password\x7f", false, "0x7f"},
	}
	for _, tt := range tests {
		err := ValidPassphrase(tt.pass)
		if (err == nil) != tt.ok {
			t.Errorf("ValidPassphrase(%q) = %v, want ok=%v", tt.pass, err, tt.ok)
			continue
		}
		if err != nil {
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("ValidPassphrase(%q) = %q, want it to mention %q", tt.pass, err, tt.msg)
			}
			if len(tt.pass) >= 8 && strings.Contains(err.Error(), tt.pass) {
				t.Errorf("ValidPassphrase error %q repeats the passphrase", err)
			}
		}
	}
}

// credentials the decoding tests run through: the escaping cases and the
// longest legal values (the biggest symbol we ever draw).
var credentials = []struct{ ssid, pass string }{
	{"DIRECT-PP-group", "secretpass"},
	{`DIRECT-xy\;,:" odd`, `a\b;c,d:e"f g`},
	{"DIRECT-hé ünï", "12345678"},
	{"DIRECT-" + strings.Repeat("Z", 25), strings.Repeat(`;`, 63)},
}

func TestPNG_DecodesToTheURI(t *testing.T) {
	for _, c := range credentials {
		uri := URI(c.ssid, c.pass)
		code, err := Encode(uri)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := code.WritePNG(&buf, 4); err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(&buf)
		if err != nil {
			t.Fatalf("png.Decode: %v", err)
		}
		if got, want := img.Bounds().Dx(), (code.Size()+2*QuietZone)*4; got != want {
			t.Errorf("PNG is %d px wide, want %d", got, want)
		}
		got := decode(t, img)
		if got != uri {
			t.Errorf("decoded %q, want %q", got, uri)
		}
		if ssid, pass := parseWifiURI(t, got); ssid != c.ssid || pass != c.pass {
			t.Errorf("scanner would read S=%q P=%q, want S=%q P=%q", ssid, pass, c.ssid, c.pass)
		}
	}
}

func TestTerminal_HalfBlocksAreTheSymbolAndDecode(t *testing.T) {
	for _, bg := range []Background{DarkBackground, LightBackground} {
		for _, c := range credentials {
			uri := URI(c.ssid, c.pass)
			code, err := Encode(uri)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := code.WriteTerminal(&buf, bg); err != nil {
				t.Fatal(err)
			}
			grid := parseHalfBlocks(t, buf.String(), bg)
			side := code.Size() + 2*TerminalQuietZone
			if len(grid) < side || len(grid) > side+1 {
				t.Fatalf("terminal output has %d module rows, want %d", len(grid), side)
			}
			grid = grid[:side]
			want := make([][]bool, side)
			for y := range want {
				want[y] = make([]bool, side)
				for x := range want[y] {
					want[y][x] = code.Dark(x-TerminalQuietZone, y-TerminalQuietZone)
				}
			}
			if diff := cmp.Diff(want, grid); diff != "" {
				t.Fatalf("bg=%d: modules read back from the half blocks differ (-want +got):\n%s", bg, diff)
			}
			if got := decode(t, gridImage(grid, 6)); got != uri {
				t.Errorf("bg=%d: decoded the terminal drawing as %q, want %q", bg, got, uri)
			}
		}
	}
}

func TestEncode_RefusesEmptyAndTooLong(t *testing.T) {
	if _, err := Encode(""); err == nil {
		t.Error("Encode(\"\") succeeded")
	}
	if _, err := Encode(strings.Repeat("x", 3000)); err == nil {
		t.Error("Encode of 3000 bytes succeeded; version 40-M holds 2331")
	}
}

// parseHalfBlocks reads a terminal drawing back into module rows (true =
// dark), undoing the glyph mapping of WriteTerminal for background bg.
func parseHalfBlocks(t *testing.T, s string, bg Background) [][]bool {
	t.Helper()
	var rows [][]bool
	for _, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		var top, bottom []bool
		for _, r := range line {
			var inkTop, inkBottom bool
			switch r {
			case glyphNone:
			case glyphUpper:
				inkTop = true
			case glyphLower:
				inkBottom = true
			case glyphFull:
				inkTop, inkBottom = true, true
			default:
				t.Fatalf("unexpected rune %U in terminal output", r)
			}
			if bg == DarkBackground { // ink is light
				inkTop, inkBottom = !inkTop, !inkBottom
			}
			top, bottom = append(top, inkTop), append(bottom, inkBottom)
		}
		rows = append(rows, top, bottom)
	}
	return rows
}

func gridImage(grid [][]bool, scale int) image.Image {
	n := len(grid)
	img := image.NewGray(image.Rect(0, 0, n*scale, n*scale))
	for py := range n * scale {
		for px := range n * scale {
			c := color.Gray{Y: 255}
			if grid[py/scale][px/scale] {
				c.Y = 0
			}
			img.SetGray(px, py, c)
		}
	}
	return img
}

// decode reads a QR code with ZXing's Go port, an implementation
// independent of the encoder.
func decode(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatalf("gozxing bitmap: %v", err)
	}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{
		gozxing.DecodeHintType_TRY_HARDER: true,
	})
	if err != nil {
		t.Fatalf("gozxing decode: %v", err)
	}
	return res.GetText()
}

// parseWifiURI splits a WIFI: URI the way ZXing's WifiResultParser does:
// fields end at an unescaped ';', a backslash takes the next character
// literally.
func parseWifiURI(t *testing.T, s string) (ssid, pass string) {
	t.Helper()
	rest, ok := strings.CutPrefix(s, "WIFI:")
	if !ok {
		t.Fatalf("%q does not start with WIFI:", s)
	}
	fields := map[string]string{}
	for rest != "" && rest != ";" {
		var field strings.Builder
		i := 0
		for ; i < len(rest) && rest[i] != ';'; i++ {
			if rest[i] == '\\' && i+1 < len(rest) {
				i++
			}
			field.WriteByte(rest[i])
		}
		if i == len(rest) {
			t.Fatalf("unterminated field in %q", s)
		}
		k, v, _ := strings.Cut(field.String(), ":")
		fields[k] = v
		rest = rest[i+1:]
	}
	if fields["T"] != "WPA" {
		t.Errorf("T=%q, want WPA", fields["T"])
	}
	return fields["S"], fields["P"]
}

func TestNewPassphrase(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		p, err := NewPassphrase(rand.Reader, 16)
		if err != nil {
			t.Fatal(err)
		}
		if err := ValidPassphrase(p); err != nil || len(p) != 16 || URI("DIRECT-xy", p) != "WIFI:T:WPA;S:DIRECT-xy;P:"+p+";;" {
			t.Errorf("NewPassphrase = %q (%v): want 16 letters or digits that need no escaping", p, err)
		}
		seen[p] = true
	}
	if len(seen) != 50 {
		t.Errorf("%d distinct passphrases in 50", len(seen))
	}
	if _, err := NewPassphrase(rand.Reader, 7); err == nil {
		t.Error("length 7 accepted")
	}
	if _, err := NewPassphrase(strings.NewReader("ab"), 8); err == nil {
		t.Error("a short random source gave a passphrase")
	}
}
