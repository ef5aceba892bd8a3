/* pages_readers.c: a view's reader and source, handed to the readers'
 * memory (readers.h) when the article page counts the view.  A reader
 * who sends Sec-GPC: 1 or DNT: 1 is a view and nothing more. */
#include <string.h>

#include "http/referrer.h"
#include "http/request.h"
#include "lib/readers.h"
#include "pages/pages.h"
#include "pages/pages_int.h"

void pages_set_readers(struct pages *p, struct readers *rd)
{
	p->readers = rd;
}

void pages_readers_note(struct pages *p, const struct request *r,
    int64_t key)
{
	char own[READERS_SOURCE_LEN], host[READERS_SOURCE_LEN];
	struct readers_seen v;

	if (p->readers == NULL || r->no_tracking)
		return;
	/* The base URL's host: a reader moving within the site is no
	 * source (and "www." or a port must not make it look like one). */
	referrer_host(p->site.settings.base_url, own, sizeof(own));
	v.article = key;
	v.addr = r->remote_addr;
	v.user_agent = r->user_agent;
	v.source = referrer_source(r->referer, own, host, sizeof(host));
	readers_note(p->readers, &v);
}
