package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// serveFor runs backprop serve with args on a free port until the test
// ends, and returns its URL and what it printed.
func serveFor(t *testing.T, stdin string, args ...string) (string, *bytes.Buffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout bytes.Buffer
	out := &output{stdout: &stdout}
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, append(args, "--addr", "127.0.0.1:0"), strings.NewReader(stdin), out, func(a string) { addr <- a })
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	select {
	case a := <-addr:
		return "http://" + a + "/", &stdout
	case err := <-done:
		t.Fatalf("serve: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not listen")
	}
	return "", nil
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	return string(b)
}

// backprop serve with no file serves the worked example, prints its URL
// (port 0 picks one), and answers the API; with a file and flags, the page
// starts on them.
func TestServe(t *testing.T) {
	url, stdout := serveFor(t, "")
	if !strings.HasPrefix(stdout.String(), "backprop serve: "+url+" ") {
		t.Errorf("serve printed %q, want its URL %s", stdout.String(), url)
	}
	page := get(t, url)
	for _, want := range []string{`id="bp-start">{"program":"# the worked example`, "<h1>Backpropagation of u5</h1>", "<svg"} {
		if !strings.Contains(page, want) {
			t.Errorf("the served page lacks %q", want)
		}
	}
	resp, err := http.Post(url+"api/explain", "application/json", strings.NewReader(`{"program": "x = 3\ny = x * x\n"}`))
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Explanation struct {
			Answers []struct{ Value float64 }
		}
	}
	json.NewDecoder(resp.Body).Decode(&r)
	resp.Body.Close()
	if len(r.Explanation.Answers) != 1 || r.Explanation.Answers[0].Value != 6 {
		t.Errorf("the API answers %+v for y = x·x at 3, want ∂y/∂x = 6", r)
	}

	file := filepath.Join(t.TempDir(), "p.bp")
	os.WriteFile(file, []byte("a = 2\nb = 3\nc = a * b\n"), 0o644)
	url, _ = serveFor(t, "", file, "--wrt", "a", "--set", "b=5")
	page = get(t, url)
	if !strings.Contains(page, `id="bp-start">{"program":"a = 2\nb = 3\nc = a * b\n","wrt":["a"],"set":{"b":5}}`) {
		t.Errorf("the page of a file with flags starts on %q", page[strings.Index(page, `id="bp-start"`):][:120])
	}
}

// Mistakes are errors before anything listens.
func TestServeErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-", "--set", "x=[1, 2]"}, "the page takes a number for --set"},
		{[]string{"-", "--addr", "nonsense"}, "backprop serve:"},
		{[]string{"a", "b"}, "want one FILE"},
	} {
		err := serve(context.Background(), tt.args, strings.NewReader("x = [1, 2]\ny = sum(x)\n"), &output{stdout: io.Discard}, nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("serve %q: %v, want an error with %q", tt.args, err, tt.want)
		}
	}
}
