package wpadbus

import (
	"errors"
	"fmt"
)

// Sentinel errors, for errors.Is.
var (
	// ErrNoEquivalent is wrapped when a control-socket command has no
	// D-Bus method or property that does the same.
	ErrNoEquivalent = errors.New("no D-Bus equivalent")

	// ErrAccessDenied is wrapped when the bus's policy refuses our calls
	// to fi.w1.wpa_supplicant1. The error text names the policy file.
	ErrAccessDenied = errors.New("access denied by the D-Bus policy")

	// ErrNoService is wrapped when no process owns fi.w1.wpa_supplicant1
	// on the bus (wpa_supplicant not running, or started without -u).
	ErrNoService = errors.New("fi.w1.wpa_supplicant1 is not on the bus")

	// ErrUnknownInterface is wrapped when wpa_supplicant does not manage
	// the named interface.
	ErrUnknownInterface = errors.New("interface unknown to wpa_supplicant")

	// ErrNoP2P is wrapped when wpa_supplicant manages the interface but
	// has no P2P on it ("P2P is not available for this interface": a
	// driver without P2P, or p2p_disabled=1).
	ErrNoP2P = errors.New("no P2P on this interface")

	// ErrMethod is wrapped by a *MethodError: wpa_supplicant answered a
	// method call with a D-Bus error (the control socket's FAIL).
	ErrMethod = errors.New("method failed")
)

// PolicyFiles are where distributions install wpa_supplicant's D-Bus
// policy (the <policy> that lets a user or group send to
// fi.w1.wpa_supplicant1). Local changes belong in /etc.
var PolicyFiles = [...]string{
	"/etc/dbus-1/system.d/wpa_supplicant.conf",
	"/usr/share/dbus-1/system.d/wpa_supplicant.conf",
}

// MethodError is a D-Bus error reply to a translated command.
type MethodError struct {
	// Cmd is the control-socket command that was translated.
	Cmd string
	// Method is the D-Bus member called, e.g. "fi.w1.wpa_supplicant1.Interface.P2PDevice.GroupAdd".
	Method string
	// Name is the D-Bus error name, e.g. "fi.w1.wpa_supplicant1.UnknownError".
	Name string
	// Text is the error message wpa_supplicant sent (may be empty).
	Text string
}

func (e *MethodError) Error() string {
	s := fmt.Sprintf("wpadbus: %s: %s: %s", firstWord(e.Cmd), e.Method, e.Name)
	if e.Text != "" {
		s += ": " + e.Text
	}
	return s
}

// Unwrap makes errors.Is(err, ErrMethod) true.
func (e *MethodError) Unwrap() error { return ErrMethod }

func accessDenied(op string, detail string) error {
	return fmt.Errorf("wpadbus: %s: %w (%s): allow sending to fi.w1.wpa_supplicant1 for this user or group in %s (or %s)",
		op, ErrAccessDenied, detail, PolicyFiles[0], PolicyFiles[1])
}

func firstWord(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			return s[:i]
		}
	}
	return s
}
