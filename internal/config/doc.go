// Package config loads hostp2pd.yaml into a validated [Config].
//
// The file format is the one of the original Python hostp2pd, so an existing
// hostp2pd.yaml works unchanged: the settings may sit under a "hostp2pd:"
// section or at the top level; both historical spellings (password/pin,
// white_list/pbc_white_list) are accepted; Python-style None and yes/no
// values are understood; a Python logging.config "logging:" section is read
// for the log file, its size, its backup count and its level. This daemon's
// own keys (DHCP, control socket, WPS methods, MAC lists, …) live in the same
// file. docs/config.md is the reference of every key.
//
// # Errors and warnings
//
// [Load] and [Parse] report every problem of a file at once: the returned
// error joins one [*Error] per problem (errors.Join), each printed as
// "file:line: key: message". Unknown keys and obsolete hostp2pd keys are
// not errors but [Warning]s, which name the nearest known key.
//
// # What this package does not do
//
// It never touches the system: "auto" interfaces, "<iface>" placeholders and
// user/group names are resolved by the caller. The [EnvVar] variable is read
// only by [PathFromEnv].
package config
