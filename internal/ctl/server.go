package ctl

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/internal/joincode"
	"github.com/hostp2pd/hostp2pd/internal/status"
)

// MaxBody is the largest request body the server accepts.
const MaxBody = 64 << 10

// MaxConns is the number of connections the control socket keeps open at
// once (see [Listener]).
const MaxConns = 32

// requestTimeout bounds how long one request may wait for the daemon.
const requestTimeout = 30 * time.Second

// Timeouts of the HTTP servers ([Serve], [ServeHTTP]): a connection that
// sends nothing is closed after readHeaderTimeout, an idle keep-alive one
// after idleTimeout, and a request must be answered within writeTimeout
// (longer than requestTimeout, so the daemon's answer still gets out).
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 10 * time.Second
	writeTimeout      = requestTimeout + 5*time.Second
	idleTimeout       = 30 * time.Second
)

// Request bodies of the POST routes.
type (
	// PINRequest is the body of POST /v1/pin.
	PINRequest struct {
		Peer string `json:"peer"`
		PIN  string `json:"pin"`
	}
	// PeerRequest is the body of POST /v1/disconnect.
	PeerRequest struct {
		Peer string `json:"peer"`
	}
	// ReloadRequest is the body of POST /v1/reload.
	ReloadRequest struct {
		Path string `json:"path"`
	}
	// WPARequest is the body of POST /v1/wpa.
	WPARequest struct {
		Cmd string `json:"cmd"`
	}
	// WPAResponse is the answer of POST /v1/wpa.
	WPAResponse struct {
		Reply string `json:"reply"`
	}
	// OKResponse is the answer of the other POST routes.
	OKResponse struct {
		OK bool `json:"ok"`
	}
	// ErrorResponse is the body of every error answer.
	ErrorResponse struct {
		Error string `json:"error"`
	}
)

// httpError is an error with the status code to answer.
type httpError struct {
	code int
	msg  string
}

func (e *httpError) Error() string { return e.msg }

func badRequest(format string, a ...any) error {
	return &httpError{code: http.StatusBadRequest, msg: fmt.Sprintf(format, a...)}
}

func forbidden(format string, a ...any) error {
	return &httpError{code: http.StatusForbidden, msg: fmt.Sprintf(format, a...)}
}

// access is who may use a route.
type access uint8

const (
	// member: root, the daemon's own user, and ctl_group members.
	member access = iota
	// privileged: root and the daemon's own user only.
	privileged
)

// caller is who sent a request.
type caller struct {
	peer  Peer
	known bool // peer was read from the socket
	root  bool // uid 0 or the daemon's own uid
}

type route struct {
	pattern string
	need    access
	serve   func(s *server, r *http.Request, c caller) (any, error)
}

// routes is the handler table. Members of ctl_group may read and enter
// PINs, disconnect phones and reload the configured file; anything that
// changes what runs as root (another configuration file, the defaults, raw
// wpa_supplicant commands) needs root. docs/security.md states the model.
var routes = []route{
	{"GET /v1/status", member, (*server).status},
	{"GET /v1/clients", member, (*server).clients},
	{"GET /v1/peers", member, (*server).peers},
	{"POST /v1/pin", member, (*server).pin},
	{"POST /v1/disconnect", member, (*server).disconnect},
	{"POST /v1/forget", member, (*server).forget},
	{"POST /v1/reload", member, (*server).reload}, // another path: privileged, see reload
	{"POST /v1/wpa", privileged, (*server).wpa},
	{"GET /v1/qr.png", member, (*server).qrPNG},       // the passphrase, as status shows it
	{"POST /v1/rotate", privileged, (*server).rotate}, // changes wpa_supplicant.conf
}

type server struct {
	c    status.Controller
	log  *slog.Logger
	mux  *http.ServeMux
	euid uint32
}

// Handler returns the API as an http.Handler, for callers that serve it
// themselves. Requests are authorised from the peer stored in their context
// ([ContextWithPeer]; [Serve] stores it): without one, a request may use
// the member routes only.
func Handler(c status.Controller, log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &server{c: c, log: log, mux: http.NewServeMux(), euid: uint32(os.Geteuid())}
	for _, rt := range routes {
		s.mux.Handle(rt.pattern, s.handle(rt))
	}
	return s
}

// Serve answers API requests on l until ctx is done, then shuts down
// (in-flight requests get a few seconds) and returns nil. It closes l. Each
// request is authorised from the credentials of its unix-socket peer. l is
// wrapped with [LimitListener] ([MaxConns]) unless it is a [*Listener].
func Serve(ctx context.Context, l net.Listener, c status.Controller, log *slog.Logger) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "ctl")
	return ServeHTTP(ctx, l, Handler(c, log), log)
}

