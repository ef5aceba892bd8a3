/* fuzz_referrer.c: libFuzzer harness for referrer_source (a Referer
 * header is the reader's to write): arbitrary bytes as the Referer, with
 * and without the site's own host.  Asserts what source_days relies on:
 * a source fits its column (1..63 bytes), and is a group name or only
 * [a-z0-9.-], never a path, a query, a port or user info.
 *   make build/fuzz/fuzz_referrer */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/referrer.h"

static int S_host_chars(const char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '-' || *s == '.'))
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const groups[] = { "Google", "Bing", "DuckDuckGo",
	    "Facebook", "WhatsApp", "email", "direct", "other" };
	char *ref = malloc(size + 1), out[64];
	const char *src;
	size_t i;
	int group = 0;

	memcpy(ref, data, size);
	ref[size] = '\0';	/* a header cannot hold a NUL */
	src = referrer_source(ref, size & 1 ? "clinic.example" : NULL, out,
	    sizeof(out));
	if (src != NULL) {
		assert(strlen(src) >= 1 && strlen(src) <= 63);
		for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
			group |= strcmp(src, groups[i]) == 0;
		assert(group || S_host_chars(src));
	}
	free(ref);
	return 0;
}
