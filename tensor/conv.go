package tensor

import (
	"fmt"
	"math"
	"unsafe"
)

// Window is the geometry of the 2-d windows of a convolution or a pooling
// over [N C H W] images, each pair [height, width]: the window's size, the
// stride between windows, the zeros added on each side, and the dilation
// (the step between a window's elements). Strides and dilations must be at
// least 1.
type Window struct {
	Kernel, Stride, Padding, Dilation [2]int
}

// Out returns the number of windows down and across an image of h×w, as
// PyTorch computes them: (h + 2·padding - dilation·(kernel - 1) - 1)/stride
// + 1. It panics with a *ShapeError if the geometry is invalid or a window
// does not fit the padded image.
func (win Window) Out(h, w int) (ho, wo int) {
	in := [2]int{h, w}
	var out [2]int
	for i := range 2 {
		k, s, p, d := win.Kernel[i], win.Stride[i], win.Padding[i], win.Dilation[i]
		if k < 1 || s < 1 || d < 1 || p < 0 || k > MaxSize || d > MaxSize || p > MaxSize || k-1 > MaxSize/d {
			panic(&ShapeError{Op: "Window", Reason: fmt.Sprintf("window %v, stride %v, dilation %v and padding %v must be positive (padding may be 0) and fit an image", win.Kernel, win.Stride, win.Dilation, win.Padding)})
		}
		span := d*(k-1) + 1
		if in[i] <= 0 || span > in[i]+2*p {
			panic(&ShapeError{Op: "Window", Reason: fmt.Sprintf("a window spanning %d does not fit an image of %d with padding %d", span, in[i], p)})
		}
		out[i] = (in[i]+2*p-span)/s + 1
	}
	return out[0], out[1]
}

func (win Window) check(op string, x *Tensor) (n, c, h, w, ho, wo int) {
	notNil(op, x)
	if x.Rank() != 4 {
		panic(&ShapeError{Op: op, Shapes: []Shape{x.shape}, Reason: "want an input [N C H W]"})
	}
	n, c, h, w = x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	defer func() {
		if r := recover(); r != nil {
			if se, ok := r.(*ShapeError); ok {
				se.Op, se.Shapes = op, []Shape{x.shape}
			}
			panic(r)
		}
	}()
	ho, wo = win.Out(h, w)
	return n, c, h, w, ho, wo
}

// Im2Col returns the windows of x, [N C H W], as the columns of a matrix
// for each image and channel: [N C kH·kW H'·W'], the window's offsets
// outer and the windows inner, zero where a window lies over the padding.
// A convolution is then one matrix product. It panics with a *ShapeError
// if x is not [N C H W] or the geometry does not fit.
func Im2Col(x *Tensor, win Window) *Tensor { return Im2ColWith(nil, x, win) }

// Im2ColWith is Im2Col with its result allocated by a.
func Im2ColWith(a Alloc, x *Tensor, win Window) *Tensor {
	n, c, h, w, ho, wo := win.check("Im2Col", x)
	kk := win.Kernel[0] * win.Kernel[1]
	shape := Shape{n, c, kk, ho * wo}
	if _, ok := shape.size(); !ok {
		invalidShape("Im2Col", shape, x.shape)
	}
	out := a.getDirty(x.dtype, shape) // im2col writes every element, padding as zeros
	if x.dtype == Float32 {
		im2col(out.f32, x.f32, n*c, h, w, ho, wo, win, false)
	} else {
		im2col(out.f64, x.f64, n*c, h, w, ho, wo, win, false)
	}
	return out
}

// Col2Im is the adjoint of Im2Col: zeros of [N C H W] (h and w given),
// with each column element of cols, [N C kH·kW H'·W'], added where Im2Col
// took it from. It panics with a *ShapeError if the shapes do not fit.
func Col2Im(cols *Tensor, win Window, h, w int) *Tensor { return Col2ImWith(nil, cols, win, h, w) }

