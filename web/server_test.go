package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed812a03d2/backprop/web"
	"github.com/seed812a03d2/backprop/web/eval"
)

// serve starts s on a loopback address, on the worked example if its
// page has no program, until the test ends.
func serve(t *testing.T, s web.Server) *httptest.Server {
	t.Helper()
	if s.Page.Start.Program == "" {
		s.Page.Start.Program = worked
	}
	h, err := s.Handler()
	if err != nil {
		t.Fatalf("Handler: %v", err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// do makes one request, with the Host header host unless it is "", and
// the headers given in pairs, and returns the response with its body
// read. It asks for no compression of its own.
func do(t *testing.T, method, url, host, body string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	tr := &http.Transport{DisableCompression: true}
	defer tr.CloseIdleConnections()
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, url, err)
	}
	return resp, b
}

// post posts a body to the API.
func post(t *testing.T, srv *httptest.Server, body string) (*http.Response, []byte) {
	t.Helper()
	return do(t, "POST", srv.URL+"/api/explain", "", body, "Content-Type", "application/json")
}

// request returns the JSON of an API request for program.
func request(program string) string {
	b, _ := json.Marshal(eval.Request{Program: program})
	return string(b)
}

// GET / is the page, as WritePage writes it, gzipped if asked; the other
// methods and paths are refused.
func TestServerPage(t *testing.T) {
	p := web.Page{Start: eval.Request{Program: worked}, Title: "Backpropagation of u5"}
	srv := serve(t, web.Server{Page: p})
	want := writePage(t, p)

	resp, page := do(t, "GET", srv.URL+"/", "", "")
	if resp.StatusCode != 200 || string(page) != want {
		t.Errorf("GET /: %s, %d bytes; want 200 with the page's %d", resp.Status, len(page), len(want))
	}
	for _, h := range [][2]string{
		{"Content-Type", "text/html; charset=utf-8"},
		{"X-Content-Type-Options", "nosniff"},
		{"Referrer-Policy", "no-referrer"},
		{"Cache-Control", "no-store"},
		{"Vary", "Accept-Encoding"},
		{"Content-Encoding", ""},
		{"Content-Length", fmt.Sprint(len(want))},
	} {
		if got := resp.Header.Get(h[0]); got != h[1] {
			t.Errorf("GET /: %s: %q, want %q", h[0], got, h[1])
		}
	}

	resp, gz := do(t, "GET", srv.URL+"/", "", "", "Accept-Encoding", "gzip, deflate")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Content-Length") != fmt.Sprint(len(gz)) {
		t.Fatalf("GET / with gzip: %s %v", resp.Status, resp.Header)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatalf("GET / with gzip: %v", err)
	}
	if unz, err := io.ReadAll(zr); err != nil || string(unz) != want {
		t.Errorf("GET / with gzip: %d bytes gzipped decompress to %d (%v), want the page's %d", len(gz), len(unz), err, len(want))
	}
	t.Logf("the page served: %d bytes, %d gzipped", len(page), len(gz))

	resp, body := do(t, "HEAD", srv.URL+"/", "", "")
	if resp.StatusCode != 200 || len(body) != 0 || resp.Header.Get("Content-Length") != fmt.Sprint(len(want)) {
		t.Errorf("HEAD /: %s, %d bytes of body, Content-Length %s", resp.Status, len(body), resp.Header.Get("Content-Length"))
	}

	for _, tt := range []struct {
		method, path string
		status       int
		allow        string
	}{
		{"POST", "/", 405, "GET, HEAD"},
		{"PUT", "/", 405, "GET, HEAD"},
		{"GET", "/api/explain", 405, "POST"},
		{"DELETE", "/api/explain", 405, "POST"},
		{"GET", "/other", 404, ""},
		{"GET", "/api/explain/", 404, ""},
		{"GET", "/index.html", 404, ""},
	} {
		resp, _ := do(t, tt.method, srv.URL+tt.path, "", "")
		if resp.StatusCode != tt.status || resp.Header.Get("Allow") != tt.allow || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s %s: %s, Allow %q; want %d, Allow %q", tt.method, tt.path, resp.Status, resp.Header.Get("Allow"), tt.status, tt.allow)
		}
	}
}

// explanation is what the tests read of a Response's explanation.
type explanation struct {
	Of      string
	Rows    []struct{ V, C string }
	Answers []struct{ Wrt string }
}

