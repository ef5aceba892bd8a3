/* site.c: a worker's view of the site (see site.h): the database probed
 * once a second, settings reread when site_version.rev moves or the next
 * scheduled article goes live. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"
#include "pages/site.h"
#include "store/store.h"

#define PROBE_SECONDS	1

int site_open(struct site_view *sv, const char *db_path, int lazy,
    char *err, size_t errlen)
{
	memset(sv, 0, sizeof(*sv));
	sv->store = lazy ? store_new(db_path) :
	    store_open(db_path, err, errlen);
	if (sv->store == NULL)
		return -1;
	sv->rev = -1;
	store_site(sv->store, &sv->settings);	/* the defaults when it fails */
	return 0;
}

void site_close(struct site_view *sv)
{
	store_close(sv->store);
	store_site_free(&sv->settings);
	memset(sv, 0, sizeof(*sv));
}

/* A new day (UTC) rereads the settings and drops every page: the
 * clinic's closures are announced by the day (clinic_week.h).  Once a
 * second at most, like the rest of the clock. */
static void S_new_day(struct site_view *sv)
{
	if (sv->today[0] != '\0' && strncmp(sv->now_iso, sv->today, 10) != 0) {
		sv->rev = -1;
		sv->changes++;
	}
}

void site_clock(struct site_view *sv)
{
	time_t now = time(NULL);
	struct tm tm;

	if (now == sv->now)
		return;
	sv->now = now;
	gmtime_r(&now, &tm);
	strftime(sv->now_iso, sizeof(sv->now_iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
	S_new_day(sv);
	strftime(sv->today, sizeof(sv->today), "%Y-%m-%d", &tm);
}

void site_forget(struct site_view *sv)
{
	sv->rev = -1;
	sv->changes++;
}

static void S_down(struct site_view *sv, const char *err)
{
	log_db_down(&sv->spell, err);
	site_forget(sv);
}

/* The open connection keeps reading a file that was made unreadable or
 * replaced; a probe once a second notices. */
static int S_database_ok(struct site_view *sv)
{
	char err[512];

	if (sv->now - sv->last_probe < PROBE_SECONDS && !sv->spell.down)
		return 1;
	if (sv->now == sv->last_probe && sv->spell.down)
		return 0;
	sv->last_probe = sv->now;
	if (store_probe(sv->store, err, sizeof(err)) != STORE_OK) {
		S_down(sv, err);
		return 0;
	}
	log_db_back(&sv->spell, store_path(sv->store));
	/* Reopened, perhaps on a file that replaced the old one: its pages,
	 * settings and counter keys may all differ, whatever its rev. */
	if (store_connects(sv->store) != sv->connects) {
		sv->connects = store_connects(sv->store);
		site_forget(sv);
	}
	return 1;
}

void site_unavailable(struct site_view *sv)
{
	sv->spell.down = 1;
	sv->last_probe = 0;	/* probe again at the next request */
	site_forget(sv);
	log_line("database error, answering 503: %s",
	    store_errmsg(sv->store));
}

/* Everything built depends on the site's content and on the time (a
 * scheduled article goes live); one small read tells whether it moved. */
int site_refresh(struct site_view *sv)
{
	int64_t rev;

	if (!S_database_ok(sv))
		return -1;
	if (store_site_rev(sv->store, &rev) != STORE_OK) {
		site_unavailable(sv);
		return -1;
	}
	if (rev == sv->rev && (sv->next_publish[0] == '\0' ||
	    strcmp(sv->now_iso, sv->next_publish) < 0))
		return 0;
	site_forget(sv);
	store_site_free(&sv->settings);
	if (store_site(sv->store, &sv->settings) != STORE_OK ||
	    store_next_publish(sv->store, sv->now_iso, sv->next_publish,
	    sizeof(sv->next_publish)) != STORE_OK) {
		site_unavailable(sv);
		return -1;
	}
	sv->rev = rev;
	return 0;
}
