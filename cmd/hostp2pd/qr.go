package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"golang.org/x/term"

	"github.com/hostp2pd/hostp2pd/internal/ctl"
	"github.com/hostp2pd/hostp2pd/internal/joincode"
	"github.com/hostp2pd/hostp2pd/internal/status"
)

// runQR prints the running group's join code on the terminal, or writes
// the PNG the daemon serves to png. "no group running" is an error.
func runQR(ctx context.Context, c *ctl.Client, png string, s sys) error {
	if png != "" {
		b, err := c.QRPNG(ctx)
		if err != nil {
			return err
		}
		return os.WriteFile(png, b, 0o600) // it holds the passphrase
	}
	st, err := c.Status(ctx)
	if err != nil {
		return err
	}
	return printQR(st.Group, s)
}

// runRotate asks for a new passphrase, waits for the group to be back with
// it (at most 30 s) and prints the new join code.
func runRotate(ctx context.Context, c *ctl.Client, s sys) error {
	r, err := c.Rotate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(s.stdout, "hostp2pd: new passphrase for %s; the group restarts\n", r.SSID)
	deadline := time.Now().Add(30 * time.Second)
	for {
		st, err := c.Status(ctx)
		if err != nil {
			return err
		}
		if g := st.Group; g != nil && g.Passphrase == r.Passphrase {
			return printQR(g, s)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the group did not come back with the new passphrase within 30 s")
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// printQR draws g's join code on stdout, then its SSID and passphrase.
func printQR(g *status.Group, s sys) error {
	code, err := ctl.JoinCode(g)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	// The blocks are the dark modules; on a terminal the code is drawn
	// black on white whatever its colours, as phone cameras expect.
	if err := code.WriteTerminal(&b, joincode.LightBackground); err != nil {
		return err
	}
	f, isFile := s.stdout.(*os.File)
	tty := isFile && term.IsTerminal(int(f.Fd()))
	w := bufio.NewWriter(s.stdout)
	for line := range bytes.Lines(b.Bytes()) {
		if tty {
			fmt.Fprintf(w, "\x1b[30;107m%s\x1b[0m\n", bytes.TrimSuffix(line, []byte("\n")))
		} else {
			w.Write(line)
		}
	}
	fmt.Fprintf(w, "ssid:       %s\npassphrase: %s\n", strconv.Quote(g.SSID), strconv.Quote(g.Passphrase))
	return w.Flush()
}
