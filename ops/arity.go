package ops

// The number of inputs of every operation of the package with a fixed
// number, which ad.Apply checks (see ad.Arity). Concat takes any number.

func (absOp) Arity() int         { return 1 }
func (*broadcastOp) Arity() int  { return 1 }
func (cosOp) Arity() int         { return 1 }
func (*embedOp) Arity() int      { return 1 }
func (expOp) Arity() int         { return 1 }
func (identityOp) Arity() int    { return 1 }
func (logOp) Arity() int         { return 1 }
func (*logSoftmaxOp) Arity() int { return 1 }
func (*lseOp) Arity() int        { return 1 }
func (negOp) Arity() int         { return 1 }
func (*reduceOp) Arity() int     { return 1 }
func (reluOp) Arity() int        { return 1 }
func (*reshapeOp) Arity() int    { return 1 }
func (sigmoidOp) Arity() int     { return 1 }
func (sinOp) Arity() int         { return 1 }
func (*sliceOp) Arity() int      { return 1 }
func (*softmaxOp) Arity() int    { return 1 }
func (sqrtOp) Arity() int        { return 1 }
func (squareOp) Arity() int      { return 1 }
func (*sumToOp) Arity() int      { return 1 }
func (tanOp) Arity() int         { return 1 }
func (tanhOp) Arity() int        { return 1 }
func (*transposeOp) Arity() int  { return 1 }
func (addOp) Arity() int         { return 2 }
func (divOp) Arity() int         { return 2 }
func (gatedMulOp) Arity() int    { return 2 }
func (matmulOp) Arity() int      { return 2 }
func (maximumOp) Arity() int     { return 2 }
func (minimumOp) Arity() int     { return 2 }
func (mulOp) Arity() int         { return 2 }
func (powOp) Arity() int         { return 2 }
func (reluGradOp) Arity() int    { return 2 }
func (subOp) Arity() int         { return 2 }
func (whereOp) Arity() int       { return 3 }
