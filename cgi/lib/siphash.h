/* siphash.h: SipHash-2-4 (Aumasson and Bernstein), a keyed 64-bit hash
 * that is a pseudorandom function for short messages: without the
 * 16-byte key no one can tell which input gave which output, nor test a
 * guess.  Made with it: the readers' counter's slots (article, address
 * and User-Agent under a key that lives only in memory), the question
 * form's tokens (a MAC under a secret in the database) and the FastCGI
 * rate limiter's buckets (the address under a key only in memory).  Fed
 * in pieces, so a long User-Agent is hashed whole. */
#ifndef ARTICLED_SIPHASH_H
#define ARTICLED_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define SIPHASH_KEY_LEN	16

struct siphash {
	uint64_t	 v[4];
	uint64_t	 tail;		/* bytes not yet a whole word */
	size_t		 len;		/* bytes fed so far */
};

void		 siphash_init(struct siphash *h,
		    const unsigned char key[SIPHASH_KEY_LEN]);
void		 siphash_feed(struct siphash *h, const void *data, size_t n);
uint64_t	 siphash_end(struct siphash *h);

#endif
