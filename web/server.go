package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"strings"
	"time"

	"github.com/seed812a03d2/backprop/web/eval"
)

// Server serves the page and the engine's API:
//
//	GET  /             the page (as WritePage writes it), on the start program
//	POST /api/explain  an eval.Request as JSON in, the eval.Response as JSON out
//
// and nothing else. The page runs the engine itself, in WebAssembly; the
// API answers the same for scripts and tests. Requests are bounded: their
// size, the engine's work (eval.Limits), their time and how many run at
// once. The zero value of each field means its default.
type Server struct {
	Page    Page        // what GET / shows
	Limits  eval.Limits // bounds on one request's program
	MaxBody int64       // bytes of a request's body; default 1 MiB
	// Timeout bounds the time of one API request; one that takes longer
	// is answered 503 with a message (the engine finishes its work, which
	// Limits bound, in the background). Default 5 s.
	Timeout time.Duration
	// MaxActive bounds the evaluations running at once, those that timed
	// out included; beyond it a request is answered 503 at once. Default
	// twice the processors.
	MaxActive int
}

// Handler returns the server's handler. It makes the page once.
func (s *Server) Handler() (http.Handler, error) {
	var page, pageGz bytes.Buffer
	if err := WritePage(&page, s.Page); err != nil {
		return nil, err
	}
	zw, _ := gzip.NewWriterLevel(&pageGz, gzip.BestCompression)
	zw.Write(page.Bytes())
	zw.Close()
	h := &handler{s: *s, page: page.Bytes(), pageGz: pageGz.Bytes()}
	if h.s.MaxBody <= 0 {
		h.s.MaxBody = 1 << 20
	}
	if h.s.Timeout <= 0 {
		h.s.Timeout = 5 * time.Second
	}
	if h.s.MaxActive <= 0 {
		h.s.MaxActive = 2 * runtime.GOMAXPROCS(0)
	}
	h.active = make(chan struct{}, h.s.MaxActive)
	return h, nil
}

type handler struct {
	s            Server
	page, pageGz []byte
	active       chan struct{} // a token per evaluation running
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Cache-Control", "no-store")
	if !loopbackHost(r.Host) && isLoopback(r.Context()) {
		// A page elsewhere cannot reach a loopback server by a name of its
		// own that resolves to 127.0.0.1 (DNS rebinding).
		http.Error(w, "backprop serve: this server answers only to a loopback host name", http.StatusMisdirectedRequest)
		return
	}
	switch r.URL.Path {
	case "/":
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "backprop serve: / takes GET", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Vary", "Accept-Encoding")
		body := h.page
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			w.Header().Set("Content-Encoding", "gzip")
			body = h.pageGz
		}
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		if r.Method == http.MethodGet {
			w.Write(body)
		}
	case "/api/explain":
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			http.Error(w, "backprop serve: /api/explain takes POST", http.StatusMethodNotAllowed)
			return
		}
		h.explain(w, r)
	default:
		http.NotFound(w, r)
	}
}

// explain answers one API request.
func (h *handler) explain(w http.ResponseWriter, r *http.Request) {
	var req eval.Request
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, h.s.MaxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			reply(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the request is over the limit of %d bytes", h.s.MaxBody))
			return
		}
		reply(w, http.StatusBadRequest, "the request is not an eval.Request in JSON: "+err.Error())
		return
	}
	select {
	case h.active <- struct{}{}:
	default:
		reply(w, http.StatusServiceUnavailable, "the server is busy: try again")
		return
	}
	done := make(chan []byte, 1)
	go func() {
		defer func() { <-h.active }()
		resp := eval.Evaluate(req, h.s.Limits)
		done <- resp.AppendJSON(nil)
	}()
	ctx, cancel := context.WithTimeout(r.Context(), h.s.Timeout)
	defer cancel()
	select {
	case out := <-done:
		w.Header().Set("Content-Type", "application/json")
		w.Write(out)
	case <-ctx.Done():
		reply(w, http.StatusServiceUnavailable, fmt.Sprintf("the program took longer than %v: make it smaller", h.s.Timeout))
	}
}

// reply writes an error as an eval.Response.
func reply(w http.ResponseWriter, status int, msg string) {
	out, _ := json.Marshal(eval.Response{Error: &eval.Error{Message: msg}})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(out)
}

// isLoopback reports whether the request came to a loopback address.
func isLoopback(ctx context.Context) bool {
	a, ok := ctx.Value(http.LocalAddrContextKey).(net.Addr)
	if !ok {
		return false
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// loopbackHost reports whether a Host header names this machine:
// localhost or a loopback address, with or without a port.
func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
