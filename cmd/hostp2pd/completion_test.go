package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestBashCompletionCoversHelp checks contrib/hostp2pd.bash-completion
// against --help: every long option and every subcommand is offered. The
// Debian package's pkg-check runs the installed script too; this catches a
// new flag at `make test` time.
func TestBashCompletionCoversHelp(t *testing.T) {
	b, err := os.ReadFile("../../contrib/hostp2pd.bash-completion")
	if err != nil {
		t.Fatal(err)
	}
	words := func(varName string) map[string]bool {
		m := regexp.MustCompile(`(?s)local ` + varName + `="([^"]*)"`).FindSubmatch(b)
		if m == nil {
			t.Fatalf("completion script has no %s list", varName)
		}
		set := map[string]bool{}
		for _, w := range strings.Fields(string(m[1])) {
			set[w] = true
		}
		return set
	}
	opts, subs := words("opts"), words("subs")
	for _, o := range regexp.MustCompile(`--[a-z_]+`).FindAllString(helpText, -1) {
		if !opts[o] {
			t.Errorf("bash completion does not offer %s (from --help)", o)
		}
	}
	for sub := range subUsage {
		if !subs[sub] {
			t.Errorf("bash completion does not offer subcommand %q", sub)
		}
	}
}
