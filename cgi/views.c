/* views.c: which requests count (see views.h). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "request.h"
#include "views.h"

/* Words that robots put in their User-Agent (Googlebot, bingbot,
 * AhrefsBot, Baiduspider, Yahoo! Slurp, facebookexternalhit, Twitterbot,
 * Slackbot-LinkExpanding, WhatsApp, TelegramBot, Discordbot,
 * SkypeUriPreview, BingPreview, Applebot, …).  Keep README.md in step. */
static const char *const S_robot_words[] = {
	"bot", "crawl", "spider", "slurp", "preview", "fetcher",
	"facebookexternalhit", "whatsapp", "embedly", "mediapartners",
	"archiver", "scraper",
};

int views_is_robot(const char *ua)
{
	char low[512];
	size_t i, n;

	n = strlen(ua);
	if (n >= sizeof(low))
		n = sizeof(low) - 1;
	for (i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)ua[i]);
	low[n] = '\0';
	for (i = 0; i < sizeof(S_robot_words) / sizeof(S_robot_words[0]); i++)
		if (strstr(low, S_robot_words[i]) != NULL)
			return 1;
	return 0;
}

static int S_has_word(const char *value, const char *word)
{
	char low[256];
	size_t i, n = strlen(value);

	if (n >= sizeof(low))
		n = sizeof(low) - 1;
	for (i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)value[i]);
	low[n] = '\0';
	return strstr(low, word) != NULL;
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

int views_countable(const struct request *r)
{
	return r->method == METHOD_GET && !views_is_robot(r->user_agent) &&
	    !S_is_prefetch(r);
}

void views_format(char *out, unsigned long long n)
{
	snprintf(out, 32, "%llu %s", n, n == 1 ? "view" : "views");
}
