/* referrer.c: a Referer header to a source name (see referrer.h). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http/referrer.h"

/* Android apps send android-app://PACKAGE/ (RFC-less, but every app that
 * shares a link does). */
static const struct {
	const char	*package;
	const char	*group;
} S_apps[] = {
	{ "com.google.android.googlequicksearchbox", "Google" },
	{ "com.google.android.gm", "email" },
	{ "com.whatsapp", "WhatsApp" },
	{ "com.facebook.katana", "Facebook" },
	{ "com.facebook.orca", "Facebook" },
	{ "com.microsoft.office.outlook", "email" },
};

/* Hosts named exactly (after "www." went), and hosts ending in
 * ".SUFFIX": webmail first, since mail.google.com is not a search. */
static const struct {
	const char	*host;
	const char	*group;
} S_hosts[] = {
	{ "mail.google.com", "email" },
	{ "outlook.live.com", "email" },
	{ "outlook.office.com", "email" },
	{ "outlook.office365.com", "email" },
	{ "mail.yahoo.com", "email" },
	{ "mail.aol.com", "email" },
	{ "mail.proton.me", "email" },
	{ "bing.com", "Bing" },
	{ "duckduckgo.com", "DuckDuckGo" },
	{ "facebook.com", "Facebook" },
	{ "fb.com", "Facebook" },
	{ "whatsapp.com", "WhatsApp" },
	{ "wa.me", "WhatsApp" },
};

static int S_ends_with(const char *host, const char *suffix)
{
	size_t h = strlen(host), s = strlen(suffix);

	return h == s ? strcmp(host, suffix) == 0 :
	    h > s && host[h - s - 1] == '.' && strcmp(host + h - s, suffix) == 0;
}

/* google.com, google.co.uk, news.google.de: a label "google" followed
 * only by the public suffix's letters and dots. */
static int S_is_google(const char *host)
{
	const char *p = host, *g;

	while ((g = strstr(p, "google.")) != NULL) {
		if (g == host || g[-1] == '.') {
			for (p = g + 7; *p != '\0'; p++)
				if (!((*p >= 'a' && *p <= 'z') || *p == '.'))
					break;
			if (*p == '\0' && strlen(g + 7) <= 6)
				return 1;
		}
		p = g + 1;
	}
	return 0;
}

static const char *S_group(const char *host)
{
	size_t i;

	if (strncmp(host, "webmail.", 8) == 0)
		return "email";
	for (i = 0; i < sizeof(S_hosts) / sizeof(S_hosts[0]); i++)
		if (S_ends_with(host, S_hosts[i].host))
			return S_hosts[i].group;
	return S_is_google(host) ? "Google" : NULL;
}

/* Copies the authority's host of s (up to / ? # or the end) into out,
 * lower-cased, without user info, port or a trailing dot; "" when it
 * holds anything but letters, digits, '-' and '.'. */
static void S_copy_host(const char *s, char *out, size_t outlen)
{
	size_t n = strcspn(s, "/?#"), i, j = 0;
	const char *at = memchr(s, '@', n);
	char c;

	if (at != NULL) {
		n -= (size_t)(at + 1 - s);
		s = at + 1;
	}
	for (i = 0; i < n && s[i] != ':'; i++) {
		c = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.') || j + 1 >= outlen) {
			out[0] = '\0';
			return;
		}
		out[j++] = c;
	}
	while (j > 0 && out[j - 1] == '.')
		j--;
	out[j] = '\0';
	if (strncmp(out, "www.", 4) == 0)
		memmove(out, out + 4, j - 3);
}

void referrer_host(const char *url, char *out, size_t outlen)
{
	out[0] = '\0';
	if (url == NULL)
		return;
	if (strncasecmp(url, "https://", 8) == 0)
		S_copy_host(url + 8, out, outlen);
	else if (strncasecmp(url, "http://", 7) == 0)
		S_copy_host(url + 7, out, outlen);
}

static const char *S_app(const char *referer, char *out, size_t outlen)
{
	size_t i;

	S_copy_host(referer + 14, out, outlen);
	for (i = 0; i < sizeof(S_apps) / sizeof(S_apps[0]); i++)
		if (strcmp(out, S_apps[i].package) == 0)
			return S_apps[i].group;
	return out[0] != '\0' ? out : "other";
}

const char *referrer_source(const char *referer, const char *own_host,
    char *out, size_t outlen)
{
	const char *group;

	if (referer == NULL || referer[0] == '\0')
		return "direct";
	if (strncasecmp(referer, "android-app://", 14) == 0)
		return S_app(referer, out, outlen);
	referrer_host(referer, out, outlen);
	if (out[0] == '\0')
		return "other";
	if (own_host != NULL && own_host[0] != '\0' &&
	    strcmp(out, own_host) == 0)
		return NULL;
	if ((group = S_group(out)) != NULL)
		return group;
	return out;
}
