package logging

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
)

// LevelCritical is Python's CRITICAL (50) as a slog level, above Error.
const LevelCritical = slog.LevelError + 4

// ParseLevel reads a level as a Python number (10, 20, 30, 40, 50; values in
// between round down to the next named level) or a name (debug, info,
// warning/warn, error, critical/fatal; any case).
func ParseLevel(s string) (slog.Level, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil {
		return FromPython(n), nil
	}
	switch strings.ToUpper(s) {
	case "DEBUG":
		return slog.LevelDebug, nil
	case "INFO":
		return slog.LevelInfo, nil
	case "WARNING", "WARN":
		return slog.LevelWarn, nil
	case "ERROR":
		return slog.LevelError, nil
	case "CRITICAL", "FATAL":
		return LevelCritical, nil
	}
	return 0, fmt.Errorf("logging: invalid level %q (use CRITICAL=50, ERROR=40, WARNING=30, INFO=20, DEBUG=10)", s)
}

// FromPython maps a Python logging number to a slog level.
func FromPython(n int) slog.Level {
	switch {
	case n >= 50:
		return LevelCritical
	case n >= 40:
		return slog.LevelError
	case n >= 30:
		return slog.LevelWarn
	case n >= 20:
		return slog.LevelInfo
	default:
		return slog.LevelDebug
	}
}

// ToPython maps a slog level to the Python logging number.
func ToPython(l slog.Level) int {
	switch {
	case l >= LevelCritical:
		return 50
	case l >= slog.LevelError:
		return 40
	case l >= slog.LevelWarn:
		return 30
	case l >= slog.LevelInfo:
		return 20
	default:
		return 10
	}
}

// LevelName returns the Python name of l: DEBUG, INFO, WARNING, ERROR or CRITICAL.
func LevelName(l slog.Level) string {
	switch ToPython(l) {
	case 50:
		return "CRITICAL"
	case 40:
		return "ERROR"
	case 30:
		return "WARNING"
	case 20:
		return "INFO"
	default:
		return "DEBUG"
	}
}

// FromVerbosity maps the -v count to a level: none = WARNING (hostp2pd's
// default), -v = INFO, -vv = DEBUG.
func FromVerbosity(v int) slog.Level {
	switch {
	case v >= 2:
		return slog.LevelDebug
	case v == 1:
		return slog.LevelInfo
	default:
		return slog.LevelWarn
	}
}
