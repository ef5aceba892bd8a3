/* readers_take.c: the master's side of the readers' memory: what is not
 * folded yet, recorded as folded once SQLite has it, and the day's roll
 * (see readers.h).  Only the master (or a CGI run, for itself) calls
 * these; the folded marks are its alone, so no worker ever waits. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/readers_int.h"

static void S_take_arts(struct readers_bank *b, struct readers_delta *d)
{
	size_t i;
	uint64_t n;
	int64_t key;

	for (i = 0; i < READERS_ARTICLES; i++) {
		key = atomic_load(&b->arts[i].key);
		n = atomic_load(&b->arts[i].readers);
		if (key == 0 || n == b->arts[i].folded)
			continue;
		if (d->arts == NULL)
			d->arts = xcalloc(READERS_ARTICLES, sizeof(*d->arts));
		d->arts[d->narts].article = key;
		d->arts[d->narts].readers = n - b->arts[i].folded;
		d->arts[d->narts].at = i;
		d->arts[d->narts++].seen = n;
	}
}

static void S_take_srcs(struct readers_bank *b, struct readers_delta *d)
{
	struct readers_src_delta *s;
	size_t i;
	uint64_t n;

	for (i = 0; i < READERS_SOURCES; i++) {
		if (!atomic_load(&b->srcs[i].ready))
			continue;
		n = atomic_load(&b->srcs[i].views);
		if (n == b->srcs[i].folded)
			continue;
		if (d->srcs == NULL)
			d->srcs = xcalloc(READERS_SOURCES, sizeof(*d->srcs));
		s = &d->srcs[d->nsrcs++];
		s->article = b->srcs[i].article;
		memcpy(s->source, b->srcs[i].name, sizeof(s->source));
		s->source[sizeof(s->source) - 1] = '\0';
		s->views = n - b->srcs[i].folded;
		s->at = i;
		s->seen = n;
	}
}

/* 1 when the bank has anything to fold (a new key is news too). */
static int S_take_bank(struct readers *rd, int which,
    struct readers_delta *d)
{
	struct readers_bank *b = &rd->sh->bank[which];
	int64_t day = atomic_load(&b->day);

	memset(d, 0, sizeof(*d));
	if (day == 0)
		return 0;
	d->bank = which;
	readers_day_name(rd, (time_t)(day - 1) * rd->day_seconds, d->day);
	d->new_key = rd->count_readers && !b->announced;
	d->lower_bound = atomic_load(&b->full);
	d->site_seen = atomic_load(&b->site);
	d->site = d->site_seen - b->site_folded;
	S_take_arts(b, d);
	S_take_srcs(b, d);
	return d->new_key || d->site > 0 || d->lower_bound || d->narts > 0 ||
	    d->nsrcs > 0;
}

size_t readers_take(struct readers *rd, struct readers_delta d[2])
{
	size_t n = 0;
	int i;

	/* A bank with nothing to fold allocated nothing: d[n] is reused. */
	for (i = 0; rd != NULL && i < 2; i++)
		n += (size_t)S_take_bank(rd, i, &d[n]);
	return n;
}

void readers_taken(struct readers *rd, const struct readers_delta *d,
    size_t n)
{
	struct readers_bank *b;
	size_t i, j;

	for (i = 0; i < n; i++) {
		b = &rd->sh->bank[d[i].bank];
		b->announced = 1;
		b->site_folded = d[i].site_seen;
		for (j = 0; j < d[i].narts; j++)
			b->arts[d[i].arts[j].at].folded = d[i].arts[j].seen;
		for (j = 0; j < d[i].nsrcs; j++)
			b->srcs[d[i].srcs[j].at].folded = d[i].srcs[j].seen;
	}
}

void readers_delta_free(struct readers_delta *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(d[i].arts);
		free(d[i].srcs);
		d[i].arts = NULL;
		d[i].srcs = NULL;
	}
}

/* Everything in the bank has reached SQLite. */
static int S_slots_folded(const struct readers_bank *b)
{
	size_t i;

	for (i = 0; i < READERS_ARTICLES; i++)
		if (atomic_load(&b->arts[i].readers) != b->arts[i].folded)
			return 0;
	for (i = 0; i < READERS_SOURCES; i++)
		if (atomic_load(&b->srcs[i].views) != b->srcs[i].folded)
			return 0;
	return 1;
}

static int S_folded(const struct readers_bank *b)
{
	return atomic_load(&b->site) == b->site_folded && S_slots_folded(b);
}

/* The old day's bank is wiped, key first, two seconds after the roll
 * (a worker that read the old bank just before it may still be adding)
 * and once all it holds is folded. */
static void S_retire(struct readers_bank *old, time_t now)
{
	if (atomic_load(&old->day) != 0 && now >= old->retire_at &&
	    S_folded(old))
		readers_bank_wipe(old);
}

int readers_roll(struct readers *rd, time_t now)
{
	int cur, day;
	struct readers_bank *b, *next;

	if (rd == NULL)
		return 0;
	cur = atomic_load(&rd->sh->cur);
	b = &rd->sh->bank[cur];
	next = &rd->sh->bank[1 - cur];
	S_retire(next, now);
	day = readers_day(rd, now) != atomic_load(&b->day);
	/* The day before yesterday still unfolded (the owner held the lock
	 * all along): today's readers wait in yesterday's bank. */
	if (!day || atomic_load(&next->day) != 0)
		return 0;
	if (readers_bank_start(rd, next, readers_day(rd, now)) != 0)
		return 0;	/* no new key: counting goes on in the old */
	b->retire_at = now + 2;
	atomic_store_explicit(&rd->sh->cur, 1 - cur, memory_order_release);
	return 1;
}
