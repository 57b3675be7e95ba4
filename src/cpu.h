/*
 * What the x86-64 CPU (and the kernel, which must save the registers)
 * offers the codecs' fast paths: fcs.c's carry-less multiplication and
 * hdlcx.c's vector loops.  Asked once per process: each CPUID is a trap
 * to the hypervisor on a virtual machine (5-8 us apiece).
 */
#ifndef CPU_H
#define CPU_H

#define CPU_CLMUL	0x1	/* PCLMULQDQ */
#define CPU_AVX2	0x2	/* AVX2, POPCNT; YMM state saved */
#define CPU_AVX512	0x4	/* AVX-512 F, BW, VL, VBMI, VBMI2, BMI2; ZMM
				   and opmask state saved */

int	cpu_features(void);

#endif
