package tensor

import "fmt"

// A 2-d convolution of images x, [N C H W], with filters f, [O C/groups
// kH kW], is for each image and group a matrix product: the group's
// filters as a matrix [O/groups K], K = C/groups·kH·kW, times the image's
// windows as columns (im2col), [K H'·W']. Conv2d, Conv2dInput and
// Conv2dFilter compute it and its two adjoints one image at a time, so
// that an image's windows (for the CNN of examples/mnist, 288×196 floats)
// stay in the core's cache between being formed and being multiplied,
// instead of streaming the whole batch's windows (29 MB) through memory
// and back. Where one image's products are small (eachImage), images run
// in parallel; otherwise each product is split across goroutines. The
// filters' gradient, a sum over the images, is summed in chunks of images
// fixed by the shapes alone and the chunks added in order, so that every
// result is the same bit for bit on any number of threads.

// convGeom is the geometry of a convolution.
type convGeom struct {
	n, c, h, w int // the images
	o, groups  int // output channels, groups
	win        Window
	ho, wo     int // the windows down and across
}

// cg, og and k are a group's input channels, output channels, and rows
// of windows; hw the windows of an image.
func (g convGeom) cg() int { return g.c / g.groups }
func (g convGeom) og() int { return g.o / g.groups }
func (g convGeom) k() int  { return g.cg() * g.win.Kernel[0] * g.win.Kernel[1] }
func (g convGeom) hw() int { return g.ho * g.wo }

// convGeometry checks images of shape xs and filters of shape fs against
// win and groups, and returns the geometry; op and shapes name the
// operation and its operands in the error. win's kernel is the filters'.
func convGeometry(op string, shapes []Shape, xs, fs Shape, win Window, groups int) convGeom {
	fail := func(reason string) {
		panic(&ShapeError{Op: op, Shapes: shapes, Reason: reason})
	}
	if len(xs) != 4 || len(fs) != 4 {
		fail("want images [N C H W] and filters [O C/groups kH kW]")
	}
	if groups < 1 {
		fail(fmt.Sprintf("%d groups", groups))
	}
	n, c, o := xs[0], xs[1], fs[0]
	if c%groups != 0 || o%groups != 0 {
		fail(fmt.Sprintf("%d input and %d output channels do not split into %d groups", c, o, groups))
	}
	if fs[1] != c/groups {
		fail(fmt.Sprintf("%d input channels in %d groups need filters of %d channels", c, groups, c/groups))
	}
	if win.Kernel != [2]int{fs[2], fs[3]} {
		fail(fmt.Sprintf("window %v for filters of %d×%d", win.Kernel, fs[2], fs[3]))
	}
	g := convGeom{n: n, c: c, h: xs[2], w: xs[3], o: o, groups: groups, win: win}
	func() {
		defer func() {
			if r := recover(); r != nil {
				if se, ok := r.(*ShapeError); ok {
					se.Op, se.Shapes = op, shapes
				}
				panic(r)
			}
		}()
		g.ho, g.wo = win.Out(g.h, g.w)
	}()
	if _, ok := (Shape{n, o, g.ho, g.wo}).size(); !ok {
		invalidShape(op, Shape{n, o, g.ho, g.wo}, shapes...)
	}
	if _, ok := (Shape{g.k(), g.hw()}).size(); !ok {
		invalidShape(op, Shape{g.k(), g.hw()}, shapes...)
	}
	return g
}

// Conv2d returns the 2-d cross-correlation of x, [N C H W], with the
// filters f, [O C/groups kH kW], plus bias, [O], unless bias is nil, as
// PyTorch's conv2d: [N O H' W'], H' and W' as win.Out gives them;
// win.Kernel must be [kH kW]. Groups split the channels: output channels
// of group k see only input channels of group k. It panics with a
// *ShapeError if the shapes do not fit.
func Conv2d(x, f, bias *Tensor, win Window, groups int) *Tensor {
	return Conv2dWith(nil, x, f, bias, win, groups)
}

