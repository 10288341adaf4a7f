// Package hostp2pd is the embeddable Wi-Fi Direct group-owner daemon: the Go
// counterpart of the Python hostp2pd class. The hostp2pd command is a thin
// user of it.
//
//	cfg, _, err := config.Load("/etc/hostp2pd.yaml")
//	d, err := hostp2pd.New(cfg, hostp2pd.WithLogger(log))
//	err = d.Run(ctx) // until ctx is cancelled
package hostp2pd

import (
	"context"
	"log/slog"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/internal/daemon"
	"github.com/hostp2pd/hostp2pd/internal/status"
	"github.com/hostp2pd/hostp2pd/wpaevent"
)

// Config is the daemon configuration (hostp2pd.yaml).
type Config = config.Config

// Status is a snapshot of a running daemon.
type Status = status.Status

// Daemon manages one P2P device interface as a group owner.
type Daemon struct{ d *daemon.Daemon }

// Option configures a Daemon.
type Option func(*daemon.Options)

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) Option { return func(o *daemon.Options) { o.Logger = l } }

// WithVersion sets the version string reported by status.
func WithVersion(v string) Option { return func(o *daemon.Options) { o.Version = v } }

// WithLoader sets how Reload(path) reads a configuration file.
func WithLoader(f func(path string) (*Config, error)) Option {
	return func(o *daemon.Options) { o.Load = f }
}

// WithReady registers a function called each time the session is up
// (control sockets answer, monitor attached, configured mode activated).
func WithReady(f func()) Option { return func(o *daemon.Options) { o.OnReady = f } }

// WithoutIPService leaves the group interface's address and DHCP to the
// system (the dhcp.enabled key does the same from the configuration).
func WithoutIPService() Option { return func(o *daemon.Options) { o.Net = noNet{} } }

type noNet struct{}

func (noNet) Up(context.Context, string, string, *config.Config, func(wpaevent.MAC, string)) (func(), error) {
	return func() {}, nil
}

// New validates cfg and returns a daemon; it does no I/O.
func New(cfg *Config, opts ...Option) (*Daemon, error) {
	var o daemon.Options
	for _, f := range opts {
		f(&o)
	}
	if o.Net == nil {
		o.Net = daemon.NewIPService(o.Logger)
	}
	d, err := daemon.New(cfg, o)
	if err != nil {
		return nil, err
	}
	return &Daemon{d: d}, nil
}

// Run runs the session until ctx is cancelled, then stops in order (groups
// this daemon created are removed, run_program "start" is called) and returns.
func (d *Daemon) Run(ctx context.Context) error { return d.d.Run(ctx) }

// Reload applies a new configuration without dropping connected phones when
// the group mode did not change.
func (d *Daemon) Reload(cfg *Config) error { return d.d.ReloadConfig(cfg) }

// Stats returns the current status snapshot, counters included.
func (d *Daemon) Stats() Status { return d.d.Status() }

// Alive reports whether the event loop is turning (for the systemd
// watchdog): false when it has been stuck for more than 10 s.
func (d *Daemon) Alive() bool { return d.d.Alive(10 * time.Second) }

// Controller returns the command layer shared by the console and the
// control socket.
func (d *Daemon) Controller() status.Controller { return d.d }
