package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"

	"golang.org/x/term"

	"github.com/hostp2pd/hostp2pd/internal/ctl"
	"github.com/hostp2pd/hostp2pd/internal/joincode"
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
	code, err := ctl.JoinCode(st.Group)
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
	fmt.Fprintf(w, "ssid:       %s\npassphrase: %s\n", strconv.Quote(st.Group.SSID), strconv.Quote(st.Group.Passphrase))
	return w.Flush()
}
