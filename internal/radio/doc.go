// Package radio holds read-only facts about the Wi-Fi radio behind a P2P
// device, and the pure decisions taken from them: which channel a group
// should use, whether the radio can be a P2P group owner next to the
// interfaces it already has, whether the regulatory country is set.
//
// The facts come from the `iw` tool's text output (`iw phy`, `iw dev`,
// `iw reg get`), parsed by [ParsePhys], [ParseIfaces] and [ParseReg]; [Probe]
// runs iw and collects them for one interface. Nothing here changes the
// radio. The parsers are tested against outputs captured from
// mac80211_hwsim in the lab VM (testdata/).
//
// Interface names follow iw: "managed", "AP", "P2P-client", "P2P-GO",
// "P2P-device". A radio without interface combinations accepts one
// interface at a time (cfg80211's rule).
package radio
