package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/seed812a03d2/backprop/explain"
	"github.com/seed812a03d2/backprop/lang"
	"github.com/seed812a03d2/backprop/program"
	"github.com/seed812a03d2/backprop/web"
	"github.com/seed812a03d2/backprop/web/eval"
)

// page makes the page of a program: its start (the program and the flags
// as the page's request), and its tables and graph for readers without
// JavaScript.
func page(cmd string, p *parsed, pg *program.Compiled, src []byte) (web.Page, error) {
	start := eval.Request{Program: string(src)}
	start.Of, _ = p.last("of")
	for _, w := range p.flags["wrt"] {
		for _, n := range strings.Split(w, ",") {
			start.Wrt = append(start.Wrt, strings.TrimSpace(n))
		}
	}
	for _, s := range p.flags["set"] {
		n, v, _ := strings.Cut(s, "=")
		shape, vals, _ := lang.ParseLiteral(strings.TrimSpace(v)) // load checked it
		if len(shape) > 0 {
			return web.Page{}, usagef("backprop %s: --set %s: the page takes a number for --set; write a tensor into the program", cmd, lang.Quote(s))
		}
		if start.Set == nil {
			start.Set = map[string]float64{}
		}
		start.Set[strings.TrimSpace(n)] = vals[0]
	}
	e := explain.Backward(explainGraph(pg), explain.Options{})
	var tables strings.Builder
	e.WriteHTMLTables(&tables)
	pa := web.Page{Start: start, Tables: tables.String(), Title: "Backpropagation of " + e.Of}
	d := explain.NewDiagram(explainGraph(pg))
	if err := renderLimit(cmd, d); err != nil {
		pa.Note = fmt.Sprintf("The graph has %d nodes, %d with the virtual nodes of its long edges: too big to draw here "+
			"(the limits are %d and %d). backprop dot FILE -o graph.dot writes it for Graphviz.", len(d.Nodes), d.LayoutSize(), maxRenderNodes, maxLayoutSize)
		return pa, nil
	}
	svg, err := renderSVG(cmd, d.DOT())
	if err != nil {
		return web.Page{}, err
	}
	pa.Graph = string(svg)
	return pa, nil
}

var serveFlags = append(append([]flagSpec(nil), commonFlags...),
	maxNodesFlag(eval.DefaultMaxNodes),
	flagSpec{name: "addr", value: "HOST:PORT", help: "listen on HOST:PORT; port 0 picks a free one (default 127.0.0.1:8080)"})

func serveCmd(args []string, stdin io.Reader, out *output) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve(ctx, args, stdin, out, nil)
}

// serve serves the page until ctx is done; listening, if not nil, is
// told the address once the server listens.
func serve(ctx context.Context, args []string, stdin io.Reader, out *output, listening func(addr string)) error {
	p, err := parseArgs("serve", serveFlags, args)
	if err != nil {
		return err
	}
	if p.has("help") {
		out.WriteString(usage("serve", "serve [FILE] [flags]", serveFlags))
		return nil
	}
	name := ""
	if len(p.args) == 0 {
		p.args, stdin, name = []string{"-"}, strings.NewReader(SeedProgram), "worked-example.bp"
	}
	var src bytes.Buffer
	pg, err := loadSource("serve", p, stdin, name, eval.DefaultMaxNodes, &src)
	if err != nil {
		return err
	}
	pa, err := page("serve", p, pg, src.Bytes())
	if err != nil {
		return err
	}
	lim := eval.Limits{}
	if v, ok := p.last("max-nodes"); ok {
		fmt.Sscan(v, &lim.MaxNodes) // load checked it
	}
	s := &web.Server{Page: pa, Limits: lim}
	h, err := s.Handler()
	if err != nil {
		return fmt.Errorf("backprop serve: %v", err)
	}
	addr, _ := p.last("addr")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("backprop serve: %v", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second, MaxHeaderBytes: 64 << 10}
	url := "http://" + ln.Addr().String() + "/"
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		url = fmt.Sprintf("http://127.0.0.1:%d/", tcp.Port)
	}
	fmt.Fprintf(out.stream(), "backprop serve: %s (Ctrl-C stops it)\n", url)
	if listening != nil {
		listening(ln.Addr().String())
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("backprop serve: %v", err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("backprop serve: %v", err)
	}
	return nil
}
