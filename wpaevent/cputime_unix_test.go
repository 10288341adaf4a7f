//go:build unix

package wpaevent

import (
	"syscall"
	"time"
)

// cpuTime returns the user+system CPU time of the process, so benchmarks can
// report throughput per busy core even on a loaded machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