// Conv2dWith is Conv2d with its result allocated by a.
func Conv2dWith(a Alloc, x, f, bias *Tensor, win Window, groups int) *Tensor {
	const op = "Conv2d"
	notNil(op, x, f)
	checkDType(op, x, f)
	shapes := []Shape{x.shape, f.shape}
	if bias != nil {
		shapes = append(shapes, bias.shape)
		checkDType(op, x, bias)
	}
	g := convGeometry(op, shapes, x.shape, f.shape, win, groups)
	if bias != nil && !bias.shape.Equal(Shape{g.o}) {
		panic(&ShapeError{Op: op, Shapes: shapes, Reason: fmt.Sprintf("want a bias [%d]", g.o)})
	}
	y := a.getDirty(x.dtype, Shape{g.n, g.o, g.ho, g.wo}) // every element is set
	if x.dtype == Float32 {
		var b []float32
		if bias != nil {
			b = bias.f32
		}
		conv2d(y.f32, x.f32, f.f32, b, g)
	} else {
		var b []float64
		if bias != nil {
			b = bias.f64
		}
		conv2d(y.f64, x.f64, f.f64, b, g)
	}
	return y
}

// Conv2dInput is the adjoint of Conv2d in its images (PyTorch's
// conv_transpose2d, and conv2d's gradient with respect to its input): for
// gy, [N O H' W'], and the filters f, it returns the images [N C h w] x̄
// with ⟨x̄, x⟩ = ⟨gy, Conv2d(x, f)⟩ for every x. It panics with a
// *ShapeError if the shapes do not fit.
func Conv2dInput(gy, f *Tensor, win Window, groups, h, w int) *Tensor {
	return Conv2dInputWith(nil, gy, f, win, groups, h, w)
}

// Conv2dInputWith is Conv2dInput with its result allocated by a.
func Conv2dInputWith(a Alloc, gy, f *Tensor, win Window, groups, h, w int) *Tensor {
	const op = "Conv2dInput"
	notNil(op, gy, f)
	checkDType(op, gy, f)
	shapes := []Shape{gy.shape, f.shape}
	if gy.Rank() != 4 || f.Rank() != 4 {
		panic(&ShapeError{Op: op, Shapes: shapes, Reason: "want gradients [N O H' W'] and filters [O C/groups kH kW]"})
	}
	g := convGeometry(op, shapes, Shape{gy.shape[0], f.shape[1] * max(groups, 1), h, w}, f.shape, win, groups)
	if want := (Shape{g.n, g.o, g.ho, g.wo}); !gy.shape.Equal(want) {
		panic(&ShapeError{Op: op, Shapes: shapes, Reason: fmt.Sprintf("want gradients %v for images of %d×%d", want, h, w)})
	}
	x := a.getDirty(gy.dtype, Shape{g.n, g.c, h, w}) // each image is cleared, then added into
	if gy.dtype == Float32 {
		conv2dInput(x.f32, gy.f32, f.f32, g)
	} else {
		conv2dInput(x.f64, gy.f64, f.f64, g)
	}
	return x
}

// Conv2dFilter is the adjoint of Conv2d in its filters (conv2d's gradient
// with respect to its filters): for the images x, [N C H W], and gy, [N O
// H' W'], it returns the filters [O C/groups kH kW] f̄ with ⟨f̄, f⟩ = ⟨gy,
// Conv2d(x, f)⟩ for every f, kH and kW from win. It panics with a
// *ShapeError if the shapes do not fit.
func Conv2dFilter(x, gy *Tensor, win Window, groups int) *Tensor {
	return Conv2dFilterWith(nil, x, gy, win, groups)
}

