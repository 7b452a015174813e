package main

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// The data every system computes on. It is generated here from fixed seeds
// and written as raw little-endian float32 or float64 files, with a
// manifest (meta.json), to a directory the Python script reads, so that
// all systems see bit-identical inputs.

const (
	mlpBatch = 128
	mlpIn    = 784
	mlpHid   = 256
	mlpOut   = 10
	mlpLR    = 0.01
	hvpN     = 256

	chainSteps = 250_000 // 4 elementary operations each: 1,000,000 in all
	chainX0    = 0.5
)

var gemmSizes = []int{512, 1024}

// mlpParams are the parameters of the 784-256-256-10 MLP, row-major,
// weights stored as in×out so that a layer is x·W + b.
type mlpParams struct {
	W1, B1, W2, B2, W3, B3 []float32
}

var paramNames = []string{"W1", "b1", "W2", "b2", "W3", "b3"}

func (p *mlpParams) list() [][]float32 { return [][]float32{p.W1, p.B1, p.W2, p.B2, p.W3, p.B3} }

func (p *mlpParams) clone() *mlpParams {
	c := func(x []float32) []float32 { return append([]float32(nil), x...) }
	return &mlpParams{c(p.W1), c(p.B1), c(p.W2), c(p.B2), c(p.W3), c(p.B3)}
}

var paramShapes = [][]int{{mlpIn, mlpHid}, {mlpHid}, {mlpHid, mlpHid}, {mlpHid}, {mlpHid, mlpOut}, {mlpOut}}

type dataset struct {
	// MLP
	X      []float32 // batch×in, uniform in [0, 1)
	Labels []int     // batch, in [0, 10)
	Y      []float32 // batch×out, one-hot labels
	P      *mlpParams
	// Sampled flat indices into each gradient, checked for every system.
	GradIdx [][]int

	// GEMM: A and B for each size, float64 and the same values rounded to
	// float32; C's entries at GemmIdx are checked.
	A64, B64 map[int][]float64
	A32, B32 map[int][]float32
	GemmIdx  map[int][]int

	// HVP: W (n×n), x and v (n).
	HW, HX, HV []float64
}

func normal(r *rand.Rand, n int, std float64) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = r.NormFloat64() * std
	}
	return s
}

func to32(x []float64) []float32 {
	s := make([]float32, len(x))
	for i, v := range x {
		s[i] = float32(v)
	}
	return s
}

func to64(x []float32) []float64 {
	s := make([]float64, len(x))
	for i, v := range x {
		s[i] = float64(v)
	}
	return s
}

func makeData() *dataset {
	d := &dataset{}
	r := rand.New(rand.NewPCG(812, 1))
	d.X = make([]float32, mlpBatch*mlpIn)
	for i := range d.X {
		d.X[i] = float32(r.Float64())
	}
	d.Labels = make([]int, mlpBatch)
	d.Y = make([]float32, mlpBatch*mlpOut)
	for i := range d.Labels {
		d.Labels[i] = r.IntN(mlpOut)
		d.Y[i*mlpOut+d.Labels[i]] = 1
	}
	d.P = &mlpParams{
		W1: to32(normal(r, mlpIn*mlpHid, math.Sqrt(2.0/mlpIn))),
		B1: to32(normal(r, mlpHid, 0.01)),
		W2: to32(normal(r, mlpHid*mlpHid, math.Sqrt(2.0/mlpHid))),
		B2: to32(normal(r, mlpHid, 0.01)),
		W3: to32(normal(r, mlpHid*mlpOut, math.Sqrt(1.0/mlpHid))),
		B3: to32(normal(r, mlpOut, 0.01)),
	}
	for _, p := range d.P.list() {
		idx := []int{0, len(p) - 1}
		for range 6 {
			idx = append(idx, r.IntN(len(p)))
		}
		d.GradIdx = append(d.GradIdx, idx)
	}
	d.A64, d.B64 = map[int][]float64{}, map[int][]float64{}
	d.A32, d.B32 = map[int][]float32{}, map[int][]float32{}
	d.GemmIdx = map[int][]int{}
	for _, n := range gemmSizes {
		d.A64[n], d.B64[n] = normal(r, n*n, 1), normal(r, n*n, 1)
		d.A32[n], d.B32[n] = to32(d.A64[n]), to32(d.B64[n])
		idx := []int{0, n*n - 1}
		for range 14 {
			idx = append(idx, r.IntN(n*n))
		}
		d.GemmIdx[n] = idx
	}
	d.HW = normal(r, hvpN*hvpN, 1/math.Sqrt(hvpN))
	d.HX = normal(r, hvpN, 1)
	d.HV = normal(r, hvpN, 1)
	return d
}

// write stores the data set in dir for the Python script.
func (d *dataset) write(dir string) error {
	type file struct {
		Name  string `json:"name"`
		DType string `json:"dtype"`
		Shape []int  `json:"shape"`
	}
	var files []file
	put := func(name string, shape []int, data any) error {
		f, err := os.Create(filepath.Join(dir, name+".bin"))
		if err != nil {
			return err
		}
		if err := binary.Write(f, binary.LittleEndian, data); err != nil {
			f.Close()
			return err
		}
		dt := "float64"
		switch data.(type) {
		case []float32:
			dt = "float32"
		case []int64:
			dt = "int64"
		}
		files = append(files, file{name, dt, shape})
		return f.Close()
	}
	labels := make([]int64, len(d.Labels))
	for i, l := range d.Labels {
		labels[i] = int64(l)
	}
	type item struct {
		name  string
		shape []int
		data  any
	}
	items := []item{
		{"mlp_X", []int{mlpBatch, mlpIn}, d.X},
		{"mlp_labels", []int{mlpBatch}, labels},
		{"mlp_Y", []int{mlpBatch, mlpOut}, d.Y},
		{"hvp_W", []int{hvpN, hvpN}, d.HW},
		{"hvp_x", []int{hvpN}, d.HX},
		{"hvp_v", []int{hvpN}, d.HV},
	}
	for i, p := range d.P.list() {
		items = append(items, item{"mlp_" + paramNames[i], paramShapes[i], p})
	}
	for _, n := range gemmSizes {
		s := []int{n, n}
		items = append(items,
			item{fmtName("gemm_A64_", n), s, d.A64[n]}, item{fmtName("gemm_B64_", n), s, d.B64[n]},
			item{fmtName("gemm_A32_", n), s, d.A32[n]}, item{fmtName("gemm_B32_", n), s, d.B32[n]})
	}
	for _, it := range items {
		if err := put(it.name, it.shape, it.data); err != nil {
			return err
		}
	}
	gidx := map[string][]int{}
	for _, n := range gemmSizes {
		gidx[fmtName("", n)] = d.GemmIdx[n]
	}
	meta := map[string]any{
		"files":       files,
		"grad_idx":    d.GradIdx,
		"param_names": paramNames,
		"gemm_idx":    gidx,
		"gemm_sizes":  gemmSizes,
		"mlp_lr":      mlpLR,
		"chain_steps": chainSteps,
		"chain_x0":    chainX0,
	}
	b, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "meta.json"), b, 0o644)
}

func fmtName(prefix string, n int) string { return prefix + strconv.Itoa(n) }
