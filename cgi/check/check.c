/* check.c: articled check (check.h): opens the database, reads it in one
 * read transaction, and prints what needs the owner's attention per
 * article, as text or (--json) as JSON.  Never writes: a body whose
 * stored render is missing or stale is rendered in memory, not stored. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check/check.h"
#include "check/check_int.h"
#include "render/jsonld_text.h"
#include "lib/alloc.h"
#include "render/markdown.h"
#include "render/render.h"
#include "store/store.h"
#include "store/store_check.h"

struct run {
	struct check_ctx	 c;
	int			 json;
	size_t			 checked;
	size_t			 flagged;
	struct buf		 out;
};

static void S_grow(struct check_names *l)
{
	l->cap = l->cap ? l->cap * 2 : 64;
	l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	l->status = xrealloc(l->status, l->cap * sizeof(*l->status));
}

static void S_name(enum check_name kind, const char *name,
    const char *status, void *arg)
{
	struct check_names *l = &((struct run *)arg)->c.names[kind];

	if (l->n == l->cap)
		S_grow(l);
	l->v[l->n] = xstrdup(name);
	l->status[l->n++] = xstrdup(status);
}

static int S_by_name(const void *a, const void *b, void *arg)
{
	const char *const *v = arg;

	return strcmp(v[*(const size_t *)a], v[*(const size_t *)b]);
}

/* Sorts a list by name, its statuses along. */
static void S_sort(struct check_names *l)
{
	size_t *idx = xcalloc(l->n + 1, sizeof(*idx)), i;
	char **v = xcalloc(l->n + 1, sizeof(*v));
	char **st = xcalloc(l->n + 1, sizeof(*st));

	for (i = 0; i < l->n; i++)
		idx[i] = i;
	qsort_r(idx, l->n, sizeof(*idx), S_by_name, l->v);
	for (i = 0; i < l->n; i++) {
		v[i] = l->v[idx[i]];
		st[i] = l->status[idx[i]];
	}
	free(l->v);
	free(l->status);
	free(idx);
	l->v = v;
	l->status = st;
}

static void S_waiting(int64_t id, int count, void *arg)
{
	struct check_ctx *c = &((struct run *)arg)->c;

	c->waiting = xrealloc(c->waiting, (c->nwaiting + 1) *
	    sizeof(*c->waiting));
	c->waiting[c->nwaiting].id = id;
	c->waiting[c->nwaiting++].count = count;
}

static void S_text_report(struct run *run, const struct check_row *r)
{
	size_t i;

	buf_printf(&run->out, "\n%s%s — %s\n", r->slug[0] ? r->slug : "(no slug)",
	    r->draft ? " (draft)" : "", r->title);
	for (i = 0; i < run->c.nproblems; i++)
		buf_printf(&run->out, "  %s\n",
		    strchr(run->c.problems[i], '\t') + 1);
}

static void S_json_problem(struct buf *out, const char *p, int first)
{
	const char *tab = strchr(p, '\t');

	buf_puts(out, first ? "{\"kind\":" : ",{\"kind\":");
	jsonld_string(out, p, (size_t)(tab - p));
	buf_puts(out, ",\"detail\":");
	jsonld_string(out, tab + 1, strlen(tab + 1));
	buf_putc(out, '}');
}

static void S_json_report(struct run *run, const struct check_row *r)
{
	size_t i;

	buf_printf(&run->out, "%s{\"id\":%lld,\"slug\":",
	    run->flagged > 1 ? "," : "", (long long)r->id);
	jsonld_string(&run->out, r->slug, strlen(r->slug));
	buf_puts(&run->out, ",\"title\":");
	jsonld_string(&run->out, r->title, strlen(r->title));
	buf_printf(&run->out, ",\"draft\":%s,\"problems\":[",
	    r->draft ? "true" : "false");
	for (i = 0; i < run->c.nproblems; i++)
		S_json_problem(&run->out, run->c.problems[i], i == 0);
	buf_puts(&run->out, "]}");
}

/* The stored render when it was made from this body by these rules. */
static int S_stored_ok(const struct check_row *r)
{
	const struct stored_render *s = &r->stored;

	return s->present && !s->slow && strcmp(s->rules, md_rules()) == 0 &&
	    s->len == (int64_t)r->body_len &&
	    s->hash == (int64_t)render_hash(r->body, r->body_len);
}

