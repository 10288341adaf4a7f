package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/services"
)

// configKeys lists every YAML key of Config with its field value in c,
// nested keys as "dhcp.subnet".
func configKeys(c *Config) map[string]reflect.Value {
	out := map[string]reflect.Value{}
	var walk func(v reflect.Value, prefix string)
	walk = func(v reflect.Value, prefix string) {
		t := v.Type()
		for i := range t.NumField() {
			name := yamlName(t.Field(i))
			if name == "" {
				continue
			}
			if f := v.Field(i); f.Kind() == reflect.Struct {
				walk(f, prefix+name+".")
			} else {
				out[prefix+name] = f
			}
		}
	}
	walk(reflect.ValueOf(c).Elem(), "")
	return out
}

// docDefaults reads the key tables of docs/config.md: key → default cell.
func docDefaults(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "config.md"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	_, text, _ := strings.Cut(string(b), "\n## Keys\n")
	text, _, _ = strings.Cut(text, "\n## ")
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(line, " | ")
		if len(cells) < 4 {
			continue
		}
		key := strings.TrimPrefix(cells[0], "| ")
		key, _, _ = strings.Cut(key, " ") // "`pin` (also `password`)"
		out[strings.Trim(key, "`")] = cells[2]
	}
	return out
}

// docDefaultExceptions are defaults that docs/config.md states in words.
var docDefaultExceptions = map[string]string{
	"find_interval_secs": "`select_timeout_secs.normal`",
	"force_logging":      "null",   // "" is unset
	"wps_method":         "`auto`", // "" is auto
	"dhcp.range_from":    "`.2` of the subnet",
	"dhcp.range_to":      "`.254` of the subnet",
}

// renderDefault writes a default value as docs/config.md does.
func renderDefault(v reflect.Value) string {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return "null"
		}
		return renderDefault(v.Elem())
	case reflect.Slice:
		if v.Len() == 0 {
			return "[]"
		}
	case reflect.Map:
		if v.Len() == 0 {
			return "{}"
		}
	case reflect.Bool:
		return "`" + strconv.FormatBool(v.Bool()) + "`"
	case reflect.Int:
		return strconv.Itoa(int(v.Int()))
	case reflect.String:
		if v.String() == "" {
			return `""`
		}
		return "`" + v.String() + "`"
	}
	return fmt.Sprint(v.Interface())
}

// TestConfig_EveryFieldHasKeyDefaultDocAndDeepClone is the reflection
// check of issue 16: every field of Config is a key the parser accepts,
// has a line in docs/config.md whose default is the one Default returns,
// and is copied deeply by Clone.
func TestConfig_EveryFieldHasKeyDefaultDocAndDeepClone(t *testing.T) {
	t.Parallel()
	docs := docDefaults(t)
	keys := configKeys(Default())
	if len(keys) < 40 {
		t.Fatalf("only %d keys found; the walk is broken", len(keys))
	}
	for key, v := range keys {
		table, name := keyTable, key
		if s, rest, ok := strings.Cut(key, "."); ok {
			name = rest
			switch s {
			case "select_timeout_secs":
				table = timeoutKeys
			case "dhcp":
				table = dhcpKeys
			default:
				t.Errorf("%s: unknown section", key)
				continue
			}
		}
		if def := lookup(table, name); def == nil || def.set == nil {
			t.Errorf("%s: no key in the parser's table", key)
		}
		cell, ok := docs[key]
		if !ok {
			t.Errorf("%s: no line in docs/config.md", key)
			continue
		}
		want := renderDefault(v)
		if e, ok := docDefaultExceptions[key]; ok {
			want = e
		}
		if got := strings.ReplaceAll(cell, "`\"", "`"); got != want && strings.ReplaceAll(got, "\"`", "`") != want {
			t.Errorf("%s: docs/config.md says default %s, Default() has %s", key, cell, want)
		}
	}
	// Every documented key that is not a field must be an accepted key
	// without effect (p2p_client, pin_module).
	for key := range docs {
		if _, ok := keys[key]; ok {
			continue
		}
		if def := lookup(keyTable, key); def == nil || def.noEffect == "" {
			t.Errorf("docs/config.md documents %s, which is not a Config field", key)
		}
	}

	orig, ref := filled(), filled()
	clone := orig.Clone()
	if !reflect.DeepEqual(orig, clone) {
		t.Fatal("Clone differs from the original")
	}
	mutate(reflect.ValueOf(clone).Elem())
	if !reflect.DeepEqual(orig, ref) {
		t.Errorf("mutating the clone changed the original:\n%+v\nwant\n%+v", orig, ref)
	}
	if reflect.DeepEqual(orig, clone) {
		t.Error("mutate changed nothing; the test is broken")
	}
}

