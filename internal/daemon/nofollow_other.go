//go:build !unix

package daemon

// oNoFollow: no such flag here; readNoFollow still refuses what is not a
// regular file.
const oNoFollow = 0
