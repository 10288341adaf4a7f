package console_test

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/console"
	"github.com/hostp2pd/hostp2pd/internal/status/statustest"
)

// TestTerminal_PromptCompletionHistoryAndCtrlD drives the x/term line
// editor over a pipe, as a user at a TTY in raw mode would.
func TestTerminal_PromptCompletionHistoryAndCtrlD(t *testing.T) {
	t.Parallel()
	pr, pw := io.Pipe()
	defer func() { _ = pw.Close() }()
	var out syncBuffer
	h, _ := console.LoadHistory("")
	c := console.New(pr, &out, console.Options{Terminal: true, Version: "1.2.3", History: h, Width: 80, Height: 24})
	done := make(chan error, 1)
	go func() { done <- c.Run(t.Context(), &statustest.Controller{}) }()

	type step struct{ keys, want string }
	for _, s := range []step{
		{"ver\t\r", "hostp2pd version 1.2.3\r\n"},                                        // Tab completes a unique prefix
		{"\x1b[A\r", "hostp2pd version 1.2.3\r\nCMD> version\r\nhostp2pd version 1.2.3"}, // Up recalls it
		{"p\t", "CMD> p"}, // ambiguous (pause, peers, pin, prompt): no change
		{"\x15bogus\r", "unknown command, try help\r\n"},
	} {
		if _, err := io.WriteString(pw, s.keys); err != nil {
			t.Fatal(err)
		}
		waitFor(t, &out, s.want)
	}
	// A log line written while the prompt is shown lands above it.
	_, _ = c.Write([]byte("level=INFO msg=\"group started\"\n"))
	waitFor(t, &out, "level=INFO msg=\"group started\"\r\nCMD> ")

	if _, err := io.WriteString(pw, "\x04"); err != nil { // Ctrl-D on an empty line
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Ctrl-D did not end Run")
	}
	if got := h.Last(-1); strings.Join(got, ",") != "version,bogus" {
		t.Errorf("history = %q", got)
	}
}

func TestTerminal_CtrlCQuits(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	c := console.New(strings.NewReader("echo typed\r\x03echo never\r"), &out, console.Options{Terminal: true})
	if err := c.Run(t.Context(), &statustest.Controller{}); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); !strings.Contains(s, "typed\r\n") || strings.Contains(s, "never\r\n") {
		t.Errorf("output %q", s)
	}
}

func TestTerminal_PromptAndColor(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	c := console.New(strings.NewReader("prompt hostp2pd>\recho a\rprompt\recho b\rcolor\rprompt\recho c\r"), &out, console.Options{Terminal: true})
	if err := c.Run(t.Context(), &statustest.Controller{}); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"hostp2pd> echo a", "\r\necho b\r\nb", "\x1b[1;32mhostp2pd> \x1b[0mecho c"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%q", want, s)
		}
	}
}

func waitFor(t *testing.T, out *syncBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("output lacks %q:\n%q", want, out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}
