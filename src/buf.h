/*
 * The one bounds-checked reader and writer of wire bytes.  Every read or
 * write checks the remaining length; the first failure sets a sticky error
 * and later calls do nothing (reads return 0), so a decoder checks once at
 * the end.  Network byte order throughout.  This is the only place in the
 * tree that does pointer arithmetic over bytes from the network.
 */
#ifndef BUF_H
#define BUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct rbuf {
	const uint8_t	*p;
	size_t		 len;
	size_t		 off;
	int		 err;	/* sticky: a read went past the end */
};

struct wbuf {
	uint8_t		*p;
	size_t		 cap;
	size_t		 off;
	int		 err;	/* sticky: a write did not fit */
};

static inline void
rbuf_init(struct rbuf *b, const void *p, size_t len)
{
	b->p = p;
	b->len = len;
	b->off = 0;
	b->err = 0;
}

static inline size_t
rbuf_left(const struct rbuf *b)
{
	return b->err ? 0 : b->len - b->off;
}

static inline int
rbuf_need(struct rbuf *b, size_t n)
{
	if (b->err || b->len - b->off < n) {
		b->err = 1;
		return 0;
	}
	return 1;
}

static inline uint8_t
rbuf_get8(struct rbuf *b)
{
	if (!rbuf_need(b, 1))
		return 0;
	return b->p[b->off++];
}

static inline uint16_t
rbuf_get16(struct rbuf *b)
{
	uint16_t v;

	if (!rbuf_need(b, 2))
		return 0;
	v = (uint16_t)(b->p[b->off] << 8 | b->p[b->off + 1]);
	b->off += 2;
	return v;
}

static inline uint32_t
rbuf_get32(struct rbuf *b)
{
	uint32_t v;

	if (!rbuf_need(b, 4))
		return 0;
	v = (uint32_t)b->p[b->off] << 24 | (uint32_t)b->p[b->off + 1] << 16 |
	    (uint32_t)b->p[b->off + 2] << 8 | b->p[b->off + 3];
	b->off += 4;
	return v;
}

static inline void
rbuf_get(struct rbuf *b, void *out, size_t n)
{
	if (!rbuf_need(b, n)) {
		memset(out, 0, n);
		return;
	}
	memcpy(out, b->p + b->off, n);
	b->off += n;
}

static inline void
rbuf_skip(struct rbuf *b, size_t n)
{
	if (rbuf_need(b, n))
		b->off += n;
}

/* Pointer to the next n bytes (consumed), or NULL past the end. */
static inline const uint8_t *
rbuf_ptr(struct rbuf *b, size_t n)
{
	const uint8_t *p;

	if (!rbuf_need(b, n))
		return NULL;
	p = b->p + b->off;
	b->off += n;
	return p;
}

static inline void
wbuf_init(struct wbuf *b, void *p, size_t cap)
{
	b->p = p;
	b->cap = cap;
	b->off = 0;
	b->err = 0;
}

static inline int
wbuf_need(struct wbuf *b, size_t n)
{
	if (b->err || b->cap - b->off < n) {
		b->err = 1;
		return 0;
	}
	return 1;
}

static inline void
wbuf_put8(struct wbuf *b, uint8_t v)
{
	if (wbuf_need(b, 1))
		b->p[b->off++] = v;
}

static inline void
wbuf_put16(struct wbuf *b, uint16_t v)
{
	if (!wbuf_need(b, 2))
		return;
	b->p[b->off] = (uint8_t)(v >> 8);
	b->p[b->off + 1] = (uint8_t)v;
	b->off += 2;
}

static inline void
wbuf_put32(struct wbuf *b, uint32_t v)
{
	if (!wbuf_need(b, 4))
		return;
	b->p[b->off] = (uint8_t)(v >> 24);
	b->p[b->off + 1] = (uint8_t)(v >> 16);
	b->p[b->off + 2] = (uint8_t)(v >> 8);
	b->p[b->off + 3] = (uint8_t)v;
	b->off += 4;
}

static inline void
wbuf_put(struct wbuf *b, const void *p, size_t n)
{
	if (wbuf_need(b, n)) {
		memcpy(b->p + b->off, p, n);
		b->off += n;
	}
}

static inline void
wbuf_zero(struct wbuf *b, size_t n)
{
	if (wbuf_need(b, n)) {
		memset(b->p + b->off, 0, n);
		b->off += n;
	}
}

/* A string into a fixed-size field, zero-padded (RFC 2637 2.1: "SHOULD be
 * filled with octets of value 0"); truncated to the field. */
static inline void
wbuf_putstr(struct wbuf *b, const char *s, size_t field)
{
	size_t n = strnlen(s, field);

	wbuf_put(b, s, n);
	wbuf_zero(b, field - n);
}

/* Overwrite a 16-bit value already written at offset off (a length). */
static inline void
wbuf_patch16(struct wbuf *b, size_t off, uint16_t v)
{
	if (b->err || off > b->off || b->off - off < 2) {
		b->err = 1;
		return;
	}
	b->p[off] = (uint8_t)(v >> 8);
	b->p[off + 1] = (uint8_t)v;
}

#endif
