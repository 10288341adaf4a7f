package wpactrl_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/hostp2pd/hostp2pd/wpactrl"
)

func ExampleDial() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := wpactrl.Dial(ctx, "/var/run/wpa_supplicant/p2p-dev-wlan0")
	if err != nil {
		log.Fatal(err) // errors.Is(err, wpactrl.ErrGone): not running
	}
	defer c.Close()

	reply, err := c.Request(ctx, "P2P_GROUP_ADD persistent")
	switch {
	case errors.Is(err, wpactrl.ErrFail):
		log.Fatalf("group not started: %v", err)
	case err != nil:
		log.Fatal(err)
	}
	fmt.Printf("%q\n", reply) // "OK\n"
}

func ExampleConn_RequestIface() {
	ctx := context.Background()
	c, err := wpactrl.Dial(ctx, "/var/run/wpa_supplicant-global")
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	// WPS commands must go to the group interface.
	if _, err := c.RequestIface(ctx, "p2p-wlan0-0", "WPS_PBC p2p_dev_addr=42:00:00:00:01:00"); err != nil {
		log.Fatal(err)
	}
}

func ExampleAttach() {
	ctx := context.Background()
	m, err := wpactrl.Attach(ctx, "/var/run/wpa_supplicant/p2p-dev-wlan0",
		wpactrl.WithQueueLen(1024), wpactrl.WithPingInterval(time.Second))
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	for ev := range m.Events() {
		fmt.Println(ev.Level, ev.Iface, ev.Text) // 3  P2P-GROUP-STARTED p2p-wlan0-0 GO ...
	}
	// The channel closed: wpa_supplicant went away (or Close was called).
	if errors.Is(m.Err(), wpactrl.ErrGone) {
		log.Print("wpa_supplicant is gone; reconnect when its socket is back")
	}
}
