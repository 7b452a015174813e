package web_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed812a03d2/backprop/web"
	"github.com/seed812a03d2/backprop/web/eval"
)

func server(t *testing.T, s web.Server) *httptest.Server {
	t.Helper()
	if s.Page.Start.Program == "" {
		s.Page.Start.Program = worked
	}
	h, err := s.Handler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

const worked = "u1 = 4\nu2 = 2\nu3 = u1 + u2\nu4 = u3^2\nu5 = sin(u4)\n"

func do(t *testing.T, method, url, host, body string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if host != "" {
		req.Host = host
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func TestServerRoutes(t *testing.T) {
	srv := server(t, web.Server{})
	resp, page := do(t, "GET", srv.URL+"/", "", "")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || resp.Header.Get("X-Content-Type-Options") != "nosniff" || !bytes.Contains(page, []byte(`id="bp-start"`)) {
		t.Errorf("GET /: %s %v", resp.Status, resp.Header)
	}
	resp, gz := do(t, "GET", srv.URL+"/", "", "", "Accept-Encoding", "gzip")
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if resp.Header.Get("Content-Encoding") != "gzip" || err != nil {
		t.Fatalf("GET / gzip: %v %v", resp.Header, err)
	}
	if unz, _ := io.ReadAll(zr); !bytes.Equal(unz, page) {
		t.Error("the gzipped page is not the page")
	}
	for _, tt := range []struct {
		method, path string
		status       int
	}{{"POST", "/", 405}, {"GET", "/other", 404}, {"GET", "/api/explain", 405}, {"GET", "/../etc/passwd", 404}} {
		if resp, _ := do(t, tt.method, srv.URL+tt.path, "", ""); resp.StatusCode != tt.status {
			t.Errorf("%s %s: %s, want %d", tt.method, tt.path, resp.Status, tt.status)
		}
	}
}

func TestServerAPI(t *testing.T) {
	srv := server(t, web.Server{MaxBody: 4096})
	body, _ := json.Marshal(eval.Request{Program: worked})
	resp, out := do(t, "POST", srv.URL+"/api/explain", "", string(body))
	var r struct {
		Explanation struct{ Rows []any }
	}
	if err := json.Unmarshal(out, &r); resp.StatusCode != 200 || err != nil || len(r.Explanation.Rows) != 4 {
		t.Errorf("the worked example: %s, %v, %d rows", resp.Status, err, len(r.Explanation.Rows))
	}
	for _, tt := range []struct {
		body   string
		status int
		want   string
	}{
		{`{"program": "` + strings.Repeat("#", 5000) + `"}`, 413, "over the limit of 4096 bytes"},
		{`{"program": `, 400, "not an eval.Request"},
		{`{"program": "x = 1", "evil": 1}`, 400, "unknown field"},
		{`{"program": "x = (1"}`, 200, "expected"},
	} {
		resp, out := do(t, "POST", srv.URL+"/api/explain", "", tt.body)
		var e eval.Response
		json.Unmarshal(out, &e)
		if resp.StatusCode != tt.status || e.Error == nil || !strings.Contains(e.Error.Message, tt.want) {
			t.Errorf("%.40s: %s %s, want %d with %q", tt.body, resp.Status, out, tt.status, tt.want)
		}
	}
}

// On loopback the server answers only to loopback host names, so that a
// page elsewhere cannot reach it through a name of its own (DNS
// rebinding).
func TestServerHost(t *testing.T) {
	srv := server(t, web.Server{})
	for host, status := range map[string]int{"evil.example": 421, "evil.example:80": 421, "localhost:1234": 200, "[::1]:80": 200, "127.0.0.1": 200, "app.localhost": 200} {
		if resp, _ := do(t, "GET", srv.URL+"/", host, ""); resp.StatusCode != status {
			t.Errorf("Host %s: %s, want %d", host, resp.Status, status)
		}
	}
}

// slowProgram takes seconds: a chain of 256×256 matrix products.
func slowProgram(n int) string {
	row := make([]string, 256)
	for i := range row {
		row[i] = fmt.Sprint(i % 7)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "r = [[%s]]\nc = [[%s]]\nz0 = (r + c) / 10000\n", strings.Join(row, ", "), strings.Join(row, "], ["))
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "z%d = z%d @ z%d\n", i, i-1, i-1)
	}
	fmt.Fprintf(&b, "y = sum(z%d)\n", n)
	body, _ := json.Marshal(eval.Request{Program: b.String()})
	return string(body)
}

// A request past the timeout is answered 503 at the timeout; with the
// evaluations at their bound, the next request is answered 503 at once.
func TestServerTimeAndBusy(t *testing.T) {
	srv := server(t, web.Server{Timeout: 100 * time.Millisecond, MaxActive: 1})
	start := time.Now()
	resp, out := do(t, "POST", srv.URL+"/api/explain", "", slowProgram(20))
	if resp.StatusCode != 503 || !bytes.Contains(out, []byte("took longer than 100ms")) {
		t.Errorf("a slow program: %s %s", resp.Status, out)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the timeout answered after %v", d)
	}
	// The slow evaluation goes on in the background, holding the only
	// place: the next request is refused at once.
	resp, out = do(t, "POST", srv.URL+"/api/explain", "", `{"program": "x = 1"}`)
	if resp.StatusCode != 503 || !bytes.Contains(out, []byte("busy")) {
		t.Errorf("while busy: %s %s", resp.Status, out)
	}
}

// Many requests at once, good, bad, oversize and slow, neither crash the
// server nor leave goroutines or memory behind.
func TestServerLoad(t *testing.T) {
	n, workers := 400, 16
	if raceEnabled {
		n = 80
	}
	srv := server(t, web.Server{Timeout: 200 * time.Millisecond, MaxBody: 64 << 10})
	slow := slowProgram(3)
	bodies := []string{`{"program": "x = 3\ny = x * x\n"}`, `{"program": "x = (3"}`, `{"program": "` + strings.Repeat("#", 70<<10) + `"}`, slow, `{"program": 7}`}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	goroutines := runtime.NumGoroutine()
	var wg sync.WaitGroup
	statuses := make(chan int, n)
	jobs := make(chan string)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: 30 * time.Second}
			for body := range jobs {
				resp, err := client.Post(srv.URL+"/api/explain", "application/json", strings.NewReader(body))
				if err != nil {
					statuses <- -1
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				statuses <- resp.StatusCode
			}
		}()
	}
	for i := range n {
		jobs <- bodies[i%len(bodies)]
	}
	close(jobs)
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	for s := range count {
		if s != 200 && s != 400 && s != 413 && s != 503 {
			t.Errorf("statuses %v: %d is not one of 200, 400, 413, 503", count, s)
		}
	}
	if count[200] == 0 {
		t.Errorf("statuses %v: none answered", count)
	}
	// The evaluations that timed out finish; their goroutines end.
	deadline := time.Now().Add(20 * time.Second)
	for runtime.NumGoroutine() > goroutines+workers && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	srv.CloseClientConnections()
	time.Sleep(100 * time.Millisecond)
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	t.Logf("statuses %v; goroutines %d before, %d after; heap %d MiB before, %d after", count, goroutines, runtime.NumGoroutine(), before.HeapInuse>>20, after.HeapInuse>>20)
	if g := runtime.NumGoroutine(); g > goroutines+workers {
		t.Errorf("%d goroutines after the load, %d before", g, goroutines)
	}
	// Each request's memory is let go: 64 MiB is far above one request's
	// (a slow one holds a few MiB of matrices).
	if grow := int64(after.HeapInuse) - int64(before.HeapInuse); grow > 64<<20 {
		t.Errorf("the heap grew by %d MiB under the load", grow>>20)
	}
}
