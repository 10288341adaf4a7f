package hostp2pd_test

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hostp2pd/hostp2pd"
	"github.com/hostp2pd/hostp2pd/wpactrl/wpatest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestAPI_NoInternalTypeInExportedSignatures parses the package and fails
// on any exported function, method, type or field whose type names an
// internal package (an alias of an internal type counts: it leaks too).
func TestAPI_NoInternalTypeInExportedSignatures(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		t.Fatal("no source files")
	}
	n := 0
	for _, f := range files {
		internal := map[string]bool{}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if strings.Contains(path, "/internal/") {
				local := filepath.Base(path)
				if imp.Name != nil {
					local = imp.Name.Name
				}
				internal[local] = true
			}
		}
		leaks := func(what string, expr ast.Node) {
			n++
			ast.Inspect(expr, func(x ast.Node) bool {
				if sel, ok := x.(*ast.SelectorExpr); ok {
					if id, ok := sel.X.(*ast.Ident); ok && internal[id.Name] {
						t.Errorf("%s: %s uses %s.%s", fset.Position(sel.Pos()), what, id.Name, sel.Sel.Name)
					}
				}
				return true
			})
		}
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if !d.Name.IsExported() {
					continue
				}
				if d.Recv != nil {
					recv := d.Recv.List[0].Type
					if s, ok := recv.(*ast.StarExpr); ok {
						recv = s.X
					}
					if id, ok := recv.(*ast.Ident); ok && !id.IsExported() {
						continue
					}
				}
				leaks(d.Name.Name, d.Type)
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					ts, ok := spec.(*ast.TypeSpec)
					if !ok || !ts.Name.IsExported() {
						continue
					}
					st, isStruct := ts.Type.(*ast.StructType)
					if !isStruct || ts.Assign != 0 {
						leaks("type "+ts.Name.Name, ts.Type)
						continue
					}
					for _, fld := range st.Fields.List {
						for _, fn := range fld.Names {
							if fn.IsExported() {
								leaks(ts.Name.Name+"."+fn.Name, fld.Type)
							}
						}
					}
				}
			}
		}
	}
	if n < 20 {
		t.Fatalf("only %d exported names checked; the walk is broken", n)
	}
}

// TestNew_Validates: New used to accept any Config, although its doc said
// it validated.
func TestNew_Validates(t *testing.T) {
	t.Parallel()
	cfg := hostp2pd.DefaultConfig()
	cfg.SetPIN("12")
	cfg.SetInterface("../x")
	_, err := hostp2pd.New(cfg)
	errs := hostp2pd.ConfigErrors(err)
	var keys []string
	for _, e := range errs {
		keys = append(keys, e.Key)
	}
	slices.Sort(keys)
	if strings.Join(keys, " ") != "interface pin" {
		t.Fatalf("New = %v; want errors for interface and pin, got keys %q", err, keys)
	}
	var ce *hostp2pd.ConfigError
	if !errors.As(err, &ce) {
		t.Errorf("errors.As(*ConfigError) fails on %v", err)
	}
	if _, err := hostp2pd.New(nil); err == nil {
		t.Error("New(nil) succeeded")
	}
}

// TestLoadConfig_ExportedErrorsAndWarnings: a file's problems come back as
// *ConfigError with file, line and key, warnings as Warning.
func TestLoadConfig_ExportedErrorsAndWarnings(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "h.yaml")
	if err := os.WriteFile(path, []byte("pin: \"12345670\"\nbogus_key: 1\ndhcp: {subnet: 10.0.0.1/8}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, ws, err := hostp2pd.LoadConfig(path)
	errs := hostp2pd.ConfigErrors(err)
	if len(errs) != 1 || errs[0].Line != 3 || errs[0].Key != "dhcp.subnet" || errs[0].File != path {
		t.Errorf("errors = %v", err)
	}
	if len(ws) != 1 || ws[0].Line != 2 || ws[0].Key != "bogus_key" || !strings.HasPrefix(ws[0].String(), path+":2: bogus_key: unknown key") {
		t.Errorf("warnings = %v", ws)
	}
	if _, _, err := hostp2pd.LoadConfig(filepath.Join(t.TempDir(), "none.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	cfg := hostp2pd.DefaultConfig()
	if err := cfg.Validate(); err != nil || cfg.Mode() != "persistent" || cfg.Interface() != "auto" {
		t.Errorf("DefaultConfig: %v, mode %q, interface %q", err, cfg.Mode(), cfg.Interface())
	}
}

// TestReload_DoesNotChangeTheCallersConfig: the daemon keeps its interface
// on reload; it used to write that into the caller's Config.
func TestReload_DoesNotChangeTheCallersConfig(t *testing.T) {
	t.Parallel()
	wpa := filepath.Join(t.TempDir(), "wpa")
	sup, err := wpatest.NewServer(wpa)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = sup.Close() }()
	cfg, _, err := hostp2pd.ParseConfig("a.yaml", []byte("activate_autonomous_group: true\ndhcp: false\ninterface: p2p-dev-wlan0\n"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.SetCtrlInterface(wpa)
	d, err := hostp2pd.New(cfg, hostp2pd.WithoutIPService())
	if err != nil {
		t.Fatal(err)
	}
	// Changing the caller's Config after New does not reach the daemon.
	cfg.SetInterface("p2p-dev-other")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	defer func() { cancel(); <-done }()
	for deadline := time.Now().Add(10 * time.Second); d.Stats().Group == nil; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no group")
		}
	}
	if got := d.Stats().Interface; got != "p2p-dev-wlan0" {
		t.Errorf("running on %q after the caller changed its Config", got)
	}
	next := cfg.Clone()
	before := next.YAML()
	if err := d.Reload(next); err != nil {
		t.Fatal(err)
	}
	if next.Interface() != "p2p-dev-other" || next.YAML() != before {
		t.Errorf("Reload changed the caller's Config: interface %q", next.Interface())
	}
	if got := d.Stats().Interface; got != "p2p-dev-wlan0" {
		t.Errorf("interface after reload %q", got)
	}
	bad := cfg.Clone()
	bad.SetPIN("1")
	if err := d.Reload(bad); len(hostp2pd.ConfigErrors(err)) != 1 {
		t.Errorf("Reload(bad pin) = %v", err)
	}
}
