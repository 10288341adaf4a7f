package radio

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
)

// Interface types as iw prints them.
const (
	Managed   = "managed"
	AP        = "AP"
	P2PClient = "P2P-client"
	P2PGO     = "P2P-GO"
	P2PDevice = "P2P-device"
)

// Phy is one radio as `iw phy` describes it.
type Phy struct {
	Name         string        // "phy0"
	Modes        []string      // "Supported interface modes"
	Combinations []Combination // "valid interface combinations"
	Channels     []Channel     // every band's "Frequencies"
}

// Combination is one line of "valid interface combinations": the radio may
// run interfaces within these limits at once, on at most Channels channels.
type Combination struct {
	Limits   []Limit
	Total    int // total <= N
	Channels int // #channels <= N
}

// Limit is one "#{ managed, AP } <= 1" term: at most Max interfaces whose
// types are among Types.
type Limit struct {
	Types []string
	Max   int
}

// Channel is one frequency the radio knows.
type Channel struct {
	Freq     int // MHz
	Number   int // channel number
	Disabled bool
	NoIR     bool // "no IR" (passive scan only: no beacons, so no GO here)
}

// Iface is one interface (netdev or wdev) as `iw dev` lists it.
type Iface struct {
	Phy  string // "phy0"
	Name string // "" for a wdev without a netdev (the P2P-device)
	Type string // "managed", "AP", "P2P-device", "P2P-GO", ...
	Addr string
	SSID string
	Freq int // MHz of "channel N (F MHz)", 0 when not on a channel
}

// Reg is `iw reg get`: the global regulatory country and the countries of
// radios with a self-managed domain ("phy#0 (self-managed)").
type Reg struct {
	Global string            // "" when not printed
	Phys   map[string]string // "phy0" → "DE"
}

// ErrNoPhy is returned by ParsePhys for output with no "Wiphy" line.
var ErrNoPhy = errors.New("radio: no Wiphy in iw phy output")

var (
	limitRE = regexp.MustCompile(`#\{([^}]*)\}\s*<=\s*(\d+)`)
	totalRE = regexp.MustCompile(`\btotal\s*<=\s*(\d+)`)
	chansRE = regexp.MustCompile(`#channels\s*<=\s*(\d+)`)
	freqRE  = regexp.MustCompile(`^\*\s*(\d+)(?:\.\d+)?\s*MHz\s*\[(\d+)\](.*)$`)
	chanRE  = regexp.MustCompile(`^channel\s+\d+\s+\((\d+)(?:\.\d+)?\s*MHz\)`)
)

// ParsePhys parses `iw phy` (or `iw list`, `iw phy NAME info`) output.
// Unknown lines are ignored; only a text with no radio at all is an error.
func ParsePhys(out string) ([]Phy, error) {
	var phys []Phy
	var cur *Phy
	section := ""
	var combo strings.Builder
	flush := func() {
		if cur != nil && combo.Len() > 0 {
			if c, ok := parseCombination(combo.String()); ok {
				cur.Combinations = append(cur.Combinations, c)
			}
		}
		combo.Reset()
	}
	for _, raw := range strings.Split(out, "\n") {
		line := strings.TrimRight(raw, " \r")
		if name, ok := strings.CutPrefix(line, "Wiphy "); ok {
			flush()
			phys = append(phys, Phy{Name: strings.TrimSpace(name)})
			cur = &phys[len(phys)-1]
			section = ""
			continue
		}
		if cur == nil || strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		depth := len(line) - len(strings.TrimLeft(line, "\t"))
		text := strings.TrimSpace(line)
		if depth == 1 {
			flush()
			switch {
			case text == "Supported interface modes:":
				section = "modes"
			case text == "valid interface combinations:":
				section = "combos"
			case strings.HasPrefix(text, "Band "):
				section = "band"
			default:
				section = ""
			}
			continue
		}
		switch section {
		case "modes":
			if m, ok := strings.CutPrefix(text, "* "); ok && depth == 2 {
				cur.Modes = append(cur.Modes, strings.TrimSpace(m))
			}
		case "combos":
			if strings.HasPrefix(text, "* ") {
				flush()
				combo.WriteString(strings.TrimPrefix(text, "* "))
			} else if combo.Len() > 0 && strings.HasPrefix(line, "\t\t ") {
				combo.WriteString(" " + text)
			} else {
				flush()
			}
		case "band":
			if m := freqRE.FindStringSubmatch(text); m != nil && depth == 3 {
				f, _ := strconv.Atoi(m[1])
				n, _ := strconv.Atoi(m[2])
				cur.Channels = append(cur.Channels, Channel{Freq: f, Number: n,
					Disabled: strings.Contains(m[3], "disabled"), NoIR: strings.Contains(m[3], "no IR")})
			}
		}
	}
	flush()
	if len(phys) == 0 {
		return nil, ErrNoPhy
	}
	return phys, nil
}