// ServeHTTP serves h on l as [Serve] does, with its timeouts and connection
// cap: the daemon's other HTTP listener (/metrics) uses it too. l is wrapped
// with [LimitListener] ([MaxConns]) unless it is a [*Listener].
func ServeHTTP(ctx context.Context, l net.Listener, h http.Handler, log *slog.Logger) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	lim, ok := l.(*Listener)
	if !ok {
		lim = LimitListener(l, MaxConns)
	}
	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelDebug),
		BaseContext:       func(net.Listener) context.Context { return ctx },
		ConnContext:       connContext,
		ConnState:         lim.ConnState,
	}
	stopped := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(stopped)
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
		defer cancel()
		if err := hs.Shutdown(sctx); err != nil {
			_ = hs.Close()
		}
	})
	err := hs.Serve(lim)
	if stop() {
		// Serve failed on its own: ctx is not done, nothing is shutting down.
		_ = lim.Close()
		return fmt.Errorf("ctl: serve: %w", err)
	}
	<-stopped
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return fmt.Errorf("ctl: serve: %w", err)
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, pattern := s.mux.Handler(r); pattern == "" {
		s.unrouted(w, r)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// unrouted answers a request no route takes (unknown path, wrong method,
// unclean path) with what the mux would answer, as JSON.
func (s *server) unrouted(w http.ResponseWriter, r *http.Request) {
	h, _ := s.mux.Handler(r)
	cw := &captureWriter{header: http.Header{}}
	h.ServeHTTP(cw, r)
	switch cw.code {
	case http.StatusMethodNotAllowed:
		allow := cw.header.Get("Allow")
		w.Header().Set("Allow", allow)
		writeJSON(w, cw.code, ErrorResponse{Error: "method not allowed: use " + allow})
	case http.StatusNotFound:
		writeJSON(w, cw.code, ErrorResponse{Error: "not found: " + r.URL.Path})
	default:
		if loc := cw.header.Get("Location"); loc != "" {
			w.Header().Set("Location", loc)
		}
		writeJSON(w, cw.code, ErrorResponse{Error: http.StatusText(cw.code)})
	}
}

// captureWriter keeps the status code and headers of the mux's own answers.
type captureWriter struct {
	header http.Header
	code   int
}

func (c *captureWriter) Header() http.Header { return c.header }
func (c *captureWriter) Write(b []byte) (int, error) {
	if c.code == 0 {
		c.code = http.StatusOK
	}
	return len(b), nil
}
func (c *captureWriter) WriteHeader(code int) {
	if c.code == 0 {
		c.code = code
	}
}

func (s *server) handle(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var c caller
		c.peer, c.known = PeerFromContext(r.Context())
		c.root = c.known && (c.peer.UID == 0 || c.peer.UID == s.euid)
		r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
		ctx, cancel := context.WithTimeout(r.Context(), requestTimeout)
		defer cancel()
		var v any
		var err error
		if rt.need == privileged && !c.root {
			err = forbidden("%s needs root", rt.pattern)
		} else {
			v, err = rt.serve(s, r.WithContext(ctx), c)
		}
		if err != nil {
			code := errorCode(err)
			if code == http.StatusForbidden {
				s.log.Info("control request refused", "method", r.Method, "path", r.URL.Path,
					"uid", c.peer.UID, "pid", c.peer.PID, "peer_known", c.known, "err", err)
			} else {
				s.log.Debug("request failed", "method", r.Method, "path", r.URL.Path, "code", code, "err", err)
			}
			writeJSON(w, code, ErrorResponse{Error: err.Error()})
			return
		}
		if rb, ok := v.(rawBody); ok {
			w.Header().Set("Content-Type", rb.contentType)
			w.Header().Set("X-Content-Type-Options", "nosniff")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(rb.data)
			return
		}
		writeJSON(w, http.StatusOK, v)
	})
}

// errorCode maps an error of a route or of the controller to the status to
// answer.
func errorCode(err error) int {
	var he *httpError
	var mbe *http.MaxBytesError
	var ce *config.Error
	switch {
	case errors.As(err, &he):
		return he.code
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, fs.ErrPermission):
		return http.StatusForbidden
	case errors.Is(err, status.ErrInvalid), errors.As(err, &ce):
		return http.StatusBadRequest
	case errors.Is(err, status.ErrNotFound), errors.Is(err, fs.ErrNotExist):
		return http.StatusNotFound
	case errors.Is(err, status.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, status.ErrNotRunning):
		return http.StatusServiceUnavailable
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout
	default:
		return http.StatusInternalServerError
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// decode reads exactly one JSON object into v, strictly.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return fmt.Errorf("request body larger than %d bytes: %w", MaxBody, err)
		}
		if errors.Is(err, io.EOF) {
			return badRequest("empty request body, want a JSON object")
		}
		return badRequest("malformed JSON: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return fmt.Errorf("request body larger than %d bytes: %w", MaxBody, err)
		}
		return badRequest("malformed JSON: trailing data after the object")
	}
	return nil
}

func (s *server) status(*http.Request, caller) (any, error) { return s.c.Status(), nil }

func (s *server) clients(*http.Request, caller) (any, error) {
	cl := s.c.Status().Clients
	if cl == nil {
		cl = []status.Client{}
	}
	return cl, nil
}

func (s *server) peers(*http.Request, caller) (any, error) {
	p := s.c.Status().Peers
	if p == nil {
		p = []status.Peer{}
	}
	return p, nil
}

