package main

import (
	"bytes"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestQuickRun trains the MLP one epoch on a few thousand images (fewer
// under the race detector), as a user trying the command with -limit
// would, and checks what the command promises: the loss falls, the
// accuracy passes a threshold, a checkpoint resumes, a PNG, the last line.
func TestQuickRun(t *testing.T) {
	dir := t.TempDir()
	ckpt, plot := filepath.Join(dir, "m.safetensors"), filepath.Join(dir, "m.png")
	limit, threshold := "4000", "test accuracy: 0.85"
	if raceEnabled {
		limit, threshold = "1500", "test accuracy: 0.70"
	}
	onnx := filepath.Join(dir, "m.onnx")
	args := []string{"-limit", limit, "-batch", "64", "-epochs", "1", "-progress=false", "-checkpoint", ckpt, "-plot", plot, "-onnx", onnx}
	var out, errOut bytes.Buffer
	if err := run(args, &out, &errOut); err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	// The MLP's inference, with a batch of any size (package export's
	// tests run such models in ONNX Runtime).
	if want := "onnx: " + onnx + " (any batch size)"; !strings.Contains(out.String(), want) {
		t.Errorf("no line %q in\n%s", want, out.String())
	}
	if b, err := os.ReadFile(onnx); err != nil || len(b) < 1000 {
		t.Errorf("the ONNX model: %d bytes, %v", len(b), err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	last := lines[len(lines)-1]
	if !regexp.MustCompile(`^test accuracy: 0\.\d{4}$`).MatchString(last) {
		t.Fatalf("last line %q; want test accuracy: 0.dddd", last)
	}
	// One epoch on these images is enough for well over chance (0.1).
	if last < threshold {
		t.Errorf("%s after one epoch on %s images; want at least %s", last, limit, threshold)
	}
	first := lossOf(t, out.String(), 1)
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
	args[5] = "2"
	if err := run(append(args, "-resume"), &out, &errOut); err != nil {
		t.Fatalf("resume: %v", err)
	}
	if second := lossOf(t, out.String(), 2); !(second < first) {
		t.Errorf("training loss %v in epoch 2, %v in epoch 1: it did not fall", second, first)
	}
	steps := map[string]string{"4000": "63", "1500": "24"}[limit]
	if !strings.Contains(out.String(), "resumed from "+ckpt+" at epoch 2, step "+steps+"\n") || !strings.Contains(out.String(), "epoch 2:") || strings.Contains(out.String(), "epoch 1:") {
		t.Errorf("resumed run:\n%s", out.String())
	}
}

// lossOf returns the training loss the output reports for an epoch.
func lossOf(t *testing.T, out string, epoch int) float64 {
	t.Helper()
	m := regexp.MustCompile(fmt.Sprintf(`epoch %d: training loss ([0-9.]+)`, epoch)).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no training loss for epoch %d in:\n%s", epoch, out)
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	return v
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
