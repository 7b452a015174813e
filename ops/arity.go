package ops

// The number of inputs of every operation of the package with a fixed
// number, which ad.Apply checks (see ad.Arity). Concat takes any number.

func (*broadcastOp) Arity() int  { return 1 }
func (*embedOp) Arity() int      { return 1 }
func (*logSoftmaxOp) Arity() int { return 1 }
func (*lseOp) Arity() int        { return 1 }
func (*reduceOp) Arity() int     { return 1 }
func (*reshapeOp) Arity() int    { return 1 }
func (*sliceOp) Arity() int      { return 1 }
func (*softmaxOp) Arity() int    { return 1 }
func (*sumToOp) Arity() int      { return 1 }
func (*transposeOp) Arity() int  { return 1 }
func (matmulOp) Arity() int      { return 2 }
func (whereOp) Arity() int       { return 3 }
