package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestQuickRun trains the MLP one epoch on 1000 images, as a user trying
// the command with -limit would, and checks what the command promises: a
// checkpoint that resumes, a PNG, and the last line.
func TestQuickRun(t *testing.T) {
	dir := t.TempDir()
	ckpt, plot := filepath.Join(dir, "m.safetensors"), filepath.Join(dir, "m.png")
	args := []string{"-limit", "1000", "-epochs", "1", "-progress=false", "-checkpoint", ckpt, "-plot", plot}
	var out, errOut bytes.Buffer
	if err := run(args, &out, &errOut); err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	last := lines[len(lines)-1]
	if !regexp.MustCompile(`^test accuracy: 0\.\d{4}$`).MatchString(last) {
		t.Fatalf("last line %q; want test accuracy: 0.dddd", last)
	}
	// 1000 images and one epoch are enough for well over chance (0.1).
	if last < "test accuracy: 0.7" {
		t.Errorf("%s after one epoch on 1000 images; want > 0.7", last)
	}
	f, err := os.Open(plot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if img, err := png.Decode(f); err != nil || img.Bounds().Dx() < 200 {
		t.Errorf("the curves are not a PNG: %v", err)
	}
	// Resume for a second epoch from the checkpoint.
	out.Reset()
	args[3] = "2"
	if err := run(append(args, "-resume"), &out, &errOut); err != nil {
		t.Fatalf("resume: %v", err)
	}
	if !strings.Contains(out.String(), "resumed from "+ckpt+" at epoch 2, step 8") || !strings.Contains(out.String(), "epoch 2:") || strings.Contains(out.String(), "epoch 1:") {
		t.Errorf("resumed run:\n%s", out.String())
	}
}

func TestBadFlags(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-model", "rnn"}, `-model "rnn": want mlp or cnn`},
		{[]string{"-batch", "0"}, "must be positive"},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"-data", "/nonexistent", "-epochs", "1"}, "/nonexistent: open train-images-idx3-ubyte.gz"},
		{[]string{"-resume", "-checkpoint", "/nonexistent/m.safetensors"}, "no such file"},
	} {
		var out, errOut bytes.Buffer
		err := run(tt.args, &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run(%q): error %v; want %q", tt.args, err, tt.want)
		}
	}
}