func (s *server) pin(r *http.Request, _ caller) (any, error) {
	var req PINRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if !status.ValidPIN(req.PIN) {
		return nil, badRequest("pin: want 4 or 8 digits")
	}
	if strings.ContainsAny(req.Peer, " \t\r\n") {
		return nil, badRequest("peer: want a P2P device address")
	}
	if err := s.c.EnterPIN(r.Context(), req.Peer, req.PIN); err != nil {
		return nil, err
	}
	return OKResponse{OK: true}, nil
}

func (s *server) disconnect(r *http.Request, _ caller) (any, error) {
	var req PeerRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if req.Peer == "" || strings.ContainsAny(req.Peer, " \t\r\n") {
		return nil, badRequest("peer: want a device or interface address")
	}
	if err := s.c.Disconnect(r.Context(), req.Peer); err != nil {
		return nil, err
	}
	return OKResponse{OK: true}, nil
}

func (s *server) forget(r *http.Request, _ caller) (any, error) {
	var req PeerRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if req.Peer == "" || strings.ContainsAny(req.Peer, " \t\r\n") {
		return nil, badRequest("peer: want a P2P device address")
	}
	if err := s.c.Forget(r.Context(), req.Peer); err != nil {
		return nil, err
	}
	return OKResponse{OK: true}, nil
}

// reload re-reads the configured file for anyone allowed on the socket;
// another file, or the defaults ("reset"), only for root. Any file must be
// one that only root (or the daemon's user) could have written, and a file
// that sets no hostp2pd setting is refused before the daemon reads it, so
// that neither its lines nor the defaults it would stand for get anywhere.
func (s *server) reload(r *http.Request, c caller) (any, error) {
	var req ReloadRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	switch req.Path {
	case "":
		if !c.root {
			// A member may re-read the file root chose, if only root
			// could have changed it since.
			if f := s.c.Status().ConfigFile; f != "" && f != "-" {
				if err := checkConfigOwner(f, s.euid); err != nil {
					return nil, err
				}
			}
		}
	case "reset":
		if !c.root {
			return nil, forbidden("reload of the defaults needs root")
		}
	default:
		if !c.root {
			return nil, forbidden("reload of another file needs root; members may reload the configured file only (path \"\")")
		}
		if err := checkConfigFile(req.Path, s.euid); err != nil {
			return nil, err
		}
	}
	if err := s.c.Reload(r.Context(), req.Path); err != nil {
		return nil, err
	}
	return OKResponse{OK: true}, nil
}

func (s *server) wpa(r *http.Request, _ caller) (any, error) {
	var req WPARequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if strings.TrimSpace(req.Cmd) == "" || strings.ContainsAny(req.Cmd, "\r\n") {
		return nil, badRequest("cmd: want one wpa_supplicant command")
	}
	reply, err := s.c.WPA(r.Context(), req.Cmd)
	if err != nil {
		return nil, err
	}
	return WPAResponse{Reply: reply}, nil
}

// rawBody is a route result sent as it is instead of as JSON.
type rawBody struct {
	contentType string
	data        []byte
}

// QRScale is the size of a module in the PNG the API serves, in pixels.
const QRScale = 8

// qrPNG serves the running group's Wi-Fi join code as a PNG
// (internal/joincode): 409 when no group runs or its passphrase is unknown.
func (s *server) qrPNG(*http.Request, caller) (any, error) {
	code, err := JoinCode(s.c.Status().Group)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := code.WritePNG(&b, QRScale); err != nil {
		return nil, err
	}
	return rawBody{contentType: "image/png", data: b.Bytes()}, nil
}

// JoinCode is the QR code of the Wi-Fi join URI of g. The error wraps
// status.ErrConflict when there is no group ("no group running") or its
// passphrase is unknown.
func JoinCode(g *status.Group) (*joincode.Code, error) {
	if g == nil {
		return nil, status.Errorf(status.ErrConflict, "no group running")
	}
	if g.Passphrase == "" {
		return nil, status.Errorf(status.ErrConflict, "the passphrase of group %s is unknown", g.Iface)
	}
	return joincode.Encode(joincode.URI(g.SSID, g.Passphrase))
}

// Rotator is a controller that can give the persistent group a new
// passphrase (the daemon does). Rotate returns the group's SSID and the new
// passphrase once the group restarts.
type Rotator interface {
	Rotate(ctx context.Context) (ssid, passphrase string, err error)
}

// RotateResponse answers POST /v1/rotate.
type RotateResponse struct {
	SSID       string `json:"ssid"`
	Passphrase string `json:"passphrase"`
}

func (s *server) rotate(r *http.Request, _ caller) (any, error) {
	rot, ok := s.c.(Rotator)
	if !ok {
		return nil, &httpError{code: http.StatusNotImplemented, msg: "this controller cannot rotate the passphrase"}
	}
	ssid, pass, err := rot.Rotate(r.Context())
	if err != nil {
		return nil, err
	}
	return RotateResponse{SSID: ssid, Passphrase: pass}, nil
}
