// Command pair times a training step of batch 128 in float32 in backprop
// and in PyTorch in turns: round by round, each system runs a block of
// steps (at least -block long) on one and on two threads, the two systems
// in alternating order, so that both meet the same state of a shared
// machine. It prints each round's times and their ratio, backprop's time
// over PyTorch's, and the medians. Run it from the bench directory:
//
//	go run ./cmd/pair [-model mlp|cnn] [-rounds 20] [-block 200ms]
//
// The models: mlp, the 784-256-256-10 MLP of issue 10, section 7, with SGD;
// cnn, the CNN of examples/mnist with Adam. PyTorch runs pair.py under
// -python (Debian's /usr/bin/python3 with python3-torch,
// python3-threadpoolctl and libopenblas0-pthread), with the same layers.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/nn"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/optim"
	"github.com/seed812a03d2/backprop/tensor"
)

// stepper is backprop's side: the step as a user writes it with nn and
// optim.
type stepper struct {
	model  *nn.Sequence
	params []*nn.Param
	opt    optim.Optimizer
	x      *tensor.Tensor
	y      *tensor.Index
	g      ad.Graph
}

func newStepper(model string) (*stepper, error) {
	rng := tensor.NewRand(1)
	f32 := tensor.Float32
	s := &stepper{}
	switch model {
	case "mlp":
		s.model = nn.Sequential(
			nn.NewLinear(rng, f32, 784, 256), nn.Func(ops.ReLU),
			nn.NewLinear(rng, f32, 256, 256), nn.Func(ops.ReLU),
			nn.NewLinear(rng, f32, 256, 10),
		)
		s.params = nn.Trainable(s.model)
		s.opt = optim.NewSGD(s.params, optim.SGDConfig{LR: 0.01})
		s.x = tensor.RandUniform(rng, f32, 0, 1, 128, 784)
	case "cnn":
		pad := ops.Conv2dOptions{Padding: [2]int{1, 1}}
		s.model = nn.Sequential(
			nn.NewConv2d(rng, f32, 1, 32, 3, pad), nn.Func(ops.ReLU), nn.NewMaxPool2d(2, 0, 0),
			nn.NewConv2d(rng, f32, 32, 64, 3, pad), nn.Func(ops.ReLU), nn.NewMaxPool2d(2, 0, 0),
			nn.Flatten(), nn.NewDropout(0.25, 1),
			nn.NewLinear(rng, f32, 64*7*7, 128), nn.Func(ops.ReLU), nn.NewLinear(rng, f32, 128, 10),
		)
		s.params = nn.Trainable(s.model)
		s.opt = optim.NewAdam(s.params, optim.DefaultAdam())
		s.x = tensor.RandUniform(rng, f32, 0, 1, 128, 1, 28, 28)
	default:
		return nil, fmt.Errorf("-model %q: want mlp or cnn", model)
	}
	labels := make([]int, 128)
	for i := range labels {
		labels[i] = i % 10
	}
	s.y = tensor.NewIndex(labels, 128)
	return s, nil
}

func (m *stepper) step() {
	m.g.Reset()
	loss := nn.CrossEntropy(m.model.Forward(m.g.Const(m.x)), m.y, nn.Mean)
	nn.Backward(loss, m.params)
	m.opt.Step()
}

// run times steps steps on threads threads, after one untimed step.
func (m *stepper) run(threads, steps int) time.Duration {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(threads))
	m.step()
	t0 := time.Now()
	for range steps {
		m.step()
	}
	return time.Since(t0)
}

// torch is PyTorch's side: pair.py as a server.
type torch struct {
	in  *bufio.Writer
	out *bufio.Scanner
}

