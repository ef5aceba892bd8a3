/* render.c: the guarded, stored render (render.h).  A stored render is
 * trusted only when it was made from this very body (hash and length)
 * by this very binary's rules; anything else is rendered again. */
#include <string.h>

#include "lib/alloc.h"
#include "render/bound.h"
#include "lib/log.h"
#include "render/markdown.h"
#include "render/render.h"
#include "store/store.h"

/* Renders larger than this are not stored: writing (and checkpointing)
 * megabytes for one article would cost every page's disk more than
 * rendering it again costs its rare readers; the page cache's side entry
 * keeps the last such page in each worker (cache.h). */
#define RENDER_STORE_MAX	(1024 * 1024)

#define P1	0x9E3779B185EBCA87ULL
#define P2	0xC2B2AE3D27D4EB4FULL
#define P3	0x165667B19E3779F9ULL
#define P4	0x85EBCA77C2B2AE63ULL
#define P5	0x27D4EB2F165667C5ULL

static uint64_t S_rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static uint64_t S_read64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static uint64_t S_round(uint64_t acc, uint64_t in)
{
	return S_rotl(acc + in * P2, 31) * P1;
}

static uint64_t S_merge(uint64_t h, uint64_t v)
{
	return (h ^ S_round(0, v)) * P1 + P4;
}

/* XXH64's 32-byte stripes: four lanes. */
static uint64_t S_stripes(const unsigned char **pp, const unsigned char *end)
{
	const unsigned char *p = *pp;
	uint64_t v1 = P1 + P2, v2 = P2, v3 = 0, v4 = 0 - P1, h;

	for (; end - p >= 32; p += 32) {
		v1 = S_round(v1, S_read64(p));
		v2 = S_round(v2, S_read64(p + 8));
		v3 = S_round(v3, S_read64(p + 16));
		v4 = S_round(v4, S_read64(p + 24));
	}
	*pp = p;
	h = S_rotl(v1, 1) + S_rotl(v2, 7) + S_rotl(v3, 12) + S_rotl(v4, 18);
	h = S_merge(h, v1);
	h = S_merge(h, v2);
	h = S_merge(h, v3);
	return S_merge(h, v4);
}

uint64_t render_hash(const void *data, size_t n)
{
	const unsigned char *p = data, *end = p + n;
	uint64_t h, k;
	uint32_t w;

	h = n >= 32 ? S_stripes(&p, end) : P5;
	h += (uint64_t)n;
	for (; end - p >= 8; p += 8) {
		k = S_round(0, S_read64(p));
		h = S_rotl(h ^ k, 27) * P1 + P4;
	}
	if (end - p >= 4) {
		memcpy(&w, p, 4);
		h = S_rotl(h ^ ((uint64_t)w * P1), 23) * P2 + P3;
		p += 4;
	}
	for (; p < end; p++)
		h = S_rotl(h ^ (*p * P5), 11) * P1;
	h ^= h >> 33;
	h *= P2;
	h ^= h >> 29;
	h *= P3;
	return h ^ (h >> 32);
}

static int S_matches(const struct stored_render *r, int64_t hash,
    size_t len)
{
	return r->present && r->hash == hash && r->len == (int64_t)len &&
	    r->rules != NULL && strcmp(r->rules, md_rules()) == 0;
}

/* 1 when the store changed or could not be written (so the caller
 * cannot know that another worker said it already); 0 otherwise. */
static int S_store(struct store *s, const struct article *a, int64_t hash,
    const struct md_page *md, int slow)
{
	struct stored_render r;
	int changed;

	memset(&r, 0, sizeof(r));
	r.hash = hash;
	r.len = (int64_t)a->body_len;
	r.rules = (char *)md_rules();	/* bound, not freed */
	r.slow = slow;
	if (!slow) {
		r.html = md->html.data ? md->html.data : (char *)"";
		r.html_len = md->html.len;
		r.excerpt = (char *)buf_cstr((struct buf *)&md->excerpt);
		r.words = (int64_t)md->words;
	}
	/* Busy: served anyway, and a later miss stores it. */
	if (store_render_put(s, a->id, &r, &changed) != STORE_OK)
		return 1;
	return changed;
}

enum render_rc render_article(struct store *s, const struct article *a,
    struct md_page *out)
{
	int64_t hash = (int64_t)render_hash(a->body, a->body_len);
	const struct stored_render *r = &a->stored;
	int rc;

	if (S_matches(r, hash, a->body_len)) {
		if (r->slow)
			return RENDER_SLOW;
		buf_put(&out->html, r->html ? r->html : "", r->html_len);
		buf_puts(&out->excerpt, r->excerpt ? r->excerpt : "");
		out->words = r->words > 0 ? (size_t)r->words : 0;
		return RENDER_OK;
	}
	rc = md_render(a->body, a->body_len, out);
	if (rc == MD_SLOW) {
		/* Logged once: by the worker whose marker was news. */
		if (a->id <= 0 || S_store(s, a, hash, out, 1))
			log_line("article %s (id %lld): rendering passed the "
			    "bound of %zu ms of CPU; it answers 503 until its "
			    "body changes", a->slug ? a->slug : "?",
			    (long long)a->id,
			    BOUND_CPU_MS + a->body_len / BOUND_BYTES_PER_MS);
		return RENDER_SLOW;
	}
	if (rc != 0)
		return RENDER_FAILED;
	if (a->id > 0 && out->html.len <= RENDER_STORE_MAX)
		(void)S_store(s, a, hash, out, 0);
	return RENDER_OK;
}