// Conv2dFilterWith is Conv2dFilter with its result allocated by a.
func Conv2dFilterWith(a Alloc, x, gy *Tensor, win Window, groups int) *Tensor {
	const op = "Conv2dFilter"
	notNil(op, x, gy)
	checkDType(op, x, gy)
	shapes := []Shape{x.shape, gy.shape}
	if x.Rank() != 4 || gy.Rank() != 4 {
		panic(&ShapeError{Op: op, Shapes: shapes, Reason: "want images [N C H W] and gradients [N O H' W']"})
	}
	gr := max(groups, 1)
	fs := Shape{gy.shape[1], x.shape[1] / gr, win.Kernel[0], win.Kernel[1]}
	g := convGeometry(op, shapes, x.shape, fs, win, groups)
	if want := (Shape{g.n, g.o, g.ho, g.wo}); !gy.shape.Equal(want) {
		panic(&ShapeError{Op: op, Shapes: shapes, Reason: fmt.Sprintf("want gradients %v", want)})
	}
	f := a.getDirty(x.dtype, fs) // every element is set
	if x.dtype == Float32 {
		conv2dFilter(f.f32, x.f32, gy.f32, g)
	} else {
		conv2dFilter(f.f64, x.f64, gy.f64, g)
	}
	return f
}

// windowsOf writes the windows of image i's channels of group grp into
// s, [K H'·W'], or with back adds s into them; with split, the channels
// run in parallel.
func windowsOf[T float](s, x []T, g convGeom, i, grp int, back, split bool) {
	plane, rows := g.h*g.w, g.win.Kernel[0]*g.win.Kernel[1]*g.hw()
	xi := x[(i*g.c+grp*g.cg())*plane:][:g.cg()*plane]
	if split {
		im2col(s, xi, g.cg(), g.h, g.w, g.ho, g.wo, g.win, back)
		return
	}
	for p := range g.cg() {
		im2colPlane(s[p*rows:][:rows], xi[p*plane:][:plane], g.h, g.w, g.ho, g.wo, g.win, back)
	}
}

// perImage reports whether the products of one image and group are small
// enough to run one image per goroutine, each with its own windows,
// rather than one at a time, each split across goroutines by gemm.
func perImage[T float](g convGeom, m, n, k int) bool {
	return g.n > 1 && sharesPacking[T](m, n, k)
}

// eachImage sets, for every image i and group grp, c = op(F)·b, [m n],
// with F = filters(grp) (lda elements a row; transposed if transA) and b
// (ldb) and c (ldc) from product(i, grp, s, split), then calls done(i,
// grp, s, split); s is a scratch of size elements for the calling
// goroutine. Where perImage, the images run in parallel, each goroutine
// packing each group's filters once (gemmSharedA), and split is false;
// otherwise one at a time, each product split by gemm, and split is true:
// the callbacks may split their own work too. Every product is computed
// as by gemmSet either way.
func eachImage[T float](g convGeom, transA bool, m, n, k int, filters func(grp int) []T, lda, ldb, ldc, size int,
	product func(i, grp int, s []T, split bool) (b, c []T), done func(i, grp int, s []T, split bool)) {
	if !perImage[T](g, m, n, k) {
		buf := takeScratch[T]()
		defer scratchPool[T]().Put(buf)
		s := scratchOf(buf, size)
		for i := range g.n {
			for grp := range g.groups {
				b, c := product(i, grp, s, true)
				gemmSet(transA, false, m, n, k, filters(grp), lda, b, ldb, c, ldc)
				done(i, grp, s, true)
			}
		}
		return
	}
	parallelFor(g.n, 1, g.n*g.groups*m*n*k, func(lo, hi int) {
		buf := takeScratch[T]()
		defer scratchPool[T]().Put(buf)
		s := scratchOf(buf, size)
		for grp := range g.groups {
			gemmSharedA(transA, false, m, n, k, filters(grp), lda, ldb, ldc, lo, hi,
				func(i int) (b, c []T) { return product(i, grp, s, false) },
				func(i int) { done(i, grp, s, false) })
		}
	})
}

// conv2d sets y to x convolved with f, plus bias unless it is empty: for
// each image i and group, y_i = F·S_i with S_i the image's windows, and
// the bias added while y_i is in the cache.
func conv2d[T float](y, x, f, bias []T, g convGeom) {
	og, k, hw := g.og(), g.k(), g.hw()
	out := func(i, grp int) []T { return y[(i*g.o+grp*og)*hw:][:og*hw] }
	eachImage(g, false, og, hw, k, func(grp int) []T { return f[grp*og*k:][:og*k] }, k, hw, hw, k*hw,
		func(i, grp int, s []T, split bool) (b, c []T) {
			windowsOf(s, x, g, i, grp, false, split)
			return s, out(i, grp)
		},
		func(i, grp int, _ []T, _ bool) {
			if len(bias) == 0 {
				return
			}
			yi := out(i, grp)
			for o, b := range bias[grp*og:][:og] {
				row := yi[o*hw:][:hw]
				addScalar(row, row, b)
			}
		})
}

