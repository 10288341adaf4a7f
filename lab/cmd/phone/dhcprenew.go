package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// dhcpRenew gets a lease with busybox udhcpc kept in the foreground, then
// makes it renew n times with SIGUSR1. Each renewal is one unicast REQUEST
// to the server (RENEWING); a client that gets no answer within its
// discover timeout broadcasts ("broadcasting renew", REBINDING). The PHONE
// line gives the slowest renewal (renew_ms_max) and how many fell back to
// a broadcast (rebinds); ok=1 when every renewal was answered.
func (p *phone) dhcpRenew(n int) int {
	g, err := p.group()
	if err != nil {
		return p.fail("dhcp", err)
	}
	script := "/tmp/phone-udhcpc.sh"
	if err := os.WriteFile(script, []byte(udhcpcScript), 0o755); err != nil {
		return p.fail("dhcp", err, "group", g)
	}
	args := []string{"udhcpc", "-i", g, "-s", script, "-f", "-n", "-t", "5", "-T", "3"}
	var c *exec.Cmd
	if p.netns == "-" {
		c = exec.Command(args[0], args[1:]...)
	} else {
		c = exec.Command("/sbin/ip", append([]string{"netns", "exec", p.netns}, args...)...)
	}
	out, err := c.StdoutPipe()
	if err != nil {
		return p.fail("dhcp", err, "group", g)
	}
	c.Stderr = c.Stdout
	if err := c.Start(); err != nil {
		return p.fail("dhcp", err, "group", g)
	}
	defer func() { _ = c.Process.Signal(syscall.SIGTERM); _ = c.Wait() }()
	lines := make(chan string, 64)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	rebinds := 0
	// next waits for the script's line for event ev and returns its ip.
	next := func(ev string, within time.Duration) (string, bool) {
		tm := time.After(within)
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					return "", false
				}
				if p.verbose {
					fmt.Fprintln(os.Stderr, l)
				}
				if strings.Contains(l, "broadcasting renew") {
					rebinds++
				}
				if strings.HasPrefix(l, "PHONE-DHCP ") && evField(l, "event") == ev {
					return evField(l, "ip"), true
				}
			case <-tm:
				return "", false
			}
		}
	}
	ip, ok := next("bound", p.to(20*time.Second))
	if !ok {
		return p.fail("dhcp", fmt.Errorf("no lease"), "group", g)
	}
	p.state["ip"] = ip
	p.saveState()
	var worst time.Duration
	answered := 0
	for range n {
		time.Sleep(200 * time.Millisecond)
		t0 := time.Now()
		if err := c.Process.Signal(syscall.SIGUSR1); err != nil {
			break
		}
		if _, ok := next("renew", 8*time.Second); !ok {
			continue
		}
		answered++
		worst = max(worst, time.Since(t0))
	}
	return p.emit("dhcp", answered == n, "group", g, "ip", ip, "renews", strconv.Itoa(n),
		"answered", strconv.Itoa(answered), "rebinds", strconv.Itoa(rebinds),
		"renew_ms_max", strconv.FormatInt(worst.Milliseconds(), 10))
}
