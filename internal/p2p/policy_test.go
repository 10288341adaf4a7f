package p2p

import (
	"errors"
	"testing"
)

// The enrolment methods of wps_method: auto as docs/config.md states them:
// pbc_in_use true → pbc, false → keypad; null → what wpa_supplicant's
// config_methods offers (push button for *push_button, keypad for keypad or
// *display, both when both, keypad when neither or when GET fails).
func TestAutoMethodPolicy(t *testing.T) {
	for _, tc := range []struct {
		yml           string
		configMethods string // reply to GET config_methods; "FAIL" fails
		want          policy
	}{
		{"pbc_in_use: true", "keypad", policy{pbc: true}},
		{"pbc_in_use: false", "virtual_push_button", policy{keypad: true}},
		{"", "virtual_push_button", policy{pbc: true}},
		{"", "physical_push_button", policy{pbc: true}},
		{"", "keypad", policy{keypad: true}},
		{"", "virtual_display", policy{keypad: true}},
		{"", "virtual_push_button keypad display", policy{pbc: true, keypad: true}},
		{"", "label nfc_interface", policy{keypad: true}},
		{"", "", policy{keypad: true}},
		{"", "FAIL", policy{keypad: true}},
	} {
		s := New(cfgFor(t, "pin: \"12345670\"\n"+tc.yml), nil, nil)
		var gotGet bool
		for _, a := range s.Start(t0) {
			if c, ok := a.(Cmd); ok && c.Tag == TagConfigMethods {
				gotGet = true
				var err error
				if tc.configMethods == "FAIL" {
					err = errors.New("FAIL")
				}
				s.HandleReply(c, tc.configMethods+"\n", err, t0)
			}
		}
		if wantGet := tc.yml == ""; gotGet != wantGet {
			t.Errorf("%q: GET config_methods sent %v, want %v", tc.yml, gotGet, wantGet)
		}
		if !s.polKnown || s.pol != tc.want {
			t.Errorf("%q with config_methods %q: policy %+v (known %v), want %+v", tc.yml, tc.configMethods, s.pol, s.polKnown, tc.want)
		}
	}
}