// POST /api/explain answers an eval.Request with the eval.Response;
// a request that is too big or not an eval.Request is refused with an
// error in the Response's form.
func TestServerAPI(t *testing.T) {
	srv := serve(t, web.Server{MaxBody: 4096})
	resp, out := post(t, srv, request(worked))
	var r struct {
		Explanation explanation
		Inputs      []eval.Input
	}
	if err := json.Unmarshal(out, &r); resp.StatusCode != 200 || err != nil {
		t.Fatalf("the worked example: %s, %v: %.200s", resp.Status, err, out)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("the worked example: Content-Type %q", ct)
	}
	// The worked example has four edges, so four rows: (u4, u5), (u3,
	// u4), (u1, u3), (u2, u3); and an answer for each input, u1 and u2.
	e := r.Explanation
	if e.Of != "u5" || len(e.Rows) != 4 || len(e.Answers) != 2 || len(r.Inputs) != 2 {
		t.Errorf("the worked example: of %q, %d rows, %d answers, %d inputs; want u5, 4, 2, 2", e.Of, len(e.Rows), len(e.Answers), len(r.Inputs))
	}

	for _, tt := range []struct {
		name, body string
		status     int
		want       string
	}{
		{"over MaxBody", request(strings.Repeat("#", 5000)), 413, "over the limit of 4096 bytes"},
		{"malformed", `{"program": `, 400, "not an eval.Request in JSON"},
		{"empty", ``, 400, "not an eval.Request in JSON"},
		{"not an object", `[1, 2]`, 400, "not an eval.Request in JSON"},
		{"a wrong type", `{"program": 7}`, 400, "not an eval.Request in JSON"},
		{"an unknown field", `{"program": "x = 1", "evil": 1}`, 400, `unknown field "evil"`},
		{"a program's syntax error", request("x = (1\n"), 200, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, out := post(t, srv, tt.body)
			var e eval.Response
			if err := json.Unmarshal(out, &e); err != nil || resp.Header.Get("Content-Type") != "application/json" {
				t.Fatalf("%s: not a JSON Response (%v, %s): %s", resp.Status, err, resp.Header.Get("Content-Type"), out)
			}
			if resp.StatusCode != tt.status || e.Error == nil || !strings.Contains(e.Error.Message, tt.want) {
				t.Errorf("%s %s, want %d with an error saying %q", resp.Status, out, tt.status, tt.want)
			}
		})
	}
}

// On loopback the server answers only to loopback host names, so that a
// page elsewhere cannot reach it through a name of its own that resolves
// to 127.0.0.1 (DNS rebinding).
func TestServerHost(t *testing.T) {
	srv := serve(t, web.Server{})
	tests := []struct {
		host   string
		status int
	}{
		{"evil.example", 421},
		{"evil.example:80", 421},
		{"127.0.0.1.evil.example", 421},
		{"localhost.evil.example", 421},
		{"0.0.0.0:8080", 421},
		{"localhost:1234", 200},
		{"localhost", 200},
		{"app.localhost:8080", 200},
		{"127.0.0.1", 200},
		{"127.0.0.2:8080", 200},
		{"[::1]:80", 200},
		{"[::1]", 200},
	}
	for _, tt := range tests {
		resp, _ := do(t, "GET", srv.URL+"/", tt.host, "")
		if resp.StatusCode != tt.status {
			t.Errorf("GET / with Host %s: %s, want %d", tt.host, resp.Status, tt.status)
		}
	}
	if resp, _ := do(t, "POST", srv.URL+"/api/explain", "evil.example", request(worked)); resp.StatusCode != 421 {
		t.Errorf("POST /api/explain with Host evil.example: %s, want 421", resp.Status)
	}
}

// The Host check is for loopback connections only: on another address,
// which a user chose to listen on, any name is answered.
func TestServerHostOffLoopback(t *testing.T) {
	h, err := (&web.Server{Page: web.Page{Start: eval.Request{Program: worked}}}).Handler()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		local  string
		status int
	}{
		{"127.0.0.1:8080", 421},
		{"[::1]:8080", 421},
		{"192.0.2.1:8080", 200}, // an address of TEST-NET-1 (RFC 5737)
		{"[2001:db8::1]:8080", 200},
	} {
		addr, err := net.ResolveTCPAddr("tcp", tt.local)
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest("GET", "http://evil.example/", nil)
		req = req.WithContext(context.WithValue(req.Context(), http.LocalAddrContextKey, addr))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != tt.status {
			t.Errorf("Host evil.example on %s: %d, want %d", tt.local, w.Code, tt.status)
		}
	}
}

// slowProgram is a program that takes long: a chain of n products of
// 256×256 matrices (65536 elements, eval's limit of one tensor), each
// about 17 million multiplications forward and twice that backward; n
// = 60 takes about 0.7 s on two cores.
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
	return request(b.String())
}

