/* viewtail.c: the admin's view of article views.  A table of every
 * article by live total (today, last 7 days, a 14-day sparkline), or with
 * -f one line per article whose count moved, like tail -f.  It reads the
 * database read-only and the live counter file (counter.h) as it is, and
 * never writes either, so it is safe beside a running articled.  This
 * file holds the options and the follow loop; viewtail_data.c reads,
 * viewtail_out.c prints. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/alloc.h"
#include "lib/buf.h"
#include "lib/counter.h"
#include "viewtail/viewtail_data.h"
#include "viewtail/viewtail_out.h"

/* 'make install' gives the installed database; in the checkout it is
 * db/site.db from the current folder. */
#ifdef VIEWTAIL_DB
#define VT_DEFAULT_DB	VIEWTAIL_DB
#else
#define VT_DEFAULT_DB	"db/site.db"
#endif

static volatile sig_atomic_t S_stop_requested;

/* The table (or its JSON) of every article, once.  Exit status 0 or 1. */
static int S_show(struct tail *t)
{
	struct snapshot s;
	struct buf out = BUF_INIT;
	int rc;

	if (vtdata_load(t, &s, 1, time(NULL)) != 0) {
		fprintf(stderr, "viewtail: %s\n", t->err);
		return 1;
	}
	vtout_sort(&s);
	if (t->json)
		vtout_json(&out, &s);
	else
		vtout_table(&out, &s, vtout_columns());
	if (!t->json)
		vtout_pending(&out, &s, time(NULL));
	rc = vtout_write(&out) == 0 ? 0 : 1;
	buf_free(&out);
	vtdata_free(&s);
	return rc;
}

/* -- following ---------------------------------------------------------- */

struct change {
	const struct vt_article	*art;
	int64_t			 delta;
};

static int S_change_by_slug(const void *pa, const void *pb)
{
	const struct change *a = pa, *b = pb;
	size_t n = a->art->slug_len < b->art->slug_len ?
	    a->art->slug_len : b->art->slug_len;
	int c;

	if ((c = memcmp(a->art->slug, b->art->slug, n)) != 0)
		return c;
	return a->art->slug_len < b->art->slug_len ? -1 :
	    a->art->slug_len > b->art->slug_len;
}

/* One line per article that was viewed since prev, by slug.  Views are
 * the live total less the imported count: an owner's change of
 * views.imported moves the total but is not a burst of views.  An
 * article new since prev starts from 0, so the views it got in its first
 * second are shown too. */
static int S_print_changes(const struct snapshot *prev,
    const struct snapshot *cur, time_t now, int json)
{
	struct buf out = BUF_INIT;
	struct change *ch;
	const struct vt_article *old;
	size_t i, n = 0;
	int64_t before, viewed;
	int rc = 0;

	ch = xcalloc(cur->n, sizeof(*ch));
	for (i = 0; i < cur->n; i++) {
		old = vtdata_find(prev, cur->art[i].id);
		before = old != NULL ? vtdata_sub(old->live, old->imported) : 0;
		viewed = vtdata_sub(cur->art[i].live, cur->art[i].imported);
		if (viewed == before)
			continue;
		ch[n].art = &cur->art[i];
		ch[n++].delta = vtdata_sub(viewed, before);
	}
	if (n > 0)
		qsort(ch, n, sizeof(*ch), S_change_by_slug);
	for (i = 0; i < n && rc == 0; i++) {
		buf_reset(&out);
		vtout_change(&out, ch[i].art, ch[i].delta, now, json);
		rc = vtout_write(&out);
	}
	buf_free(&out);
	free(ch);
	return rc;
}

/* A line when a question arrived since prev (its id is past prev's). */
static int S_print_question(const struct snapshot *prev,
    const struct snapshot *cur, time_t now, int json)
{
	struct buf out = BUF_INIT;
	int rc;

	if (cur->newest <= prev->newest)
		return 0;
	vtout_question(&out, cur, now, json);
	rc = vtout_write(&out);
	buf_free(&out);
	return rc;
}

/* Reports a problem met while following once, not every second. */
static void S_follow_warn(struct tail *t)
{
	if (strcmp(t->err, t->said) == 0)
		return;
	fprintf(stderr, "viewtail: %s\n", t->err);
	memcpy(t->said, t->err, sizeof(t->said));
}

/* One poll: reopen a database that was replaced (counting from its
 * state, printing nothing for the switch), then print what moved. */