func startTorch(python, model string) (*torch, func(), error) {
	cmd := exec.Command(python, "pair.py", model)
	cmd.Stderr = os.Stderr
	w, err := cmd.StdinPipe()
	if err != nil {
		return nil, nil, err
	}
	r, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	t := &torch{in: bufio.NewWriter(w), out: bufio.NewScanner(r)}
	stop := func() { w.Close(); cmd.Wait() }
	if !t.out.Scan() || t.out.Text() != "ready" {
		stop()
		return nil, nil, fmt.Errorf("%s pair.py did not start (see its output above)", python)
	}
	return t, stop, nil
}

func (t *torch) run(threads, steps int) (time.Duration, error) {
	fmt.Fprintf(t.in, "%d %d\n", threads, steps)
	if err := t.in.Flush(); err != nil {
		return 0, err
	}
	if !t.out.Scan() {
		return 0, fmt.Errorf("pair.py stopped answering")
	}
	sec, err := strconv.ParseFloat(strings.TrimSpace(t.out.Text()), 64)
	return time.Duration(sec * 1e9), err
}

func main() {
	model := flag.String("model", "mlp", "the model: mlp or cnn")
	rounds := flag.Int("rounds", 20, "rounds of turns")
	target := flag.Float64("target", 0, "the ratio to count the rounds above (default: issue 10's, 0.8 for mlp, 1 for cnn)")
	block := flag.Duration("block", 200*time.Millisecond, "the shortest block of steps each system runs in a turn")
	python := flag.String("python", "/usr/bin/python3", "the Python interpreter with torch and threadpoolctl")
	flag.Parse()
	if *target == 0 {
		*target = map[string]float64{"mlp": 0.8, "cnn": 1}[*model]
	}
	if err := run(*model, *rounds, *block, *target, *python); err != nil {
		fmt.Fprintln(os.Stderr, "pair:", err)
		os.Exit(1)
	}
}

func run(model string, rounds int, block time.Duration, target float64, python string) error {
	m, err := newStepper(model)
	if err != nil {
		return err
	}
	t, stop, err := startTorch(python, model)
	if err != nil {
		return err
	}
	defer stop()
	threads := []int{1, 2}
	// Steps per block: enough for the faster system's block to last
	// block, from a first timing of each.
	steps := map[int]int{}
	for _, th := range threads {
		g := m.run(th, 20) / 20
		p, err := t.run(th, 20)
		if err != nil {
			return err
		}
		steps[th] = max(1, int(block/min(g, p/20)))
	}
	goT, pyT, ratio := map[int][]float64{}, map[int][]float64{}, map[int][]float64{}
	fmt.Printf("round | threads | backprop ms/step | PyTorch ms/step | × PyTorch\n")
	for r := range rounds {
		for _, th := range threads {
			n := steps[th]
			var g, p time.Duration
			if r%2 == 0 {
				g = m.run(th, n)
				if p, err = t.run(th, n); err != nil {
					return err
				}
			} else {
				if p, err = t.run(th, n); err != nil {
					return err
				}
				g = m.run(th, n)
			}
			gm, pm := g.Seconds()*1e3/float64(n), p.Seconds()*1e3/float64(n)
			goT[th], pyT[th], ratio[th] = append(goT[th], gm), append(pyT[th], pm), append(ratio[th], gm/pm)
			fmt.Printf("%d | %d | %.3f | %.3f | %.2f×\n", r+1, th, gm, pm, gm/pm)
		}
	}
	fmt.Printf("\nover %d rounds, %d-step blocks (1 thread) and %d-step blocks (2 threads):\n", rounds, steps[1], steps[2])
	for _, th := range threads {
		rs := slices.Sorted(slices.Values(ratio[th]))
		above := 0
		for _, x := range rs {
			if x > target {
				above++
			}
		}
		fmt.Printf("%d thread(s): backprop %.3f ms, PyTorch %.3f ms (medians); × PyTorch median %.2f, range %.2f–%.2f, %d of %d rounds above %g\n",
			th, median(goT[th]), median(pyT[th]), median(rs), rs[0], rs[len(rs)-1], above, len(rs), target)
	}
	return nil
}

func median(s []float64) float64 {
	s = slices.Sorted(slices.Values(s))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
