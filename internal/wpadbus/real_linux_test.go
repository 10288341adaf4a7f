package wpadbus

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hostp2pd/hostp2pd/wpactrl"
)

func dialT(t *testing.T, addr, iface string) *Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := Dial(ctx, iface, WithAddress(addr))
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestReal_DialReadsTheP2PDevice(t *testing.T) {
	addr, _ := privateBus(t, openPolicy)
	s := realSupplicant(t, addr)
	c := dialT(t, addr, s.iface)
	if !strings.HasPrefix(string(c.DevicePath()), "/fi/w1/wpa_supplicant1/Interfaces/") {
		t.Errorf("DevicePath = %q", c.DevicePath())
	}
	ctx := context.Background()
	if r, err := c.Role(ctx); err != nil || r != "device" {
		t.Errorf("Role = %q, %v; want device", r, err)
	}
	// -Dwired has no P2P: the check says so, with wpa_supplicant's words.
	if _, err := c.DeviceConfig(ctx); !errors.Is(err, ErrNoP2P) || !strings.Contains(err.Error(), "P2P is not available") {
		t.Errorf("DeviceConfig on -Dwired: err = %v, want ErrNoP2P", err)
	}
	if r, err := c.Request(ctx, "PING"); err != nil || r != "PONG\n" {
		t.Errorf("PING = %q, %v", r, err)
	}
	if r, err := c.Request(ctx, "INTERFACES"); err != nil || r != "veth0\n" {
		t.Errorf("INTERFACES = %q, %v", r, err)
	}
	// LIST_NETWORKS needs the PersistentGroups of the P2P device.
	if r, err := c.Request(ctx, "LIST_NETWORKS"); !errors.Is(err, ErrNoP2P) {
		t.Errorf("LIST_NETWORKS on -Dwired = %q, %v; want ErrNoP2P", r, err)
	}
}

func TestReal_RequestAfterCloseIsErrClosed(t *testing.T) {
	addr, _ := privateBus(t, openPolicy)
	s := realSupplicant(t, addr)
	c := dialT(t, addr, s.iface)
	_ = c.Close()
	if _, err := c.Request(context.Background(), "P2P_FIND"); !errors.Is(err, wpactrl.ErrClosed) {
		t.Errorf("after Close: %v, want wpactrl.ErrClosed", err)
	}
	if _, ok := <-c.Events(); ok {
		t.Error("Events open after Close")
	}
	if err := c.Err(); err != nil {
		t.Errorf("Err after Close = %v, want nil", err)
	}
}

func TestReal_GroupAddFailsWithTheSupplicantsError(t *testing.T) {
	addr, _ := privateBus(t, openPolicy)
	s := realSupplicant(t, addr)
	c := dialT(t, addr, s.iface)
	// -Dwired has no P2P radio: wpa_supplicant refuses the group, and the
	// refusal is a MethodError naming the command and the D-Bus error.
	_, err := c.Request(context.Background(), "P2P_GROUP_ADD persistent")
	var me *MethodError
	if !errors.As(err, &me) || !errors.Is(err, ErrMethod) {
		t.Fatalf("P2P_GROUP_ADD: err = %v, want a *MethodError", err)
	}
	if me.Method != "fi.w1.wpa_supplicant1.Interface.P2PDevice.GroupAdd" || me.Name == "" ||
		!strings.Contains(err.Error(), "P2P_GROUP_ADD") {
		t.Errorf("MethodError = %+v (%v)", me, err)
	}
	t.Logf("wpa_supplicant answered: %v", err)
}

func TestReal_CommandWithoutEquivalentIsNotSent(t *testing.T) {
	addr, _ := privateBus(t, openPolicy)
	s := realSupplicant(t, addr)
	c := dialT(t, addr, s.iface)
	for _, cmd := range []string{"STATUS", "SET country DE", "DEAUTHENTICATE 02:00:00:00:01:00", "P2P_GROUP_ADD ht40"} {
		_, err := c.Request(context.Background(), cmd)
		if !errors.Is(err, ErrNoEquivalent) || !strings.Contains(err.Error(), strings.Fields(cmd)[0]) {
			t.Errorf("%s: err = %v, want ErrNoEquivalent naming the command", cmd, err)
		}
	}
}

