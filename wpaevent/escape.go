package wpaevent

import "strings"

// UnescapeSSID decodes an SSID as wpa_supplicant prints it in events,
// STATUS and LIST_NETWORKS (wpa_ssid_txt → printf_encode in
// src/utils/common.c) back to its raw bytes. It understands \\, \", \n, \r,
// \t, \e, \xH and \xHH, and octal \N, \NN, \NNN. Like wpa_supplicant's
// printf_decode, an unknown escape keeps the character after the backslash,
// and a backslash at the end of s is dropped. The result may be invalid
// UTF-8; it is data, not text.
func UnescapeSSID(s string) string {
	i := strings.IndexByte(s, '\\')
	if i < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	b = append(b, s[:i]...)
	for i < len(s) {
		c := s[i]
		if c != '\\' {
			b = append(b, c)
			i++
			continue
		}
		i++
		if i >= len(s) {
			break
		}
		switch c = s[i]; c {
		case '\\', '"':
			b = append(b, c)
			i++
		case 'n':
			b = append(b, '\n')
			i++
		case 'r':
			b = append(b, '\r')
			i++
		case 't':
			b = append(b, '\t')
			i++
		case 'e':
			b = append(b, 0x1b)
			i++
		case 'x':
			i++
			hi, ok := 0, false
			if i < len(s) {
				var h byte
				h, ok = unhex(s[i])
				hi = int(h)
			}
			if !ok {
				continue // "\x" without a digit decodes to nothing
			}
			i++
			if i < len(s) {
				if lo, ok := unhex(s[i]); ok {
					hi = hi<<4 | int(lo)
					i++
				}
			}
			b = append(b, byte(hi))
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := 0
			for n := 0; n < 3 && i < len(s) && s[i] >= '0' && s[i] <= '7'; n++ {
				v = v<<3 | int(s[i]-'0')
				i++
			}
			b = append(b, byte(v))
		default:
			// Unknown escape: the backslash is dropped and the character
			// is read again as a plain one.
		}
	}
	return string(b)
}

// EscapeSSID encodes raw SSID bytes the way wpa_supplicant prints them
// (printf_encode): \" and \\ for quote and backslash, \e \n \r \t for those
// control bytes, \xNN for every other byte outside 0x20–0x7e. It is the
// inverse of [UnescapeSSID]: UnescapeSSID(EscapeSSID(s)) == s for every s.
func EscapeSSID(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return string(appendEscapedSSID(make([]byte, 0, len(s)+8), s))
}

func appendEscapedSSID(b []byte, s string) []byte {
	const hexdig = "0123456789abcdef"
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\':
			b = append(b, '\\', c)
		case 0x1b:
			b = append(b, '\\', 'e')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			if c >= 0x20 && c <= 0x7e {
				b = append(b, c)
			} else {
				b = append(b, '\\', 'x', hexdig[c>>4], hexdig[c&0xf])
			}
		}
	}
	return b
}

// quotedEnd returns the index in s of the first '"' that is not escaped by a
// backslash (the end of a printf_encode'd string that starts at s[0]), or -1.
func quotedEnd(s string) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}
