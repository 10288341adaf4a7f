package doctor

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/wpactrl"
	"github.com/hostp2pd/hostp2pd/wpactrl/wpatest"
)

func TestCheck_AgainstFakeSupplicant(t *testing.T) {
	dir := t.TempDir()
	srv, err := wpatest.NewServer(dir, "p2p-dev-wlan0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	srv.SetVar("config_methods", "keypad")
	srv.SetVar("persistent_reconnect", "0")
	srv.SetVar("device_name", "kiosk")
	ctx := context.Background()
	conn, err := wpactrl.Dial(ctx, filepath.Join(dir, "p2p-dev-wlan0"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	cfg := config.Default() // persistent mode: persistent_reconnect is required
	cfg.CtrlInterface = dir
	env := Env{Request: conn.Request, Euid: 0, Writable: func(string) bool { return true },
		IwPhy: func() string {
			return "Supported interface modes:\n\t * managed\n\t * AP\n\t * P2P-client\n\t * P2P-GO\n"
		}}
	fs := Check(ctx, cfg, "p2p-dev-wlan0", env, nil)
	var buf bytes.Buffer
	if Report(&buf, fs) {
		t.Errorf("report passed although persistent_reconnect=0 in persistent mode:\n%s", buf.String())
	}
	out := buf.String()
	for _, want := range []string{"FAIL  persistent_reconnect", "ok    control socket", "ok    config_methods         keypad", "warn  country", "ok    radio"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in report:\n%s", want, out)
		}
	}
}

func TestCheck_NoSupplicant(t *testing.T) {
	cfg := config.Default()
	fs := Check(context.Background(), cfg, "p2p-dev-wlan0", Env{Euid: 1000}, errors.New("connect: no such file or directory"))
	var buf bytes.Buffer
	if Report(&buf, fs) {
		t.Fatal("passed without a supplicant")
	}
	if !strings.Contains(buf.String(), "is wpa_supplicant running") || !strings.Contains(buf.String(), "CAP_NET_ADMIN") {
		t.Errorf("no useful hints:\n%s", buf.String())
	}
}