func TestReal_AccessDeniedNamesThePolicyFile(t *testing.T) {
	addr, _ := privateBus(t, deniedPolicy)
	s := realSupplicant(t, addr)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := Dial(ctx, s.iface, WithAddress(addr))
	if !errors.Is(err, ErrAccessDenied) {
		t.Fatalf("Dial: err = %v, want ErrAccessDenied", err)
	}
	if !contains(err.Error(), "/etc/dbus-1/system.d/wpa_supplicant.conf", "fi.w1.wpa_supplicant1") {
		t.Errorf("error does not say what to edit: %v", err)
	}
}

func TestReal_UnknownInterfaceAndNoService(t *testing.T) {
	addr, _ := privateBus(t, openPolicy)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := Dial(ctx, "wlan0", WithAddress(addr)); !errors.Is(err, ErrNoService) {
		t.Errorf("no supplicant on the bus: err = %v, want ErrNoService", err)
	}
	s := realSupplicant(t, addr)
	_ = s
	if _, err := Dial(ctx, "nosuch0", WithAddress(addr)); !errors.Is(err, ErrUnknownInterface) {
		t.Errorf("unknown interface: err = %v, want ErrUnknownInterface", err)
	}
}

func TestReal_SupplicantRestartEndsEventsThenRedialWorks(t *testing.T) {
	addr, _ := privateBus(t, openPolicy)
	s := realSupplicant(t, addr)
	c := dialT(t, addr, s.iface)
	s.kill()
	var got []string
	timeout := time.After(5 * time.Second)
	for done := false; !done; {
		select {
		case m, ok := <-c.Events():
			if !ok {
				done = true
				break
			}
			got = append(got, m.Text)
		case <-timeout:
			t.Fatalf("Events not closed after wpa_supplicant died; got %q", got)
		}
	}
	if len(got) == 0 || got[len(got)-1] != "CTRL-EVENT-TERMINATING " {
		t.Errorf("events = %q, want CTRL-EVENT-TERMINATING last", got)
	}
	if err := c.Err(); !errors.Is(err, wpactrl.ErrGone) {
		t.Errorf("Err = %v, want wpactrl.ErrGone", err)
	}
	if _, err := c.Request(context.Background(), "PING"); !errors.Is(err, wpactrl.ErrGone) {
		t.Errorf("PING after the owner left: %v, want wpactrl.ErrGone", err)
	}
	// WaitForService blocks until the new process is on the bus.
	waited := make(chan error, 1)
	wctx, wcancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer wcancel()
	go func() { waited <- WaitForService(wctx, WithAddress(addr)) }()
	select {
	case err := <-waited:
		t.Fatalf("WaitForService returned before the restart: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	s.start(addr)
	if err := <-waited; err != nil {
		t.Fatalf("WaitForService: %v", err)
	}
	c2 := dialT(t, addr, s.iface)
	if r, err := c2.Request(context.Background(), "PING"); err != nil || r != "PONG\n" {
		t.Errorf("PING after restart = %q, %v", r, err)
	}
}

func TestWaitForService_ReturnsAtOnceWhenOwnedAndOnCancel(t *testing.T) {
	addr, _ := privateBus(t, openPolicy)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := WaitForService(ctx, WithAddress(addr)); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("nobody on the bus: err = %v, want the deadline", err)
	}
	s := realSupplicant(t, addr)
	_ = s
	ctx2, cancel2 := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel2()
	if err := WaitForService(ctx2, WithAddress(addr)); err != nil {
		t.Errorf("owned: %v", err)
	}
}

func TestReal_BusGoneEndsEvents(t *testing.T) {
	addr, stopBus := privateBus(t, openPolicy)
	s := realSupplicant(t, addr)
	c := dialT(t, addr, s.iface)
	stopBus()
	select {
	case _, ok := <-c.Events():
		for ok {
			_, ok = <-c.Events()
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Events not closed after the bus died")
	}
	if err := c.Err(); !errors.Is(err, wpactrl.ErrGone) {
		t.Errorf("Err = %v, want wpactrl.ErrGone", err)
	}
}
