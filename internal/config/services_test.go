package config

import (
	"strings"
	"testing"

	"github.com/hostp2pd/hostp2pd/internal/services"
)

func TestParse_Services(t *testing.T) {
	t.Parallel()
	c, w := mustParse(t, `services:
  - dns_sd: {instance: "Kiosk", type: "_http._tcp", port: 80, txt: ["path=/"]}
  - upnp: "urn:schemas-upnp-org:service:ContentDirectory:1"
`)
	if len(w) != 0 {
		t.Errorf("warnings: %v", warningStrings(w))
	}
	want := []services.Service{
		{DNSSD: &services.DNSSD{Instance: "Kiosk", Type: "_http._tcp", Port: 80, TXT: []string{"path=/"}}},
		{UPnP: "urn:schemas-upnp-org:service:ContentDirectory:1"},
	}
	if !services.Equal(c.Services, want) {
		t.Errorf("services = %+v", c.Services)
	}
	// The effective configuration parses back to the same services.
	back, _ := mustParse(t, c.yamlText(false))
	if !services.Equal(back.Services, want) {
		t.Errorf("YAML round trip: %+v\n%s", back.Services, c.yamlText(false))
	}
}

func TestParse_ServicesErrorsAtTheirLine(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 256)
	for _, tt := range []struct{ src, want string }{
		{"services:\n  - dns_sd:\n      instance: \"Kiosk.main\"\n      type: _http._tcp\n      port: 80\n",
			"t.yaml:3: services.dns_sd.instance: item 1: \"Kiosk.main\" is not a valid DNS label"},
		{"services:\n  - dns_sd:\n      instance: Kiosk\n      type: http.tcp\n      port: 80\n",
			"t.yaml:4: services.dns_sd.type: item 1: \"http.tcp\" is not a service type"},
		{"services:\n  - dns_sd:\n      instance: Kiosk\n      type: _http._tcp\n      port: 70000\n",
			"t.yaml:5: services.dns_sd.port: item 1: 70000 is not a port"},
		{"services:\n  - upnp: urn:x:service:A:1\n  - dns_sd:\n      instance: Kiosk\n      type: _http._tcp\n      port: 80\n      txt:\n        - ok=1\n        - " + long + "\n",
			"t.yaml:9: services.dns_sd.txt: item 2: "},
		{"services:\n  - dns_sd:\n      instance: Kiosk\n      type: _http._tcp\n",
			"t.yaml:3: services.dns_sd.port: item 1: missing"},
		{"services:\n  - upnp: ContentDirectory\n", "t.yaml:2: services.upnp: item 1: \"ContentDirectory\" is not a UPnP service"},
		{"services:\n  - bonjour: x\n", "t.yaml:2: services: item 1: unknown kind \"bonjour\""},
		{"services: Kiosk\n", "t.yaml:1: services: must be a list"},
	} {
		_, _, err := Parse("t.yaml", []byte(tt.src))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q:\n err = %v\nwant %q", tt.src, err, tt.want)
		}
	}
	// The total TXT size is bounded too.
	src := "services:\n  - dns_sd:\n      instance: K\n      type: _http._tcp\n      port: 80\n      txt:\n"
	for range 7 {
		src += "        - " + strings.Repeat("b", 200) + "\n"
	}
	if _, _, err := Parse("t.yaml", []byte(src)); err == nil || !strings.Contains(err.Error(), "t.yaml:7: services.dns_sd.txt: item 1: the TXT record is 1407 bytes") {
		t.Errorf("oversized TXT: %v", err)
	}
}

func TestValidate_ServicesInCode(t *testing.T) {
	t.Parallel()
	c := Default()
	c.Services = []services.Service{{DNSSD: &services.DNSSD{Instance: "K", Type: "_http", Port: 80}}}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "services: item 1: type:") {
		t.Errorf("Validate: %v", err)
	}
	c = Default()
	c.MDNSHost = "my host"
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "mdns_host") {
		t.Errorf("Validate mdns_host: %v", err)
	}
}