// conv2dInput sets x to the adjoint of the convolution with f applied to
// gy: for each image i and group, the windows Fᵀ·gy_i added into a
// cleared image (col2im).
func conv2dInput[T float](x, gy, f []T, g convGeom) {
	og, k, hw, plane := g.og(), g.k(), g.hw(), g.h*g.w
	eachImage(g, true, k, hw, og, func(grp int) []T { return f[grp*og*k:][:og*k] }, k, hw, hw, k*hw,
		func(i, grp int, s []T, _ bool) (b, c []T) {
			return gy[(i*g.o+grp*og)*hw:][:og*hw], s
		},
		func(i, grp int, s []T, split bool) {
			clear(x[(i*g.c+grp*g.cg())*plane:][:g.cg()*plane])
			windowsOf(s, x, g, i, grp, true, split)
		})
}

// filterChunks is the number of chunks of images whose sums
// conv2dFilter forms apart, in parallel, before adding them in order: at
// most 16, and no more than 2²² elements of sums in all unless one
// chunk's sums are more. It depends on the shapes alone, never on the
// number of threads.
func filterChunks(g convGeom) int {
	return max(1, min(g.n, 16, (1<<22)/(g.o*g.k())))
}

// conv2dFilter sets f to the adjoint of the convolution of x in its
// filters applied to gy: for each group, the sum over the images i of
// gy_i·S_iᵀ. Each chunk of images sums its transpose, S_i·gy_iᵀ, [K O/groups]
// (whose rows and columns fill the kernel's tiles better), image after
// image; the chunks are then added, in order, into f.
func conv2dFilter[T float](f, x, gy []T, g convGeom) {
	if g.n == 0 {
		clear(f) // a sum over no images
		return
	}
	og, k, hw := g.og(), g.k(), g.hw()
	grads := func(i, grp int) []T { return gy[(i*g.o+grp*og)*hw:][:og*hw] }
	chunks := 1
	if perImage[T](g, k, og, hw) {
		chunks = filterChunks(g)
	}
	per := ceilDiv(g.n, chunks)
	chunks = ceilDiv(g.n, per)
	size := g.groups * k * og // one chunk's sums: for each group, [K O/groups]
	sums := takeScratch[T]()
	defer scratchPool[T]().Put(sums)
	parts := scratchOf(sums, chunks*size)
	sum := func(lo, hi int, parallelWindows bool) {
		buf := takeScratch[T]()
		defer scratchPool[T]().Put(buf)
		s := scratchOf(buf, k*hw)
		for ch := lo; ch < hi; ch++ {
			part := parts[ch*size:][:size]
			for grp := range g.groups {
				for i := ch * per; i < min(g.n, (ch+1)*per); i++ {
					windowsOf(s, x, g, i, grp, false, parallelWindows)
					gemmInto(i == ch*per, false, true, k, og, hw, s, hw, grads(i, grp), hw, part[grp*k*og:][:k*og], og)
				}
			}
		}
	}
	if chunks == 1 {
		sum(0, 1, true)
	} else {
		parallelFor(chunks, 1, g.n*g.groups*og*k*hw, func(lo, hi int) { sum(lo, hi, false) })
	}
	// f[grp][o][r] = Σ over the chunks, in order, of part[grp][r][o].
	parallelFor(g.groups*og, 1, chunks*size, func(lo, hi int) {
		for row := lo; row < hi; row++ {
			grp, o := row/og, row%og
			fr := f[row*k:][:k]
			for ch := range chunks {
				part := parts[ch*size+grp*k*og:][:k*og]
				for r := range fr {
					if ch == 0 {
						fr[r] = part[r*og+o]
					} else {
						fr[r] += part[r*og+o]
					}
				}
			}
		}
	})
}
