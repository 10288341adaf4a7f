package joincode

import (
	"bufio"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"

	"github.com/boombuler/barcode/qr"
)

// QuietZone is the light margin, in modules, around the symbol in a PNG.
// ISO/IEC 18004 asks for 4.
const QuietZone = 4

// TerminalQuietZone is the margin on a terminal, where space is short;
// phone cameras read a code drawn this way from a screen.
const TerminalQuietZone = 2

// Code is a QR symbol: a square of dark and light modules.
type Code struct {
	size int
	dark []bool // row-major
}

// Encode makes the QR symbol of text (byte mode for a Wi-Fi URI) with
// error correction level M, which survives a screen's glare and moiré.
func Encode(text string) (*Code, error) {
	if text == "" {
		return nil, errors.New("joincode: nothing to encode")
	}
	// qr.Unicode is byte mode over the UTF-8 of text.
	q, err := qr.Encode(text, qr.M, qr.Unicode)
	if err != nil {
		return nil, fmt.Errorf("joincode: qr: %w", err)
	}
	b := q.Bounds() // the symbol alone, no quiet zone
	c := &Code{size: b.Dx(), dark: make([]bool, b.Dx()*b.Dx())}
	for y := range c.size {
		for x := range c.size {
			g := color.GrayModel.Convert(q.At(b.Min.X+x, b.Min.Y+y)).(color.Gray)
			c.dark[y*c.size+x] = g.Y < 0x80
		}
	}
	return c, nil
}

// Size is the side of the symbol in modules, without a quiet zone.
func (c *Code) Size() int { return c.size }

// Dark reports whether the module at column x, row y is dark. Outside the
// symbol (the quiet zone) every module is light.
func (c *Code) Dark(x, y int) bool {
	return x >= 0 && y >= 0 && x < c.size && y < c.size && c.dark[y*c.size+x]
}

// Background says what colour the terminal draws behind text, which
// decides whether a block glyph stands for a dark or a light module.
type Background int

const (
	// DarkBackground is for light text on a dark background (the usual
	// terminal): the glyphs draw the light modules and the quiet zone,
	// the background shows through as the dark modules.
	DarkBackground Background = iota
	// LightBackground is for dark text on a light background (and for
	// paper): the glyphs draw the dark modules.
	LightBackground
)

// Half-block glyphs: one character cell holds two modules, one above the
// other, so the symbol keeps its square shape on a terminal whose cells
// are about twice as high as wide.
const (
	glyphNone  = ' '
	glyphUpper = '▀' // U+2580
	glyphLower = '▄' // U+2584
	glyphFull  = '█' // U+2588
)

// WriteTerminal draws the symbol with a TerminalQuietZone margin, two
// module rows per text line, each line ended by "\n". No escape
// sequences: the output can be piped, logged or pasted.
func (c *Code) WriteTerminal(w io.Writer, bg Background) error {
	bw := bufio.NewWriter(w)
	ink := func(x, y int) bool {
		if y >= c.size+TerminalQuietZone { // below the last margin row: nothing
			return false
		}
		d := c.Dark(x, y)
		if bg == DarkBackground {
			return !d
		}
		return d
	}
	lo, hi := -TerminalQuietZone, c.size+TerminalQuietZone
	for y := lo; y < hi; y += 2 {
		for x := lo; x < hi; x++ {
			top, bottom := ink(x, y), ink(x, y+1)
			switch {
			case top && bottom:
				bw.WriteRune(glyphFull)
			case top:
				bw.WriteRune(glyphUpper)
			case bottom:
				bw.WriteRune(glyphLower)
			default:
				bw.WriteRune(glyphNone)
			}
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// Image returns the symbol as a black-on-white image, scale pixels per
// module, with a QuietZone margin.
func (c *Code) Image(scale int) image.Image {
	if scale < 1 {
		scale = 1
	}
	side := (c.size + 2*QuietZone) * scale
	img := image.NewPaletted(image.Rect(0, 0, side, side), color.Palette{color.White, color.Black})
	for py := range side {
		for px := range side {
			if c.Dark(px/scale-QuietZone, py/scale-QuietZone) {
				img.SetColorIndex(px, py, 1)
			}
		}
	}
	return img
}

// WritePNG writes Image(scale) as a PNG.
func (c *Code) WritePNG(w io.Writer, scale int) error {
	if err := png.Encode(w, c.Image(scale)); err != nil {
		return fmt.Errorf("joincode: png: %w", err)
	}
	return nil
}
