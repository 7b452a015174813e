package optim

import (
	"fmt"
	"math"
)

// A Schedule gives the learning rate of each step (or epoch: the unit is
// the caller's), starting at 0. Apply sets an optimizer's rate from it.
type Schedule interface {
	LR(step int) float64
}

// Apply sets o's learning rate to s's rate at step: call it before each
// step (or epoch) with the number of steps (epochs) done so far. A
// schedule is a function of the step, so resuming from a checkpoint needs
// only the optimizer's step count.
func Apply(o Optimizer, s Schedule, step int) { o.SetLR(s.LR(step)) }

// Constant is a fixed learning rate.
type Constant float64

// LR returns c.
func (c Constant) LR(int) float64 { return float64(c) }

// StepDecay multiplies the base rate by Gamma every Every steps, as
// PyTorch's StepLR: Base·Gammaᵏ with k = ⌊step/Every⌋.
type StepDecay struct {
	Base, Gamma float64
	Every       int
}

// LR returns the rate at step.
func (s StepDecay) LR(step int) float64 {
	return s.Base * math.Pow(s.Gamma, float64(step/max(s.Every, 1)))
}

// Exponential multiplies the base rate by Gamma every step, as PyTorch's
// ExponentialLR: Base·Gammaˢᵗᵉᵖ.
type Exponential struct{ Base, Gamma float64 }

// LR returns the rate at step.
func (s Exponential) LR(step int) float64 { return s.Base * math.Pow(s.Gamma, float64(step)) }

// Cosine anneals from Base to Min over Steps steps along half a cosine, as
// PyTorch's CosineAnnealingLR: Min + (Base - Min)·(1 + cos(π·step/Steps))/2,
// which rises again after Steps, as PyTorch's does. LR panics if Steps is
// not positive, rather than return NaN.
type Cosine struct {
	Base, Min float64
	Steps     int
}

// LR returns the rate at step.
func (s Cosine) LR(step int) float64 {
	if s.Steps <= 0 {
		panic(fmt.Errorf("optim: Cosine: %d steps; want at least 1", s.Steps))
	}
	return s.Min + (s.Base-s.Min)*(1+math.Cos(math.Pi*float64(step)/float64(s.Steps)))/2
}

// Warmup raises the rate linearly over the first Steps steps, from
// Start times Then's first rate towards Then's first rate, and then follows
// Then from its step 0: PyTorch's SequentialLR of LinearLR(start_factor,
// 1, total_iters) and Then, with the milestone at Steps.
type Warmup struct {
	Start float64 // the first step's fraction of the rate, in (0, 1]
	Steps int
	Then  Schedule
}

// LR returns the rate at step.
func (s Warmup) LR(step int) float64 {
	if step >= s.Steps {
		return s.Then.LR(step - s.Steps)
	}
	return s.Then.LR(0) * (s.Start + (1-s.Start)*float64(step)/float64(s.Steps))
}
