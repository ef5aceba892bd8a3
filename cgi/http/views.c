/* views.c: which requests count (see views.h). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http/request.h"
#include "http/views.h"

/* Words that robots put in their User-Agent (Googlebot, bingbot,
 * AhrefsBot, Baiduspider, Yahoo! Slurp, facebookexternalhit, Twitterbot,
 * Slackbot-LinkExpanding, WhatsApp, TelegramBot, Discordbot,
 * SkypeUriPreview, BingPreview, Applebot, …).  README.md repeats the
 * list for the owner; tests/shape/test_one_home.py fails when they differ. */
static const char *const S_robot_words[] = {
	"bot", "crawl", "spider", "slurp", "preview", "fetcher",
	"facebookexternalhit", "whatsapp", "embedly", "mediapartners",
	"archiver", "scraper",
};

/* Whether word (lower case) occurs in s, ignoring case: the whole of s,
 * however long (a User-Agent may be padded past any fixed buffer). */
static int S_contains(const char *s, const char *word)
{
	size_t n = strlen(word);

	for (; *s != '\0'; s++)
		if (strncasecmp(s, word, n) == 0)	/* word is lower-case */
			return 1;
	return 0;
}

/* Lower-cases a User-Agent once, so each word is one strstr; a longer
 * one than the buffer takes the slow path over the whole of it. */
int views_is_robot(const char *ua)
{
	char low[1024];
	size_t i, n = strlen(ua);
	const size_t nwords = sizeof(S_robot_words) / sizeof(S_robot_words[0]);

	if (n >= sizeof(low)) {
		for (i = 0; i < nwords; i++)
			if (S_contains(ua, S_robot_words[i]))
				return 1;
		return 0;
	}
	for (i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)ua[i]);
	low[n] = '\0';
	for (i = 0; i < nwords; i++)
		if (strstr(low, S_robot_words[i]) != NULL)
			return 1;
	return 0;
}

static int S_has_word(const char *value, const char *word)
{
	return *value != '\0' && S_contains(value, word);
}

/* Sec-Purpose (Chrome: "prefetch", "prefetch;prerender"), Purpose
 * (older Chrome, Safari), X-Moz (Firefox), X-Purpose (Safari preview). */
static int S_is_prefetch(const struct request *r)
{
	return S_has_word(r->sec_purpose, "prefetch") ||
	    S_has_word(r->sec_purpose, "prerender") ||
	    S_has_word(r->purpose, "prefetch") ||
	    S_has_word(r->purpose, "preview") ||
	    S_has_word(r->x_moz, "prefetch") ||
	    S_has_word(r->x_purpose, "preview") ||
	    S_has_word(r->x_purpose, "prefetch");
}

/* From a person's browser, meant to be seen: not a robot, not a
 * prefetch (whatever the method). */
static int S_by_person(const struct request *r)
{
	return !views_is_robot(r->user_agent) && !S_is_prefetch(r);
}

enum view views_countable(const struct request *r)
{
	if ((r->method != METHOD_GET && r->method != METHOD_HEAD) ||
	    !S_by_person(r))
		return VIEW_NONE;
	return r->method == METHOD_GET ? VIEW_COUNT : VIEW_AS_GET;
}

void views_format(char *out, unsigned long long n)
{
	char tmp[24];
	size_t i = sizeof(tmp);
	const char *word = n == 1 ? " view" : " views";

	do
		tmp[--i] = (char)('0' + n % 10);
	while ((n /= 10) != 0);
	memcpy(out, tmp + i, sizeof(tmp) - i);
	memcpy(out + sizeof(tmp) - i, word, strlen(word) + 1);
}
