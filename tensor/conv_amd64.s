#include "textflag.h"

// func im2colRows512F32(n int, dst *float32, ldd int, src *float32, lds, off int, lmask, smask uint32)
//
// For r < n, the row of at most 32 elements dst[r*ldd+j] (j where smask
// has bit j) is set to src[r*lds+off+j] where lmask has bit j, and to 0
// elsewhere: the loads are masked, so the elements left of or past the
// image row (the padding) are neither read nor faulted on.
TEXT ·im2colRows512F32(SB), NOSPLIT, $0-56
	MOVQ n+0(FP), CX
	MOVQ dst+8(FP), DI
	MOVQ ldd+16(FP), R8
	MOVQ src+24(FP), SI
	MOVQ lds+32(FP), R9
	MOVQ off+40(FP), AX
	MOVL lmask+48(FP), BX
	MOVL smask+52(FP), DX
	SHLQ $2, R8
	SHLQ $2, R9
	LEAQ (SI)(AX*4), SI       // the window's offset along the row
	KMOVW BX, K1
	SHRL $16, BX
	KMOVW BX, K2
	KMOVW DX, K3
	SHRL $16, DX
	KMOVW DX, K4
	TESTQ CX, CX
	JZ   i2cdone

i2cloop:
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z 64(SI), K2, Z1
	VMOVUPS Z0, K3, (DI)
	VMOVUPS Z1, K4, 64(DI)
	ADDQ R9, SI
	ADDQ R8, DI
	DECQ CX
	JNZ  i2cloop

i2cdone:
	VZEROUPPER
	RET

// func col2imRows512F32(n int, dst *float32, ldd, off int, src *float32, lds int, mask uint32)
//
// For r < n, dst[r*ldd+off+j] += src[r*lds+j] for the j (< 32) where mask
// has bit j: the adjoint of im2colRows512F32.
TEXT ·col2imRows512F32(SB), NOSPLIT, $0-52
	MOVQ n+0(FP), CX
	MOVQ dst+8(FP), DI
	MOVQ ldd+16(FP), R8
	MOVQ off+24(FP), AX
	MOVQ src+32(FP), SI
	MOVQ lds+40(FP), R9
	MOVL mask+48(FP), BX
	SHLQ $2, R8
	SHLQ $2, R9
	LEAQ (DI)(AX*4), DI
	KMOVW BX, K1
	SHRL $16, BX
	KMOVW BX, K2
	TESTQ CX, CX
	JZ   c2idone
	// Rows of at most 16 elements: the second register's lanes are all
	// masked off; leave its load and store out, which would otherwise
	// overlap the next rows' stores.
	TESTL BX, BX
	JZ   c2ione

c2iloop:
	VMOVUPS.Z (DI), K1, Z0
	VMOVUPS.Z 64(DI), K2, Z1
	VMOVUPS.Z (SI), K1, Z2
	VMOVUPS.Z 64(SI), K2, Z3
	VADDPS Z2, Z0, Z0
	VADDPS Z3, Z1, Z1
	VMOVUPS Z0, K1, (DI)
	VMOVUPS Z1, K2, 64(DI)
	ADDQ R9, SI
	ADDQ R8, DI
	DECQ CX
	JNZ  c2iloop
	JMP  c2idone

c2ione:
	VMOVUPS.Z (DI), K1, Z0
	VMOVUPS.Z (SI), K1, Z2
	VADDPS Z2, Z0, Z0
	VMOVUPS Z0, K1, (DI)
	ADDQ R9, SI
	ADDQ R8, DI
	DECQ CX
	JNZ  c2ione

c2idone:
	VZEROUPPER
	RET

// The lanes of the even and odd elements of two registers, for
// VPERMT2PS, and the offsets 0, 1, 0, 1, … of a window's right column.
DATA maxPoolEven<>+0(SB)/4, $0
DATA maxPoolEven<>+4(SB)/4, $2
DATA maxPoolEven<>+8(SB)/4, $4
DATA maxPoolEven<>+12(SB)/4, $6
DATA maxPoolEven<>+16(SB)/4, $8
DATA maxPoolEven<>+20(SB)/4, $10
DATA maxPoolEven<>+24(SB)/4, $12
DATA maxPoolEven<>+28(SB)/4, $14
DATA maxPoolEven<>+32(SB)/4, $16
DATA maxPoolEven<>+36(SB)/4, $18
DATA maxPoolEven<>+40(SB)/4, $20
DATA maxPoolEven<>+44(SB)/4, $22
DATA maxPoolEven<>+48(SB)/4, $24
DATA maxPoolEven<>+52(SB)/4, $26
DATA maxPoolEven<>+56(SB)/4, $28
DATA maxPoolEven<>+60(SB)/4, $30
GLOBL maxPoolEven<>(SB), RODATA|NOPTR, $64