// Col2ImWith is Col2Im with its result allocated by a.
func Col2ImWith(a Alloc, cols *Tensor, win Window, h, w int) *Tensor {
	notNil("Col2Im", cols)
	ho, wo := win.Out(h, w)
	s := cols.shape
	if len(s) != 4 || s[2] != win.Kernel[0]*win.Kernel[1] || s[3] != ho*wo {
		panic(&ShapeError{Op: "Col2Im", Shapes: []Shape{s}, Reason: fmt.Sprintf("want [N C %d %d] for windows %v of an image %d×%d", win.Kernel[0]*win.Kernel[1], ho*wo, win.Kernel, h, w)})
	}
	out := a.get(cols.dtype, Shape{s[0], s[1], h, w})
	if cols.dtype == Float32 {
		im2col(cols.f32, out.f32, s[0]*s[1], h, w, ho, wo, win, true)
	} else {
		im2col(cols.f64, out.f64, s[0]*s[1], h, w, ho, wo, win, true)
	}
	return out
}

// im2col copies the windows of each of the planes of img, [planes h w],
// into cols, [planes kH·kW ho·wo], or with back adds cols into img.
// Planes are independent, so they run in parallel.
func im2col[T float](cols, img []T, planes, h, w, ho, wo int, win Window, back bool) {
	plane, colPlane := h*w, win.Kernel[0]*win.Kernel[1]*ho*wo
	parallelElems(planes, colPlane, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			im2colPlane(cols[p*colPlane:(p+1)*colPlane], img[p*plane:(p+1)*plane], h, w, ho, wo, win, back)
		}
	})
}

// im2colPlane is im2col of one plane: it copies the windows of src, h×w,
// into dst, [kH·kW ho·wo], or with back adds dst into src. The elements
// that fall on the padding are skipped (left at zero, or not added). With
// stride 1 along the width, the elements of a window offset and an output
// row are contiguous in both, and move as one run.
func im2colPlane[T float](dst, src []T, h, w, ho, wo int, win Window, back bool) {
	kh, kw := win.Kernel[0], win.Kernel[1]
	sh, sw := win.Stride[0], win.Stride[1]
	ph, pw := win.Padding[0], win.Padding[1]
	dh, dw := win.Dilation[0], win.Dilation[1]
	var z T
	// Rows of float32 with stride 1 along them move in masked registers
	// where the CPU has them (see im2colMasked).
	masked := unsafe.Sizeof(z) == 4 && sw == 1 && rowMoves(wo)
	for ki := range kh {
		for kj := range kw {
			row := dst[(ki*kw+kj)*ho*wo:][:ho*wo]
			off := kj*dw - pw
			oj0, oj1 := inside(wo, sw, off, w)
			if oj0 >= oj1 {
				if !back {
					clear(row) // the whole row lies over the padding
				}
				continue
			}
			if masked {
				im2colMasked(src, row, back, h, w, ho, wo, sh, ki*dh-ph, off, oj0, oj1)
				continue
			}
			for oi := range ho {
				ih := oi*sh - ph + ki*dh
				out := row[oi*wo:][:wo]
				if ih < 0 || ih >= h {
					if !back {
						clear(out)
					}
					continue
				}
				in := src[ih*w:][:w]
				if !back {
					// The columns are not zeroed beforehand (Im2ColWith
					// asks for memory as it is): zero the padding here.
					clear(out[:oj0])
					clear(out[oj1:])
				}
				if sw == 1 {
					a, b := out[oj0:oj1], in[oj0+off:oj1+off]
					if back {
						for i, v := range a {
							b[i] += v
						}
					} else {
						copy(a, b)
					}
					continue
				}
				for oj := oj0; oj < oj1; oj++ {
					if back {
						in[oj*sw+off] += out[oj]
					} else {
						out[oj] = in[oj*sw+off]
					}
				}
			}
		}
	}
}

// inside returns the outputs [o0, o1) of n whose input o·stride + base
// lies inside [0, size): a window offset's rows or columns that do not
// fall on the padding. o0 ≥ o1 when none do.
func inside(n, stride, base, size int) (o0, o1 int) {
	if base < 0 {
		o0 = (-base + stride - 1) / stride
	}
	if last := size - 1 - base; last >= 0 {
		o1 = min(n, last/stride+1)
	}
	return o0, o1
}