// filled returns a Config with every field set to a non-zero value.
func filled() *Config {
	c := &Config{}
	var fill func(v reflect.Value)
	fill = func(v reflect.Value) {
		for i := range v.NumField() {
			f := v.Field(i)
			switch f.Kind() {
			case reflect.String:
				f.SetString("s" + strconv.Itoa(i))
			case reflect.Int:
				f.SetInt(int64(i + 1))
			case reflect.Uint8:
				f.SetUint(uint64(i%3 + 1))
			case reflect.Bool:
				f.SetBool(true)
			case reflect.Pointer:
				p := reflect.New(f.Type().Elem())
				switch p.Elem().Kind() {
				case reflect.Bool:
					p.Elem().SetBool(true)
				case reflect.Int:
					p.Elem().SetInt(3)
				}
				f.Set(p)
			case reflect.Slice:
				if f.Type() == reflect.TypeFor[[]services.Service]() {
					f.Set(reflect.ValueOf([]services.Service{{DNSSD: &services.DNSSD{Instance: "K", Type: "_a._tcp", Port: 1, TXT: []string{"a"}}}, {UPnP: "upnp:rootdevice"}}))
					break
				}
				f.Set(reflect.ValueOf([]string{"a", "b"}))
			case reflect.Map:
				f.Set(reflect.ValueOf(map[string]string{"k": "v"}))
			case reflect.Struct:
				fill(f)
			default:
				panic("filled: unhandled kind " + f.Kind().String())
			}
		}
	}
	fill(reflect.ValueOf(c).Elem())
	return c
}

// mutate changes everything reachable from v in place.
func mutate(v reflect.Value) {
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.Pointer:
			switch e := f.Elem(); e.Kind() {
			case reflect.Bool:
				e.SetBool(!e.Bool())
			case reflect.Int:
				e.SetInt(e.Int() + 100)
			}
		case reflect.Slice:
			for j := range f.Len() {
				if e := f.Index(j); e.Kind() == reflect.Struct {
					if d := e.FieldByName("DNSSD"); !d.IsNil() {
						d.Elem().FieldByName("Instance").SetString("changed")
						d.Elem().FieldByName("TXT").Index(0).SetString("changed")
					}
					e.FieldByName("UPnP").SetString("changed")
					continue
				}
				f.Index(j).SetString("changed")
			}
		case reflect.Map:
			for _, k := range f.MapKeys() {
				f.SetMapIndex(k, reflect.ValueOf("changed"))
			}
			f.SetMapIndex(reflect.ValueOf("new"), reflect.ValueOf("x"))
		case reflect.Struct:
			mutate(f)
		case reflect.String:
			f.SetString("changed")
		}
	}
}

// TestParse_KeysWithoutEffectWarnOnce: each hostp2pd key this daemon does
// not use gives exactly one "accepted, has no effect" warning at its line.
func TestParse_KeysWithoutEffectWarnOnce(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ src, key string }{
		{"max_num_wpa_cli_failures: 9", "max_num_wpa_cli_failures"},
		{"wpa_supplicant_min_err_warn: 0", "wpa_supplicant_min_err_warn"},
		{"p2p_client: wpa_cli", "p2p_client"},
		{"pin_module: pin.py", "pin_module"},
		{"select_timeout_secs:\n  enroller: 600", "select_timeout_secs.enroller"},
		{"select_timeout_secs:\n  connect: 90", "select_timeout_secs.connect"},
	} {
		_, w := mustParse(t, "# x\n"+tt.src+"\n")
		var got []string
		for _, x := range w {
			if x.Key == tt.key {
				got = append(got, x.String())
			}
		}
		if len(got) != 1 || len(w) != 1 {
			t.Errorf("%q: warnings %v, want one for %s", tt.src, warningStrings(w), tt.key)
			continue
		}
		if !strings.HasPrefix(got[0], "t.yaml:") || !strings.Contains(got[0], ": "+tt.key+": accepted, has no effect: ") {
			t.Errorf("%q: warning %q lacks the form file:line: key: accepted, has no effect: reason", tt.src, got[0])
		}
	}
	// The keys that do something give no such warning.
	_, w := mustParse(t, "min_conn_delay: 40\nmax_num_failures: 3\nmax_scan_polling: 2\nselect_timeout_secs: {normal: 10, long: 600}\n")
	if len(w) != 0 {
		t.Errorf("effective keys warned: %v", warningStrings(w))
	}
}

