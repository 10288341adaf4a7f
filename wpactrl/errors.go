package wpactrl

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Match them with [errors.Is].
var (
	// ErrFail is wrapped by a *CommandError whose reply starts with "FAIL"
	// ("FAIL\n", "FAIL-BUSY\n", "FAIL-NO-IFNAME-MATCH\n", ...).
	ErrFail = errors.New("FAIL reply")

	// ErrFailBusy is wrapped by a *CommandError whose reply is "FAIL-BUSY".
	// It wraps ErrFail, so errors.Is(err, ErrFail) is true as well.
	ErrFailBusy = fmt.Errorf("%w: busy", ErrFail)

	// ErrUnknownCommand is wrapped by a *CommandError whose reply is
	// "UNKNOWN COMMAND": the command does not exist on that interface or in
	// that build of wpa_supplicant.
	ErrUnknownCommand = errors.New("unknown command")

	// ErrClosed is returned by methods called on, or interrupted by, a closed
	// Conn or Monitor.
	ErrClosed = errors.New("use of closed connection")

	// ErrTimeout is wrapped when no reply arrived before the deadline: the
	// context's deadline, or the default request timeout when the context
	// has none. When the context expired, the error also wraps
	// context.DeadlineExceeded.
	ErrTimeout = errors.New("timeout waiting for reply")

	// ErrGone is wrapped when wpa_supplicant is not there any more: a send
	// failed with ECONNREFUSED, ENOENT or ENOTCONN, or a Monitor got no PONG
	// in time. The connection never recovers; Dial (and Attach) again once
	// the socket is back. When the socket file is missing the error also
	// matches fs.ErrNotExist.
	ErrGone = errors.New("wpa_supplicant is gone")
)

var (
	_ error = (*CommandError)(nil)
)

// CommandError reports a negative reply ("FAIL...", "UNKNOWN COMMAND") to a
// command.
type CommandError struct {
	// Cmd is the command as sent, including any "IFNAME=<iface> " prefix.
	Cmd string
	// Reply is the reply as received, byte for byte (usually with its
	// trailing newline).
	Reply string
	// Err is ErrFail, ErrFailBusy or ErrUnknownCommand.
	Err error
}

// Error returns "wpactrl: <cmd>: <reply>". Only the lower-cased command name
// (and the IFNAME= interface, if any) is shown, never its arguments, because
// arguments carry PINs, passphrases and peer-supplied strings.
func (e *CommandError) Error() string {
	return "wpactrl: " + cmdName(e.Cmd) + ": " + strings.TrimRight(e.Reply, "\n")
}

// Unwrap returns e.Err.
func (e *CommandError) Unwrap() error { return e.Err }

// replyError classifies a reply; it returns nil for a positive reply.
func replyError(cmd, reply string) error {
	var err error
	switch {
	case strings.HasPrefix(reply, "FAIL-BUSY"):
		err = ErrFailBusy
	case strings.HasPrefix(reply, "FAIL"):
		err = ErrFail
	case strings.HasPrefix(reply, "UNKNOWN COMMAND"):
		err = ErrUnknownCommand
	default:
		return nil
	}
	return &CommandError{Cmd: cmd, Reply: reply, Err: err}
}

// cmdName returns the part of a command that is safe to show in errors and
// logs: the lower-cased command word, preceded by "<iface>: " for an
// "IFNAME=<iface> " command.
func cmdName(cmd string) string {
	prefix := ""
	if rest, ok := strings.CutPrefix(cmd, "IFNAME="); ok {
		iface, after, _ := strings.Cut(rest, " ")
		prefix, cmd = iface+": ", after
	}
	word, _, _ := strings.Cut(cmd, " ")
	if word == "" {
		word = `""`
	}
	return prefix + strings.ToLower(word)
}
