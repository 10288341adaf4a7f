//go:build !linux

package wpactrl

// watchExit is Linux only (pidfd): elsewhere the Monitor keeps pinging.
func watchExit(string, func(int)) func() { return nil }
