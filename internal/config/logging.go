package config

import (
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Python logging levels, which force_logging, log_file_level and the
// logging: section use.
var pyLevels = []struct {
	name string
	n    int
}{
	{"NOTSET", 0}, {"DEBUG", 10}, {"INFO", 20}, {"WARNING", 30}, {"WARN", 30},
	{"ERROR", 40}, {"CRITICAL", 50}, {"FATAL", 50},
}

// pyLevel parses a Python level name (any case) or number 0–50.
func pyLevel(s string) (int, bool) {
	s = strings.TrimSpace(s)
	for _, l := range pyLevels {
		if strings.EqualFold(s, l.name) {
			return l.n, true
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 50 {
		return 0, false
	}
	return n, true
}

// normalizeLevel upper-cases level names and maps the aliases WARN and
// FATAL to WARNING and CRITICAL; numbers and invalid values are kept.
func normalizeLevel(s string) string {
	t := strings.ToUpper(strings.TrimSpace(s))
	switch t {
	case "WARN":
		return "WARNING"
	case "FATAL":
		return "CRITICAL"
	}
	if _, ok := pyLevel(t); ok {
		return t
	}
	return s
}

// levelName returns the Python name of level n, or its number.
func levelName(n int) string {
	for _, l := range pyLevels {
		if l.n == n {
			return l.name
		}
	}
	return strconv.Itoa(n)
}

// validLevels is the hint printed for a bad level.
const validLevels = "DEBUG, INFO, WARNING, ERROR, CRITICAL, or a number 0–50"

// ParseLevel converts a Python logging level, as used by force_logging,
// log_file_level and the console's loglevel command, to a slog.Level: a name
// (DEBUG, INFO, WARNING/WARN, ERROR, CRITICAL/FATAL, NOTSET; any case) or a
// number 0–50. DEBUG (10) maps to slog.LevelDebug, INFO (20) to LevelInfo,
// WARNING (30) to LevelWarn, ERROR (40) to LevelError, CRITICAL (50) to
// LevelError+4; numbers in between map linearly.
func ParseLevel(s string) (slog.Level, error) {
	n, ok := pyLevel(s)
	if !ok {
		return 0, fmt.Errorf("config: unknown log level %s; valid: %s", short(s), validLevels)
	}
	return slog.Level((n - 20) * 4 / 10), nil
}

// ForceLevel returns the slog level of force_logging; ok is false when
// force_logging is not set.
func (c *Config) ForceLevel() (level slog.Level, ok bool) {
	return optLevel(c.ForceLogging)
}

// FileLevel returns the slog level of log_file_level; ok is false when it is
// not set and the log file follows the console's level.
func (c *Config) FileLevel() (level slog.Level, ok bool) {
	return optLevel(c.LogFileLevel)
}

func optLevel(s string) (slog.Level, bool) {
	if s == "" {
		return 0, false
	}
	l, err := ParseLevel(s)
	return l, err == nil
}

// applyLogging reads the Python logging.config dictConfig section that
// hostp2pd.yaml files carry. What maps onto our keys is used: the first
// handler with a filename gives log_file, its maxBytes log_max_size_mb
// (rounded up to whole MiB), its backupCount log_backups, and the higher of
// its level and the root logger's level log_file_level. Our own keys win
// when both are given. Everything else (formatters, other handlers, loggers,
// encodings…) is ignored with one warning.
//
// The root level is deliberately not mapped to force_logging: in
// dictConfig it is a floor below the handlers' levels, while force_logging
// overrides every level. hostp2pd's own sample sets root: DEBUG with a
// console handler at ERROR, so mapping it would flood the console.
func (p *parser) applyLogging(c *Config) {
	n, k := p.logging, p.loggingKey
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		p.warnAt(k.line, k.name, "not a Python logging configuration mapping; ignored")
		return
	}
	ignored := false
	var file, root map[string]entry
	var fileName string
	for _, e := range entries(n) {
		switch e.key {
		case "version":
		case "handlers":
			if e.val.Kind != yaml.MappingNode {
				ignored = true
				continue
			}
			for _, h := range entries(e.val) {
				hm := entryMap(h.val)
				if _, has := hm["filename"]; has && file == nil {
					file, fileName = hm, h.key
					continue
				}
				ignored = true
			}
		case "root":
			root = entryMap(e.val)
			for key := range root {
				if key != "level" && key != "handlers" {
					ignored = true
				}
			}
		default:
			ignored = true
		}
	}
	path := func(key string) string { return k.name + ".handlers." + fileName + "." + key }
	level := -1
	{
		for key, e := range file {
			if isNull(e.val) {
				continue
			}
			switch key {
			case "filename":
				if s, ok := p.text(keyRef{name: path(key), line: e.line}, e.val, "a file name"); ok {
					p.fromLogging(c, "log_file", path(key), e.line, func() { c.LogFile = s })
				}
			case "backupCount":
				if v, ok := p.integer(keyRef{name: path(key), line: e.line}, e.val); ok {
					p.fromLogging(c, "log_backups", path(key), e.line, func() { c.LogBackups = v })
				}
			case "maxBytes":
				v, ok := p.integer(keyRef{name: path(key), line: e.line}, e.val)
				if ok && v > 0 {
					mb := int(math.Ceil(float64(v) / (1 << 20)))
					p.fromLogging(c, "log_max_size_mb", path(key), e.line, func() { c.LogMaxSizeMB = mb })
				}
			case "level":
				level = max(level, p.dictLevel(keyRef{name: path(key), line: e.line}, e.val))
			case "class":
			default:
				ignored = true
			}
		}
	}
	levelAt := keyRef{name: path("level"), line: 0}
	if e, ok := file["level"]; ok {
		levelAt.line = e.line
	}
	if e, ok := root["level"]; ok && file != nil {
		rl := p.dictLevel(keyRef{name: k.name + ".root.level", line: e.line}, e.val)
		if rl > level {
			level, levelAt = rl, keyRef{name: k.name + ".root.level", line: e.line}
		}
	}
	if level >= 0 {
		p.fromLogging(c, "log_file_level", levelAt.name, levelAt.line, func() { c.LogFileLevel = levelName(level) })
	}
	if ignored {
		p.warnAt(k.line, k.name, "Python logging section: only the file handler's filename, maxBytes, backupCount and level are used; the rest is ignored")
	}
}

// fromLogging applies a value from the logging section unless our own key
// was given, and records where it came from for messages.
func (p *parser) fromLogging(c *Config, canon, name string, line int, apply func()) {
	if _, set := p.loc[canon]; set {
		return
	}
	p.loc[canon] = keyRef{name: name, line: line}
	apply()
}

// dictLevel parses a dictConfig level, returning -1 (and an error) when bad.
func (p *parser) dictLevel(k keyRef, n *yaml.Node) int {
	if isNull(n) {
		return -1
	}
	s, ok := p.text(k, n, "a log level")
	if !ok {
		return -1
	}
	l, ok := pyLevel(s)
	if !ok {
		p.errAt(k.line, k.name, "unknown log level %s; valid: %s", short(s), validLevels)
		return -1
	}
	return l
}

type entry struct {
	key  string
	line int
	val  *yaml.Node
}

// entries lists a mapping's scalar keys in order, values dereferenced.
func entries(m *yaml.Node) []entry {
	if m.Kind != yaml.MappingNode {
		return nil
	}
	var out []entry
	for i := 0; i+1 < len(m.Content); i += 2 {
		kn := deref(m.Content[i])
		if kn.Kind != yaml.ScalarNode {
			continue
		}
		out = append(out, entry{key: kn.Value, line: kn.Line, val: deref(m.Content[i+1])})
	}
	return out
}

func entryMap(n *yaml.Node) map[string]entry {
	m := map[string]entry{}
	for _, e := range entries(deref(n)) {
		if _, dup := m[e.key]; !dup {
			m[e.key] = e
		}
	}
	return m
}
