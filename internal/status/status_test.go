package status_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/hostp2pd/hostp2pd/internal/status"
)

func TestErrorf_MatchesItsKindAndKeepsItsMessage(t *testing.T) {
	t.Parallel()
	cause := errors.New("cause")
	err := fmt.Errorf("disconnect: %w", status.Errorf(status.ErrNotFound, "no client %s: %w", "42:00:00:00:01:00", cause))
	if !errors.Is(err, status.ErrNotFound) || !errors.Is(err, cause) {
		t.Errorf("errors.Is lost the kind or the cause: %v", err)
	}
	for _, other := range []error{status.ErrInvalid, status.ErrConflict, status.ErrNotRunning} {
		if errors.Is(err, other) {
			t.Errorf("%v matches %v too", err, other)
		}
	}
	if got, want := err.Error(), "disconnect: no client 42:00:00:00:01:00: cause"; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
}

func TestValidPIN(t *testing.T) {
	t.Parallel()
	for pin, want := range map[string]bool{"1234": true, "12345670": true, "": false, "123": false,
		"12345": false, "1234567a": false, "١٢٣٤": false, "123456789": false} {
		if got := status.ValidPIN(pin); got != want {
			t.Errorf("ValidPIN(%q) = %v, want %v", pin, got, want)
		}
	}
}
