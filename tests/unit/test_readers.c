/* test_readers.c: the readers' pieces that need no server: SipHash-2-4
 * against the reference test vectors, a Referer to its source, and the
 * memory counting readers and sources exactly (readers.h), in one
 * process (the e2e tests count through nginx: tests/e2e/test_readers.py). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "http/referrer.h"
#include "lib/readers.h"
#include "lib/siphash.h"
#include "runner.h"

/* The reference implementation's vectors: key 00..0f, message 00..(n-1):
 * n = 0, 1, 7, 8, 15, 63. */
static int test_siphash_matches_the_reference_vectors(void)
{
	static const struct { size_t n; uint64_t want; } v[] = {
		{ 0, 0x726fdb47dd0e0e31ull }, { 1, 0x74f839c593dc67fdull },
		{ 7, 0xab0200f58b01d137ull }, { 8, 0x93f5f5799a932462ull },
		{ 15, 0xa129ca6149be45e5ull }, { 63, 0x958a324ceb064572ull },
	};
	unsigned char key[16], msg[64];
	struct siphash h;
	size_t i;

	for (i = 0; i < 16; i++)
		key[i] = (unsigned char)i;
	for (i = 0; i < 64; i++)
		msg[i] = (unsigned char)i;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		siphash_init(&h, key);
		siphash_feed(&h, msg, v[i].n / 2);	/* in two pieces */
		siphash_feed(&h, msg + v[i].n / 2, v[i].n - v[i].n / 2);
		if (siphash_end(&h) != v[i].want) {
			printf("# SipHash of %zu bytes is wrong\n", v[i].n);
			return 0;
		}
	}
	return 1;
}

static int S_source_is(const char *referer, const char *own,
    const char *want)
{
	char buf[64];
	const char *got = referrer_source(referer, own, buf, sizeof(buf));

	if ((got == NULL) != (want == NULL) ||
	    (got != NULL && strcmp(got, want) != 0)) {
		printf("# %s: got %s, want %s\n", referer ? referer : "(none)",
		    got ? got : "(none)", want ? want : "(none)");
		return 0;
	}
	return 1;
}

static int test_referrers_become_hosts_and_groups(void)
{
	const char *own = "clinic.example";

	return S_source_is(NULL, own, "direct") &&
	    S_source_is("", own, "direct") &&
	    S_source_is("https://www.google.co.uk/search?q=x", own, "Google") &&
	    S_source_is("https://google.com", own, "Google") &&
	    S_source_is("https://notgoogle.com/", own, "notgoogle.com") &&
	    S_source_is("https://google.evil.example/", own,
	    "google.evil.example") &&
	    S_source_is("android-app://com.google.android.googlequicksearchbox/",
	    own, "Google") &&
	    S_source_is("android-app://com.google.android.gm", own, "email") &&
	    S_source_is("https://mail.google.com/mail/", own, "email") &&
	    S_source_is("https://webmail.example.net/x", own, "email") &&
	    S_source_is("https://cn.bing.com/", own, "Bing") &&
	    S_source_is("https://duckduckgo.com/?q=x", own, "DuckDuckGo") &&
	    S_source_is("https://m.facebook.com/", own, "Facebook") &&
	    S_source_is("android-app://com.whatsapp/", own, "WhatsApp") &&
	    S_source_is("HTTP://User:Pw@WWW.NHS.UK.:443/a?b#c", own, "nhs.uk") &&
	    S_source_is("https://www.clinic.example/blog", own, NULL) &&
	    S_source_is("https://[2001:db8::1]/", own, "other") &&
	    S_source_is("ftp://files.example/", own, "other") &&
	    S_source_is("https://bad host/", own, "other");
}

static int S_readers_figure(struct readers *rd, uint64_t *readers,
    uint64_t *site, size_t *nsrc)
{
	struct readers_delta d[2];
	size_t n = readers_take(rd, d);

	*readers = n ? (d[0].narts ? d[0].arts[0].readers : 0) : 0;
	*site = n ? d[0].site : 0;
	*nsrc = n ? d[0].nsrcs : 0;
	readers_taken(rd, d, n);
	readers_delta_free(d, n);
	return (int)n;
}

static int test_pairs_count_once_a_day_and_sources_are_capped(void)
{
	char err[128], addr[32], host[32];
	struct readers *rd = readers_new(1, time(NULL), err, sizeof(err));
	struct readers_seen v = { 42, NULL, "UA", "direct" };
	uint64_t readers, site;
	size_t nsrc;
	int i, ok;

	if (rd == NULL) {
		printf("# %s\n", err);
		return 0;
	}
	for (i = 0; i < 60; i++) {	/* 60 pairs, each twice */
		snprintf(addr, sizeof(addr), "10.0.0.%d", i);
		snprintf(host, sizeof(host), "site%d.example", i);
		v.addr = addr;
		v.source = host;
		readers_note(rd, &v);
		readers_note(rd, &v);
	}
	v.addr = "2001:db8::1";
	readers_note(rd, &v);
	v.addr = "2001:db8::2";		/* the same /64 */
	readers_note(rd, &v);
	S_readers_figure(rd, &readers, &site, &nsrc);
	ok = readers == 61 && site == 61 && nsrc == 51;	/* 50 + "other" */
	if (!ok)
		printf("# readers %llu, site %llu, sources %zu\n",
		    (unsigned long long)readers, (unsigned long long)site, nsrc);
	ok = ok && S_readers_figure(rd, &readers, &site, &nsrc) == 0;
	readers_free(rd);
	return ok;
}

static const struct test tests[] = {
	T(test_siphash_matches_the_reference_vectors),
	T(test_referrers_become_hosts_and_groups),
	T(test_pairs_count_once_a_day_and_sources_are_capped),
};

RUNNER_MAIN(tests)