static void S_check_row(const struct check_row *r, struct run *run)
{
	struct md_page md;

	md_page_init(&md);
	if (S_stored_ok(r)) {
		check_article(&run->c, r, r->stored.html, r->stored.html_len,
		    r->stored.excerpt);
	} else if (md_render(r->body, r->body_len, &md) == 0) {
		check_article(&run->c, r, buf_cstr(&md.html), md.html.len,
		    buf_cstr(&md.excerpt));
	} else {
		check_flag(&run->c, "render-slow", "the body cannot be "
		    "rendered in time: its page answers 503 until it changes");
	}
	md_page_free(&md);
}

/* The article's problems, once reported. */
static void S_forget(struct check_ctx *c)
{
	while (c->nproblems > 0)
		free(c->problems[--c->nproblems]);
}

static void S_row(const struct check_row *r, void *arg)
{
	struct run *run = arg;

	run->checked++;
	S_check_row(r, run);
	if (run->c.nproblems > 0) {
		run->flagged++;
		(run->json ? S_json_report : S_text_report)(run, r);
	}
	S_forget(&run->c);
}

static void S_today(struct check_ctx *c)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(c->today, sizeof(c->today), "%Y-%m-%d", &tm);
}

/* Everything the rules look up, read before the articles. */
static enum store_rc S_prepare(struct store *s, struct run *run)
{
	const char *months = store_clinic_get(run->c.site, "review_months");
	enum store_rc rc;
	size_t i;

	S_today(&run->c);
	run->c.review_months = months != NULL ? atoi(months) : 12;
	check_phrases(&run->c);
	if ((rc = store_check_names(s, S_name, run)) != STORE_OK)
		return rc;
	for (i = 0; i < 3; i++)
		S_sort(&run->c.names[i]);
	return store_check_waiting(s, CHECK_WAITING_DAYS, S_waiting, run,
	    &run->c.comments);
}

static void S_print(struct run *run)
{
	if (run->json) {
		printf("{\"checked\":%zu,\"need_attention\":%zu,"
		    "\"comments_checked\":%s,\"articles\":[%s]}\n", run->checked,
		    run->flagged, run->c.comments ? "true" : "false",
		    buf_cstr(&run->out));
		return;
	}
	printf("articled check: %zu of %zu articles need attention%s\n",
	    run->flagged, run->checked, run->c.comments ? "" :
	    " (no comments table: questions not checked)");
	fputs(buf_cstr(&run->out), stdout);
}

static void S_free(struct run *run)
{
	size_t i, k;

	for (k = 0; k < 3; k++) {
		for (i = 0; i < run->c.names[k].n; i++) {
			free(run->c.names[k].v[i]);
			free(run->c.names[k].status[i]);
		}
		free(run->c.names[k].v);
		free(run->c.names[k].status);
	}
	for (i = 0; i < run->c.nphrases; i++)
		free(run->c.phrases[i]);
	free(run->c.phrases);
	free(run->c.problems);
	free(run->c.waiting);
	buf_free(&run->out);
}

/* 0, 1 or 2 (check.h). */
static int S_run(struct store *s, struct run *run)
{
	struct site site;
	enum store_rc rc;

	if ((rc = store_check_begin(s)) != STORE_OK)
		return 2;
	rc = store_site(s, &site);
	run->c.site = &site;
	if (rc == STORE_OK)
		rc = S_prepare(s, run);
	if (rc == STORE_OK)
		rc = store_check_articles(s, S_row, run);
	store_check_end(s);
	if (rc == STORE_OK)
		S_print(run);
	else
		fprintf(stderr, "articled check: reading the database failed: "
		    "%s\n", store_errmsg(s));
	store_site_free(&site);
	return rc != STORE_OK ? 2 : run->flagged > 0;
}

static int S_usage(FILE *f, int rc)
{
	fprintf(f, "usage: articled check [--db PATH] [--json]\n"
	    "Lists, per article, what needs the owner's attention (see "
	    "articled(8));\nexits 1 when anything does, 0 when nothing does, "
	    "2 when it cannot check.\n");
	return rc;
}

int check_main(int argc, char **argv, const char *default_db)
{
	static const struct option opts[] = { { "db", required_argument,
	    NULL, 'd' }, { "json", no_argument, NULL, 'j' }, { "help",
	    no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
	struct run run = { 0 };
	const char *db = default_db;
	char err[1024];
	struct store *s;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'd')
			db = optarg;
		else if (ch == 'j')
			run.json = 1;
		else
			return S_usage(ch == 'h' ? stdout : stderr, ch == 'h' ? 0 : 2);
	}
	if (optind != argc)
		return S_usage(stderr, 2);
	if ((s = store_open(db, err, sizeof(err))) == NULL) {
		fprintf(stderr, "articled check: %s\n", err);
		return 2;
	}
	rc = S_run(s, &run);
	store_close(s);
	S_free(&run);
	return rc;
}
