package config

import (
	"bytes"
	"fmt"
	"os"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// mask replaces secrets in the YAML output.
const mask = "********"

// YAML returns the configuration in force as a YAML document with every key
// at the top level, for the console's config command and the status API.
// The PIN, passphrases in network_parms and secret-looking config_parms are
// masked. Parsing the unmasked form gives back an equal Config.
func (c *Config) YAML() string { return c.yamlText(true) }

func (c *Config) yamlText(masked bool) string {
	cc := c.Clone()
	if masked {
		maskSecrets(cc)
	}
	var n yaml.Node
	if err := n.Encode(cc); err != nil {
		return fmt.Sprintf("# cannot encode the configuration: %v\n", err)
	}
	quoteNone(&n)
	var b bytes.Buffer
	fmt.Fprintf(&b, "# hostp2pd effective configuration: mode %s, wps_method %s\n", c.Mode, c.WPSMethod)
	if c.File != "" {
		fmt.Fprintf(&b, "# loaded from %s\n", displayName(c.File))
	}
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&n); err != nil {
		return fmt.Sprintf("# cannot encode the configuration: %v\n", err)
	}
	_ = enc.Close()
	return b.String()
}

// quoteNone quotes string scalars that the parser would read as Python's
// None, so that the output parses back to the same value.
func quoteNone(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" && isNoneWord(n.Value) {
		n.Style = yaml.DoubleQuotedStyle
	}
	for _, c := range n.Content {
		quoteNone(c)
	}
}

func maskSecrets(c *Config) {
	if c.PIN != "" {
		c.PIN = mask
	}
	for i, s := range c.NetworkParms {
		name, _, _ := strings.Cut(strings.TrimSpace(s), " ")
		if secretName(name) {
			c.NetworkParms[i] = name + " " + mask
		}
	}
	for k := range c.ConfigParms {
		if secretName(k) {
			c.ConfigParms[k] = mask
		}
	}
}

// secretName reports wpa_supplicant setting names that hold secrets.
func secretName(name string) bool {
	n := strings.ToLower(name)
	return n == "psk" || strings.HasSuffix(n, "_psk") || strings.Contains(n, "password") ||
		strings.HasPrefix(n, "wep_key") || (strings.Contains(n, "passphrase") && !strings.HasSuffix(n, "_len"))
}

// Diff returns the keys whose values differ between old and new, in the
// order of the Config fields, with nested keys as "select_timeout_secs.normal"
// or "dhcp.subnet". A nil Config counts as [Default]. The resolved Mode and
// WPSMethod are not keys; they change only with the keys they derive from.
func Diff(old, new *Config) []string {
	if old == nil {
		old = Default()
	}
	if new == nil {
		new = Default()
	}
	var out []string
	diffStruct(reflect.ValueOf(old).Elem(), reflect.ValueOf(new).Elem(), "", &out)
	return out
}

func diffStruct(a, b reflect.Value, prefix string, out *[]string) {
	t := a.Type()
	for i := range t.NumField() {
		name := yamlName(t.Field(i))
		if name == "" {
			continue
		}
		av, bv := a.Field(i), b.Field(i)
		if av.Kind() == reflect.Struct {
			diffStruct(av, bv, prefix+name+".", out)
			continue
		}
		if !sameField(av, bv) {
			*out = append(*out, prefix+name)
		}
	}
}

// sameField compares two field values, an empty and a nil list being equal.
func sameField(a, b reflect.Value) bool {
	switch a.Kind() {
	case reflect.Slice, reflect.Map:
		if a.Len() == 0 && b.Len() == 0 {
			return true
		}
	}
	return reflect.DeepEqual(a.Interface(), b.Interface())
}

// PathFromEnv returns the configuration file to load: flag (the -c option)
// when it is not empty, else the HOSTP2PD_CFG environment variable, else ""
// (meaning defaults only, see [Load]). The original hostp2pd let the variable
// override -c; here an explicit option wins.
func PathFromEnv(flag string) string { return pathFrom(flag, os.Getenv) }

func pathFrom(flag string, getenv func(string) string) string {
	if flag != "" {
		return flag
	}
	return getenv(EnvVar)
}