func parseCombination(s string) (Combination, bool) {
	var c Combination
	for _, m := range limitRE.FindAllStringSubmatch(s, -1) {
		n, _ := strconv.Atoi(m[2])
		var types []string
		for _, t := range strings.Split(m[1], ",") {
			if t = strings.TrimSpace(t); t != "" {
				types = append(types, t)
			}
		}
		c.Limits = append(c.Limits, Limit{Types: types, Max: n})
	}
	if m := totalRE.FindStringSubmatch(s); m != nil {
		c.Total, _ = strconv.Atoi(m[1])
	}
	if m := chansRE.FindStringSubmatch(s); m != nil {
		c.Channels, _ = strconv.Atoi(m[1])
	}
	return c, len(c.Limits) > 0
}

// ParseIfaces parses `iw dev` output. It never fails: text it does not
// understand gives fewer interfaces.
func ParseIfaces(out string) []Iface {
	var ifs []Iface
	phy := ""
	var cur *Iface
	for _, raw := range strings.Split(out, "\n") {
		line := strings.TrimRight(raw, " \r")
		text := strings.TrimSpace(line)
		if n, ok := strings.CutPrefix(line, "phy#"); ok {
			phy = "phy" + strings.TrimSpace(n)
			cur = nil
			continue
		}
		if name, ok := strings.CutPrefix(text, "Interface "); ok && strings.HasPrefix(line, "\t") {
			ifs = append(ifs, Iface{Phy: phy, Name: strings.TrimSpace(name)})
			cur = &ifs[len(ifs)-1]
			continue
		}
		if strings.HasPrefix(text, "Unnamed/non-netdev interface") {
			ifs = append(ifs, Iface{Phy: phy})
			cur = &ifs[len(ifs)-1]
			continue
		}
		if cur == nil {
			continue
		}
		key, val, _ := strings.Cut(text, " ")
		switch key {
		case "addr":
			cur.Addr = val
		case "type":
			cur.Type = val
		case "ssid":
			cur.SSID = val
		case "channel":
			if m := chanRE.FindStringSubmatch(text); m != nil {
				cur.Freq, _ = strconv.Atoi(m[1])
			}
		}
	}
	return ifs
}

// ParseReg parses `iw reg get` output.
func ParseReg(out string) Reg {
	r := Reg{Phys: map[string]string{}}
	section := ""
	for _, raw := range strings.Split(out, "\n") {
		line := strings.TrimRight(raw, " \r")
		if line == "" || strings.HasPrefix(line, "\t") {
			continue
		}
		if cc, ok := strings.CutPrefix(line, "country "); ok {
			cc, _, _ = strings.Cut(cc, ":")
			switch {
			case section == "global" || section == "": // iw before 4.x prints no "global"
				r.Global = cc
			case strings.HasPrefix(section, "phy#"):
				n, _, _ := strings.Cut(strings.TrimPrefix(section, "phy#"), " ")
				r.Phys["phy"+n] = cc
			}
			continue
		}
		section = line
	}
	return r
}
