package ctl

import (
	"net"
	"net/http"
	"sync"
	"sync/atomic"
)

// Listener is a net.Listener with a cap on open connections, for the HTTP
// servers of the daemon (control socket and /metrics), so that clients that
// open connections and send nothing cannot use up the daemon's file
// descriptors. Create it with [LimitListener].
//
// When a connection arrives while the cap is reached, the connection that
// has waited longest without a request in progress (silent since it
// connected, or idle between keep-alive requests) is closed to make room,
// so a real request still gets through a flood of idle connections. When
// every connection is busy with a request, the new one is closed instead.
// Either way the closed connection is counted by [Listener.Dropped].
type Listener struct {
	net.Listener
	max     int
	dropped atomic.Uint64

	mu    sync.Mutex
	seq   uint64
	conns map[*limitConn]struct{}
}

// LimitListener returns l with at most n connections open at once
// (n < 1 means 1). Set the server's ConnState to [Listener.ConnState], so
// that the listener knows which connections are in a request.
func LimitListener(l net.Listener, n int) *Listener {
	return &Listener{Listener: l, max: max(n, 1), conns: map[*limitConn]struct{}{}}
}

// Dropped returns how many connections were closed because of the cap.
func (l *Listener) Dropped() uint64 { return l.dropped.Load() }

// Open returns the number of connections open now.
func (l *Listener) Open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.conns)
}

// Accept waits for the next connection, closing one as described on
// [Listener] when the cap is reached.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		lc, victim := l.admit(c)
		if victim != nil {
			_ = victim.Conn.Close()
		}
		if lc != nil {
			return lc, nil
		}
		_ = c.Close()
	}
}

// admit tracks c, choosing a connection to close when the cap is reached.
// It returns nil for c when c itself must be closed.
func (l *Listener) admit(c net.Conn) (*limitConn, *limitConn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var victim *limitConn
	if len(l.conns) >= l.max {
		for lc := range l.conns {
			if !lc.busy && (victim == nil || lc.since < victim.since) {
				victim = lc
			}
		}
		l.dropped.Add(1)
		if victim == nil {
			return nil, nil
		}
		delete(l.conns, victim)
	}
	l.seq++
	lc := &limitConn{Conn: c, l: l, since: l.seq}
	l.conns[lc] = struct{}{}
	return lc, victim
}

// ConnState records whether c is in a request; it is meant for
// http.Server.ConnState.
func (l *Listener) ConnState(c net.Conn, s http.ConnState) {
	lc, ok := c.(*limitConn)
	if !ok || lc.l != l {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	switch s {
	case http.StateActive:
		lc.busy = true
	case http.StateIdle:
		lc.busy = false
		l.seq++
		lc.since = l.seq
	case http.StateHijacked, http.StateClosed:
		delete(l.conns, lc)
	}
}

func (l *Listener) forget(lc *limitConn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.conns, lc)
}

// limitConn is a connection counted by a Listener.
type limitConn struct {
	net.Conn
	l     *Listener
	once  sync.Once
	busy  bool   // in a request; guarded by l.mu
	since uint64 // when it last became idle; guarded by l.mu
}

// NetConn returns the underlying connection (for its peer credentials).
func (c *limitConn) NetConn() net.Conn { return c.Conn }

func (c *limitConn) Close() error {
	c.once.Do(func() { c.l.forget(c) })
	return c.Conn.Close()
}
