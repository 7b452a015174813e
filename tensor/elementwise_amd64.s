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

// The AVX2 versions, for the CPUs without AVX-512: the same operations
// on four YMM registers, 32 elements a step.

// func reluAVX2F32(n int, dst, src *float32)
//
// relu512F32 for n a multiple of 32.
TEXT ·reluAVX2F32(SB), NOSPLIT, $0-24
	MOVQ n+0(FP), CX
	MOVQ dst+8(FP), DI
	MOVQ src+16(FP), SI
	VXORPS Y0, Y0, Y0
	SHRQ $5, CX
	JZ   relu2done

relu2loop:
	VMOVUPS (SI), Y1
	VMOVUPS 32(SI), Y2
	VMOVUPS 64(SI), Y3
	VMOVUPS 96(SI), Y4
	VMAXPS Y1, Y0, Y1
	VMAXPS Y2, Y0, Y2
	VMAXPS Y3, Y0, Y3
	VMAXPS Y4, Y0, Y4
	VADDPS Y0, Y1, Y1
	VADDPS Y0, Y2, Y2
	VADDPS Y0, Y3, Y3
	VADDPS Y0, Y4, Y4
	VMOVUPS Y1, (DI)
	VMOVUPS Y2, 32(DI)
	VMOVUPS Y3, 64(DI)
	VMOVUPS Y4, 96(DI)
	ADDQ $128, SI
	ADDQ $128, DI
	DECQ CX
	JNZ  relu2loop

relu2done:
	VZEROUPPER
	RET

// func reluGradAVX2F32(n int, dst, grad, x *float32)
//
// reluGrad512F32 for n a multiple of 32: grad's bits are ANDed with the
// mask of x > 0, so that ±Inf and NaN in grad pass unchanged.
TEXT ·reluGradAVX2F32(SB), NOSPLIT, $0-32
	MOVQ n+0(FP), CX
	MOVQ dst+8(FP), DI
	MOVQ grad+16(FP), SI
	MOVQ x+24(FP), DX
	VXORPS Y0, Y0, Y0
	SHRQ $5, CX
	JZ   relug2done

relug2loop:
	VCMPPS $0x11, (DX), Y0, Y5   // 0 < x, false for NaN
	VCMPPS $0x11, 32(DX), Y0, Y6
	VCMPPS $0x11, 64(DX), Y0, Y7
	VCMPPS $0x11, 96(DX), Y0, Y8
	VANDPS (SI), Y5, Y1
	VANDPS 32(SI), Y6, Y2
	VANDPS 64(SI), Y7, Y3
	VANDPS 96(SI), Y8, Y4
	VMOVUPS Y1, (DI)
	VMOVUPS Y2, 32(DI)
	VMOVUPS Y3, 64(DI)
	VMOVUPS Y4, 96(DI)
	ADDQ $128, SI
	ADDQ $128, DX
	ADDQ $128, DI
	DECQ CX
	JNZ  relug2loop

relug2done:
	VZEROUPPER
	RET

// func addAVX2F32(n int, dst, x, y *float32)
//
// add512F32 for n a multiple of 32.
TEXT ·addAVX2F32(SB), NOSPLIT, $0-32
	MOVQ n+0(FP), CX
	MOVQ dst+8(FP), DI
	MOVQ x+16(FP), SI
	MOVQ y+24(FP), DX
	SHRQ $5, CX
	JZ   add2done

add2loop:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS 64(SI), Y2
	VMOVUPS 96(SI), Y3
	VADDPS (DX), Y0, Y0
	VADDPS 32(DX), Y1, Y1
	VADDPS 64(DX), Y2, Y2
	VADDPS 96(DX), Y3, Y3
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ $128, SI
	ADDQ $128, DX
	ADDQ $128, DI
	DECQ CX
	JNZ  add2loop

add2done:
	VZEROUPPER
	RET

// func addScalarAVX2F32(n int, dst, x *float32, b float32)
//
// addScalar512F32 for n a multiple of 8: 32 elements a step, then 8.
TEXT ·addScalarAVX2F32(SB), NOSPLIT, $0-28
	MOVQ         n+0(FP), CX
	MOVQ         dst+8(FP), DI
	MOVQ         x+16(FP), SI
	VBROADCASTSS b+24(FP), Y4
	SHRQ         $3, CX
	JZ           adds2done

adds2loop4:
	CMPQ    CX, $4
	JB      adds2loop1
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS 64(SI), Y2
	VMOVUPS 96(SI), Y3
	VADDPS  Y4, Y0, Y0 // x + b, x first: a NaN x stays x's NaN, as in the Go loop
	VADDPS  Y4, Y1, Y1
	VADDPS  Y4, Y2, Y2
	VADDPS  Y4, Y3, Y3
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ    $128, SI
	ADDQ    $128, DI
	SUBQ    $4, CX
	JNZ     adds2loop4
	JMP     adds2done

adds2loop1:
	VMOVUPS (SI), Y0
	VADDPS  Y4, Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNZ     adds2loop1

adds2done:
	VZEROUPPER
	RET
