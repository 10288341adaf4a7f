// Package lab is hostp2pd's virtual Wi-Fi Direct lab: a Debian kernel with
// mac80211_hwsim booted under qemu from a small initramfs with the real
// wpa_supplicant, where lab/scenarios/*.sh play phones (lab/cmd/phone)
// against the daemon.  See lab/README.md.
//
// The package holds only the end-to-end test runner (e2e_test.go); it runs
// when HOSTP2PD_LAB=1 and skips otherwise.
package lab
