/* viewtail_readers.c: readers and sources in viewtail (see
 * viewtail_readers.h); viewtail_data.c reads them with the views and
 * viewtail_out.c writes their JSON keys.  Figures are as of the last
 * fold (a second at most): readers live only in articled's memory until
 * then, and never anywhere viewtail could read them. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/buf.h"
#include "viewtail/viewtail_data.h"
#include "viewtail/viewtail_out.h"
#include "viewtail/viewtail_readers.h"

#define VT_BURST_SOURCES	3	/* sources named on a -f line */

void vtreaders_footer(struct buf *out, const struct snapshot *s)
{
	const struct vt_site_readers *r = &s->readers;
	int i;

	buf_printf(out, "\nReaders today: %" PRId64 "%s; reader-days, last 7 "
	    "days: %" PRId64 " (site-wide: distinct address and browser "
	    "pairs per UTC day).\n", r->today, r->today_lower_bound ?
	    " (at least: the day's table was full)" : "", r->days7);
	for (i = 0; i < r->nflagged; i++) {
		if (r->flagged_restarted[i])
			buf_printf(out, "%s: articled restarted that day: a "
			    "reader may be counted twice.\n", r->flagged[i]);
		if (r->flagged_lower_bound[i])
			buf_printf(out, "%s: more readers than the table holds: "
			    "readers are a lower bound.\n", r->flagged[i]);
	}
	buf_puts(out, "Readers: not counted under CGI (sources are).\n");
}

static int64_t S_before(const struct vt_article *prev, const char *name)
{
	size_t i;

	for (i = 0; prev != NULL && i < prev->nsrc; i++)
		if (strcmp(prev->src[i].name, name) == 0)
			return prev->src[i].views;
	return 0;
}

int vtreaders_moved(const struct vt_article *a, const struct vt_article *prev)
{
	size_t i;

	if (prev == NULL)
		return a->readers_today > 0 || a->nsrc > 0;
	/* Grown only: at midnight UTC today's figures start again from 0,
	 * which is no news. */
	if (a->readers_today > prev->readers_today)
		return 1;
	for (i = 0; i < a->nsrc; i++)
		if (a->src[i].views > S_before(prev, a->src[i].name))
			return 1;
	return 0;
}

/* The line vtout_change just wrote, without its end ("\n" or "}\n"),
 * so the readers' part can follow on it. */
static void S_unend(struct buf *out, int json)
{
	size_t cut = json ? 2 : 1;

	if (out->len >= cut)
		out->len -= cut;
}

void vtreaders_change(struct buf *out, const struct vt_article *a,
    const struct vt_article *prev, int json)
{
	size_t i, shown = 0;
	int64_t grew;

	S_unend(out, json);
	buf_printf(out, json ? ",\"readers_today\":%" PRId64 ",\"sources\":{" :
	    "  readers today %" PRId64, a->readers_today);
	for (i = 0; i < a->nsrc && shown < VT_BURST_SOURCES; i++) {
		if ((grew = a->src[i].views - S_before(prev, a->src[i].name)) <= 0)
			continue;
		buf_printf(out, json ? "%s\"%s\":%" PRId64 : "%s%s +%" PRId64,
		    shown == 0 ? (json ? "" : "  from ") : ", ",
		    a->src[i].name, grew);
		shown++;
	}
	buf_puts(out, json ? "}}\n" : "\n");
}

/* ---- --sources ------------------------------------------------------------ */

struct sources_out {
	struct buf	*out;
	int		 json;
	size_t		 n;
};

static void S_sources_row(void *arg, const struct vt_row *row)
{
	struct sources_out *o = arg;
	const char *name = row->text[0] ? row->text[0] : "";

	if (o->json)
		buf_printf(o->out, "%s\n{\"source\":\"%s\",\"today\":%" PRId64
		    ",\"last7\":%" PRId64 "}", o->n ? "," : "", name,
		    row->num[1], row->num[2]);
	else
		buf_printf(o->out, "%-24s  %7" PRId64 "  %7" PRId64 "\n", name,
		    row->num[1], row->num[2]);
	o->n++;
}

static void S_slug_row(void *arg, const struct vt_row *row)
{
	*(int64_t *)arg = row->num[0];
}

static int S_sources_query(struct tail *t, struct sources_out *o,
    const char *const *binds)
{
	return vtdata_rows(t, "SELECT s.source, "
	    "sum(CASE WHEN s.day = ?2 THEN s.views ELSE 0 END), sum(s.views) "
	    "FROM source_days s JOIN articles a ON a.id = s.article_id "
	    "WHERE s.day BETWEEN ?1 AND ?2 AND (?3 = '' OR a.slug = ?3) "
	    "GROUP BY s.source ORDER BY 3 DESC, 2 DESC, 1", binds, 3,
	    S_sources_row, o);
}

int vtreaders_sources(struct tail *t, time_t now)
{
	char first[11], today[11];
	const char *slug = t->sources_slug ? t->sources_slug : "";
	const char *binds[3] = { first, today, slug };
	struct buf out = BUF_INIT;
	struct sources_out o = { &out, t->json, 0 };
	int64_t found = 1;
	int rc;

	vtdata_week(now, first, today);
	if (slug[0] != '\0' && vtdata_rows(t, "SELECT count(*) FROM articles "
	    "WHERE slug = ?1", &slug, 1, S_slug_row, &found) == 0 && !found) {
		fprintf(stderr, "viewtail: no article has the slug %s\n", slug);
		return 1;
	}
	buf_puts(&out, t->json ? "[" : "SOURCE                      TODAY   "
	    "7 DAYS\n");
	rc = S_sources_query(t, &o, binds);
	buf_puts(&out, t->json ? (o.n ? "\n]\n" : "]\n") : "");
	if (rc != 0)
		fprintf(stderr, "viewtail: %s\n", t->err);
	else
		rc = vtout_write(&out);
	buf_free(&out);
	return rc == 0 ? 0 : 1;
}