DATA maxPoolOdd<>+0(SB)/4, $1
DATA maxPoolOdd<>+4(SB)/4, $3
DATA maxPoolOdd<>+8(SB)/4, $5
DATA maxPoolOdd<>+12(SB)/4, $7
DATA maxPoolOdd<>+16(SB)/4, $9
DATA maxPoolOdd<>+20(SB)/4, $11
DATA maxPoolOdd<>+24(SB)/4, $13
DATA maxPoolOdd<>+28(SB)/4, $15
DATA maxPoolOdd<>+32(SB)/4, $17
DATA maxPoolOdd<>+36(SB)/4, $19
DATA maxPoolOdd<>+40(SB)/4, $21
DATA maxPoolOdd<>+44(SB)/4, $23
DATA maxPoolOdd<>+48(SB)/4, $25
DATA maxPoolOdd<>+52(SB)/4, $27
DATA maxPoolOdd<>+56(SB)/4, $29
DATA maxPoolOdd<>+60(SB)/4, $31
GLOBL maxPoolOdd<>(SB), RODATA|NOPTR, $64

// One block of up to 16 windows of a row pair: R11 and R12 point at the
// two rows' first elements of the block, DI at its first output, AX holds
// the block's first position in the plane (2·oi·w + 2·oj); K1 and K2 mask
// the 32 inputs, K3 and K4 the 16 outputs' halves. Z20 and Z21 are the
// even and odd lanes, Z22 to Z24 the constants 1 to 3, Z25 zero, Z26 the
// position offsets of k = 0 to 3 (0, 1, w, w+1). The window's four
// elements a, b (top) and c, d (bottom) are split out of the rows' even
// and odd lanes; the maximum m and its place k start at a and move to b,
// c, d where they are larger; then a NaN wins, the first of them; the
// position is the block's plus 2 a window plus k's offset, widened to 64
// bits.
#define MAXPOOL_BLOCK \
	VMOVUPS.Z (R11), K1, Z0 \
	VMOVUPS.Z 64(R11), K2, Z1 \
	VMOVUPS.Z (R12), K1, Z2 \
	VMOVUPS.Z 64(R12), K2, Z3 \
	VMOVAPS Z0, Z4 \
	VPERMT2PS Z1, Z20, Z4 \
	VPERMT2PS Z1, Z21, Z0 \
	VMOVAPS Z2, Z6 \
	VPERMT2PS Z3, Z20, Z6 \
	VPERMT2PS Z3, Z21, Z2 \
	VMOVAPS Z4, Z8 \
	VMOVDQA32 Z25, Z9 \
	VCMPPS $0x1e, Z8, Z0, K5 \
	VMOVAPS Z0, K5, Z8 \
	VMOVDQA32 Z22, K5, Z9 \
	VCMPPS $0x1e, Z8, Z6, K5 \
	VMOVAPS Z6, K5, Z8 \
	VMOVDQA32 Z23, K5, Z9 \
	VCMPPS $0x1e, Z8, Z2, K5 \
	VMOVDQA32 Z24, K5, Z9 \
	VCMPPS $3, Z2, Z2, K5 \
	VMOVDQA32 Z24, K5, Z9 \
	VCMPPS $3, Z6, Z6, K5 \
	VMOVDQA32 Z23, K5, Z9 \
	VCMPPS $3, Z0, Z0, K5 \
	VMOVDQA32 Z22, K5, Z9 \
	VCMPPS $3, Z4, Z4, K5 \
	VMOVDQA32 Z25, K5, Z9 \
	VPERMD Z26, Z9, Z10 \
	VPBROADCASTD AX, Z11 \
	VPADDD Z20, Z11, Z11 \
	VPADDD Z10, Z11, Z11 \
	VPMOVSXDQ Y11, Z12 \
	VEXTRACTI64X4 $1, Z11, Y13 \
	VPMOVSXDQ Y13, Z13 \
	VMOVDQU64 Z12, K3, (DI) \
	VMOVDQU64 Z13, K4, 64(DI)

