/* readers.c: the readers' memory, made once by the master (or a CGI
 * run), and counting one view into it (see readers.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>

#include "lib/alloc.h"
#include "lib/readers_int.h"
#include "lib/siphash.h"

/* The test build (-DARTICLED_TEST_DAY) lets a test shorten the day, to
 * see midnight pass, and shrink the set, to see it fill; a release build
 * always counts 86400 seconds and READERS_SET_FULL readers. */
static long S_test_value(const char *name, long otherwise)
{
#ifdef ARTICLED_TEST_DAY
	const char *s = getenv(name);
	long n = s != NULL ? strtol(s, NULL, 10) : 0;

	return n > 0 && n < otherwise ? n : otherwise;
#else
	(void)name;
	return otherwise;
#endif
}

int64_t readers_day(const struct readers *rd, time_t now)
{
	return (int64_t)(now / rd->day_seconds) + 1;	/* never 0 */
}

void readers_day_name(const struct readers *rd, time_t now, char out[11])
{
	time_t t = rd->first_date +
	    (time_t)(readers_day(rd, now) - rd->first_day) * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

void readers_bank_wipe(struct readers_bank *b)
{
	/* Volatile, so the key's overwrite is not optimised away. */
	volatile unsigned char *k = b->key;
	size_t i;

	for (i = 0; i < sizeof(b->key); i++)
		k[i] = 0;
	memset(b, 0, sizeof(*b));
}

int readers_bank_start(struct readers *rd, struct readers_bank *b,
    int64_t day)
{
	readers_bank_wipe(b);
	if (rd->count_readers &&
	    getrandom(b->key, sizeof(b->key), 0) != (ssize_t)sizeof(b->key))
		return -1;
	atomic_store(&b->day, day);
	return 0;
}

static struct readers_shared *S_map(size_t len, char *err, size_t errlen)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		snprintf(err, errlen, "readers: mmap: %s", strerror(errno));
		return NULL;
	}
	/* The key must never reach a disk: not in a core dump either. */
	if (madvise(p, len, MADV_DONTDUMP) != 0) {
		snprintf(err, errlen, "readers: madvise: %s", strerror(errno));
		munmap(p, len);
		return NULL;
	}
	return p;
}

struct readers *readers_new(int count_readers, time_t now, char *err,
    size_t errlen)
{
	struct readers *rd = xcalloc(1, sizeof(*rd));

	rd->len = sizeof(struct readers_shared);
	rd->count_readers = count_readers;
	rd->shared = count_readers;
	rd->day_seconds = S_test_value("ARTICLED_TEST_DAY_SECONDS", 86400);
	rd->first_day = readers_day(rd, now);
	rd->first_date = now - now % 86400;
	if (rd->shared)
		rd->sh = S_map(rd->len, err, errlen);
	else
		rd->sh = xcalloc(1, rd->len);	/* a CGI run's: no key */
	if (rd->sh == NULL) {
		free(rd);
		return NULL;
	}
	rd->sh->set_full = (uint32_t)S_test_value("ARTICLED_TEST_READERS_MAX",
	    READERS_SET_FULL);
	if (readers_bank_start(rd, &rd->sh->bank[0], rd->first_day) != 0) {
		snprintf(err, errlen, "readers: getrandom: %s",
		    strerror(errno));
		readers_free(rd);
		return NULL;
	}
	return rd;
}

void readers_free(struct readers *rd)
{
	if (rd == NULL)
		return;
	readers_bank_wipe(&rd->sh->bank[0]);
	readers_bank_wipe(&rd->sh->bank[1]);
	if (rd->shared)
		munmap(rd->sh, rd->len);
	else
		free(rd->sh);
	free(rd);
}

/* ---- counting one view -------------------------------------------------- */

/* The address as counted: IPv4 whole, IPv6 cut to its /64 (one home or
 * phone), an IPv4 mapped into IPv6 as the IPv4.  Its length, 0 when
 * REMOTE_ADDR is no address. */
