package ops

import "github.com/seed812a03d2/backprop/ad"

// StopGradient returns x's value as a constant: no gradient flows back
// through it, and no tangent forward. It is x.Detach().
func StopGradient(x ad.Node) ad.Node { return x.Detach() }