// One block of 8 windows of a row pair in AVX2, as MAXPOOL_BLOCK: R11 and
// R12 point at the two rows' 16 elements of the block, DI at its 8
// outputs, AX holds the block's first position in the plane. Y11 holds
// 0, 2, …, 14, Y12 to Y14 the constants 1 to 3, Y15 the position offsets
// of k = 0 to 3 (0, 1, w, w+1). VSHUFPS splits the evens (a, c) from the
// odds (b, d) within each 128-bit lane, so the windows lie in the order
// 0, 1, 4, 5, 2, 3, 6, 7 until VPERMQ puts the places k back in order.
#define MAXPOOL_BLOCK_AVX2 \
	VMOVUPS (R11), Y0 \
	VMOVUPS 32(R11), Y1 \
	VMOVUPS (R12), Y2 \
	VMOVUPS 32(R12), Y3 \
	VSHUFPS $0x88, Y1, Y0, Y4 \
	VSHUFPS $0xdd, Y1, Y0, Y0 \
	VSHUFPS $0x88, Y3, Y2, Y6 \
	VSHUFPS $0xdd, Y3, Y2, Y2 \
	VMOVAPS Y4, Y8 \
	VPXOR Y9, Y9, Y9 \
	VCMPPS $0x1e, Y8, Y0, Y5 \
	VBLENDVPS Y5, Y0, Y8, Y8 \
	VBLENDVPS Y5, Y12, Y9, Y9 \
	VCMPPS $0x1e, Y8, Y6, Y5 \
	VBLENDVPS Y5, Y6, Y8, Y8 \
	VBLENDVPS Y5, Y13, Y9, Y9 \
	VCMPPS $0x1e, Y8, Y2, Y5 \
	VBLENDVPS Y5, Y14, Y9, Y9 \
	VCMPPS $3, Y2, Y2, Y5 \
	VBLENDVPS Y5, Y14, Y9, Y9 \
	VCMPPS $3, Y6, Y6, Y5 \
	VBLENDVPS Y5, Y13, Y9, Y9 \
	VCMPPS $3, Y0, Y0, Y5 \
	VBLENDVPS Y5, Y12, Y9, Y9 \
	VCMPPS $3, Y4, Y4, Y5 \
	VPANDN Y9, Y5, Y9 \
	VPERMQ $0xd8, Y9, Y9 \
	VPERMD Y15, Y9, Y10 \
	VMOVD AX, X7 \
	VPBROADCASTD X7, Y7 \
	VPADDD Y11, Y7, Y7 \
	VPADDD Y10, Y7, Y7 \
	VPMOVSXDQ X7, Y8 \
	VEXTRACTI128 $1, Y7, X7 \
	VPMOVSXDQ X7, Y7 \
	VMOVDQU Y8, (DI) \
	VMOVDQU Y7, 32(DI)

// func maxPool2x2F32(ho, w int, src *float32, out *int, full int, tailIn, tailOut uint32, tail int)
//
// maxPool2x2 of one plane, 16 windows a step: each row of windows is full
// blocks of 16 and, if tail > 0, a last block of tail windows, its inputs
// masked by tailIn and its outputs by tailOut.
TEXT ·maxPool2x2F32(SB), NOSPLIT, $0-56
	MOVQ ho+0(FP), R8
	MOVQ w+8(FP), R10
	MOVQ src+16(FP), SI
	MOVQ out+24(FP), DI
	VMOVDQU32 maxPoolEven<>(SB), Z20
	VMOVDQU32 maxPoolOdd<>(SB), Z21
	MOVL $1, AX
	VPBROADCASTD AX, Z22
	MOVL $2, AX
	VPBROADCASTD AX, Z23
	MOVL $3, AX
	VPBROADCASTD AX, Z24
	VPXORD Z25, Z25, Z25
	VPANDD Z22, Z21, Z26      // 1 in every lane
	MOVL $0x5555, AX
	KMOVW AX, K6
	VMOVDQA32 Z25, K6, Z26    // 0 in the even lanes: 0, 1, 0, 1, …
	VPBROADCASTD R10, Z27
	MOVL $0xc, AX
	KMOVW AX, K6
	VPADDD Z27, Z26, K6, Z26  // 0, 1, w, w+1 in lanes 0 to 3
	XORQ BX, BX               // 2·oi·w, the row pair's first position
	TESTQ R8, R8
	JZ   mpdone

mprow:
	LEAQ (SI)(BX*4), R11      // the top row
	LEAQ (R11)(R10*4), R12    // the bottom row
	MOVQ BX, AX
	MOVQ full+32(FP), R9
	MOVL $0xffff, CX
	KMOVW CX, K1
	KMOVW CX, K2
	KMOVW CX, K3
	KMOVW CX, K4
	TESTQ R9, R9
	JZ   mptail

