/*
 * The one CPUID probe of the codecs (cpu.h).
 */
#include "autoconf.h"

#include "cpu.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))

static void
cpuid(unsigned int leaf, unsigned int r[4])
{
	__asm__("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
	    : "a"(leaf), "c"(0));
}

#define BIT(w, n)	(((w) >> (n)) & 1)

static int
cpu_probe(void)
{
	unsigned int r[4], max, lo, hi;
	int f = 0;

	cpuid(0, r);
	max = r[0];
	cpuid(1, r);
	if (BIT(r[2], 1))
		f |= CPU_CLMUL;
	/* OSXSAVE and POPCNT, and the kernel saves XMM and YMM (XCR0 bits
	 * 1, 2); for AVX-512 also the opmask and ZMM state (bits 5-7). */
	if (max < 7 || !BIT(r[2], 27) || !BIT(r[2], 23))
		return f;
	__asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	if ((lo & 0x06) != 0x06)
		return f;
	cpuid(7, r);
	if (!BIT(r[1], 5))				/* AVX2 */
		return f;
	f |= CPU_AVX2;
	if ((lo & 0xe6) == 0xe6 && BIT(r[1], 16) &&	/* AVX512F */
	    BIT(r[1], 30) && BIT(r[1], 31) &&		/* BW, VL */
	    BIT(r[1], 8) &&				/* BMI2 */
	    BIT(r[2], 1) && BIT(r[2], 6))		/* VBMI, VBMI2 */
		f |= CPU_AVX512;
	return f;
}

#else

static int
cpu_probe(void)
{
	return 0;
}

#endif

int
cpu_features(void)
{
	static int f = -1;

	if (f < 0)
		f = cpu_probe();
	return f;
}
