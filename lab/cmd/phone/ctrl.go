package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

// ctrlConn is a minimal wpa_supplicant control-interface client: a unixgram
// socket bound to a pathname (wpa_supplicant replies to the sender address;
// an abstract address would only work inside the same network namespace,
// while the phones' supplicants live in their own netns), connected to
// <dir>/<iface>.  One datagram per command, one per reply.  Once ATTACHed,
// unsolicited events ("<level>TEXT") arrive on the same socket; replies never
// start with '<'.
type ctrlConn struct {
	c     *net.UnixConn
	local string
}

var connSeq atomic.Int64

func dialCtrl(path string) (*ctrlConn, error) {
	local := fmt.Sprintf("/tmp/phone-%d-%d.sock", os.Getpid(), connSeq.Add(1))
	_ = os.Remove(local)
	c, err := net.DialUnix("unixgram",
		&net.UnixAddr{Name: local, Net: "unixgram"},
		&net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		return nil, fmt.Errorf("connect %s: %w", path, err)
	}
	return &ctrlConn{c: c, local: local}, nil
}

func (c *ctrlConn) Close() {
	_ = c.c.Close()
	_ = os.Remove(c.local)
}

// request sends cmd and returns its reply; events that arrive meanwhile are
// passed to onEvent (without the "<level>" prefix).
func (c *ctrlConn) request(cmd string, timeout time.Duration, onEvent func(string)) (string, error) {
	if _, err := c.c.Write([]byte(cmd)); err != nil {
		return "", fmt.Errorf("%s: %w", cmd, err)
	}
	deadline := time.Now().Add(timeout)
	buf := make([]byte, 16384)
	for {
		_ = c.c.SetReadDeadline(deadline)
		n, err := c.c.Read(buf)
		if err != nil {
			return "", fmt.Errorf("%s: %w", cmd, err)
		}
		msg := string(buf[:n])
		if strings.HasPrefix(msg, "<") {
			if onEvent != nil {
				onEvent(stripLevel(msg))
			}
			continue
		}
		return strings.TrimRight(msg, "\n"), nil
	}
}

// event waits up to timeout for the next unsolicited event; ok=false on timeout.
func (c *ctrlConn) event(timeout time.Duration) (string, bool, error) {
	buf := make([]byte, 16384)
	_ = c.c.SetReadDeadline(time.Now().Add(timeout))
	n, err := c.c.Read(buf)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return "", false, nil
		}
		return "", false, err
	}
	return stripLevel(string(buf[:n])), true, nil
}

func stripLevel(s string) string {
	if strings.HasPrefix(s, "<") {
		if i := strings.IndexByte(s, '>'); i > 0 {
			return s[i+1:]
		}
	}
	return s
}

// evField returns the value of key=value in an event line ("" if absent);
// quoted values (ssid="DIRECT-xy", name='x y') are unquoted.
func evField(ev, key string) string {
	i := 0
	for {
		j := strings.Index(ev[i:], key+"=")
		if j < 0 {
			return ""
		}
		j += i
		if j == 0 || ev[j-1] == ' ' {
			v := ev[j+len(key)+1:]
			if len(v) > 0 && (v[0] == '"' || v[0] == '\'') {
				if k := strings.IndexByte(v[1:], v[0]); k >= 0 {
					return v[1 : k+1]
				}
				return v[1:]
			}
			if k := strings.IndexByte(v, ' '); k >= 0 {
				return v[:k]
			}
			return v
		}
		i = j + 1
	}
}
