// Package statustest provides a fake [status.Controller] for the tests of
// the packages that drive one (the console and the control API). It does
// not model the daemon: it records each call and answers from its fields.
package statustest

import (
	"context"
	"sync"

	"github.com/hostp2pd/hostp2pd/internal/status"
)

// Controller is a fake [status.Controller]. Set its fields before use, or
// with [Controller.Set] while it is in use; it is safe for concurrent use.
type Controller struct {
	Snapshot status.Status // returned by Status
	Err      error         // returned by EnterPIN, Disconnect, Forget, Reload and WPA
	Reply    string        // returned by WPA
	YAML     string        // returned by Config

	mu    sync.Mutex
	calls []string
}

var _ status.Controller = (*Controller)(nil)

// Set runs f with the controller locked, to change its fields while a
// server or console uses it.
func (c *Controller) Set(f func(c *Controller)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f(c)
}

// Calls returns the calls so far, one line each: "pin <peer> <pin>",
// "disconnect <peer>", "forget <peer>", "reload <path>", "wpa <cmd>",
// "reset", "pause", "resume".
func (c *Controller) Calls() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.calls...)
}

func (c *Controller) record(s string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, s)
	return c.Err
}

// Status returns Snapshot.
func (c *Controller) Status() status.Status {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Snapshot
}

// EnterPIN records "pin <peer> <pin>" and returns Err.
func (c *Controller) EnterPIN(_ context.Context, peer, pin string) error {
	return c.record("pin " + peer + " " + pin)
}

// Disconnect records "disconnect <peer>" and returns Err.
func (c *Controller) Disconnect(_ context.Context, peer string) error {
	return c.record("disconnect " + peer)
}

// Forget records "forget <peer>" and returns Err.
func (c *Controller) Forget(_ context.Context, peer string) error {
	return c.record("forget " + peer)
}

// Reload records "reload <path>" and returns Err.
func (c *Controller) Reload(_ context.Context, path string) error {
	return c.record("reload " + path)
}

// WPA records "wpa <cmd>" and returns Reply and Err.
func (c *Controller) WPA(_ context.Context, cmd string) (string, error) {
	err := c.record("wpa " + cmd)
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Reply, err
}

// ResetStats records "reset".
func (c *Controller) ResetStats() { _ = c.record("reset") }

// Pause records "pause".
func (c *Controller) Pause() { _ = c.record("pause") }

// Resume records "resume".
func (c *Controller) Resume() { _ = c.record("resume") }

// Config returns YAML.
func (c *Controller) Config() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.YAML
}