mpblock:
	MAXPOOL_BLOCK
	ADDQ $128, R11
	ADDQ $128, R12
	ADDQ $128, DI
	ADDQ $32, AX
	DECQ R9
	JNZ  mpblock

mptail:
	MOVQ tail+48(FP), R9
	TESTQ R9, R9
	JZ   mpnext
	MOVL tailIn+40(FP), CX
	KMOVW CX, K1
	SHRL $16, CX
	KMOVW CX, K2
	MOVL tailOut+44(FP), CX
	KMOVW CX, K3
	SHRL $8, CX
	KMOVW CX, K4
	MAXPOOL_BLOCK
	LEAQ (DI)(R9*8), DI       // past the tail's outputs

mpnext:
	LEAQ (BX)(R10*2), BX
	DECQ R8
	JNZ  mprow

mpdone:
	VZEROUPPER
	RET


// The offsets 0, 1, 0, 1, … of a window's right column, and the lanes of
// its bottom row, for the AVX2 max-pool's offsets 0, 1, w, w+1.
DATA maxPoolRight<>+0(SB)/4, $0
DATA maxPoolRight<>+4(SB)/4, $1
DATA maxPoolRight<>+8(SB)/4, $0
DATA maxPoolRight<>+12(SB)/4, $1
DATA maxPoolRight<>+16(SB)/4, $0
DATA maxPoolRight<>+20(SB)/4, $0
DATA maxPoolRight<>+24(SB)/4, $-1
DATA maxPoolRight<>+28(SB)/4, $-1
GLOBL maxPoolRight<>(SB), RODATA|NOPTR, $32

// func maxPool2x2AVX2F32(ho, w int, src *float32, out *int, wo int)
//
// maxPool2x2 of one plane in AVX2, 8 windows a step, for wo ≥ 8: each row
// of windows is wo/8 blocks and, if 8 does not divide wo, a last block of
// the row's last 8 windows, which overlaps the one before it and writes
// the same positions again.
TEXT ·maxPool2x2AVX2F32(SB), NOSPLIT, $0-40
	MOVQ ho+0(FP), R8
	MOVQ w+8(FP), R10
	MOVQ src+16(FP), SI
	MOVQ out+24(FP), R13
	MOVQ wo+32(FP), R15
	VMOVDQU maxPoolEven<>(SB), Y11
	MOVL $1, AX
	VMOVD AX, X12
	VPBROADCASTD X12, Y12
	VPADDD Y12, Y12, Y13
	VPADDD Y12, Y13, Y14
	VPBROADCASTD w+8(FP), Y15
	VPAND maxPoolRight<>+16(SB), X15, X15
	VPERMQ $0x44, Y15, Y15     // 0, 0, w, w in both halves
	VMOVDQU maxPoolRight<>(SB), X7
	VPERMQ $0x44, Y7, Y7
	VPADDD Y7, Y15, Y15        // 0, 1, w, w+1, 0, 1, w, w+1
	MOVQ R15, R14
	ANDQ $7, R14               // windows past the last whole block
	XORQ BX, BX                // 2·oi·w, the row pair's first position
	TESTQ R8, R8
	JZ   mp2done

mp2row:
	LEAQ (SI)(BX*4), R11
	LEAQ (R11)(R10*4), R12
	MOVQ R13, DI
	MOVQ BX, AX
	MOVQ R15, R9
	SHRQ $3, R9

mp2block:
	MAXPOOL_BLOCK_AVX2
	ADDQ $64, R11
	ADDQ $64, R12
	ADDQ $64, DI
	ADDQ $16, AX
	DECQ R9
	JNZ  mp2block
	TESTQ R14, R14
	JZ   mp2next
	MOVQ $8, CX
	SUBQ R14, CX               // back 8-rem windows to the row's last 8
	SHLQ $1, CX
	SUBQ CX, AX
	SHLQ $2, CX                // 8 bytes a window, in and out
	SUBQ CX, R11
	SUBQ CX, R12
	SUBQ CX, DI
	MAXPOOL_BLOCK_AVX2

mp2next:
	LEAQ (R13)(R15*8), R13
	LEAQ (BX)(R10*2), BX
	DECQ R8
	JNZ  mp2row

mp2done:
	VZEROUPPER
	RET

