package wpaevent

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzParse: Parse never panics, and for every known kind
// Parse(e.String()) gives e back (Raw, Level and Iface aside). The checked-in
// corpus in testdata/fuzz/FuzzParse holds the trace datagrams (see
// TestWriteFuzzSeeds) and any crasher found so far.
func FuzzParse(f *testing.F) {
	for _, tt := range syntheticCases {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, datagram string) {
		e := Parse(datagram)
		_ = e.Datagram()
		if e.Kind == Unknown {
			if e.String() != e.Raw {
				t.Fatalf("String() of Unknown = %q, want Raw %q", e.String(), e.Raw)
			}
			return
		}
		s := e.String()
		got := Parse(s)
		got.Raw, got.Level, got.Iface = e.Raw, e.Level, e.Iface
		if diff := cmp.Diff(e, got); diff != "" {
			t.Fatalf("Parse(%q).String() = %q does not round-trip (-want +got):\n%s", datagram, s, diff)
		}
		// Formatting is a fixed point: a second round prints the same text.
		if s2 := got.String(); s2 != s {
			t.Fatalf("String() not stable: %q then %q", s, s2)
		}
	})
}

// FuzzReplies: the reply parsers never panic, whatever the reply.
func FuzzReplies(f *testing.F) {
	for _, r := range loadTraces(f) {
		if r.Kind == recReply {
			f.Add(r.Data)
		}
	}
	f.Add("network id / ssid / bssid / flags\n0\t\\x\tany\t[CURRENT\n1")
	f.Add("42:00:00:00:01:00\ndevice_name=a\nconfig_methods=0x1\np2p_device_name=")
	f.Fuzz(func(t *testing.T, reply string) {
		_, _ = ParseListNetworks(reply)
		_ = ParseInterfaces(reply)
		_ = ParseKV(reply)
		_, _ = ParsePeer(reply)
		_, _ = ParseSta(reply)
		_ = ParseStatus(reply)
		_, _ = ParseGetNetwork(reply)
		if got := UnescapeSSID(EscapeSSID(reply)); got != reply {
			t.Fatalf("UnescapeSSID(EscapeSSID(%q)) = %q", reply, got)
		}
		_ = EscapeSSID(UnescapeSSID(reply))
	})
}

// TestWriteFuzzSeeds regenerates testdata/fuzz/FuzzParse/trace-* from the
// distinct event datagrams of the traces. It only runs on request:
//
//	WPAEVENT_WRITE_SEEDS=1 go test -run TestWriteFuzzSeeds ./wpaevent/
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("WPAEVENT_WRITE_SEEDS") == "" {
		t.Skip("set WPAEVENT_WRITE_SEEDS=1 to rewrite the FuzzParse seed corpus")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzParse")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	n := 0
	for _, r := range traceEvents(t) {
		if seen[r.Data] {
			continue
		}
		seen[r.Data] = true
		sum := sha256.Sum256([]byte(r.Data))
		name := filepath.Join(dir, "trace-"+hex.EncodeToString(sum[:8]))
		body := "go test fuzz v1\nstring(" + strconv.Quote(r.Data) + ")\n"
		if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		n++
	}
	t.Logf("wrote %d seeds to %s", n, dir)
}

// TestFuzzSeedCorpus makes sure the checked-in corpus exists and is big
// enough; `go test` itself runs every file in it through FuzzParse.
func TestFuzzSeedCorpus(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzParse", "*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 50 {
		t.Errorf("FuzzParse seed corpus has %d files, want at least 50", len(files))
	}
}
