package console

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/hostp2pd/hostp2pd/internal/logging"
	"github.com/hostp2pd/hostp2pd/internal/status"
)

// DefaultPrompt is hostp2pd's prompt.
const DefaultPrompt = "CMD> "

// HistoryFile is the history file name in the home directory.
const HistoryFile = ".hostp2pd_mgr_history"

// Options configure a Console.
type Options struct {
	// Terminal enables line editing, the prompt, Tab completion and
	// history navigation; the caller has put the TTY in raw mode.
	// Otherwise lines are read plainly and no prompt is shown.
	Terminal bool
	// Width and Height of the terminal, when known.
	Width, Height int
	// Prompt defaults to [DefaultPrompt].
	Prompt string
	// Color shows the prompt in colour (toggled by the color command).
	Color bool
	// History is the command history (nil = in memory only).
	History *History
	// Level is the logger's level, read and set by loglevel (nil = the
	// command reports that the level cannot be changed).
	Level *slog.LevelVar
	// Version is printed by the version command.
	Version string
	// Now returns the current time (nil = time.Now).
	Now func() time.Time
}

// Console is an interactive command prompt.
type Console struct {
	o    Options
	term *term.Terminal // nil in line mode
	in   io.Reader
	out  io.Writer
	mu   sync.Mutex // serialises writes in line mode
	cmds []command

	// owned by the Run goroutine
	prompt   string
	promptOn bool
	color    bool
	ctl      status.Controller
	hist     *History
	scanner  *bufio.Scanner
}

// command is one console keyword.
type command struct {
	name  string
	args  string
	help  string
	alias string // name of the command this one behaves as (help shows it)
	run   func(c *Console, ctx context.Context, args []string, rest string) (quit bool)
}

