/* ratelimit.c: a fixed table of buckets in shared memory, direct-mapped
 * by the address's keyed hash (see ratelimit.h).  A bucket holds the
 * hash, the last question's time and an hour's count.  Two addresses
 * that meet in one bucket take turns in it: the newer evicts the older,
 * which can only make the limit looser, never refuse someone wrongly.
 * A bucket is held by a spin lock for a few instructions; a worker that
 * cannot take it soon lets the question through rather than wait. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>

#include "lib/ratelimit.h"
#include "lib/siphash.h"

#define RATELIMIT_BUCKETS	8192
#define RATELIMIT_SPINS		10000

struct bucket {
	uint64_t	 hash;		/* 0: empty */
	int64_t		 last;		/* the last question taken */
	int64_t		 hour_from;	/* start of the hour counted */
	uint32_t	 hour_n;
	uint32_t	 lock;
};

struct ratelimit {
	unsigned char	 key[SIPHASH_KEY_LEN];
	struct bucket	 b[RATELIMIT_BUCKETS];
};

struct ratelimit *ratelimit_new(void)
{
	struct ratelimit *rl;

	rl = mmap(NULL, sizeof(*rl), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (rl == MAP_FAILED)
		return NULL;
	if (getrandom(rl->key, sizeof(rl->key), 0) == (ssize_t)sizeof(rl->key))
		return rl;
	ratelimit_free(rl);	/* errno: getrandom's, munmap keeps it */
	return NULL;
}

void ratelimit_free(struct ratelimit *rl)
{
	if (rl != NULL)
		munmap(rl, sizeof(*rl));
}

static int S_lock(struct bucket *b)
{
	int i;

	for (i = 0; i < RATELIMIT_SPINS; i++)
		if (!__atomic_test_and_set(&b->lock, __ATOMIC_ACQUIRE))
			return 0;
	return -1;
}

static long S_take(struct bucket *b, uint64_t h, int64_t now, long gap,
    long per_hour)
{
	if (b->hash != h) {	/* empty, or another address's: ours now */
		b->hash = h;
		b->last = 0;
		b->hour_from = now;
		b->hour_n = 0;
	}
	if (b->last != 0 && now - b->last < gap)
		return (long)(gap - (now - b->last));
	if (now - b->hour_from >= 3600) {
		b->hour_from = now;
		b->hour_n = 0;
	}
	if ((long)b->hour_n >= per_hour)
		return -1;
	b->hour_n++;
	b->last = now;
	return 0;
}

long ratelimit_take(struct ratelimit *rl, const char *addr, time_t now,
    long gap, long per_hour)
{
	struct bucket *b;
	uint64_t h;
	long rc;

	if (rl == NULL)
		return 0;
	h = siphash24(rl->key, addr, strlen(addr)) | 1;	/* never 0 */
	b = &rl->b[h % RATELIMIT_BUCKETS];
	if (S_lock(b) != 0)
		return 0;
	rc = S_take(b, h, (int64_t)now, gap, per_hour);
	__atomic_clear(&b->lock, __ATOMIC_RELEASE);
	return rc;
}
