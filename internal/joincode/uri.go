package joincode

import "strings"

// URI returns the Wi-Fi join URI for a WPA2-PSK network, the text phone
// cameras (iOS, Android) and ZXing-based scanners recognise:
//
//	WIFI:T:WPA;S:<ssid>;P:<passphrase>;;
//
// In ssid and passphrase the characters \ ; , : and " are escaped with a
// backslash, as the format requires (ZXing's WifiResultParser splits the
// fields on unescaped ';'). Nothing else is changed: the SSID is written
// as its UTF-8 bytes.
func URI(ssid, passphrase string) string {
	var b strings.Builder
	b.WriteString("WIFI:T:WPA;S:")
	escape(&b, ssid)
	b.WriteString(";P:")
	escape(&b, passphrase)
	b.WriteString(";;")
	return b.String()
}

func escape(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', ';', ',', ':', '"':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
}

// Mask returns the URI with the passphrase replaced by asterisks of the
// same length, for logs and reports. The SSID stays readable.
func Mask(ssid, passphrase string) string {
	return URI(ssid, strings.Repeat("*", len(passphrase)))
}
