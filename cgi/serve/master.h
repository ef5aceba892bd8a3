/* master.h: the master process: it forks the workers, restarts any that
 * die, folds the live counters into SQLite every second, rewrites the
 * error pages nginx serves when the owner changes anything, reloads
 * templates on SIGHUP and stops on SIGTERM/SIGINT. */
#ifndef ARTICLED_MASTER_H
#define ARTICLED_MASTER_H

#include <signal.h>
#include <sys/types.h>
#include <time.h>

#include "serve/fold.h"

#define MAX_WORKERS		64
#define DEFAULT_MIN_WORKERS	2	/* main.c: the default's floor */

struct counter;
struct heartbeat;
struct templates;

/* What the command line and the environment ask for (main.c). */
struct options {
	const char	*db;
	const char	*socket;
	const char	*templates;
	const char	*error_pages;
	const char	*user;
	unsigned	 socket_mode;
	int		 workers;
	int		 no_views;
	int		 upgrade;	/* --upgrade: upgrade, then exit */
	const char	*media_dir;	/* --media-dir (set by main.c) */
	const char	*picture_maker;	/* --picture-maker (set by main.c) */
	int		 make_pictures;	/* --make-pictures: make, then exit */
};

struct worker_slot {
	pid_t	pid;
	time_t	started;
	time_t	restart_at;	/* backoff after a crash loop */
	int	quick_deaths;
	int	retire;		/* SIGHUP: replace once it exits */
	int	stuck;		/* killed for its heartbeat; logged */
};

struct master {
	struct options		 opt;
	pid_t			 pid;
	int			 fd;
	struct templates	*tmpl;		/* the next worker's, owned */
	struct counter		*counter;	/* opened once; workers inherit it */
	int			 counter_failing;	/* logged once */
	int			 views_file_moved;	/* logged once */
	struct folder		 folder;	/* the master's own connection */
	struct heartbeat	*beats;		/* one per slot, shared memory */
	long long		 error_pages_rev;	/* rev they show */
	sigset_t		 waitmask;	/* signals open while waiting */
	dev_t			 db_dev;	/* the file the workers opened */
	ino_t			 db_ino;
	struct worker_slot	 w[MAX_WORKERS];
	struct worker_slot	 maker;		/* the picture maker (master_maker.c) */
};

/* Runs the master on m->fd until SIGTERM/SIGINT; returns the exit code. */
int	master_run(struct master *m);

/* Writes the error pages for nginx into o->error_pages (if set) in the
 * site's layout, from templates loaded afresh and the site's settings.
 * 0, or -1 with the reason logged. */
int	master_write_error_pages(const struct options *o);

/* The picture maker, a child like the workers (master_maker.c): started
 * when not running (with the workers' back-off), told whether a pid
 * reaped was its (1) or not (0) (stopping: the master is, so its end is
 * not news), and asked to stop with them. */
void	master_maker_fill(struct master *m);
int	master_maker_reaped(struct master *m, pid_t pid, int status,
	    int stopping);
void	master_maker_stop(struct master *m);

#endif
