/* handler.c: the helpers every page handler calls back (handler.h): the
 * error and redirect answers, dropping what was built from the site when
 * it cannot be read, and splicing live counts into a cached page. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/counter.h"
#include "lib/log.h"
#include "lib/text.h"
#include "http/response.h"
#include "http/views.h"
#include "pages/cache.h"
#include "pages/errors.h"
#include "pages/handler.h"
#include "pages/pages_int.h"
#include "pages/site.h"

void pages_drop(struct pages *p)
{
	cache_clear(p->cache);
	pages_most_read_drop(p);
	free(p->page_keys);
	p->page_keys = NULL;
	p->npages = 0;
	p->have_keys = 0;
	p->changes = p->site.changes;
	p->trim = 1;
}

void pages_unavailable(struct pages *p)
{
	site_unavailable(&p->site);
	pages_drop(p);
}

void pages_error(struct pages *p, const struct page_req *q, int status,
    const char *message)
{
	/* A reader who found no page is offered the most read ones. */
	if (status == 404 && q->fresh)
		pages_most_read(p);
	errors_answer(&p->look, q->resp, status, message);
}

void pages_failed(struct pages *p, const struct page_req *q)
{
	pages_unavailable(p);
	pages_error(p, q, 503, NULL);
}

int pages_down(struct pages *p, const struct page_req *q)
{
	if (q->fresh)
		return 0;
	pages_error(p, q, 503, NULL);
	return 1;
}

void pages_redirect(struct pages *p, const struct page_req *q,
    const char *path)
{
	struct buf loc = BUF_INIT;

	buf_puts(&loc, q->root);	/* as the CGI server sent it */
	text_url_encode(&loc, path, strlen(path), TEXT_URL_PATH);
	response_header(q->resp, "Location", buf_cstr(&loc));
	buf_free(&loc);
	q->resp->status = 301;
	buf_reset(&q->resp->body);
	errors_render(&p->look, 301, NULL, &q->resp->body);
}

size_t pages_count(size_t n)
{
	return (n + PAGES_PER_PAGE - 1) / PAGES_PER_PAGE;
}

static void S_count_text(char *out, const struct cached_slot *s,
    enum view mode)
{
	uint64_t n = 0;

	if (s->ctr != NULL)
		n = mode == VIEW_COUNT ? counter_add(s->ctr) :
		    counter_get(s->ctr);
	if (mode == VIEW_AS_GET)
		n++;
	/* The live count as viewtail shows it: saturating, whatever base
	 * the database holds (schema.sql keeps it far below 2^63 anyway). */
	views_format(out, (unsigned long long)counter_live(s->base, n));
}

/* The question form's slot: the token; a post template without the
 * count has it as slot 0, whose counter still counts the view. */
static void S_token_text(const struct cached_slot *s, enum view mode,
    const char *token, struct buf *body)
{
	if (mode == VIEW_COUNT && s->ctr != NULL)
		counter_add(s->ctr);
	buf_puts(body, token != NULL ? token : "");
}

/* A cached page with its live counts into body.  The counts are read
 * (or the view added) at the last moment, when the answer is complete
 * and about to be sent. */
static void S_splice(const struct cached_page *e, enum view first,
    const char *token, struct buf *body)
{
	char text[32];
	size_t i, at = 0;
	enum view mode;

	buf_reset(body);
	for (i = 0; i < e->nslots; i++) {
		buf_put(body, e->page.data + at, e->slots[i].off - at);
		mode = i == 0 ? first : VIEW_NONE;
		at = e->slots[i].off;
		if (e->slots[i].token_for > 0) {
			S_token_text(&e->slots[i], mode, token, body);
			continue;
		}
		S_count_text(text, &e->slots[i], mode);
		buf_puts(body, text);
	}
	buf_put(body, e->page.data + at, e->page.len - at);
}

void pages_answer(const struct page_req *q, const struct cached_page *e,
    enum view first)
{
	pages_answer_token(q, e, first, NULL);
}

void pages_answer_token(const struct page_req *q,
    const struct cached_page *e, enum view first, const char *token)
{
	q->resp->status = 200;
	S_splice(e, first, token, &q->resp->body);
}

void pages_slot_for(struct pages *p, struct cached_slot *s, int64_t key,
    int64_t base)
{
	s->base = base;
	s->token_for = 0;
	s->ctr = counter_slot(p->counter, key);
	if (s->ctr == NULL && !p->counter_full_logged) {
		log_line("view counter file is full: new articles show "
		    "their stored count only; see README");
		p->counter_full_logged = 1;
	}
}
