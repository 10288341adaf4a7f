// Package redact removes secrets from wpa_supplicant control-interface
// text before it is logged: group passphrases and PSKs, network
// passwords and WPS PINs, in commands, replies and events. It knows the
// protocol's spellings (wpa_supplicant's ctrl_iface.c and its events), not
// our session; it is pure and safe for concurrent use.
//
// Logs at -vv carry every command, reply and event. hostp2pd's log file is
// readable by others (0644 by default), so what they carry must not let a
// reader join the group or complete someone else's enrolment.
package redact

import (
	"regexp"
	"strings"
)

// Mask replaces every secret.
const Mask = "[redacted]"

// Rules for text that carries its secrets itself.
var (
	// key=value pairs of events and replies: passphrase="…" and psk=<hex>
	// in P2P-GROUP-STARTED, wpa_passphrase= and sae_password= in STATUS or
	// GET_CONFIG replies, pin= in WPS parameters.
	keyValue = regexp.MustCompile(`(?i)((?:^|[\s,;])[a-z0-9_]*(?:passphrase|psk|password|wep_key[0-3])|(?:^|[\s,;])pin)=((?:"(?:[^"\\]|\\.)*"?)?\S*)`)
	// SET_NETWORK <id> <secret field> <value> (network_parms, persistent
	// groups): the value runs to the end of the line.
	setNetwork = regexp.MustCompile(`(?i)(SET_NETWORK\s+\d+\s+(?:psk|password|sae_password|wep_key[0-3]|private_key_passwd|pin)\s+).*`)
	// SET <name> <value> (config_parms) for a name that holds a secret
	// (…psk, …password, …passphrase, wep_key…), as the config's YAML
	// masks them.
	setSecret = regexp.MustCompile(`(?i)((?:^|\s)SET\s+[a-z0-9_]*(?:psk|password|passphrase|passwd|wep_key[0-3])[a-z0-9_]*\s+).*`)
	// WPS_PIN <any|uuid|addr> <pin>…, WPS_REG <bssid> <pin>,
	// WPS_AP_PIN set <pin>, P2P_CONNECT <addr> <pin> <method>…,
	// P2P-PROV-DISC-SHOW-PIN <addr> <pin> …
	pinArg = regexp.MustCompile(`(?i)((?:WPS_PIN|WPS_REG|P2P_CONNECT|P2P-PROV-DISC-SHOW-PIN)\s+\S+\s+|WPS_AP_PIN\s+set\s+)\d{4,8}\b`)
)

// Line returns text, a command, a reply or an event, with its secrets
// masked.
func Line(text string) string {
	text = setNetwork.ReplaceAllString(text, "${1}"+Mask)
	text = setSecret.ReplaceAllString(text, "${1}"+Mask)
	text = pinArg.ReplaceAllString(text, "${1}"+Mask)
	return keyValue.ReplaceAllString(text, "${1}="+Mask)
}

// Reply returns the reply to cmd fit for a log. Some replies are secrets
// whole: P2P_GET_PASSPHRASE answers the group passphrase, WPS_PIN and
// WPS_AP_PIN the PIN they armed, P2P_CONNECT with a "pin" method the PIN it
// generated, GET_NETWORK <id> psk the key. Other replies get [Line].
func Reply(cmd, reply string) string {
	if strings.TrimSpace(reply) == "" {
		return reply
	}
	if rest, ok := strings.CutPrefix(cmd, "IFNAME="); ok {
		_, cmd, _ = strings.Cut(rest, " ")
	}
	f := strings.Fields(cmd)
	if len(f) == 0 {
		return Line(reply)
	}
	switch strings.ToUpper(f[0]) {
	case "P2P_GET_PASSPHRASE", "WPS_PIN", "WPS_AP_PIN":
		return secretReply(reply)
	case "P2P_CONNECT":
		if isDigits(strings.TrimSpace(reply)) {
			return Mask
		}
	case "GET_NETWORK":
		if len(f) >= 3 && secretField(f[2]) {
			return secretReply(reply)
		}
	}
	return Line(reply)
}

// secretReply masks a reply unless it is an error word.
func secretReply(reply string) string {
	switch r := strings.TrimSpace(reply); {
	case r == "FAIL", strings.HasPrefix(r, "FAIL-"), r == "UNKNOWN COMMAND":
		return reply
	}
	return Mask
}

func secretField(name string) bool {
	switch strings.ToLower(name) {
	case "psk", "password", "sae_password", "wep_key0", "wep_key1", "wep_key2", "wep_key3", "private_key_passwd":
		return true
	}
	return false
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
