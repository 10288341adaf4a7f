// Package netcfg configures the P2P group interface for the DHCP server:
// it puts the group owner's address (192.168.49.1/24 by default) on the
// interface wpa_supplicant created, brings the link up, and takes the
// address off again when the group goes away.
//
// Only Linux is supported (rtnetlink through github.com/vishvananda/netlink).
// On other systems every function returns an error saying so.
//
// # Network namespaces
//
// The functions act in the network namespace of the calling thread, like
// the ip command. To act in another one, call them from a goroutine that
// has called runtime.LockOSThread and switched namespace, or run the whole
// daemon with ip netns exec.
package netcfg
