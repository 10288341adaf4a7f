// Package joincode turns a running group's SSID and passphrase into
// something a person can use to join it without WPS: the standard Wi-Fi
// join URI ("WIFI:T:WPA;S:<ssid>;P:<passphrase>;;"), a QR code of it drawn
// on a terminal with Unicode half blocks, or the same QR code as a PNG.
//
// It also holds the checks for credentials a user fixes in the
// configuration (ValidSSID, ValidPassphrase): what Android's
// WifiP2pConfig.Builder accepts (setNetworkName, setPassphrase in AOSP
// WifiP2pConfig.java), which is stricter than wpa_supplicant.
//
// The package is pure: no I/O but the io.Writer it is given, no state.
// The QR symbol comes from github.com/boombuler/barcode/qr, which keeps
// no large table built at init (go-qr filled a 512 kB Kanji table in
// every process); this package only lays it out.
package joincode
