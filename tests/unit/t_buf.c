/*
 * Unit tests for src/buf.h (the bounds-checked reader and writer of wire
 * bytes) and src/util.c (err_str, now_ms).
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "util.h"

#include "ctest.h"

static void
test_rbuf_order(void)
{
	static const uint8_t in[] = {
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x80, 0xff, 0xfe, 0xaa
	};
	struct rbuf b;
	uint8_t two[2];

	rbuf_init(&b, in, sizeof(in));
	CHECK_EQ(rbuf_left(&b), 11);
	CHECK_EQ(rbuf_get8(&b), 0x01);
	CHECK_EQ(rbuf_get16(&b), 0x0203);		/* network order */
	CHECK_EQ(rbuf_get32(&b), 0x04050607);
	CHECK_EQ(rbuf_get16(&b), 0x80ff);
	CHECK_EQ(rbuf_left(&b), 2);
	rbuf_get(&b, two, 2);
	CHECK_EQ(two[0], 0xfe);
	CHECK_EQ(two[1], 0xaa);
	CHECK_EQ(rbuf_left(&b), 0);
	CHECK_EQ(b.err, 0);

	/* High bit set in every position: no sign extension. */
	{
		static const uint8_t ff[] = { 0xff, 0xff, 0xff, 0xff };

		rbuf_init(&b, ff, 4);
		CHECK_EQ(rbuf_get32(&b), 0xffffffffU);
		rbuf_init(&b, ff, 4);
		CHECK_EQ(rbuf_get16(&b), 0xffff);
		CHECK_EQ(rbuf_get8(&b), 0xff);
	}
}

static void
test_rbuf_sticky(void)
{
	static const uint8_t in[] = { 0x11, 0x22, 0x33 };
	struct rbuf b;
	uint8_t out[4];
	const uint8_t *p;

	/* A 4-octet read of 3 octets fails, returns 0, and sticks. */
	rbuf_init(&b, in, sizeof(in));
	CHECK_EQ(rbuf_get32(&b), 0);
	CHECK(b.err);
	CHECK_EQ(rbuf_left(&b), 0);
	CHECK_EQ(rbuf_get8(&b), 0);	/* 1 octet is there, but err sticks */
	CHECK_EQ(b.off, 0);

	/* rbuf_get past the end zeroes the output. */
	rbuf_init(&b, in, sizeof(in));
	memset(out, 0x55, sizeof(out));
	rbuf_get(&b, out, 4);
	CHECK(b.err);
	CHECK_EQ(out[0], 0);
	CHECK_EQ(out[3], 0);

	/* Exact fit is fine; one more octet is not. */
	rbuf_init(&b, in, sizeof(in));
	CHECK_EQ(rbuf_get16(&b), 0x1122);
	CHECK_EQ(rbuf_get8(&b), 0x33);
	CHECK_EQ(b.err, 0);
	CHECK_EQ(rbuf_get8(&b), 0);
	CHECK(b.err);

	/* skip and ptr */
	rbuf_init(&b, in, sizeof(in));
	rbuf_skip(&b, 1);
	p = rbuf_ptr(&b, 2);
	CHECK(p == in + 1);
	CHECK_EQ(rbuf_left(&b), 0);
	CHECK(rbuf_ptr(&b, 1) == NULL);
	CHECK(b.err);
	rbuf_init(&b, in, sizeof(in));
	rbuf_skip(&b, 4);
	CHECK(b.err);
	CHECK_EQ(b.off, 0);
	rbuf_init(&b, in, sizeof(in));
	CHECK(rbuf_ptr(&b, 0) == in);
	CHECK(rbuf_ptr(&b, 3) == in);
	CHECK_EQ(b.err, 0);

	/* Empty and NULL-sized input. */
	rbuf_init(&b, NULL, 0);
	CHECK_EQ(rbuf_left(&b), 0);
	CHECK_EQ(rbuf_get16(&b), 0);
	CHECK(b.err);

	/* A huge request must not wrap the arithmetic. */
	rbuf_init(&b, in, sizeof(in));
	rbuf_get8(&b);
	CHECK(rbuf_ptr(&b, SIZE_MAX) == NULL);
	CHECK(b.err);
	rbuf_init(&b, in, sizeof(in));
	rbuf_get8(&b);
	rbuf_skip(&b, SIZE_MAX - 0);
	CHECK(b.err);
}