// New returns a console reading commands from in and printing to out.
func New(in io.Reader, out io.Writer, o Options) *Console {
	if o.Prompt == "" {
		o.Prompt = DefaultPrompt
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.History == nil {
		o.History, _ = LoadHistory("")
	}
	c := &Console{o: o, in: in, out: out, prompt: o.Prompt, promptOn: true, color: o.Color, hist: o.History}
	c.cmds = commands()
	if o.Terminal {
		c.term = term.NewTerminal(struct {
			io.Reader
			io.Writer
		}{in, out}, c.renderPrompt())
		if o.Width > 0 && o.Height > 0 {
			_ = c.term.SetSize(o.Width, o.Height)
		}
		c.term.History = o.History
		c.term.AutoCompleteCallback = c.complete
	} else {
		c.scanner = bufio.NewScanner(in)
		c.scanner.Buffer(make([]byte, 4096), 64<<10)
	}
	return c
}

// Write prints p above the prompt (in terminal mode the line being typed
// is redrawn below). It is safe for concurrent use; the logger writes here.
func (c *Console) Write(p []byte) (int, error) {
	if c.term != nil {
		return c.term.Write(p)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.out.Write(p)
}

func (c *Console) printf(format string, a ...any) {
	_, _ = fmt.Fprintf(c, format, a...)
}

// printBlock renders with f into a buffer and writes it in one piece, so
// concurrent log lines do not interleave with a table.
func (c *Console) printBlock(f func(w io.Writer)) {
	var b bytes.Buffer
	f(&b)
	_, _ = c.Write(b.Bytes())
}

func (c *Console) renderPrompt() string {
	if !c.promptOn {
		return ""
	}
	if c.color {
		return "\x1b[1;32m" + c.prompt + "\x1b[0m"
	}
	return c.prompt
}

func (c *Console) updatePrompt() {
	if c.term != nil {
		c.term.SetPrompt(c.renderPrompt())
	}
}

type input struct {
	line string
	err  error
}

// Run reads and executes commands until quit/exit, end of input (Ctrl-D,
// and Ctrl-C in terminal mode) or ctx is done; it then returns nil (ctx's
// error when ctx ended it). The input reader goroutine it starts exits
// when the input returns an error or is closed.
func (c *Console) Run(ctx context.Context, ctl status.Controller) error {
	c.ctl = ctl
	lines := make(chan input)
	next := make(chan struct{}) // the loop asks for each line: no read-ahead
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case <-next:
			case <-done:
				return
			}
			l, err := c.readLine()
			select {
			case lines <- input{l, err}:
			case <-done:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	for {
		// Ask for the next line only once the previous command is done,
		// so a prompt change or a wait applies before the prompt is drawn.
		select {
		case next <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case in := <-lines:
			if in.err != nil {
				if c.term != nil {
					c.printf("\n")
				}
				return nil
			}
			if c.term == nil {
				c.hist.Add(in.line) // x/term records history itself
			}
			if c.Exec(ctx, in.line) {
				return nil
			}
		}
	}
}

func (c *Console) readLine() (string, error) {
	if c.term != nil {
		l, err := c.term.ReadLine()
		if errors.Is(err, term.ErrPasteIndicator) {
			err = nil // a pasted line is still a command line
		}
		return l, err
	}
	if c.scanner.Scan() {
		return c.scanner.Text(), nil
	}
	if err := c.scanner.Err(); err != nil {
		return "", err
	}
	return "", io.EOF
}

// Exec runs one command line and reports whether it asked to quit. Run
// calls it for every line; it is exported for embedding.
func (c *Console) Exec(ctx context.Context, line string) (quit bool) {
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return false
	}
	name, rest, _ := strings.Cut(line, " ")
	rest = strings.TrimSpace(rest)
	cmd, ok := c.lookup(name)
	if !ok {
		c.printf("unknown command, try help\n")
		return false
	}
	return cmd.run(c, ctx, strings.Fields(rest), rest)
}

func (c *Console) lookup(name string) (command, bool) {
	for _, cmd := range c.cmds {
		if cmd.name == name {
			return cmd, true
		}
	}
	return command{}, false
}

// complete implements Tab completion of command names. It runs with the
// terminal's lock held, so it must not write to the console.
func (c *Console) complete(line string, pos int, key rune) (string, int, bool) {
	if key != '\t' {
		return "", 0, false
	}
	word := line[:pos]
	if strings.ContainsAny(word, " \t") {
		return "", 0, false
	}
	var matches []string
	for _, cmd := range c.cmds {
		if strings.HasPrefix(cmd.name, word) {
			matches = append(matches, cmd.name)
		}
	}
	switch len(matches) {
	case 0:
		return "", 0, false
	case 1:
		nl := matches[0] + " " + strings.TrimLeft(line[pos:], " ")
		return nl, len(matches[0]) + 1, true
	}
	prefix := matches[0]
	for _, m := range matches[1:] {
		for !strings.HasPrefix(m, prefix) {
			prefix = prefix[:len(prefix)-1]
		}
	}
	return prefix + line[pos:], len(prefix), true
}

func (c *Console) fail(err error) {
	c.printf("error: %v\n", err)
}

// commands is the keyword table, in the order help lists it.
func commands() []command {
	return []command{
		{name: "help", args: "[command]", help: "list the commands, or describe one", run: (*Console).cmdHelp},
		{name: "version", help: "print the hostp2pd version", run: (*Console).cmdVersion},
		{name: "status", help: "summary: mode, state, group, clients, counters", run: (*Console).cmdStatus},
		{name: "stations", help: "list the stations connected to the group", run: (*Console).cmdClients},
		{name: "clients", alias: "stations", help: "list the stations connected to the group", run: (*Console).cmdClients},
		{name: "peers", help: "list every P2P peer seen (the address register)", run: (*Console).cmdPeers},
		{name: "group", help: "show the running P2P group", run: (*Console).cmdGroup},
		{name: "stats", help: "print the event and command counters", run: (*Console).cmdStats},
		{name: "reset", help: "reset the statistics", run: (*Console).cmdReset},
		{name: "config", help: "print the configuration in force (YAML)", run: (*Console).cmdConfig},
		{name: "reload", args: "[file|reset]", help: "reload the configuration file, load another file, or the defaults with reset", run: (*Console).cmdReload},
		{name: "loglevel", args: "[n]", help: "show or set the log level: CRITICAL=50, ERROR=40, WARNING=30, INFO=20, DEBUG=10", run: (*Console).cmdLoglevel},
		{name: "pin", args: "[peer] <pin>", help: "enter the PIN a phone displays (display method); peer may be omitted when one enrolment waits", run: (*Console).cmdPIN},
		{name: "disconnect", args: "<peer>", help: "remove a client from the group (device or interface address)", run: (*Console).cmdDisconnect},
		{name: "wpa", args: "<command>", help: "send a raw command to wpa_supplicant and print the reply", run: (*Console).cmdWPA},
		{name: "pause", help: "pause the session (events are not acted upon)", run: (*Console).cmdPause},
		{name: "resume", help: "resume after pause; prints the managed interface", run: (*Console).cmdResume},
		{name: "wait", args: "[seconds]", help: "delay the next command (decimal seconds, default 10)", run: (*Console).cmdWait},
		{name: "prompt", args: "[text]", help: "toggle the prompt off/on, or change it", run: (*Console).cmdPrompt},
		{name: "color", help: "toggle colours in the prompt", run: (*Console).cmdColor},
		{name: "echo", args: "<text>", help: "print text", run: (*Console).cmdEcho},
		{name: "history", args: "[n|clear]", help: "print the last 20 (or n) commands, or clear the history", run: (*Console).cmdHistory},
		{name: "quit", help: "stop hostp2pd and exit (also end of input, Ctrl-D)", run: (*Console).cmdQuit},
		{name: "exit", alias: "quit", help: "stop hostp2pd and exit", run: (*Console).cmdQuit},
	}
}

func (c *Console) cmdHelp(_ context.Context, args []string, _ string) bool {
	if len(args) > 0 {
		cmd, ok := c.lookup(args[0])
		if !ok {
			c.printf("unknown command %s, try help\n", Quote(args[0]))
			return false
		}
		usage := strings.TrimSpace(cmd.name + " " + cmd.args)
		if cmd.alias != "" {
			c.printf("%s\n    %s (same as %s)\n", usage, cmd.help, cmd.alias)
		} else {
			c.printf("%s\n    %s\n", usage, cmd.help)
		}
		return false
	}
	c.printBlock(func(w io.Writer) {
		fmt.Fprintln(w, "Commands (help <command> for details):")
		for _, cmd := range c.cmds {
			usage := strings.TrimSpace(cmd.name + " " + cmd.args)
			fmt.Fprintf(w, "  %-24s %s\n", usage, cmd.help)
		}
	})
	return false
}

func (c *Console) cmdVersion(context.Context, []string, string) bool {
	v := c.o.Version
	if v == "" {
		v = "(devel)"
	}
	c.printf("hostp2pd version %s\n", v)
	return false
}

func (c *Console) cmdStatus(context.Context, []string, string) bool {
	st := c.ctl.Status()
	c.printBlock(func(w io.Writer) { WriteStatus(w, st, c.o.Now()) })
	return false
}

func (c *Console) cmdClients(context.Context, []string, string) bool {
	cl := c.ctl.Status().Clients
	if len(cl) == 0 {
		c.printf("no stations connected\n")
		return false
	}
	c.printBlock(func(w io.Writer) { WriteClients(w, cl, c.o.Now()) })
	return false
}

func (c *Console) cmdPeers(context.Context, []string, string) bool {
	p := c.ctl.Status().Peers
	if len(p) == 0 {
		c.printf("no peers seen\n")
		return false
	}
	c.printBlock(func(w io.Writer) { WritePeers(w, p, c.o.Now()) })
	return false
}

func (c *Console) cmdGroup(context.Context, []string, string) bool {
	g := c.ctl.Status().Group
	c.printBlock(func(w io.Writer) { WriteGroup(w, g, c.o.Now()) })
	return false
}

func (c *Console) cmdStats(context.Context, []string, string) bool {
	st := c.ctl.Status()
	c.printBlock(func(w io.Writer) {
		if len(st.Counters) == 0 {
			fmt.Fprintln(w, "no statistics")
		} else {
			WriteCounters(w, st.Counters, "")
		}
		fmt.Fprintf(w, "stations: %d, peers seen: %d\n", len(st.Clients), len(st.Peers))
	})
	return false
}

func (c *Console) cmdReset(context.Context, []string, string) bool {
	c.ctl.ResetStats()
	c.printf("statistics reset\n")
	return false
}

func (c *Console) cmdConfig(context.Context, []string, string) bool {
	s := c.ctl.Config()
	if s != "" && !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	c.printf("%s", s)
	return false
}

func (c *Console) cmdReload(ctx context.Context, _ []string, rest string) bool {
	if err := c.ctl.Reload(ctx, rest); err != nil {
		c.fail(err)
		return false
	}
	switch rest {
	case "":
		c.printf("configuration reloaded\n")
	case "reset":
		c.printf("default configuration loaded\n")
	default:
		c.printf("configuration loaded from %s\n", Quote(rest))
	}
	return false
}

func (c *Console) cmdLoglevel(_ context.Context, args []string, _ string) bool {
	if c.o.Level == nil {
		c.printf("the log level cannot be changed here\n")
		return false
	}
	if len(args) == 0 {
		l := c.o.Level.Level()
		c.printf("log level: %s (%d)\n", logging.LevelName(l), logging.ToPython(l))
		return false
	}
	l, err := logging.ParseLevel(args[0])
	if err != nil {
		c.fail(err)
		return false
	}
	c.o.Level.Set(l)
	c.printf("log level set to %s (%d)\n", logging.LevelName(l), logging.ToPython(l))
	return false
}

func (c *Console) cmdPIN(ctx context.Context, args []string, _ string) bool {
	var peer, pin string
	switch len(args) {
	case 1:
		pin = args[0]
	case 2:
		peer, pin = args[0], args[1]
	default:
		c.printf("usage: pin [peer] <pin>\n")
		return false
	}
	if err := c.ctl.EnterPIN(ctx, peer, pin); err != nil {
		c.fail(err)
		return false
	}
	c.printf("PIN accepted\n")
	return false
}

func (c *Console) cmdDisconnect(ctx context.Context, args []string, _ string) bool {
	if len(args) != 1 {
		c.printf("usage: disconnect <peer>\n")
		return false
	}
	if err := c.ctl.Disconnect(ctx, args[0]); err != nil {
		c.fail(err)
		return false
	}
	c.printf("%s disconnected\n", Quote(args[0]))
	return false
}

func (c *Console) cmdWPA(ctx context.Context, _ []string, rest string) bool {
	if rest == "" {
		c.printf("usage: wpa <command>\n")
		return false
	}
	reply, err := c.ctl.WPA(ctx, rest)
	if err != nil {
		c.fail(err)
		return false
	}
	if reply != "" && !strings.HasSuffix(reply, "\n") {
		reply += "\n"
	}
	// The reply may hold peer-chosen strings: escape line by line.
	var b strings.Builder
	for _, l := range strings.SplitAfter(reply, "\n") {
		if l == "" {
			continue
		}
		if t := strings.TrimSuffix(l, "\n"); t != "" {
			b.WriteString(Quote(t))
		}
		b.WriteString("\n")
	}
	c.printf("%s", b.String())
	return false
}

func (c *Console) cmdPause(context.Context, []string, string) bool {
	c.ctl.Pause()
	c.printf("paused\n")
	return false
}

func (c *Console) cmdResume(context.Context, []string, string) bool {
	c.ctl.Resume()
	c.printf("resumed, interface %s\n", Quote(c.ctl.Status().Interface))
	return false
}

func (c *Console) cmdWait(ctx context.Context, args []string, _ string) bool {
	secs := 10.0
	if len(args) > 0 {
		f, err := strconv.ParseFloat(args[0], 64)
		if err != nil || f < 0 || f > 86400 {
			c.printf("usage: wait [seconds] (a number from 0 to 86400)\n")
			return false
		}
		secs = f
	}
	t := time.NewTimer(time.Duration(secs * float64(time.Second)))
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
	return false
}

func (c *Console) cmdPrompt(_ context.Context, _ []string, rest string) bool {
	if rest == "" {
		c.promptOn = !c.promptOn
	} else {
		c.prompt = rest + " "
		c.promptOn = true
	}
	c.updatePrompt()
	return false
}

func (c *Console) cmdColor(context.Context, []string, string) bool {
	c.color = !c.color
	c.updatePrompt()
	if c.color {
		c.printf("colours on\n")
	} else {
		c.printf("colours off\n")
	}
	return false
}

func (c *Console) cmdEcho(_ context.Context, _ []string, rest string) bool {
	c.printf("%s\n", rest)
	return false
}

func (c *Console) cmdHistory(_ context.Context, args []string, _ string) bool {
	n := 20
	if len(args) > 0 {
		if args[0] == "clear" {
			if err := c.hist.Clear(); err != nil {
				c.fail(err)
			}
			return false
		}
		v, err := strconv.Atoi(args[0])
		if err != nil || v < 0 {
			c.printf("usage: history [n|clear]\n")
			return false
		}
		n = v
	}
	entries := c.hist.Last(n)
	first := c.hist.Len() - len(entries) + 1
	c.printBlock(func(w io.Writer) {
		for i, e := range entries {
			fmt.Fprintf(w, "%5d  %s\n", first+i, Quote(e))
		}
	})
	return false
}

func (c *Console) cmdQuit(context.Context, []string, string) bool { return true }
