package config

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzParse checks that Parse never panics on any input and that every
// configuration it accepts survives a round trip through its own YAML form:
// Parse(c.yamlText(false)) gives back c. Seeds are in
// testdata/fuzz/FuzzParse; crashers found later belong there too.
func FuzzParse(f *testing.F) {
	f.Add([]byte(""))
	f.Add([]byte("hostp2pd:\n  pin: \"12345670\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, w, err := Parse("f.yaml", data)
		if err != nil {
			if c != nil {
				t.Fatal("Config returned together with an error")
			}
			if len(Errors(err)) == 0 {
				t.Fatalf("error without *Error inside: %v", err)
			}
			return
		}
		_ = w
		_ = c.YAML()
		text := c.yamlText(false)
		back, _, err := Parse("f.yaml", []byte(text))
		if err != nil {
			t.Fatalf("own output does not parse: %v\n%s", err, text)
		}
		if diff := cmp.Diff(c, back); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s\n%s", diff, text)
		}
		if d := Diff(c, back); len(d) != 0 {
			t.Fatalf("Diff after round trip: %v", d)
		}
		if d := Diff(c, c.Clone()); len(d) != 0 {
			t.Fatalf("Diff of a clone: %v", d)
		}
	})
}