static void
test_wbuf(void)
{
	uint8_t out[16];
	struct wbuf b;

	memset(out, 0xee, sizeof(out));
	wbuf_init(&b, out, sizeof(out));
	wbuf_put8(&b, 0x01);
	wbuf_put16(&b, 0x0203);
	wbuf_put32(&b, 0x04050607);
	wbuf_put(&b, "\x08\x09", 2);
	wbuf_zero(&b, 2);
	CHECK_EQ(b.off, 11);
	CHECK_EQ(b.err, 0);
	CHECK_MEM(out, "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x00\x00", 11);
	CHECK_EQ(out[11], 0xee);

	/* Overflow: nothing written, sticky. */
	wbuf_put32(&b, 0xdeadbeef);	/* 11 + 4 = 15 fits */
	CHECK_EQ(b.err, 0);
	wbuf_put16(&b, 0x1234);		/* 15 + 2 = 17 does not */
	CHECK(b.err);
	CHECK_EQ(b.off, 15);
	CHECK_EQ(out[15], 0xee);
	wbuf_put8(&b, 0x77);		/* would fit, but err sticks */
	CHECK_EQ(b.off, 15);
	CHECK_EQ(out[15], 0xee);

	/* Zero capacity. */
	wbuf_init(&b, out, 0);
	wbuf_put8(&b, 1);
	CHECK(b.err);
	wbuf_init(&b, out, 3);
	wbuf_zero(&b, 4);
	CHECK(b.err);
	CHECK_EQ(b.off, 0);
	wbuf_init(&b, out, 3);
	wbuf_put(&b, out, SIZE_MAX);
	CHECK(b.err);
}

static void
test_wbuf_str_patch(void)
{
	uint8_t out[16];
	struct wbuf b;

	/* Zero padding (RFC 2637 2.1). */
	memset(out, 0xee, sizeof(out));
	wbuf_init(&b, out, sizeof(out));
	wbuf_putstr(&b, "abc", 8);
	CHECK_EQ(b.off, 8);
	CHECK_MEM(out, "abc\0\0\0\0\0", 8);
	CHECK_EQ(out[8], 0xee);

	/* Truncated to the field, no terminator needed. */
	memset(out, 0xee, sizeof(out));
	wbuf_init(&b, out, sizeof(out));
	wbuf_putstr(&b, "abcdefghij", 4);
	CHECK_EQ(b.off, 4);
	CHECK_MEM(out, "abcd", 4);
	CHECK_EQ(out[4], 0xee);

	/* Empty string: all zero. */
	memset(out, 0xee, sizeof(out));
	wbuf_init(&b, out, sizeof(out));
	wbuf_putstr(&b, "", 3);
	CHECK_MEM(out, "\0\0\0", 3);

	/* Field larger than the space. */
	wbuf_init(&b, out, 4);
	wbuf_putstr(&b, "ab", 8);
	CHECK(b.err);

	/* patch16 over a written length. */
	wbuf_init(&b, out, sizeof(out));
	wbuf_put16(&b, 0);
	wbuf_put32(&b, 0x01020304);
	wbuf_patch16(&b, 0, 0xabcd);
	CHECK_EQ(b.err, 0);
	CHECK_MEM(out, "\xab\xcd\x01\x02\x03\x04", 6);
	wbuf_patch16(&b, 4, 0x5566);		/* last two written octets */
	CHECK_EQ(b.err, 0);
	CHECK_MEM(out + 4, "\x55\x66", 2);
	wbuf_patch16(&b, 5, 0x1111);		/* half past what was written */
	CHECK(b.err);
	wbuf_init(&b, out, sizeof(out));
	wbuf_put8(&b, 0);
	wbuf_patch16(&b, 0, 1);			/* only one octet written */
	CHECK(b.err);
	wbuf_init(&b, out, sizeof(out));
	wbuf_put16(&b, 0);
	wbuf_patch16(&b, SIZE_MAX, 1);
	CHECK(b.err);
}

static void
test_util(void)
{
	int e;
	uint64_t a, b;
	int arr[7];

	CHECK(strcmp(err_str(E_OK), "ok") == 0);
	for (e = E_OK; e > E_MAX_; e--) {
		CHECK(err_str(e) != NULL);
		CHECK(strcmp(err_str(e), "unknown error") != 0);
	}
	CHECK(strcmp(err_str(E_MAX_), "unknown error") == 0);
	CHECK(strcmp(err_str(E_MAX_ - 100), "unknown error") == 0);
	CHECK(strcmp(err_str(1), "unknown error") == 0);
	CHECK(strcmp(err_str(E_FCS), "bad FCS") == 0);
	/* Names are distinct. */
	for (e = E_OK; e > E_MAX_; e--) {
		int f;

		for (f = e - 1; f > E_MAX_; f--)
			CHECK(strcmp(err_str(e), err_str(f)) != 0);
	}
	a = now_ms();
	b = now_ms();
	CHECK(a > 0);
	CHECK(b >= a);
	CHECK_EQ(nitems(arr), 7);
}

int
main(void)
{
	test_rbuf_order();
	test_rbuf_sticky();
	test_wbuf();
	test_wbuf_str_patch();
	test_util();
	return ct_done("t_buf");
}
