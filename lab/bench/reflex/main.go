// Command reflex is the smallest possible answering client: it attaches to
// a GO's wpa_supplicant with the same wpactrl package hostp2pd uses and
// answers every P2P-PROV-DISC-SHOW-PIN with "WPS_PIN any PIN" and every
// P2P-PROV-DISC-PBC-REQ with "WPS_PBC p2p_dev_addr=..." on the group
// interface, with no policy, logging, queue or state.  The lab bench
// (lab/bench/11-join-keypad.sh) measures its reaction latency next to
// hostp2pd's: the floor any Go client reaches on the same (emulated) machine.
//
//	reflex [-dir /var/run/wpa_supplicant] [-dev p2p-dev-wlan0] -group p2p-wlan0-0 [-pin 12345670]
package main

import (
	"context"
	"flag"
	"log"
	"path/filepath"
	"strings"

	"github.com/hostp2pd/hostp2pd/wpactrl"
)

func main() {
	dir := flag.String("dir", "/var/run/wpa_supplicant", "control socket directory")
	dev := flag.String("dev", "p2p-dev-wlan0", "P2P device interface (events)")
	group := flag.String("group", "", "group interface (WPS commands)")
	pin := flag.String("pin", "12345670", "PIN for WPS_PIN any")
	flag.Parse()
	if *group == "" {
		log.Fatal("reflex: -group is required")
	}
	ctx := context.Background()
	c, err := wpactrl.Dial(ctx, filepath.Join(*dir, *group))
	if err != nil {
		log.Fatal(err)
	}
	m, err := wpactrl.Attach(ctx, filepath.Join(*dir, *dev), wpactrl.WithQueueLen(1024))
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("reflex: attached to %s, answering on %s", *dev, *group)
	for ev := range m.Events() {
		var cmd string
		switch {
		case strings.HasPrefix(ev.Text, "P2P-PROV-DISC-SHOW-PIN "):
			cmd = "WPS_PIN any " + *pin
		case strings.HasPrefix(ev.Text, "P2P-PROV-DISC-PBC-REQ "):
			cmd = "WPS_PBC"
			if a := field(ev.Text, "p2p_dev_addr"); a != "" {
				cmd += " p2p_dev_addr=" + a
			}
		default:
			continue
		}
		if _, err := c.Request(ctx, cmd); err != nil {
			log.Printf("reflex: %s: %v", cmd, err)
		}
	}
	log.Fatalf("reflex: monitor ended: %v", m.Err())
}

func field(text, key string) string {
	for _, w := range strings.Fields(text) {
		if v, ok := strings.CutPrefix(w, key+"="); ok {
			return v
		}
	}
	return ""
}