// waitIdle posts the worked example until it is answered, not busy:
// until the evaluations that timed out have finished.
func waitIdle(t *testing.T, srv *httptest.Server) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; {
		resp, out := post(t, srv, request(worked))
		if resp.StatusCode == 200 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("still %s after 30 s: %s", resp.Status, out)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A request past the timeout is answered 503 at the timeout; while its
// evaluation goes on, holding the only place, the next request is
// answered 503 busy at once; once it ends, requests are answered again.
func TestServerTimeoutAndBusy(t *testing.T) {
	srv := serve(t, web.Server{Timeout: 50 * time.Millisecond, MaxActive: 1})
	n := 60
	if raceEnabled {
		n = 15 // the race detector makes the products about 5 times slower
	}
	start := time.Now()
	resp, out := post(t, srv, slowProgram(n))
	took := time.Since(start)
	var e eval.Response
	json.Unmarshal(out, &e)
	if resp.StatusCode != 503 || e.Error == nil || e.Error.Message != "the program took longer than 50ms: make it smaller" {
		t.Errorf("a slow program: %s %s", resp.Status, out)
	}
	if took > time.Second {
		t.Errorf("a slow program was answered after %v, want about the timeout, 50ms", took)
	}
	resp, out = post(t, srv, request(worked))
	e = eval.Response{}
	json.Unmarshal(out, &e)
	if resp.StatusCode != 503 || e.Error == nil || e.Error.Message != "the server is busy: try again" {
		t.Errorf("while the slow program runs: %s %s, want 503 busy", resp.Status, out)
	}
	waitIdle(t, srv)
}

// Many requests at once, good, bad, oversize and slow, are each answered
// as their kind is, crash nothing, and leave no goroutine or memory
// behind once the evaluations that timed out have finished.
func TestServerLoad(t *testing.T) {
	requests, workers, n := 400, 16, 10 // n: slowProgram(10) takes about 0.15 s, past the timeout
	if raceEnabled {
		requests, n = 80, 3
	}
	srv := serve(t, web.Server{Timeout: 100 * time.Millisecond, MaxBody: 64 << 10})
	kinds := []struct {
		name, body string
		status     []int // the statuses it may get
	}{
		{"good", request("x = 3\ny = x * x + sin(x)\n"), []int{200, 503}}, // 503: busy
		{"a syntax error", request("x = (3\n"), []int{200, 503}},
		{"malformed", `{"program": "x = 1`, []int{400}},
		{"oversize", request(strings.Repeat("#", 70<<10)), []int{413}},
		{"slow", slowProgram(n), []int{200, 503}}, // 503: busy, or past the timeout
	}

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	goroutines := runtime.NumGoroutine()

	tr := &http.Transport{MaxIdleConnsPerHost: workers}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	type result struct {
		kind, status int
		err          error
	}
	results := make(chan result, requests)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for k := range jobs {
				resp, err := client.Post(srv.URL+"/api/explain", "application/json", strings.NewReader(kinds[k].body))
				if err != nil {
					results <- result{k, 0, err}
					continue
				}
				var e eval.Response
				err = json.NewDecoder(resp.Body).Decode(&e)
				resp.Body.Close()
				if err == nil && resp.StatusCode != 200 && e.Error == nil {
					err = fmt.Errorf("no error in the answer")
				}
				results <- result{k, resp.StatusCode, err}
			}
		})
	}
	for i := range requests {
		jobs <- i % len(kinds)
	}
	close(jobs)
	wg.Wait()
	close(results)
	count := map[string]int{}
	for r := range results {
		k := kinds[r.kind]
		count[fmt.Sprintf("%s %d", k.name, r.status)]++
		if r.err != nil {
			t.Errorf("%s: %d: %v", k.name, r.status, r.err)
		} else if !slices.Contains(k.status, r.status) {
			t.Errorf("%s: %d, want one of %v", k.name, r.status, k.status)
		}
	}
	t.Logf("statuses %v", count)
	if count["good 200"] == 0 {
		t.Error("no good request was answered 200")
	}

	waitIdle(t, srv) // the evaluations that timed out finish
	if resp, _ := do(t, "GET", srv.URL+"/", "", ""); resp.StatusCode != 200 {
		t.Errorf("GET / after the load: %s", resp.Status)
	}
	tr.CloseIdleConnections()
	srv.CloseClientConnections()
	// The connections' goroutines end soon after they close.
	g := runtime.NumGoroutine()
	for deadline := time.Now().Add(5 * time.Second); g > goroutines+2 && time.Now().Before(deadline); g = runtime.NumGoroutine() {
		time.Sleep(20 * time.Millisecond)
	}
	if g > goroutines+2 {
		t.Errorf("%d goroutines after the load, %d before", g, goroutines)
	}
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	grow := int64(after.HeapInuse) - int64(before.HeapInuse)
	t.Logf("goroutines: %d before, %d after; heap in use: %.1f MiB before, %.1f after", goroutines, g, mib(before.HeapInuse), mib(after.HeapInuse))
	// Nothing of a request should stay. The bound is far above noise and
	// far below a leak: one slow request's graph holds 2n+2 matrices of
	// 512 KiB (values and gradients), about 11 MiB for n = 10, so keeping
	// 6 of the 80 slow ones would pass it.
	if grow > 64<<20 {
		t.Errorf("the heap in use grew by %.1f MiB under the load, want under 64", mib(uint64(grow)))
	}
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }
