package train

import (
	"encoding"
	"encoding/base64"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/seed812a03d2/backprop/data"
	"github.com/seed812a03d2/backprop/nn"
	"github.com/seed812a03d2/backprop/optim"
	"github.com/seed812a03d2/backprop/safetensors"
	"github.com/seed812a03d2/backprop/tensor"
)

// A Checkpoint names the parts of a training run whose state it saves and
// restores, as one safetensors file:
//
//   - the model's parameters and buffers (BatchNorm's running
//     statistics), under their names ("fc1.weight");
//   - the optimizer's moments, under "optimizer." and their names
//     ("optimizer.fc1.weight.exp_avg"), and its step count;
//   - the position of the loader (epoch and example), which with its seed
//     fixes the order of every batch to come;
//   - the state of every random-number generator in the model (Dropout's),
//     found through containers ([nn.Container]).
//
// Counts and generator states are in the file's metadata, as strings. A
// learning-rate schedule is a function of the step count, so it resumes
// with the optimizer. Resuming from a checkpoint continues bit for bit as
// the run that saved it would have.
type Checkpoint struct {
	Model     nn.Module
	Optimizer optim.Optimizer // nil to save the model alone
	Loader    *data.Loader    // nil if there is none
}

const (
	optPrefix = "optimizer."
	keySteps  = "backprop.optimizer.steps"
	keyEpoch  = "backprop.loader.epoch"
	keyPos    = "backprop.loader.position"
	keyRand   = "backprop.random."
)

// Save writes the checkpoint to w.
func (c *Checkpoint) Save(w io.Writer) error {
	var ts []safetensors.Named
	for _, p := range nn.State(c.Model) {
		ts = append(ts, safetensors.Named{Name: p.Name, Tensor: p.Value})
	}
	meta := map[string]string{"format": "backprop"}
	if c.Optimizer != nil {
		for _, p := range c.Optimizer.State() {
			ts = append(ts, safetensors.Named{Name: optPrefix + p.Name, Tensor: p.Value})
		}
		meta[keySteps] = strconv.Itoa(c.Optimizer.Steps())
	}
	if c.Loader != nil {
		meta[keyEpoch], meta[keyPos] = strconv.Itoa(c.Loader.Epoch()), strconv.Itoa(c.Loader.Pos())
	}
	var err error
	walk("", c.Model, func(path string, m encoding.BinaryMarshaler) {
		b, e := m.MarshalBinary()
		if e != nil && err == nil {
			err = fmt.Errorf("train: saving the state of %s: %v", path, e)
		}
		meta[keyRand+path] = base64.StdEncoding.EncodeToString(b)
	})
	if err != nil {
		return err
	}
	return safetensors.Write(w, ts, meta)
}

// walk calls f for every module under m that has a generator state, with
// its path of container names ("3" or "block.1"; "model" for m itself).
func walk(path string, m nn.Module, f func(string, encoding.BinaryMarshaler)) {
	if bm, ok := m.(encoding.BinaryMarshaler); ok {
		if _, ok := m.(encoding.BinaryUnmarshaler); ok {
			p := path
			if p == "" {
				p = "model"
			}
			f(p, bm)
		}
	}
	if c, ok := m.(nn.Container); ok {
		names, mods := c.Modules()
		for i, sub := range mods {
			p := names[i]
			if path != "" {
				p = path + "." + p
			}
			walk(p, sub, f)
		}
	}
}

// LoadError is a checkpoint that cannot be loaded into the training state
// it is given: File names the file, Tensor the tensor where there is one.
type LoadError struct {
	File, Tensor, Reason string
}

func (e *LoadError) Error() string {
	if e.Tensor != "" {
		return fmt.Sprintf("%s: tensor %q: %s", e.File, e.Tensor, e.Reason)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Reason)
}

