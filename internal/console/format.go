package console

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/hostp2pd/hostp2pd/internal/status"
)

// Quote returns s as is when every rune is printable, else Go-quoted
// (strconv.Quote), so peer-chosen strings cannot inject control sequences.
// The empty string is shown as "".
func Quote(s string) string {
	if s == "" {
		return `""`
	}
	if !utf8.ValidString(s) {
		return strconv.Quote(s)
	}
	for _, r := range s {
		if !strconv.IsPrint(r) {
			return strconv.Quote(s)
		}
	}
	return s
}

// WriteStatus prints st for humans: daemon, group, clients, pending
// enrolments and counters. now is used for ages.
func WriteStatus(w io.Writer, st status.Status, now time.Time) {
	fmt.Fprintf(w, "hostp2pd %s on %s (wpa_supplicant %s)\n", orDash(st.Version), orDash(st.Interface), orDash(st.Supplicant))
	state := orDash(st.State)
	if st.Paused {
		state += " (paused)"
	}
	fmt.Fprintf(w, "mode:      %s, wps %s\n", orDash(st.Mode), orDash(st.WPSMethod))
	fmt.Fprintf(w, "state:     %s\n", state)
	if !st.Started.IsZero() {
		fmt.Fprintf(w, "started:   %s (up %s)\n", st.Started.Local().Format(time.DateTime), age(now, st.Started))
	}
	WriteGroup(w, st.Group, now)
	fmt.Fprintf(w, "clients:   %d\n", len(st.Clients))
	if len(st.Clients) > 0 {
		WriteClients(w, st.Clients, now)
	}
	if len(st.Pending) > 0 {
		fmt.Fprintf(w, "pending:   %d\n", len(st.Pending))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  DEV ADDR\tNAME\tMETHOD\tSTATE\tSINCE")
		for _, p := range st.Pending {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s ago\n", p.DevAddr, Quote(p.Name), p.Method, p.State, age(now, p.Since))
		}
		_ = tw.Flush()
	}
	fmt.Fprintf(w, "peers:     %d\n", len(st.Peers))
	if len(st.Known) > 0 {
		fmt.Fprintf(w, "known:     %d (%s)\n", len(st.Known), strings.Join(st.Known, " "))
	}
	for _, sv := range st.Services {
		state := "registered"
		if !sv.Registered {
			state = "NOT registered"
		}
		if sv.MDNS {
			state += ", mDNS"
		}
		fmt.Fprintf(w, "service:   %s %s (%s)\n", sv.Kind, Quote(sv.Name), state)
	}
	if len(st.Counters) > 0 {
		fmt.Fprintln(w, "counters:")
		WriteCounters(w, st.Counters, "  ")
	}
}

// WriteGroup prints the group line.
func WriteGroup(w io.Writer, g *status.Group, now time.Time) {
	if g == nil {
		fmt.Fprintln(w, "group:     none")
		return
	}
	kind := "temporary"
	if g.Persistent {
		kind = fmt.Sprintf("persistent (network %d)", g.NetworkID)
	}
	fmt.Fprintf(w, "group:     %s ssid %s freq %d MHz, %s", g.Iface, Quote(g.SSID), g.Freq, kind)
	if g.GOIP != "" {
		fmt.Fprintf(w, ", ip %s", g.GOIP)
	}
	if !g.Since.IsZero() {
		fmt.Fprintf(w, ", up %s", age(now, g.Since))
	}
	fmt.Fprintln(w)
	if g.Passphrase != "" || g.BSSID != "" {
		// What a station without WPS (iPhone, laptop) types in; hostp2pd qr
		// draws it as a QR code.
		fmt.Fprintf(w, "join:      passphrase %s, bssid %s\n", strconv.Quote(g.Passphrase), orDash(g.BSSID))
	}
}

// WriteClients prints a table of connected clients.
func WriteClients(w io.Writer, cl []status.Client, now time.Time) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  DEV ADDR\tIFACE ADDR\tNAME\tIP\tMETHOD\tJOINED")
	for _, c := range cl {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s (%s ago)\n", orDash(c.DevAddr), orDash(c.IfaceAddr), Quote(c.Name), orDash(c.IP),
			orDash(c.Method), c.Joined.Local().Format(time.TimeOnly), age(now, c.Joined))
	}
	_ = tw.Flush()
}

// WritePeers prints the address register.
func WritePeers(w io.Writer, peers []status.Peer, now time.Time) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  DEV ADDR\tNAME\tTYPE\tLAST SEEN")
	for _, p := range peers {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s ago\n", p.DevAddr, Quote(p.Name), Quote(p.DevType), age(now, p.LastSeen))
	}
	_ = tw.Flush()
}

// WriteCounters prints counters sorted by name.
func WriteCounters(w io.Writer, c map[string]uint64, indent string) {
	names := make([]string, 0, len(c))
	for k := range c {
		names = append(names, k)
	}
	sort.Strings(names)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, k := range names {
		fmt.Fprintf(tw, "%s%s\t%d\n", indent, Quote(k), c[k])
	}
	_ = tw.Flush()
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return Quote(s)
}

func age(now, t time.Time) string {
	if t.IsZero() {
		return "?"
	}
	d := now.Sub(t)
	if d < 0 {
		d = 0
	}
	return d.Truncate(time.Second).String()
}