// COLUMN_MASK sets Y1 to the lanes of the block of 8 columns from R12
// whose column c has lo < c < Y15's, with lo in R13 and the lanes 0 to 7
// (·lanes8, gemm_amd64.s) in Y13: Y0 holds the block's columns.
#define COLUMN_MASK \
	VMOVQ R12, X0 \
	VPBROADCASTD X0, Y0 \
	VPADDD Y13, Y0, Y0 \
	VMOVQ R13, X1 \
	VPBROADCASTD X1, Y1 \
	VPCMPGTD Y1, Y0, Y1 \
	VPCMPGTD Y0, Y15, Y2 \
	VPAND Y2, Y1, Y1

// func im2colRowsAVX2F32(n int, dst *float32, ldd int, src *float32, lds, off, j0, j1, width int)
//
// im2colRows512F32 in AVX2, for 8 ≤ width: the row is blocks of 8
// columns, moved one block at a time down the n rows, and if 8 does not
// divide width, a last block of the row's last 8 columns, which overlaps
// the one before it and writes the same values again. The loads are
// masked to the columns [j0, j1), so the padding is neither read nor
// faulted on and its columns are set to 0; the stores are whole blocks.
TEXT ·im2colRowsAVX2F32(SB), NOSPLIT, $0-72
	MOVQ n+0(FP), CX
	MOVQ dst+8(FP), DI
	MOVQ ldd+16(FP), R8
	MOVQ src+24(FP), SI
	MOVQ lds+32(FP), R9
	MOVQ off+40(FP), AX
	MOVQ j0+48(FP), R13
	MOVQ width+64(FP), R14
	SHLQ $2, R8
	SHLQ $2, R9
	LEAQ (SI)(AX*4), SI        // the window's offset along the row
	DECQ R13                   // lo = j0-1
	VPBROADCASTD j1+56(FP), Y15
	VMOVDQU ·lanes8(SB), Y13
	TESTQ CX, CX
	JZ    i2c2done
	LEAQ  -8(R14), R10         // the last block's first column
	XORQ  R11, R11

i2c2block:
	MOVQ   R11, R12
	CMPQ   R12, R10
	CMOVQGT R10, R12           // c = min(8k, width-8)
	COLUMN_MASK
	LEAQ (SI)(R12*4), AX
	LEAQ (DI)(R12*4), BX
	MOVQ CX, DX

i2c2row:
	VMASKMOVPS (AX), Y1, Y3
	VMOVUPS    Y3, (BX)
	ADDQ R9, AX
	ADDQ R8, BX
	DECQ DX
	JNZ  i2c2row
	ADDQ $8, R11
	CMPQ R11, R14
	JLT  i2c2block

i2c2done:
	VZEROUPPER
	RET

// func col2imRowsAVX2F32(n int, dst *float32, ldd, off int, src *float32, lds, j0, j1, width int)
//
// col2imRows512F32 in AVX2, for 8 ≤ width and j1 ≤ width, in the blocks of
// im2colRowsAVX2F32; a block adds only its own columns, so the last one,
// overlapping the one before it, adds none twice. The image's loads and
// stores are masked: the columns outside [j0, j1) belong to the padding
// or to other planes, and are neither read nor written.
TEXT ·col2imRowsAVX2F32(SB), NOSPLIT, $0-72
	MOVQ n+0(FP), CX
	MOVQ dst+8(FP), DI
	MOVQ ldd+16(FP), R8
	MOVQ off+24(FP), AX
	MOVQ src+32(FP), SI
	MOVQ lds+40(FP), R9
	MOVQ width+64(FP), R14
	SHLQ $2, R8
	SHLQ $2, R9
	LEAQ (DI)(AX*4), DI
	VPBROADCASTD j1+56(FP), Y15
	VMOVDQU ·lanes8(SB), Y13
	TESTQ CX, CX
	JZ    c2i2done
	LEAQ  -8(R14), R10
	XORQ  R11, R11

c2i2block:
	MOVQ    R11, R12
	CMPQ    R12, R10
	CMOVQGT R10, R12           // c = min(8k, width-8)
	MOVQ    j0+48(FP), R13
	CMPQ    R13, R11
	CMOVQLT R11, R13           // max(j0, 8k): the columns of earlier blocks are done
	DECQ    R13
	COLUMN_MASK
	LEAQ (DI)(R12*4), AX
	LEAQ (SI)(R12*4), BX
	MOVQ CX, DX

c2i2row:
	VMASKMOVPS (AX), Y1, Y3
	VADDPS     (BX), Y3, Y3
	VMASKMOVPS Y3, Y1, (AX)
	ADDQ R8, AX
	ADDQ R9, BX
	DECQ DX
	JNZ  c2i2row
	ADDQ $8, R11
	CMPQ R11, R14
	JLT  c2i2block

c2i2done:
	VZEROUPPER
	RET
