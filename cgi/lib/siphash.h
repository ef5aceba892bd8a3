/* siphash.h: SipHash-2-4 (Aumasson and Bernstein), a keyed 64-bit hash
 * that is a pseudorandom function for short messages: the question
 * form's tokens (a MAC under a secret in the database) and the FastCGI
 * rate limiter's buckets (a hash of the address under a key that lives
 * only in memory) are made with it. */
#ifndef ARTICLED_SIPHASH_H
#define ARTICLED_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define SIPHASH_KEY_LEN	16

uint64_t	siphash24(const unsigned char key[SIPHASH_KEY_LEN],
		    const void *msg, size_t n);

#endif
