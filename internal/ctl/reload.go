package ctl

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"reflect"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/internal/status"
)

// maxConfigFile bounds what checkConfigFile reads (as the config loader).
const maxConfigFile = 1 << 20

// checkConfigOwner checks that path is a regular file (symbolic links
// followed) owned by root or euid and not writable by group or others:
// a file only root (or the daemon's own user) can have written.
func checkConfigOwner(path string, euid uint32) error {
	f, err := openConfig(path)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	return ownerOK(f, path, euid)
}

// checkConfigFile checks path as checkConfigOwner does, then that it sets
// at least one hostp2pd setting: a file that loads as the plain defaults
// (/etc/shadow: every line an unknown key) is refused without saying more
// about its content. A file that does not parse is left to the daemon's
// loader, whose errors name file:line:key.
func checkConfigFile(path string, euid uint32) error {
	f, err := openConfig(path)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	if err := ownerOK(f, path, euid); err != nil {
		return err
	}
	data, err := io.ReadAll(io.LimitReader(f, maxConfigFile+1))
	if err != nil {
		return fmt.Errorf("reload %s: %w", path, err)
	}
	cfg, _, err := config.Parse(path, data)
	if err != nil {
		return nil
	}
	cfg.File = ""
	if reflect.DeepEqual(cfg, config.Default()) {
		return fmt.Errorf("reload %s: the file sets no hostp2pd setting; is it a hostp2pd configuration? (reload \"reset\" restores the defaults): %w",
			path, status.ErrInvalid)
	}
	return nil
}

// openConfig opens path without blocking (a FIFO is refused, not waited
// on) and checks its type, owner and mode.
func openConfig(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|nonblock, 0)
	if err != nil {
		return nil, fmt.Errorf("reload: %w", err)
	}
	return f, nil
}

func ownerOK(f *os.File, path string, euid uint32) error {
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("reload %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("reload %s: not a regular file: %w", path, status.ErrInvalid)
	}
	if uid, ok := owner(fi); ok && uid != 0 && uint32(uid) != euid {
		return fmt.Errorf("reload %s: owned by uid %d, not root: %w", path, uid, fs.ErrPermission)
	}
	if fi.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("reload %s: writable by group or others (mode %04o): %w", path, fi.Mode().Perm(), fs.ErrPermission)
	}
	return nil
}
