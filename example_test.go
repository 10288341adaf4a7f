package hostp2pd_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/hostp2pd/hostp2pd"
	"github.com/hostp2pd/hostp2pd/wpactrl/wpatest"
)

// A daemon in autonomous mode against the fake wpa_supplicant of
// wpactrl/wpatest: it creates the group at start, and removes it when the
// context ends. Only the exported API is used.
func Example() {
	dir, err := os.MkdirTemp("", "hostp2pd-example-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = os.RemoveAll(dir) }()
	wpa := filepath.Join(dir, "wpa")
	sup, err := wpatest.NewServer(wpa) // serves p2p-dev-wlan0
	if err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = sup.Close() }()

	cfg, warnings, err := hostp2pd.ParseConfig("example.yaml", []byte(`
activate_autonomous_group: true
pin: "12345670"
dhcp: false
`))
	if err != nil || len(warnings) > 0 {
		fmt.Println(err, warnings)
		return
	}
	cfg.SetInterface("p2p-dev-wlan0")
	cfg.SetCtrlInterface(wpa)
	d, err := hostp2pd.New(cfg, hostp2pd.WithoutIPService())
	if err != nil {
		fmt.Println(err)
		return
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	for deadline := time.Now().Add(10 * time.Second); d.Stats().Group == nil && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	st := d.Stats()
	if st.Group == nil {
		fmt.Println("no group")
	} else {
		fmt.Printf("%s on %s: group %s up\n", st.Mode, st.Interface, st.Group.Iface)
	}
	cancel()
	if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
		fmt.Println("run:", err)
	}
	fmt.Println("stopped")
	// Output:
	// autonomous on p2p-dev-wlan0: group p2p-wlan0-0 up
	// stopped
}
