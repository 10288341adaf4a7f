package hostp2pd_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// allowedModules is the reviewed set of modules compiled into the binary
// (../shared/reference/go-dependencies.md §2 and what they pull in). Adding
// a dependency is a visible one-line change here.
var allowedModules = []string{
	"github.com/VictoriaMetrics/metrics", // /metrics
	"github.com/coreos/go-systemd/v22",   // sd_notify
	"github.com/godbus/dbus/v5",          // wpa_supplicant's D-Bus interface (internal/wpadbus; doctor)
	"github.com/hostp2pd/hostp2pd",
	"github.com/insomniacslk/dhcp", // DHCPv4 wire format
	// QR join code (internal/joincode): no dependencies of its own,
	// maintained, no init-time tables beyond a few kB (piglig/go-qr
	// dirtied a 512 kB Kanji table in every process); rsc.io/qr and
	// skip2/go-qrcode are frozen since 2018/2020, yeqown/go-qrcode/v2
	// pulls reedsolomon (2018) and x/text.
	"github.com/boombuler/barcode",
	// DNS wire format of the P2P service discovery records and the mDNS
	// responder (internal/services, internal/mdns): maintained since 2010,
	// what CoreDNS uses; hashicorp/mdns answers on every interface.
	"github.com/miekg/dns",
	"golang.org/x/net",             // ← miekg/dns; ipv4 multicast options of the mDNS socket
	"github.com/josharian/native",  // ← insomniacslk/dhcp
	"github.com/pierrec/lz4/v4",    // ← u-root/uio
	"github.com/spf13/pflag",       // command line
	"github.com/u-root/uio",        // ← insomniacslk/dhcp
	"github.com/valyala/fastrand",  // ← VictoriaMetrics/metrics
	"github.com/valyala/histogram", // ← VictoriaMetrics/metrics
	"github.com/vishvananda/netlink",
	"github.com/vishvananda/netns",
	"go.yaml.in/yaml/v3",
	"golang.org/x/sys",
	"golang.org/x/term",
	"gopkg.in/natefinch/lumberjack.v2",
}

func TestDependenciesAreReviewed(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool")
	}
	out, err := exec.Command(goTool, "list", "-deps", "-f", "{{with .Module}}{{.Path}}{{end}}", "./cmd/hostp2pd").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, m := range strings.Fields(string(out)) {
		if !slices.Contains(allowedModules, m) {
			t.Errorf("module %s is compiled into hostp2pd but not in the reviewed list (deps_test.go)", m)
		}
	}
}
