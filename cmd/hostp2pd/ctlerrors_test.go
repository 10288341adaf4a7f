package main

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/hostp2pd/hostp2pd/internal/ctl"
	"github.com/hostp2pd/hostp2pd/internal/status"
	"github.com/hostp2pd/hostp2pd/internal/status/statustest"
)

// The daemon's refusals reach the operator as the HTTP status of their
// kind (404 unknown phone, 409 wrong state, 503 wpa_supplicant away, 400
// bad request; never 500), and each subcommand prints the message and
// exits 1.
func TestSubcommands_DaemonErrorsPrintedExit1(t *testing.T) {
	for _, tc := range []struct {
		args []string
		err  error
		code int
		want string // stderr
	}{
		{[]string{"disconnect", "42:00:00:00:09:00"}, status.Errorf(status.ErrNotFound, "no client 42:00:00:00:09:00"), 404,
			"hostp2pd: disconnect: ctl: no client 42:00:00:00:09:00\n"},
		{[]string{"disconnect", "42:00:00:00:09:00"}, status.Errorf(status.ErrConflict, "no group is running"), 409,
			"hostp2pd: disconnect: ctl: no group is running\n"},
		{[]string{"pin", "12345670"}, status.Errorf(status.ErrConflict, "several phones wait for a PIN; name the peer"), 409,
			"hostp2pd: pin: ctl: several phones wait for a PIN; name the peer\n"},
		{[]string{"pin", "12345670"}, status.Errorf(status.ErrNotFound, "no phone is waiting for a PIN"), 404,
			"hostp2pd: pin: ctl: no phone is waiting for a PIN\n"},
		{[]string{"forget", "42:00:00:00:09:00"}, status.Errorf(status.ErrNotRunning, "wpa_supplicant is not connected"), 503,
			"hostp2pd: forget: ctl: wpa_supplicant is not connected\n"},
		{[]string{"reload"}, status.Errorf(status.ErrNotRunning, "daemon: not running"), 503,
			"hostp2pd: reload: ctl: daemon: not running\n"},
		{[]string{"forget", "ff:ff:ff:ff:ff:ff"}, status.Errorf(status.ErrInvalid, "ff:ff:ff:ff:ff:ff is not a phone's address"), 400,
			"hostp2pd: forget: ctl: ff:ff:ff:ff:ff:ff is not a phone's address\n"},
	} {
		t.Run(tc.args[0]+" "+tc.want, func(t *testing.T) {
			f := &statustest.Controller{Err: tc.err}
			path := serveController(t, f)
			var out, errb bytes.Buffer
			code := run(append(tc.args, "--socket", path), sys{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }})
			if code != exitFailure || errb.String() != tc.want || out.Len() != 0 {
				t.Errorf("exit %d, stderr %q, stdout %q; want exit 1, stderr %q", code, errb.String(), out.String(), tc.want)
			}
			if len(f.Calls()) != 1 {
				t.Errorf("calls %q, want the one request", f.Calls())
			}
			// The status the CLI got.
			c := ctl.NewClient(path)
			defer c.Close()
			var ae *ctl.APIError
			if err := c.Forget(context.Background(), "42:00:00:00:09:00"); !errors.As(err, &ae) || ae.Code != tc.code {
				t.Errorf("API answer %v, want %d", err, tc.code)
			}
		})
	}
}
