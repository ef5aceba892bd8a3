/* siphash.h: SipHash-2-4 (Aumasson and Bernstein), a keyed hash: without
 * the 16-byte key no one can tell which input gave which output, nor
 * test a guess.  Fed in pieces, so a long User-Agent is hashed whole. */
#ifndef ARTICLED_SIPHASH_H
#define ARTICLED_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

struct siphash {
	uint64_t	 v[4];
	uint64_t	 tail;		/* bytes not yet a whole word */
	size_t		 len;		/* bytes fed so far */
};

void		 siphash_init(struct siphash *h, const unsigned char key[16]);
void		 siphash_feed(struct siphash *h, const void *data, size_t n);
uint64_t	 siphash_end(struct siphash *h);

#endif
