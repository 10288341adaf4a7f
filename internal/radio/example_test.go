package radio_test

import (
	"context"
	"fmt"

	"github.com/hostp2pd/hostp2pd/internal/radio"
)

// A daemon about to create a group without group_freq: probe the radio
// once, then let ChooseFreq decide freq= and log why. Here the "system" is
// a Raspberry Pi-like radio (managed + P2P on two channels) whose wlan0 is
// a station on channel 6 as wpa_supplicant's STATUS says, without iw.
func ExampleChooseFreq() {
	noIw := func(context.Context, string, ...string) (string, error) { return "", radio.ErrNoIw }
	f := radio.Probe(context.Background(), noIw, "p2p-dev-wlan0").WithStation(2437)
	freq, why := radio.ChooseFreq(f, 0)
	fmt.Println(freq, why)

	phys, _ := radio.ParsePhys(`Wiphy phy0
	Supported interface modes:
		 * managed
		 * AP
		 * P2P-client
		 * P2P-GO
		 * P2P-device
	valid interface combinations:
		 * #{ managed } <= 1, #{ P2P-device } <= 1, #{ P2P-client, P2P-GO } <= 1,
		   total <= 3, #channels <= 2
`)
	ifaces := radio.ParseIfaces("phy#0\n\tInterface wlan0\n\t\ttype managed\n\t\tchannel 36 (5180 MHz), width: 80 MHz\n")
	f = radio.Select(phys, ifaces, radio.ParseReg("global\ncountry DE: DFS-ETSI\n"), "wlan0")
	freq, why = radio.ChooseFreq(f, 0)
	fmt.Println(freq, why)
	if p := radio.CountryProblem(f.Country); p == "" {
		fmt.Println("country", f.Country)
	}
	ok, support := radio.P2PSupport(f.Phy)
	fmt.Println(ok, support)
	// Output:
	// 2437 wlan0 is a station on 2437 MHz and the radio's interface combinations are unknown (iw not found (install the iw package)): the group uses the station's channel
	// 2412 no group_freq: social channel 2412 MHz (first usable of 1, 6, 11); wlan0 is a station on 5180 MHz, phy0 allows 2 channels
	// country DE
	// true P2P-GO and P2P-device supported; managed + P2P-device + P2P-GO on 2 channels
}
