#include "textflag.h"

// func relu512F32(n int, dst, src *float32)
//
// dst[i] = max(src[i], 0) for i < n, a multiple of 64: MAXPS returns its
// second operand, src, where that is NaN or where both are zeros, and
// adding +0 then turns -0 into +0, as Go's max does.
TEXT ·relu512F32(SB), NOSPLIT, $0-24
	MOVQ n+0(FP), CX
	MOVQ dst+8(FP), DI
	MOVQ src+16(FP), SI
	VPXORD Z0, Z0, Z0
	SHRQ $6, CX
	JZ   reludone

reluloop:
	VMOVUPS (SI), Z1
	VMOVUPS 64(SI), Z2
	VMOVUPS 128(SI), Z3
	VMOVUPS 192(SI), Z4
	VMAXPS Z1, Z0, Z1
	VMAXPS Z2, Z0, Z2
	VMAXPS Z3, Z0, Z3
	VMAXPS Z4, Z0, Z4
	VADDPS Z0, Z1, Z1
	VADDPS Z0, Z2, Z2
	VADDPS Z0, Z3, Z3
	VADDPS Z0, Z4, Z4
	VMOVUPS Z1, (DI)
	VMOVUPS Z2, 64(DI)
	VMOVUPS Z3, 128(DI)
	VMOVUPS Z4, 192(DI)
	ADDQ $256, SI
	ADDQ $256, DI
	DECQ CX
	JNZ  reluloop

reludone:
	VZEROUPPER
	RET

// func reluGrad512F32(n int, dst, grad, x *float32)
//
// dst[i] = grad[i] where x[i] > 0 and +0 elsewhere (x NaN included), for
// i < n, a multiple of 64: grad is loaded under the mask of x > 0, zeroing
// the rest, so that ±Inf and NaN in grad pass unchanged.
TEXT ·reluGrad512F32(SB), NOSPLIT, $0-32
	MOVQ n+0(FP), CX
	MOVQ dst+8(FP), DI
	MOVQ grad+16(FP), SI
	MOVQ x+24(FP), DX
	VPXORD Z0, Z0, Z0
	SHRQ $6, CX
	JZ   relugdone

relugloop:
	VCMPPS $0x11, (DX), Z0, K1 // 0 < x, false for NaN
	VCMPPS $0x11, 64(DX), Z0, K2 // 0 < x, false for NaN
	VCMPPS $0x11, 128(DX), Z0, K3 // 0 < x, false for NaN
	VCMPPS $0x11, 192(DX), Z0, K4 // 0 < x, false for NaN
	VMOVUPS.Z (SI), K1, Z1
	VMOVUPS.Z 64(SI), K2, Z2
	VMOVUPS.Z 128(SI), K3, Z3
	VMOVUPS.Z 192(SI), K4, Z4
	VMOVUPS Z1, (DI)
	VMOVUPS Z2, 64(DI)
	VMOVUPS Z3, 128(DI)
	VMOVUPS Z4, 192(DI)
	ADDQ $256, SI
	ADDQ $256, DX
	ADDQ $256, DI
	DECQ CX
	JNZ  relugloop

relugdone:
	VZEROUPPER
	RET

// func add512F32(n int, dst, x, y *float32)
//
// dst[i] = x[i] + y[i] for i < n, a multiple of 64.
TEXT ·add512F32(SB), NOSPLIT, $0-32
	MOVQ n+0(FP), CX
	MOVQ dst+8(FP), DI
	MOVQ x+16(FP), SI
	MOVQ y+24(FP), DX
	SHRQ $6, CX
	JZ   adddone

addloop:
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z1
	VMOVUPS 128(SI), Z2
	VMOVUPS 192(SI), Z3
	VADDPS (DX), Z0, Z0
	VADDPS 64(DX), Z1, Z1
	VADDPS 128(DX), Z2, Z2
	VADDPS 192(DX), Z3, Z3
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	ADDQ $256, SI
	ADDQ $256, DX
	ADDQ $256, DI
	DECQ CX
	JNZ  addloop

adddone:
	VZEROUPPER
	RET

// func addScalar512F32(n int, dst, x *float32, b float32)
// dst[i] = x[i] + b for i < n, a multiple of 16.
TEXT ·addScalar512F32(SB), NOSPLIT, $0-28
	MOVQ         n+0(FP), CX
	MOVQ         dst+8(FP), DI
	MOVQ         x+16(FP), SI
	VBROADCASTSS b+24(FP), Z4
	SHRQ         $4, CX
	JZ           addsdone

addsloop4:
	CMPQ    CX, $4
	JB      addsloop1
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z1
	VMOVUPS 128(SI), Z2
	VMOVUPS 192(SI), Z3
	VADDPS  Z4, Z0, Z0 // x + b, x first: a NaN x stays x's NaN, as in the Go loop
	VADDPS  Z4, Z1, Z1
	VADDPS  Z4, Z2, Z2
	VADDPS  Z4, Z3, Z3
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	ADDQ    $256, SI
	ADDQ    $256, DI
	SUBQ    $4, CX
	JNZ     addsloop4
	JMP     addsdone

addsloop1:
	VMOVUPS (SI), Z0
	VADDPS  Z4, Z0, Z0
	VMOVUPS Z0, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	DECQ    CX
	JNZ     addsloop1

addsdone:
	VZEROUPPER
	RET
