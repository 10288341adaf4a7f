package ctl

import (
	"context"
	"fmt"
	"net"
)

// Peer is the process at the other end of a control connection, as the
// kernel reports it (SO_PEERCRED on Linux): its ids when it connected.
type Peer struct {
	PID int32
	UID uint32
	GID uint32
}

func (p Peer) String() string { return fmt.Sprintf("pid %d uid %d gid %d", p.PID, p.UID, p.GID) }

type peerKey struct{}

// ContextWithPeer returns ctx carrying p as the peer of the request. [Serve]
// does this for every connection from the socket's credentials; a caller
// that serves [Handler] on its own listener must do it too, or every request
// counts as coming from an unknown, unprivileged peer.
func ContextWithPeer(ctx context.Context, p Peer) context.Context {
	return context.WithValue(ctx, peerKey{}, p)
}

// PeerFromContext returns the peer stored by [ContextWithPeer].
func PeerFromContext(ctx context.Context) (Peer, bool) {
	p, ok := ctx.Value(peerKey{}).(Peer)
	return p, ok
}

// connContext is the http.Server ConnContext of [Serve]: it stores the
// credentials of unix-socket peers. Connections whose credentials cannot be
// read get none (unprivileged).
func connContext(ctx context.Context, c net.Conn) context.Context {
	for {
		u, ok := c.(interface{ NetConn() net.Conn })
		if !ok {
			break
		}
		c = u.NetConn()
	}
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return ctx
	}
	p, err := peerCred(uc)
	if err != nil {
		return ctx
	}
	return ContextWithPeer(ctx, p)
}