static int S_follow_poll(struct tail *t, struct snapshot *prev)
{
	struct snapshot cur;
	time_t now = time(NULL);
	int reopened = 0;

	if (t->db != NULL && vtdata_replaced(t)) {
		vtdata_close(t);
		fprintf(stderr, "viewtail: %s was replaced or removed; "
		    "following the file at that path\n", t->db_path);
	}
	if (t->db == NULL) {
		if (vtdata_open(t) != 0) {
			S_follow_warn(t);
			return 0;
		}
		reopened = 1;
	}
	if (vtdata_load(t, &cur, 0, now) != 0) {
		S_follow_warn(t);
		return 0;
	}
	t->said[0] = '\0';
	if (!reopened && (S_print_changes(prev, &cur, now, t->json) != 0 ||
	    S_print_question(prev, &cur, now, t->json) != 0)) {
		vtdata_free(&cur);
		return -1;
	}
	vtdata_free(prev);
	*prev = cur;
	return 0;
}

static void S_on_stop(int sig)
{
	(void)sig;
	S_stop_requested = 1;
}

/* No SA_RESTART: the signal also cuts the sleep short. */
static void S_catch_stop(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = S_on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Sleeps to the next whole second after *next on the monotonic clock,
 * so polls do not drift; after a suspend it starts again from now. */
static void S_sleep_tick(struct timespec *next)
{
	struct timespec now;

	next->tv_sec++;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec > next->tv_sec + 1)
		*next = now;
	while (!S_stop_requested && clock_nanosleep(CLOCK_MONOTONIC,
	    TIMER_ABSTIME, next, NULL) == EINTR)
		;
}

/* Until SIGINT or SIGTERM (status 0); 1 if the first read fails or
 * stdout goes away. */
static int S_follow(struct tail *t)
{
	struct snapshot prev;
	struct timespec next;
	int rc = 0;

	S_catch_stop();
	if (vtdata_load(t, &prev, 0, time(NULL)) != 0) {
		fprintf(stderr, "viewtail: %s\n", t->err);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &next);
	while (rc == 0) {
		S_sleep_tick(&next);
		if (S_stop_requested)
			break;
		rc = S_follow_poll(t, &prev);
	}
	vtdata_free(&prev);
	return rc == 0 ? 0 : 1;
}

/* -- options ------------------------------------------------------------ */

static void S_usage(FILE *f)
{
	fputs("usage: viewtail [--db PATH] [--json] [-f | --follow]\n"
	    "       viewtail --help\n"
	    "\n"
	    "Shows every article's views, most viewed first: total, today,\n"
	    "the last 7 days and a sparkline of the last 14 (UTC days).\n"
	    "\n"
	    "  --db PATH     the database (default " VT_DEFAULT_DB ");\n"
	    "                its live counter file is PATH-views\n"
	    "  -f, --follow  every second, print a line for each article\n"
	    "                whose views changed: HH:MM:SS(UTC) +N TOTAL SLUG\n"
	    "  --json        JSON instead of text (with -f, a line each)\n"
	    "  -h, --help    print this help and exit\n", f);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "follow", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tail t;
	int c, rc;

	memset(&t, 0, sizeof(t));
	t.db_path = VT_DEFAULT_DB;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":fh", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			t.db_path = optarg;
			break;
		case 'f':
			t.follow = 1;
			break;
		case 'j':
			t.json = 1;
			break;
		case 'h':
			S_usage(stdout);
			return 0;
		case ':':
			fprintf(stderr, "viewtail: %s needs an argument\n",
			    argv[optind - 1]);
			S_usage(stderr);
			return 2;
		default:
			if (optopt != 0)
				fprintf(stderr, "viewtail: unknown option "
				    "-%c\n", optopt);
			else
				fprintf(stderr, "viewtail: unknown option "
				    "%s\n", argv[optind - 1]);
			S_usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "viewtail: unexpected argument %s\n",
		    argv[optind]);
		S_usage(stderr);
		return 2;
	}
	if ((size_t)snprintf(t.counter_path, sizeof(t.counter_path),
	    "%s-views", t.db_path) >= sizeof(t.counter_path)) {
		fprintf(stderr, "viewtail: %s: path too long\n", t.db_path);
		return 1;
	}
	if (vtdata_open(&t) != 0) {
		fprintf(stderr, "viewtail: %s\n", t.err);
		return 1;
	}
	rc = t.follow ? S_follow(&t) : S_show(&t);
	counter_close(t.counter);
	vtdata_close(&t);
	return rc;
}
