package ctl

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/status"
)

// Client talks to a running daemon's control socket.
type Client struct {
	path string
	hc   *http.Client
}

// APIError is an error answer of the server.
type APIError struct {
	Code    int    // HTTP status code
	Message string // the "error" field
}

func (e *APIError) Error() string { return "ctl: " + e.Message }

// ErrNoServer is returned (wrapped) when nothing listens on the socket.
var ErrNoServer = errors.New("ctl: no server listening")

// NewClient returns a client of the socket at path. It does not connect.
func NewClient(path string) *Client {
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", path)
		},
		MaxIdleConns:    1,
		IdleConnTimeout: 10 * time.Second,
	}
	return &Client{path: path, hc: &http.Client{Transport: tr, Timeout: 60 * time.Second}}
}

// Path returns the socket path.
func (c *Client) Path() string { return c.path }

// Close releases idle connections.
func (c *Client) Close() { c.hc.CloseIdleConnections() }

// Status returns the daemon's status snapshot.
func (c *Client) Status(ctx context.Context) (status.Status, error) {
	var st status.Status
	err := c.do(ctx, http.MethodGet, "/v1/status", nil, &st)
	return st, err
}

// StatusJSON returns the status as the server sent it.
func (c *Client) StatusJSON(ctx context.Context) ([]byte, error) {
	var raw json.RawMessage
	err := c.do(ctx, http.MethodGet, "/v1/status", nil, &raw)
	return raw, err
}

// Clients returns the connected clients.
func (c *Client) Clients(ctx context.Context) ([]status.Client, error) {
	var cl []status.Client
	err := c.do(ctx, http.MethodGet, "/v1/clients", nil, &cl)
	return cl, err
}

// Peers returns the address register.
func (c *Client) Peers(ctx context.Context) ([]status.Peer, error) {
	var p []status.Peer
	err := c.do(ctx, http.MethodGet, "/v1/peers", nil, &p)
	return p, err
}

// EnterPIN supplies the PIN displayed by peer ("" = the single pending one).
func (c *Client) EnterPIN(ctx context.Context, peer, pin string) error {
	return c.do(ctx, http.MethodPost, "/v1/pin", PINRequest{Peer: peer, PIN: pin}, nil)
}

// Forget removes a phone from the known phones.
func (c *Client) Forget(ctx context.Context, peer string) error {
	return c.do(ctx, http.MethodPost, "/v1/forget", PeerRequest{Peer: peer}, nil)
}

// Disconnect removes a client from the group.
func (c *Client) Disconnect(ctx context.Context, peer string) error {
	return c.do(ctx, http.MethodPost, "/v1/disconnect", PeerRequest{Peer: peer}, nil)
}

// Reload asks the daemon to reload its configuration ("" = same file,
// "reset" = defaults).
func (c *Client) Reload(ctx context.Context, path string) error {
	return c.do(ctx, http.MethodPost, "/v1/reload", ReloadRequest{Path: path}, nil)
}

// QRPNG returns the running group's Wi-Fi join code as a PNG.
func (c *Client) QRPNG(ctx context.Context) ([]byte, error) {
	var b []byte
	err := c.do(ctx, http.MethodGet, "/v1/qr.png", nil, &b)
	return b, err
}

// Rotate gives the persistent group a new passphrase (root only).
func (c *Client) Rotate(ctx context.Context) (RotateResponse, error) {
	var r RotateResponse
	err := c.do(ctx, http.MethodPost, "/v1/rotate", nil, &r)
	return r, err
}

// WPA sends a raw wpa_supplicant command and returns its reply.
func (c *Client) WPA(ctx context.Context, cmd string) (string, error) {
	var r WPAResponse
	err := c.do(ctx, http.MethodPost, "/v1/wpa", WPARequest{Cmd: cmd}, &r)
	return r.Reply, err
}

func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("ctl: %w", err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://hostp2pd"+path, body)
	if err != nil {
		return fmt.Errorf("ctl: %w", err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		var op *net.OpError
		if errors.As(err, &op) && op.Op == "dial" {
			return fmt.Errorf("%w on %s: %w", ErrNoServer, c.path, op.Err)
		}
		return fmt.Errorf("ctl: %s %s: %w", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("ctl: %s %s: %w", method, path, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e ErrorResponse
		if json.Unmarshal(b, &e) != nil || e.Error == "" {
			e.Error = fmt.Sprintf("%s %s: %s", method, path, resp.Status)
		}
		return &APIError{Code: resp.StatusCode, Message: e.Error}
	}
	if out == nil {
		return nil
	}
	if raw, ok := out.(*[]byte); ok {
		*raw = b
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("ctl: %s %s: bad answer: %w", method, path, err)
	}
	return nil
}