// TestProbeLoad_FIFOIsRefusedAtOnce: a FIFO given as -c used to block
// forever (and with it SIGTERM handling); it is refused at once (21 R7).
func TestProbeLoad_FIFOIsRefusedAtOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "cfg.fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("mkfifo:", err)
	}
	for _, tt := range []struct{ path, want string }{
		{fifo, "cfg.fifo: is a FIFO, not a regular file"},
		{dir, "is a directory, not a regular file"},
		{"/dev/zero", "/dev/zero: is a device, not a regular file"},
	} {
		done := make(chan error, 1)
		go func() { _, _, err := Load(tt.path); done <- err }()
		select {
		case err := <-done:
			var ce *Error
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load(%s) = %v, want a config error saying %q", tt.path, err, tt.want)
			}
		case <-time.After(3 * time.Second):
			t.Fatalf("Load(%s) blocked", tt.path)
		}
	}
}

// TestProbeWarning_ControlBytesEscaped: an unknown key with ESC/BEL in it
// is printed escaped, never raw (issue 21, low).
func TestProbeWarning_ControlBytesEscaped(t *testing.T) {
	t.Parallel()
	_, w := mustParse(t, "\"evil\\e[2J\\a\": 1\n\"caf\\xe9\\u0085\": 2\n")
	got := warningStrings(w)
	want := []string{
		`t.yaml:1: "evil\x1b[2J\a": unknown key, ignored`,
		`t.yaml:2: "café\u0085": unknown key, ignored`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, s := range got {
		for _, r := range s {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				t.Errorf("warning %q holds control character %U", s, r)
			}
		}
	}
	if got := escape("a\x1bb\xffc"); got != `a\x1bb\xffc` {
		t.Errorf("escape = %q", got)
	}
}

// TestProbeCheckInterface: -i and interface: take only Linux interface
// names, so the pidfile and socket stay in the run directory (21 S7).
func TestProbeCheckInterface(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		ok   bool
	}{
		{"p2p-dev-wlan0", true},
		{"auto", true},
		{"wlan0", true},
		{"p2p-dev-wlp2s01", true}, // 15 bytes
		{"p2p-dev-wlp2s0123", false},
		{"../../x", false},
		{"..", false},
		{".", false},
		{"a/b", false},
		{"wlan0:1", false},
		{"wlan 0", false},
		{"", false},
		{"x\x1b[2J", false},
		{"x\u0085", false},
	} {
		err := CheckInterface(tt.name)
		if (err == nil) != tt.ok {
			t.Errorf("CheckInterface(%q) = %v, want ok=%v", tt.name, err, tt.ok)
		}
		if err != nil && strings.ContainsAny(err.Error(), "\x1b\u0085") {
			t.Errorf("CheckInterface(%q) error holds raw control bytes: %q", tt.name, err)
		}
	}
}

// TestParse_SubnetPrefixRuleMatchesTheServer: /16–/30 are accepted (the
// DHCP server serves them), /8–/15 are refused at load time instead of
// failing at group-up (21 R6).
func TestParse_SubnetPrefixRuleMatchesTheServer(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		subnet string
		ok     bool
	}{
		{"10.0.0.1/8", false},
		{"172.16.0.1/15", false},
		{"172.16.0.1/16", true},
		{"192.168.49.1/24", true},
		{"192.168.49.1/30", true},
		{"192.168.49.1/31", false},
	} {
		_, _, err := Parse("t.yaml", []byte("dhcp: {subnet: "+tt.subnet+"}\n"))
		if (err == nil) != tt.ok {
			t.Errorf("subnet %s: err = %v, want ok=%v", tt.subnet, err, tt.ok)
		}
	}
}

// TestParse_MaxNegotiationTimeFloorIsValidation: the session used to raise
// any max_negotiation_time below 10 s silently; the floor is now a
// validation error, and the session uses the value as it is.
func TestParse_MaxNegotiationTimeFloorIsValidation(t *testing.T) {
	t.Parallel()
	_, _, err := Parse("t.yaml", []byte("max_negotiation_time: 5\n"))
	if err == nil || err.Error() != "t.yaml:1: max_negotiation_time: must be at least 10" {
		t.Errorf("err = %v", err)
	}
	c, _ := mustParse(t, "max_negotiation_time: 10\n")
	if c.MaxNegotiationTime != 10 {
		t.Errorf("MaxNegotiationTime = %d", c.MaxNegotiationTime)
	}
}
