package ctl_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hostp2pd/hostp2pd/internal/ctl"
	"github.com/hostp2pd/hostp2pd/internal/status/statustest"
)

// FuzzHandler_RequestDecoding: any body on any POST route gives a JSON answer
// with 200 or a 4xx, never a panic or a 5xx (the fake never fails).
func FuzzHandler_RequestDecoding(f *testing.F) {
	for _, s := range []string{`{"peer":"42:00:00:00:01:00","pin":"12345670"}`, `{"peer":""}`,
		`{"path":"reset"}`, `{"cmd":"p2p_find"}`, `{`, `[]`, `null`, `{"cmd":"a"} x`, "\x00"} {
		f.Add(uint8(0), s)
	}
	routes := []string{"/v1/pin", "/v1/disconnect", "/v1/reload", "/v1/wpa"}
	h := ctl.Handler(&statustest.Controller{}, nil)
	f.Fuzz(func(t *testing.T, r uint8, body string) {
		route := routes[int(r)%len(routes)]
		req := httptest.NewRequest(http.MethodPost, route, strings.NewReader(body))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 && (w.Code < 400 || w.Code >= 500) {
			t.Fatalf("%s %q: code %d", route, body, w.Code)
		}
		if !json.Valid(w.Body.Bytes()) {
			t.Fatalf("%s %q: answer is not JSON: %q", route, body, w.Body.String())
		}
	})
}