// Load reads the checkpoint b, named name in errors, into c's model,
// optimizer and loader. Every tensor of the model and the optimizer must
// be in the file with its shape and element type, and the file may hold
// nothing else; the file is checked in full before anything is written,
// so that a bad file (a *safetensors.FormatError, or a *LoadError) leaves
// the training state as it was.
func (c *Checkpoint) Load(b []byte, name string) error {
	f, err := safetensors.Read(b, name)
	if err != nil {
		return err
	}
	fail := func(tensor, format string, a ...any) error {
		return &LoadError{File: name, Tensor: tensor, Reason: fmt.Sprintf(format, a...)}
	}
	type copyTo struct {
		dst, src *tensor.Tensor
	}
	var copies []copyTo
	want := map[string]bool{}
	match := func(key string, p *nn.Param) error {
		want[key] = true
		t, ok := f.Tensors[key]
		if !ok {
			return fail(key, "missing from the file")
		}
		if !t.Shape().Equal(p.Value.Shape()) || t.DType() != p.Value.DType() {
			return fail(key, "the file has %v %v; the model has %v %v", t.DType(), t.Shape(), p.Value.DType(), p.Value.Shape())
		}
		copies = append(copies, copyTo{p.Value, t})
		return nil
	}
	for _, p := range nn.State(c.Model) {
		if err := match(p.Name, p); err != nil {
			return err
		}
	}
	steps := 0
	if c.Optimizer != nil {
		for _, p := range c.Optimizer.State() {
			if err := match(optPrefix+p.Name, p); err != nil {
				return err
			}
		}
		if steps, err = count(f.Metadata, keySteps); err != nil {
			return fail("", "%v", err)
		}
	}
	for _, n := range f.Names {
		if !want[n] {
			if strings.HasPrefix(n, optPrefix) && c.Optimizer == nil {
				continue // an optimizer's state, not asked for
			}
			return fail(n, "not in the model")
		}
	}
	epoch, pos := 0, 0
	if c.Loader != nil {
		if epoch, err = count(f.Metadata, keyEpoch); err == nil {
			pos, err = count(f.Metadata, keyPos)
		}
		if err != nil {
			return fail("", "%v", err)
		}
	}
	type restore struct {
		path string
		u    encoding.BinaryUnmarshaler
		b    []byte
	}
	var restores []restore
	walk("", c.Model, func(path string, m encoding.BinaryMarshaler) {
		if err != nil {
			return
		}
		s, ok := f.Metadata[keyRand+path]
		if !ok {
			err = fail("", "no generator state for %s", path)
			return
		}
		b, e := base64.StdEncoding.DecodeString(s)
		if e != nil {
			err = fail("", "generator state of %s: %v", path, e)
			return
		}
		// Check the state on a copy first, so that a bad one changes
		// nothing.
		cur, e := m.MarshalBinary()
		if e != nil {
			err = fail("", "generator state of %s: %v", path, e)
			return
		}
		u := m.(encoding.BinaryUnmarshaler)
		if e := u.UnmarshalBinary(b); e != nil {
			u.UnmarshalBinary(cur)
			err = fail("", "generator state of %s: %v", path, e)
			return
		}
		if e := u.UnmarshalBinary(cur); e != nil {
			err = fail("", "generator state of %s cannot be restored: %v", path, e)
			return
		}
		restores = append(restores, restore{path, u, b})
	})
	if err != nil {
		return err
	}
	if c.Loader != nil && pos > c.Loader.Dataset().Len() {
		return fail("", "loader position %d is beyond the dataset", pos)
	}
	// Everything is checked: write.
	for _, cp := range copies {
		tensor.CopyTo(cp.dst, cp.src)
	}
	if c.Optimizer != nil {
		c.Optimizer.SetSteps(steps)
	}
	if c.Loader != nil {
		c.Loader.SetPosition(epoch, pos)
	}
	for _, r := range restores {
		r.u.UnmarshalBinary(r.b)
	}
	return nil
}

func count(meta map[string]string, key string) (int, error) {
	s, ok := meta[key]
	if !ok {
		return 0, fmt.Errorf("metadata %s is missing", key)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("metadata %s = %q is not a count", key, s)
	}
	return n, nil
}
