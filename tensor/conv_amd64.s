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

c2idone:
	VZEROUPPER
	RET
