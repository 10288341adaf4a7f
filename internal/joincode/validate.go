package joincode

import (
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// MaxSSIDBytes is the longest SSID IEEE 802.11 allows, and the limit of
// Android's WifiP2pConfig.Builder.setNetworkName.
const MaxSSIDBytes = 32

// ValidSSID reports whether ssid is a P2P group name that Android's
// WifiP2pConfig.Builder.setNetworkName accepts and that wpa_supplicant can
// store as a quoted ssid line: "DIRECT-" followed by two ASCII letters or
// digits, anything after that, at most 32 bytes. It also refuses invalid
// UTF-8 and control characters (a newline would end the line in
// wpa_supplicant.conf). The error says what is wrong, without a key or a
// file: the caller adds those.
func ValidSSID(ssid string) error {
	const prefix = "DIRECT-"
	switch {
	case ssid == "":
		return errors.New("is empty; want DIRECT-xy… (x, y letters or digits)")
	case len(ssid) > MaxSSIDBytes:
		return fmt.Errorf("is %d bytes; at most %d allowed", len(ssid), MaxSSIDBytes)
	case len(ssid) < len(prefix)+2 || ssid[:len(prefix)] != prefix ||
		!alnum(ssid[len(prefix)]) || !alnum(ssid[len(prefix)+1]):
		return errors.New("must start with DIRECT-xy (x, y letters or digits), as Wi-Fi Direct and Android require")
	case !utf8.ValidString(ssid):
		return errors.New("is not valid UTF-8")
	}
	for _, r := range ssid {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("contains the control character %U", r)
		}
	}
	return nil
}

// ValidPassphrase reports whether p is a WPA2 passphrase that both
// wpa_supplicant (8 to 63 characters, no control characters) and
// Android's WifiP2pConfig.Builder.setPassphrase (8 to 63, ASCII) accept:
// 8 to 63 printable ASCII characters (space to tilde).
func ValidPassphrase(p string) error {
	if len(p) < 8 || len(p) > 63 {
		return fmt.Errorf("is %d characters; a WPA2 passphrase has 8 to 63", len(p))
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; c < 0x20 || c > 0x7e {
			return fmt.Errorf("has a byte 0x%02x at position %d; only printable ASCII (space to ~) is allowed", c, i+1)
		}
	}
	return nil
}

func alnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// passphraseAlphabet is what NewPassphrase draws from: letters and digits
// only, so the passphrase needs no escaping anywhere (URI, wpa_supplicant
// quoting, a shell) and is easy to type.
const passphraseAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"

// NewPassphrase returns a random passphrase of n characters (8 to 63)
// drawn from r (crypto/rand.Reader in the daemon), without modulo bias.
func NewPassphrase(r io.Reader, n int) (string, error) {
	if n < 8 || n > 63 {
		return "", fmt.Errorf("joincode: passphrase length %d outside 8..63", n)
	}
	out := make([]byte, 0, n)
	buf := make([]byte, 1)
	limit := 256 - 256%len(passphraseAlphabet)
	for len(out) < n {
		if _, err := io.ReadFull(r, buf); err != nil {
			return "", fmt.Errorf("joincode: random: %w", err)
		}
		if int(buf[0]) >= limit {
			continue
		}
		out = append(out, passphraseAlphabet[int(buf[0])%len(passphraseAlphabet)])
	}
	return string(out), nil
}
