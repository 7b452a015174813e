package graphviz

import (
	"bytes"
	"context"
	"fmt"
	"sync"

	"github.com/seed812a03d2/backprop/internal/graphviz/internal/cgraph"
	"github.com/seed812a03d2/backprop/internal/graphviz/internal/gvc"
	"github.com/seed812a03d2/backprop/internal/graphviz/internal/wasm"
)

// Render lays out the graph of the DOT source with Graphviz's dot engine
// and returns it in the given output format ("svg", or "json" for the
// layout with its drawing operations). The first call starts Graphviz.
// Render is safe for concurrent use; calls run one at a time.
func Render(dot []byte, format string) ([]byte, error) {
	mu.Lock()
	defer mu.Unlock()
	if err := start(); err != nil {
		return nil, fmt.Errorf("starting Graphviz: %v", err)
	}
	ctx := context.Background()
	c, err := gvc.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("starting Graphviz: %v", err)
	}
	defer c.Close()
	g, err := cgraph.ParseBytes(dot)
	if err != nil {
		return nil, err
	}
	defer g.Close()
	if err := c.Layout(ctx, g, "dot"); err != nil {
		return nil, fmt.Errorf("laying out the graph: %v", err)
	}
	defer c.FreeLayout(ctx, g)
	var b bytes.Buffer
	if err := c.RenderData(ctx, g, format, &b); err != nil {
		return nil, fmt.Errorf("rendering %s: %v", format, err)
	}
	return b.Bytes(), nil
}

// Start starts Graphviz, compiling its WebAssembly module (about a second
// on two cores, or tens of milliseconds from the cache), and returns the
// error of that one attempt ever after. Render calls it; call it first only
// to pay the start-up early.
func Start() error {
	mu.Lock()
	defer mu.Unlock()
	return start()
}

var (
	mu        sync.Mutex // Graphviz runs one call at a time
	startOnce sync.Once
	startErr  error
)

func start() error {
	startOnce.Do(func() {
		if startErr = wasm.Load(); startErr != nil {
			return
		}
		if startErr = cgraph.Init(); startErr != nil {
			return
		}
		gvc.Init()
	})
	return startErr
}
