// Package logging builds the daemon's *slog.Logger from the command line and
// the configuration: one [slog.LevelVar] shared by -v/-vv, force_logging and
// the console's loglevel command, and up to three destinations:
//
//   - the interactive console (lines print above the CMD> prompt),
//   - a log file rotated by lumberjack (log_file, log_max_size_mb,
//     log_backups; hostp2pd keeps three rotated files too),
//   - stderr, or stdout for "-b -".
//
// Logging never stops the daemon: when the log file cannot be opened or
// written (read-only /var/log, full disk) records go to the fallback writer
// (stderr) with one warning, and a later [Logs.Reopen] (SIGHUP) tries the
// file again.
//
// Level names and numbers follow Python's logging module, which hostp2pd's
// users know from loglevel and force_logging: CRITICAL=50, ERROR=40,
// WARNING=30, INFO=20, DEBUG=10.
package logging
