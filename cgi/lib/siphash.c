/* siphash.c: SipHash-2-4 (see siphash.h), after the reference
 * implementation's description; checked against its test vectors in
 * tests/unit/test_readers.c and tests/unit/test_form.c. */
#include <string.h>

#include "lib/siphash.h"

#define ROTL(x, b)	(uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static void S_round(uint64_t v[4])
{
	v[0] += v[1]; v[1] = ROTL(v[1], 13); v[1] ^= v[0];
	v[0] = ROTL(v[0], 32);
	v[2] += v[3]; v[3] = ROTL(v[3], 16); v[3] ^= v[2];
	v[0] += v[3]; v[3] = ROTL(v[3], 21); v[3] ^= v[0];
	v[2] += v[1]; v[1] = ROTL(v[1], 17); v[1] ^= v[2];
	v[2] = ROTL(v[2], 32);
}

static uint64_t S_le64(const unsigned char *p)
{
	uint64_t x = 0;
	int i;

	for (i = 7; i >= 0; i--)
		x = x << 8 | p[i];
	return x;
}

static void S_rounds(uint64_t v[4], int n)
{
	while (n-- > 0)
		S_round(v);
}

static void S_word(struct siphash *h, uint64_t m)
{
	h->v[3] ^= m;
	S_rounds(h->v, 2);
	h->v[0] ^= m;
}

void siphash_init(struct siphash *h, const unsigned char key[SIPHASH_KEY_LEN])
{
	uint64_t k0 = S_le64(key), k1 = S_le64(key + 8);

	h->v[0] = k0 ^ 0x736f6d6570736575ull;
	h->v[1] = k1 ^ 0x646f72616e646f6dull;
	h->v[2] = k0 ^ 0x6c7967656e657261ull;
	h->v[3] = k1 ^ 0x7465646279746573ull;
	h->tail = 0;
	h->len = 0;
}

void siphash_feed(struct siphash *h, const void *data, size_t n)
{
	const unsigned char *p = data, *end = p + n;

	for (; p < end; p++) {
		h->tail |= (uint64_t)*p << (8 * (h->len % 8));
		if (++h->len % 8 != 0)
			continue;
		S_word(h, h->tail);
		h->tail = 0;
	}
}

uint64_t siphash_end(struct siphash *h)
{
	uint64_t b;

	S_word(h, h->tail | (uint64_t)(h->len & 0xff) << 56);
	h->v[2] ^= 0xff;
	S_rounds(h->v, 4);
	b = h->v[0] ^ h->v[1] ^ h->v[2] ^ h->v[3];
	memset(h, 0, sizeof(*h));	/* no trace of the key state */
	return b;
}
