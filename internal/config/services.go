package config

import (
	"regexp"

	"go.yaml.in/yaml/v3"

	"github.com/hostp2pd/hostp2pd/internal/services"
)

// setServices reads the services: list. Each item is a mapping with one
// key, dns_sd (instance, type, port, txt) or upnp (a string); every
// problem is reported at the line of the value at fault.
func setServices(p *parser, c *Config, k keyRef, n *yaml.Node) {
	if isNull(n) {
		c.Services = nil
		return
	}
	if n.Kind != yaml.SequenceNode {
		p.errAt(n.Line, k.name, "must be a list of items like {dns_sd: {instance: Kiosk, type: _http._tcp, port: 80}} or {upnp: urn:…}, not %s", kindName(n))
		return
	}
	var out []services.Service
	var lines []int
	good := true
	bad := func(line int, key, format string, args ...any) {
		p.errAt(line, key, format, args...)
		good = false
	}
	for i, it := range n.Content {
		it = deref(it)
		item := keyRef{name: k.name, line: it.Line}
		if it.Kind != yaml.MappingNode || len(it.Content) != 2 {
			bad(it.Line, k.name, "item %d: must be a mapping with one key, dns_sd or upnp, not %s", i+1, nullOr(it))
			continue
		}
		kn, vn := deref(it.Content[0]), deref(it.Content[1])
		switch kn.Value {
		case "upnp":
			s, ok := p.text(keyRef{name: k.name + ".upnp", line: vn.Line}, vn, "a string")
			if !ok {
				good = false
				continue
			}
			if err := services.CheckUPnP(s); err != nil {
				bad(vn.Line, k.name+".upnp", "item %d: %v", i+1, err)
				continue
			}
			out = append(out, services.Service{UPnP: s})
			lines = append(lines, item.line)
		case "dns_sd":
			d, ok := p.dnssd(k.name+".dns_sd", i, vn)
			if !ok {
				good = false
				continue
			}
			out = append(out, services.Service{DNSSD: d})
			lines = append(lines, item.line)
		default:
			bad(kn.Line, k.name, "item %d: unknown kind %s; use dns_sd or upnp", i+1, short(kn.Value))
		}
	}
	if good {
		c.Services = out
		p.items[k.canon] = lines
	} else {
		p.bad[k.canon] = true
	}
}

func (p *parser) dnssd(key string, i int, n *yaml.Node) (*services.DNSSD, bool) {
	if n.Kind != yaml.MappingNode {
		p.errAt(n.Line, key, "item %d: must be a mapping (instance, type, port, txt), not %s", i+1, nullOr(n))
		return nil, false
	}
	d := &services.DNSSD{}
	good := true
	bad := func(line int, sub, format string, args ...any) {
		p.errAt(line, key+"."+sub, "item %d: "+format, append([]any{i + 1}, args...)...)
		good = false
	}
	seen := map[string]bool{}
	for j := 0; j+1 < len(n.Content); j += 2 {
		kn, vn := deref(n.Content[j]), deref(n.Content[j+1])
		sub := keyRef{name: key + "." + kn.Value, line: vn.Line}
		if seen[kn.Value] {
			bad(kn.Line, kn.Value, "set twice")
			continue
		}
		seen[kn.Value] = true
		switch kn.Value {
		case "instance":
			if s, ok := p.text(sub, vn, "a string"); !ok {
				good = false
			} else if err := services.CheckInstance(s); err != nil {
				bad(vn.Line, kn.Value, "%v", err)
			} else {
				d.Instance = s
			}
		case "type":
			if s, ok := p.text(sub, vn, "a string"); !ok {
				good = false
			} else if err := services.CheckType(s); err != nil {
				bad(vn.Line, kn.Value, "%v", err)
			} else {
				d.Type = s
			}
		case "port":
			if v, ok := p.integer(sub, vn); !ok {
				good = false
			} else if err := services.CheckPort(v); err != nil {
				bad(vn.Line, kn.Value, "%v", err)
			} else {
				d.Port = v
			}
		case "txt":
			items := []*yaml.Node{vn}
			if vn.Kind == yaml.SequenceNode {
				items = vn.Content
			}
			for _, t := range items {
				t = deref(t)
				s, ok := p.text(keyRef{name: sub.name, line: t.Line}, t, "a string")
				if !ok {
					good = false
					continue
				}
				d.TXT = append(d.TXT, s)
				if at, err := services.CheckTXT([]string{s}); err != nil && at >= 0 {
					bad(t.Line, kn.Value, "%s: %v", short(s), err)
				}
			}
			if _, err := services.CheckTXT(d.TXT); good && err != nil {
				bad(vn.Line, kn.Value, "%v", err)
			}
		default:
			bad(kn.Line, kn.Value, "unknown key; dns_sd takes instance, type, port and txt")
		}
	}
	for _, need := range []string{"instance", "type", "port"} {
		if !seen[need] {
			bad(n.Line, need, "missing")
		}
	}
	return d, good
}

// checkServices checks services built in code (a parsed file was checked
// item by item already).
func (v *checker) checkServices(c *Config) {
	for i, s := range c.Services {
		if err := s.Check(); err != nil {
			v.itemErrf("services", i, "item %d: %v", i+1, err)
		}
	}
	if c.MDNSHost != Off {
		if err := services.CheckInstance(c.MDNSHost); err != nil || !hostLabelRE.MatchString(c.MDNSHost) {
			v.errf("mdns_host", "%s is not a host name label (letters, digits, hyphens; at most 63) or off", short(c.MDNSHost))
		}
	}
}

var hostLabelRE = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)
