package ops

// The number of inputs of every operation of the package with a fixed
// number, which ad.Apply checks (see ad.Arity). Concat takes any number.

func (*cumsumOp) Arity() int    { return 1 }
func (*gatherOp) Arity() int    { return 1 }
func (*selectOp) Arity() int    { return 1 }
func (*normOp) Arity() int      { return 1 }
func (*reduceOp) Arity() int    { return 1 }
func (*reshapeOp) Arity() int   { return 1 }
func (*sliceOp) Arity() int     { return 1 }
func (*spreadOp) Arity() int    { return 1 }
func (*transposeOp) Arity() int { return 1 }
func (matmulOp) Arity() int     { return 2 }
func (whereOp) Arity() int      { return 3 }
