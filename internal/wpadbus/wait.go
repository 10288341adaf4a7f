package wpadbus

import (
	"context"
	"fmt"

	"github.com/godbus/dbus/v5"
)

// WaitForService returns when fi.w1.wpa_supplicant1 has an owner on the
// bus (at once if it has one), so that a caller whose Conn ended with
// wpactrl.ErrGone (wpa_supplicant restarted) dials again as soon as the
// new process is on the bus, without polling. It returns ctx's error if
// ctx ends first. opts takes WithAddress; the rest is ignored.
func WaitForService(ctx context.Context, opts ...Option) error {
	var o options
	for _, f := range opts {
		f(&o)
	}
	if o.addr == "" {
		o.addr = SystemBusAddress()
	}
	bus, err := connect(ctx, o.addr)
	if err != nil {
		return fmt.Errorf("wpadbus: bus %s: %w", o.addr, err)
	}
	defer bus.Close()
	ch := make(chan *dbus.Signal, 8)
	bus.Signal(ch)
	if err := bus.AddMatchSignalContext(ctx, dbus.WithMatchSender(busName), dbus.WithMatchInterface(busName),
		dbus.WithMatchMember("NameOwnerChanged"), dbus.WithMatchArg(0, Service)); err != nil {
		return fmt.Errorf("wpadbus: subscribe NameOwnerChanged: %w", err)
	}
	// Asked after subscribing, so an owner that arrives in between is
	// seen either way.
	var has bool
	if err := bus.BusObject().CallWithContext(ctx, busName+".NameHasOwner", 0, Service).Store(&has); err != nil {
		return fmt.Errorf("wpadbus: NameHasOwner: %w", err)
	}
	if has {
		return nil
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case s, ok := <-ch:
			if !ok {
				return fmt.Errorf("wpadbus: bus %s closed while waiting for %s", o.addr, Service)
			}
			if newOwner, _ := arg[string](s.Body, 2); s.Name == busName+".NameOwnerChanged" && newOwner != "" {
				return nil
			}
		}
	}
}