// im2colMasked is im2col's inner loop over the output rows oi for one
// window offset (its row base = ki·dh - ph, its column offset off = kj·dw
// - pw, and the outputs [oj0, oj1) that fall inside the image) with
// stride 1 along the row, for float32 on a CPU with rowMoves: the rows of
// src the window meets are contiguous in oi, one call moves them all.
func im2colMasked[T float](src, row []T, back bool, h, w, ho, wo, sh, base, off, oj0, oj1 int) {
	oi0, oi1 := inside(ho, sh, base, h)
	if !back {
		clear(row[:oi0*wo])
		clear(row[max(oi0, oi1)*wo:])
	}
	if oi0 >= oi1 {
		return
	}
	n, ih0 := oi1-oi0, oi0*sh+base
	img := unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(src))), len(src))[ih0*w:]
	cols := unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(row))), len(row))[oi0*wo:]
	if back {
		// A masked load that overlaps a masked store still in flight
		// waits for it to retire (the store cannot forward): with image
		// rows closer than a row's registers span (64 bytes, 128 with
		// two), each row's addition would wait for the one before. So
		// the rows are added in passes of every step-th row; each element
		// still gets its additions in the same order.
		span := 64
		if wo > 16 {
			span = 128
		}
		step := max(1, ceilDiv(span, 4*sh*w))
		for r := range min(step, n) {
			col2imRowsF32(ceilDiv(n-r, step), img[r*sh*w:], step*sh*w, off, cols[r*wo:], step*wo, oj0, oj1, wo)
		}
	} else {
		im2colRowsF32(n, cols, wo, img, sh*w, off, oj0, oj1, wo)
	}
}

// MaxPoolIndex returns, for each window of x, [N C H W], the position of
// its largest element within its image plane, h·W + w: an Index [N·C
// H'·W'], for gathering the maxima (and scattering their gradients back).
// Padding is never chosen; the first of equal elements wins, and NaN wins
// over any number, as PyTorch's max_pool2d. It panics with a *ShapeError
// if x is not [N C H W], the geometry does not fit, or a window lies
// wholly over the padding.
func MaxPoolIndex(x *Tensor, win Window) *Index {
	n, c, _, _, ho, wo := win.check("MaxPoolIndex", x)
	return maxPoolIndexInto("MaxPoolIndex", make([]int, n*c*ho*wo), x, win)
}

// MaxPoolIndexInto is MaxPoolIndex writing the positions into idx, which
// must hold exactly one element per window (N·C·H'·W'), for a caller that
// recycles the storage. The Index holds idx itself, not a copy. It panics with a
// *ShapeError if idx's length is not the number of windows.
func MaxPoolIndexInto(idx []int, x *Tensor, win Window) *Index {
	return maxPoolIndexInto("MaxPoolIndexInto", idx, x, win)
}

// MaxPoolInto is MaxPoolIndexInto that also sets values, which must have
// x's element type and one element per window, to each window's largest
// element, x at its position: taken from each plane of x as soon as its
// positions are found, while it is in the cache. It panics with a
// *ShapeError if idx's or values's size is not the number of windows, and
// with a *DTypeError if values has another element type.
func MaxPoolInto(idx []int, values, x *Tensor, win Window) *Index {
	notNil("MaxPoolInto", x, values)
	checkDType("MaxPoolInto", x, values)
	return maxPoolInto("MaxPoolInto", idx, values, x, win)
}

func maxPoolIndexInto(op string, idx []int, x *Tensor, win Window) *Index {
	return maxPoolInto(op, idx, nil, x, win)
}

func maxPoolInto(op string, idx []int, values, x *Tensor, win Window) *Index {
	n, c, h, w, ho, wo := win.check(op, x)
	if len(idx) != n*c*ho*wo {
		panic(&ShapeError{Op: op, Shapes: []Shape{x.shape, {len(idx)}}, Reason: fmt.Sprintf("the positions need %d elements, one per window", n*c*ho*wo)})
	}
	if values != nil && values.Size() != n*c*ho*wo {
		panic(&ShapeError{Op: op, Shapes: []Shape{x.shape, values.shape}, Reason: fmt.Sprintf("the values need %d elements, one per window", n*c*ho*wo)})
	}
	if x.dtype == Float32 {
		var v []float32
		if values != nil {
			v = values.f32
		}
		maxPoolIndex(idx, v, x.f32, n*c, h, w, ho, wo, win)
	} else {
		var v []float64
		if values != nil {
			v = values.f64
		}
		maxPoolIndex(idx, v, x.f64, n*c, h, w, ho, wo, win)
	}
	if win.Padding != [2]int{} {
		for _, i := range idx {
			if i < 0 {
				panic(&ShapeError{Op: op, Shapes: []Shape{x.shape}, Reason: fmt.Sprintf("a window %v with padding %v lies wholly over the padding", win.Kernel, win.Padding)})
			}
		}
	}
	out := &Index{shape: Shape{n * c, ho * wo}, data: idx} // idx is ours: no copy
	out.bound.Store(int64(h * w))                          // every position lies in its plane
	return out
}

