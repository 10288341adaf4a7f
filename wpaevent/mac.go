package wpaevent

import "errors"

// MAC is an IEEE 802 MAC address as wpa_supplicant prints it (MACSTR:
// six lower-case hex octets separated by colons). The zero value means
// "absent".
type MAC [6]byte

var errBadMAC = errors.New("wpaevent: malformed MAC address")

// ParseMAC parses "aa:bb:cc:dd:ee:ff" (either case).
func ParseMAC(s string) (MAC, error) {
	var m MAC
	if len(s) != 17 {
		return m, errBadMAC
	}
	for i := 0; i < 6; i++ {
		hi, ok1 := unhex(s[i*3])
		lo, ok2 := unhex(s[i*3+1])
		if !ok1 || !ok2 || (i < 5 && s[i*3+2] != ':') {
			return MAC{}, errBadMAC
		}
		m[i] = hi<<4 | lo
	}
	return m, nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// IsZero reports whether m is the zero (absent) address.
func (m MAC) IsZero() bool { return m == MAC{} }

// String formats m the way wpa_supplicant does.
func (m MAC) String() string {
	const hexdig = "0123456789abcdef"
	b := make([]byte, 17)
	for i, v := range m {
		b[i*3] = hexdig[v>>4]
		b[i*3+1] = hexdig[v&0xf]
		if i < 5 {
			b[i*3+2] = ':'
		}
	}
	return string(b)
}

// MarshalText implements encoding.TextMarshaler.
func (m MAC) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (m *MAC) UnmarshalText(b []byte) error {
	v, err := ParseMAC(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}
