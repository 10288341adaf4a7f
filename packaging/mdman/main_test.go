package main

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestConvert(t *testing.T) {
	doc := "# hostp2pd command line\n\nIntro, see [the keys](config.md#keys) and [home](https://example.org/x).\n\n" +
		"## Options\n\n| option | meaning |\n|---|---|\n| `-h`, `--help` | print the help |\n| `-c FILE` | a \\| b |\n\n" +
		"### Sub `code`\n\n```\n## not a heading\n| not | a table |\n```\n\n" +
		"## For Go code (`x`)\n\nleft out\n\n## Keys\n\n| key | type | default | meaning |\n|:--|---|---|---|\n| `pin` | text | | the PIN. See [Modes](#modes) |\n"
	want := "\nIntro, see the keys (**hostp2pd.yaml**(5)) and [home](https://example.org/x).\n\n" +
		"# OPTIONS\n\n`-h`, `--help`\n: print the help\n\n`-c FILE`\n: a | b\n\n\n" +
		"### Sub `code`\n\n```\n## not a heading\n| not | a table |\n```\n\n" +
		"# KEYS\n\n`pin`\n: type: text. the PIN. See Modes\n\n"
	got := convert(doc, []string{"For Go code"})
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("convert (-want +got):\n%s", diff)
	}
}

func TestRender_NeedsOneBodyLine(t *testing.T) {
	if _, err := render("% X 8\n\n# NAME\nx\n", "doc", "1", "d", nil); err == nil {
		t.Error("template without @BODY@ accepted")
	}
	got, err := render("% X 8 \"@DATE@\" \"hostp2pd @VERSION@\"\n\n@BODY@\n# SEE ALSO\n", "# t\n\ntext\n", "1.2.3", "2026-12-02", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "% X 8 \"2026-12-02\" \"hostp2pd 1.2.3\"\n\n\ntext\n# SEE ALSO\n"
	if got != want {
		t.Errorf("render = %q, want %q", got, want)
	}
}

// The real pages convert with every table turned into a list: no "|---"
// rule may reach go-md2man, whose tables cannot wrap long cells.
func TestConvert_DocsHaveNoTableLeft(t *testing.T) {
	for _, f := range []string{"../../docs/cli.md", "../../docs/config.md"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out := convert(string(b), []string{"For Go code"})
		for i, l := range strings.Split(out, "\n") {
			if isRule(l) {
				t.Errorf("%s: converted line %d is still a table rule: %q", f, i+1, l)
			}
		}
		if !strings.Contains(out, "\n# ") {
			t.Errorf("%s: no section heading in the output", f)
		}
	}
}
