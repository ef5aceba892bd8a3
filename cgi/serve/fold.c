/* fold.c: the live view counters into SQLite (see fold.h), with one log
 * line when the database goes away and one when it is back, however
 * many seconds pass between. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "serve/fold.h"
#include "lib/log.h"
#include "store/store.h"

void fold_init(struct fold *f, const char *db_path, struct counter *c)
{
	memset(f, 0, sizeof(*f));
	f->db_path = db_path;
	f->counter = c;
}

void fold_release(struct fold *f)
{
	store_close(f->store);
	f->store = NULL;
}

static int S_down(struct fold *f, const char *err)
{
	log_db_down(&f->spell, err);
	return -1;
}

/* The connection, opened or probed: 0, or -1 (logged) when the database
 * cannot be read. */
static int S_ready(struct fold *f)
{
	char err[1024];

	if (f->store == NULL &&
	    (f->store = store_open(f->db_path, err, sizeof(err))) == NULL)
		return S_down(f, err);
	if (store_probe(f->store, err, sizeof(err)) != STORE_OK)
		return S_down(f, err);
	log_db_back(&f->spell, f->db_path);
	return 0;
}

static void S_today(char *out, size_t outlen)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, outlen, "%Y-%m-%d", &tm);
}

int fold_run(struct fold *f, int busy_ms, uint64_t *moved)
{
	char today[16];
	enum store_rc rc;

	*moved = 0;
	if (f->counter == NULL || S_ready(f) != 0)
		return -1;
	S_today(today, sizeof(today));
	rc = store_fold(f->store, f->counter, today, busy_ms, moved);
	if (rc == STORE_BUSY)
		return 1;
	if (rc != STORE_OK) {
		/* Once, not every second for as long as the disk is full:
		 * the views wait safely in the counters meanwhile. */
		if (!f->failing)
			log_line("folding views failed, will retry every "
			    "second (views are kept meanwhile): %s",
			    store_fold_error(f->store));
		f->failing = 1;
		return -1;
	}
	if (f->failing)
		log_line("folding views works again");
	f->failing = 0;
	return 0;
}

long long fold_site_rev(struct fold *f)
{
	int64_t rev;

	if (f->store == NULL || store_site_rev(f->store, &rev) != STORE_OK)
		return -1;
	return (long long)rev;
}
