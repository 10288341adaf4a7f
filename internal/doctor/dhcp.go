package doctor

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A rival DHCP server: another program serving DHCP on the group
// interface answers the phones beside hostp2pd's server (lab 30). A phone
// may then take its address, router and server identifier (Android's
// groupOwnerAddress) from the wrong one, and renewals go astray. The
// daemon notices one while it runs (dhcpd: "another DHCP server answers on
// the group interface", counter dhcp_rival_server); doctor looks for the
// programs that hold UDP port 67 before the first phone comes, and asks a
// running daemon for that counter.

// dhcpPort is the DHCP server port, as /proc/net/udp prints it (hex).
const dhcpPort = "0043"

// dhcpServer is a process with a socket on 0.0.0.0, UDP port 67.
type dhcpServer struct{ pid, prog string }

// rivalHint says how to keep prog off the group interfaces (p2p-*).
func rivalHint(prog string) string {
	switch prog {
	case "dnsmasq":
		return "add no-dhcp-interface=p2p-* (it keeps serving DNS there) or except-interface=p2p-* to dnsmasq's configuration\n(/etc/dnsmasq.conf or a file in /etc/dnsmasq.d/) and restart it; NetworkManager's shared mode runs its own dnsmasq: do not share the group interface"
	case "dhcpd", "kea-dhcp4":
		return "list only the interfaces it must serve (isc-dhcp-server: INTERFACESv4= in /etc/default/isc-dhcp-server; Kea: interfaces-config), without p2p-*, and restart it"
	case "udhcpd", "busybox":
		return "its config's interface line must name another interface than the group's (p2p-*); or stop it"
	case "systemd-networkd":
		return "remove DHCPServer=yes from the .network file that matches p2p-* interfaces"
	}
	return "stop it on the group interfaces (p2p-*), or turn off hostp2pd's server (dhcp: enabled: false) and let it serve the group"
}

// udpInodes returns the inodes of the sockets bound to 0.0.0.0, port 67
// in a /proc/net/udp table.
func udpInodes(table string) map[string]bool {
	out := map[string]bool{}
	for _, line := range strings.Split(table, "\n")[1:] {
		f := strings.Fields(line)
		if len(f) < 10 {
			continue
		}
		addr, port, ok := strings.Cut(f[1], ":")
		if !ok || !strings.EqualFold(port, dhcpPort) {
			continue
		}
		// Only a socket on the wildcard address gets the phones' broadcast
		// DISCOVERs; one bound to another interface's address does not.
		if f[9] != "0" && addr == "00000000" {
			out[f[9]] = true
		}
	}
	return out
}

// dhcpServers finds the processes other than hostp2pd holding a UDP port
// 67 socket.
func (c *checker) dhcpServers() ([]dhcpServer, error) {
	b, err := fs.ReadFile(c.env.FS, "proc/net/udp")
	if err != nil {
		return nil, err
	}
	inodes := udpInodes(string(b))
	if len(inodes) == 0 {
		return nil, nil
	}
	entries, err := fs.ReadDir(c.env.FS, "proc")
	if err != nil {
		return nil, err
	}
	var out []dhcpServer
	self := strconv.Itoa(c.env.Pid)
	for _, e := range entries {
		pid := e.Name()
		if pid == self || pid == "" || pid[0] < '0' || pid[0] > '9' {
			continue
		}
		fds, err := fs.ReadDir(c.env.FS, "proc/"+pid+"/fd")
		if err != nil {
			continue // not ours to read, or gone
		}
		found := false
		for _, fd := range fds {
			l, err := fs.ReadLink(c.env.FS, "proc/"+pid+"/fd/"+fd.Name())
			if err != nil {
				continue
			}
			if ino, ok := strings.CutPrefix(l, "socket:["); ok {
				if inodes[strings.TrimSuffix(ino, "]")] {
					found = true
					break
				}
			}
		}
		if !found {
			continue
		}
		prog := ""
		if cl, err := fs.ReadFile(c.env.FS, "proc/"+pid+"/cmdline"); err == nil && len(cl) > 0 {
			prog = filepath.Base(strings.SplitN(string(cl), "\x00", 2)[0])
		}
		if prog == "" {
			if cm, err := fs.ReadFile(c.env.FS, "proc/"+pid+"/comm"); err == nil {
				prog = strings.TrimSpace(string(cm))
			}
		}
		if prog == "hostp2pd" {
			continue // the daemon's own server
		}
		out = append(out, dhcpServer{pid: pid, prog: prog})
	}
	slices.SortFunc(out, func(a, b dhcpServer) int { return strings.Compare(a.pid, b.pid) })
	return out, nil
}

// dhcp reports other DHCP servers that would answer phones on the group.
func (c *checker) dhcp() {
	const check = "DHCP server"
	if !c.cfg.DHCP.Enabled {
		c.add(OK, check, "hostp2pd's DHCP server is off (dhcp: enabled: false): another server must serve the group", "")
		return
	}
	if c.env.DaemonCounters != nil {
		ctx, cancel := context.WithTimeout(c.ctx, 3*time.Second)
		counters, err := c.env.DaemonCounters(ctx)
		cancel()
		if n := counters["dhcp_rival_server"]; err == nil && n > 0 {
			c.add(Fail, check, fmt.Sprintf("the running daemon saw another DHCP server on the group interface %d times (counter dhcp_rival_server)", n),
				"its log names it: grep 'another DHCP server' in the log (server_id=, source=); stop that server on p2p-* interfaces")
		}
	}
	if c.env.FS == nil {
		c.add(Unknown, check, "unknown: no /proc", "")
		return
	}
	servers, err := c.dhcpServers()
	if err != nil {
		c.unknown(check, err)
		return
	}
	if len(servers) == 0 {
		c.add(OK, check, "no other program holds UDP port 67", "")
		return
	}
	for _, s := range servers {
		c.add(Warn, check, fmt.Sprintf("%s (pid %s) listens on 0.0.0.0:67: unless its configuration leaves the group interfaces (p2p-*) out, it answers phones beside hostp2pd", s.prog, s.pid),
			rivalHint(s.prog))
	}
}
