// Package daemon is the event loop: it connects wpa_supplicant's control
// sockets, the p2p session state machine, hooks, DHCP and the control API.
// One goroutine owns all session state.
package daemon

import (
	"context"
	"errors"
	"log/slog"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/internal/status"
)

// Options are the non-config inputs of a Daemon.
type Options struct {
	Logger  *slog.Logger
	Version string
	Load    func(path string) (*config.Config, error)
	OnReady func()
}

// Daemon is one managed P2P device.
type Daemon struct {
	cfg *config.Config
	o   Options
}

var _ status.Controller = (*Daemon)(nil)

// New returns a daemon for cfg.
func New(cfg *config.Config, o Options) (*Daemon, error) {
	if cfg == nil {
		return nil, errors.New("daemon: nil config")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Daemon{cfg: cfg, o: o}, nil
}

// Run runs until ctx is done.
func (d *Daemon) Run(ctx context.Context) error { <-ctx.Done(); return nil }

// ReloadConfig applies cfg.
func (d *Daemon) ReloadConfig(cfg *config.Config) error { return errors.New("not implemented") }

func (d *Daemon) Status() status.Status { return status.Status{} }
func (d *Daemon) EnterPIN(ctx context.Context, peer, pin string) error {
	return errors.New("not implemented")
}
func (d *Daemon) Disconnect(ctx context.Context, peer string) error {
	return errors.New("not implemented")
}
func (d *Daemon) Reload(ctx context.Context, path string) error { return errors.New("not implemented") }
func (d *Daemon) WPA(ctx context.Context, cmd string) (string, error) {
	return "", errors.New("not implemented")
}
func (d *Daemon) ResetStats()    {}
func (d *Daemon) Pause()         {}
func (d *Daemon) Resume()        {}
func (d *Daemon) Config() string { return "" }
