package ctl

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/status"
)

// MaxBody is the largest request body the server accepts.
const MaxBody = 64 << 10

// requestTimeout bounds how long one request may wait for the daemon.
const requestTimeout = 30 * time.Second

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

type route struct {
	method string
	serve  func(s *server, r *http.Request) (any, error)
}

// routes is the handler table.
var routes = map[string]route{
	"/v1/status":     {http.MethodGet, (*server).status},
	"/v1/clients":    {http.MethodGet, (*server).clients},
	"/v1/peers":      {http.MethodGet, (*server).peers},
	"/v1/pin":        {http.MethodPost, (*server).pin},
	"/v1/disconnect": {http.MethodPost, (*server).disconnect},
	"/v1/reload":     {http.MethodPost, (*server).reload},
	"/v1/wpa":        {http.MethodPost, (*server).wpa},
}

type server struct {
	c   status.Controller
	log *slog.Logger
}

// Handler returns the API as an http.Handler, for callers that serve it
// themselves (e.g. beside /metrics).
func Handler(c status.Controller, log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &server{c: c, log: log}
}

// Serve answers API requests on l until ctx is done, then shuts down
// (in-flight requests get a few seconds) and returns nil. It closes l.
func Serve(ctx context.Context, l net.Listener, c status.Controller, log *slog.Logger) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "ctl")
	hs := &http.Server{
		Handler:           Handler(c, log),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelDebug),
		BaseContext:       func(net.Listener) context.Context { return ctx },
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
	err := hs.Serve(l)
	if stop() {
		// Serve failed on its own: ctx is not done, nothing is shutting down.
		_ = l.Close()
		return fmt.Errorf("ctl: serve: %w", err)
	}
	<-stopped
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return fmt.Errorf("ctl: serve: %w", err)
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt, ok := routes[r.URL.Path]
	if !ok {
		writeJSON(w, http.StatusNotFound, ErrorResponse{Error: "not found: " + r.URL.Path})
		return
	}
	if r.Method != rt.method {
		w.Header().Set("Allow", rt.method)
		writeJSON(w, http.StatusMethodNotAllowed, ErrorResponse{Error: "method not allowed: use " + rt.method})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	ctx, cancel := context.WithTimeout(r.Context(), requestTimeout)
	defer cancel()
	v, err := rt.serve(s, r.WithContext(ctx))
	if err != nil {
		code := errorCode(err)
		s.log.Debug("request failed", "method", r.Method, "path", r.URL.Path, "code", code, "err", err)
		writeJSON(w, code, ErrorResponse{Error: err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func errorCode(err error) int {
	var he *httpError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &he):
		return he.code
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, os.ErrNotExist):
		return http.StatusNotFound
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

func (s *server) status(*http.Request) (any, error) { return s.c.Status(), nil }

func (s *server) clients(*http.Request) (any, error) {
	cl := s.c.Status().Clients
	if cl == nil {
		cl = []status.Client{}
	}
	return cl, nil
}

func (s *server) peers(*http.Request) (any, error) {
	p := s.c.Status().Peers
	if p == nil {
		p = []status.Peer{}
	}
	return p, nil
}

func (s *server) pin(r *http.Request) (any, error) {
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

func (s *server) disconnect(r *http.Request) (any, error) {
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

func (s *server) reload(r *http.Request) (any, error) {
	var req ReloadRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if err := s.c.Reload(r.Context(), req.Path); err != nil {
		return nil, err
	}
	return OKResponse{OK: true}, nil
}

func (s *server) wpa(r *http.Request) (any, error) {
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
