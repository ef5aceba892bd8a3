/* siphash.c: SipHash-2-4, after the reference implementation
 * (https://github.com/veorq/SipHash), little-endian on every host. */
#include "lib/siphash.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static uint64_t S_le64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static void S_round(uint64_t v[4])
{
	v[0] += v[1]; v[1] = ROTL(v[1], 13); v[1] ^= v[0]; v[0] = ROTL(v[0], 32);
	v[2] += v[3]; v[3] = ROTL(v[3], 16); v[3] ^= v[2];
	v[0] += v[3]; v[3] = ROTL(v[3], 21); v[3] ^= v[0];
	v[2] += v[1]; v[1] = ROTL(v[1], 17); v[1] ^= v[2]; v[2] = ROTL(v[2], 32);
}

static void S_block(uint64_t v[4], uint64_t m)
{
	v[3] ^= m;
	S_round(v);
	S_round(v);
	v[0] ^= m;
}

uint64_t siphash24(const unsigned char key[SIPHASH_KEY_LEN], const void *msg,
    size_t n)
{
	const unsigned char *p = msg;
	uint64_t k0 = S_le64(key), k1 = S_le64(key + 8);
	uint64_t v[4] = { k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL,
	    k0 ^ 0x6c7967656e657261ULL, k1 ^ 0x7465646279746573ULL };
	uint64_t last = (uint64_t)n << 56;
	size_t i, left = n & 7;

	for (i = 0; i + 8 <= n; i += 8)
		S_block(v, S_le64(p + i));
	while (left-- > 0)
		last |= (uint64_t)p[i + left] << (8 * left);
	S_block(v, last);
	v[2] ^= 0xff;
	S_round(v);
	S_round(v);
	S_round(v);
	S_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}