static size_t S_address(const char *addr, unsigned char out[9])
{
	unsigned char a6[16];

	if (addr == NULL)
		return 0;
	if (inet_pton(AF_INET, addr, out + 1) == 1) {
		out[0] = 4;
		return 5;
	}
	if (inet_pton(AF_INET6, addr, a6) != 1)
		return 0;
	if (memcmp(a6, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0) {
		out[0] = 4;
		memcpy(out + 1, a6 + 12, 4);
		return 5;
	}
	out[0] = 6;
	memcpy(out + 1, a6, 8);
	return 9;
}

static uint64_t S_hash(const struct readers_bank *b, int64_t article,
    const unsigned char *addr, size_t addrlen, const char *ua)
{
	struct siphash h;

	siphash_init(&h, b->key);
	siphash_feed(&h, &article, sizeof(article));
	siphash_feed(&h, addr, addrlen);
	siphash_feed(&h, ua, strlen(ua));
	return siphash_end(&h) | 1;	/* never 0, a free slot */
}

/* 1: h is new in the set; 0: it was there; -1: the set is full. */
static int S_set_add(struct readers_bank *b, uint32_t full, uint64_t h)
{
	size_t n, i;
	uint64_t seen;

	for (n = 0; n < READERS_SET_SLOTS; n++) {
		i = (size_t)((h >> 7) + n) % READERS_SET_SLOTS;
		seen = atomic_load_explicit(&b->set[i], memory_order_relaxed);
		if (seen == h)
			return 0;
		if (seen != 0)
			continue;
		if (atomic_load_explicit(&b->used, memory_order_relaxed) >=
		    full)
			return -1;
		if (atomic_compare_exchange_strong(&b->set[i], &seen, h)) {
			atomic_fetch_add_explicit(&b->used, 1,
			    memory_order_relaxed);
			return 1;
		}
		if (seen == h)	/* another worker, the same reader */
			return 0;
	}
	return -1;
}

/* The article's slot in the bank, claimed when absent; NULL when full. */
static struct readers_art *S_art(struct readers_bank *b, int64_t key)
{
	uint64_t h = (uint64_t)key * 0x9E3779B97F4A7C15u;
	size_t n, i;
	int64_t seen;

	for (n = 0; n < READERS_ARTICLES; n++) {
		i = (size_t)((h >> 17) + n) % READERS_ARTICLES;
		seen = atomic_load(&b->arts[i].key);
		if (seen == key)
			return &b->arts[i];
		if (seen == 0 && (atomic_compare_exchange_strong(
		    &b->arts[i].key, &seen, key) || seen == key))
			return &b->arts[i];
	}
	return NULL;
}

static void S_count_reader(struct readers_bank *b, uint32_t full,
    struct readers_art *a, const struct readers_seen *v)
{
	unsigned char addr[9];
	size_t addrlen = S_address(v->addr, addr);
	int rc;

	if (addrlen == 0)
		return;
	/* Site-wide: the same pair under article 0, which is no views.key. */
	if ((rc = S_set_add(b, full, S_hash(b, 0, addr, addrlen, v->user_agent))) > 0)
		atomic_fetch_add_explicit(&b->site, 1, memory_order_relaxed);
	if (rc < 0 || a == NULL ||
	    (rc = S_set_add(b, full, S_hash(b, v->article, addr, addrlen,
	    v->user_agent))) < 0) {
		atomic_store_explicit(&b->full, 1, memory_order_relaxed);
		return;
	}
	if (rc > 0)
		atomic_fetch_add_explicit(&a->readers, 1, memory_order_relaxed);
}

/* FNV-1a of (article, name): no key, nothing personal in it. */
static uint64_t S_source_id(int64_t article, const char *name)
{
	uint64_t h = 0xcbf29ce484222325u ^ (uint64_t)article;
	const unsigned char *p = (const unsigned char *)name;

	for (; *p != '\0'; p++)
		h = (h ^ *p) * 0x100000001b3u;
	return h != 0 ? h : 1;
}

static struct readers_src *S_src_claim(struct readers_bank *b,
    int64_t article, const char *name, int may_claim)
{
	uint64_t id = S_source_id(article, name), seen;
	size_t n, i;

	for (n = 0; n < READERS_SOURCES; n++) {
		i = (size_t)((id >> 11) + n) % READERS_SOURCES;
		seen = atomic_load(&b->srcs[i].id);
		if (seen == id)
			return &b->srcs[i];
		if (seen != 0)
			continue;
		if (!may_claim)
			return NULL;
		if (atomic_compare_exchange_strong(&b->srcs[i].id, &seen, id)) {
			b->srcs[i].article = article;
			snprintf(b->srcs[i].name, sizeof(b->srcs[i].name), "%s",
			    name);
			atomic_store(&b->srcs[i].ready, 1);	/* then folded */
			return &b->srcs[i];
		}
		if (seen == id)
			return &b->srcs[i];
	}
	return NULL;
}

/* At most READERS_SOURCES_MAX names per article per day; the rest are
 * "other" (which does not take one of them). */
static void S_count_source(struct readers_bank *b, struct readers_art *a,
    const struct readers_seen *v)
{
	struct readers_src *s;

	if (a == NULL || v->source == NULL)
		return;
	if ((s = S_src_claim(b, v->article, v->source, 0)) == NULL &&
	    strcmp(v->source, "other") != 0 &&
	    atomic_fetch_add(&a->nsources, 1) < READERS_SOURCES_MAX)
		s = S_src_claim(b, v->article, v->source, 1);
	if (s == NULL)
		s = S_src_claim(b, v->article, "other", 1);
	if (s != NULL)
		atomic_fetch_add_explicit(&s->views, 1, memory_order_relaxed);
}

void readers_note(struct readers *rd, const struct readers_seen *v)
{
	struct readers_bank *b;
	struct readers_art *a;

	if (rd == NULL || v->article <= 0)
		return;
	b = &rd->sh->bank[atomic_load_explicit(&rd->sh->cur,
	    memory_order_acquire)];
	if (atomic_load(&b->day) == 0)
		return;
	if ((a = S_art(b, v->article)) == NULL)
		atomic_store(&b->full, 1);
	if (rd->count_readers)
		S_count_reader(b, rd->sh->set_full, a, v);
	S_count_source(b, a, v);
}
