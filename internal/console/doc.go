// Package console is hostp2pd's interactive mode: a CMD> prompt that runs
// while the daemon runs, with hostp2pd's built-in keywords (version,
// loglevel, reload, reset, stats, stations, pause, resume, prompt, wait,
// color, echo, history, help, quit) plus our own commands instead of
// hostp2pd's "any Python statement" (peers, clients, group, config, status,
// pin, disconnect, wpa). Every command goes through [status.Controller], the
// layer the control socket uses too.
//
// Line editing, history (persisted to ~/.hostp2pd_mgr_history) and Tab
// completion of command names come from golang.org/x/term's Terminal, which
// works over any io.ReadWriter: the caller puts a TTY in raw mode, tests use
// a pipe. Without a terminal (stdin is a pipe or a file) lines are read
// plainly and no prompt is printed, so command files can be piped in.
//
// The console is also an io.Writer for the logger: log records print above
// the prompt and the line being typed is redrawn below them.
//
// Strings that peers choose (device names) are printed quoted, Go-style, when
// they hold anything non-printable, so a name cannot move the cursor or
// fake a line of output.
package console