// maxPoolIndex sets idx to the position of each window's maximum, plane
// by plane, and values, unless it is nil, to the maxima.
func maxPoolIndex[T float](idx []int, values, img []T, planes, h, w, ho, wo int, win Window) {
	kh, kw := win.Kernel[0], win.Kernel[1]
	sh, sw := win.Stride[0], win.Stride[1]
	ph, pw := win.Padding[0], win.Padding[1]
	dh, dw := win.Dilation[0], win.Dilation[1]
	pairs := win.Kernel == [2]int{2, 2} && win.Stride == [2]int{2, 2} && win.Padding == [2]int{} && win.Dilation == [2]int{1, 1}
	parallelElems(planes, ho*wo*kh*kw, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			src := img[p*h*w : (p+1)*h*w]
			out := idx[p*ho*wo : (p+1)*ho*wo]
			if pairs {
				maxPool2x2(out, src, w, ho, wo)
				if values != nil {
					vals := values[p*ho*wo:][:ho*wo]
					for j, k := range out {
						vals[j] = src[k]
					}
				}
				continue
			}
			for oi := range ho {
				for oj := range wo {
					best, at := T(math.Inf(-1)), -1
					for ki := range kh {
						ih := oi*sh - ph + ki*dh
						if ih < 0 || ih >= h {
							continue
						}
						for kj := range kw {
							iw := oj*sw - pw + kj*dw
							if iw < 0 || iw >= w {
								continue
							}
							v := src[ih*w+iw]
							if at < 0 || v > best || (v != v && best == best) {
								best, at = v, ih*w+iw
							}
						}
					}
					out[oi*wo+oj] = at
					if values != nil && at >= 0 {
						values[p*ho*wo+oi*wo+oj] = src[at]
					}
				}
			}
		}
	})
}

// maxPool2x2 is maxPoolIndex of one plane for the usual 2×2 windows with
// stride 2 and no padding: in assembly for float32 where the CPU has it
// (maxPool2x2Rows), otherwise maxPool2x2Go.
func maxPool2x2[T float](out []int, src []T, w, ho, wo int) {
	var z T
	if unsafe.Sizeof(z) == 4 && maxPool2x2Rows(out, unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(src))), len(src)), w, ho, wo) {
		return
	}
	maxPool2x2Go(out, src, w, ho, wo)
}

// maxPool2x2Go is maxPool2x2 in Go, a window at a time: four loads and
// three comparisons, with the rare NaN found apart.
func maxPool2x2Go[T float](out []int, src []T, w, ho, wo int) {
	for oi := range ho {
		r0 := src[2*oi*w:][:w]
		r1 := src[(2*oi+1)*w:][:w]
		o := out[oi*wo:][:wo]
		for oj := range o {
			j := 2 * oj
			a, b, c, d := r0[j], r0[j+1], r1[j], r1[j+1]
			// A tournament of selects, which compile without branches:
			// random data mispredicts the branches of a scan. Each pair's
			// first wins a tie, and the second pair wins only if greater,
			// so the first of equal elements wins, as a scan finds it.
			k, m := 0, max(a, b)
			if b > a {
				k = 1
			}
			kc := 2
			if d > c {
				kc = 3
			}
			if max(c, d) > m {
				k = kc
			}
			if a != a || b != b || c != c || d != d {
				switch {
				case a != a:
					k = 0
				case b != b:
					k = 1
				case c != c:
					k = 2
				default:
					k = 3
				}
			}
			at := 2*oi*w + j
			if k >= 2 {
				at += w
			}
			o[oj] = at + k&1
		}
	}
}
