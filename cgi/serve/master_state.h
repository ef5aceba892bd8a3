/* master_state.h: the master's state, shared by the master's files
 * (master.c: the workers and the fold; master_maker.c: the picture
 * maker) and main.c, which fills the options: what the command line asks
 * for, each child's slot, the master's own connection. */
#ifndef ARTICLED_MASTER_STATE_H
#define ARTICLED_MASTER_STATE_H

#include <signal.h>
#include <sys/types.h>
#include <time.h>

#include "serve/fold.h"

#define MAX_WORKERS		64
#define DEFAULT_MIN_WORKERS	2	/* main.c: the default's floor */

struct counter;
struct heartbeat;
struct readers;
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
	int		 no_readers;	/* --no-readers: views only */
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
	struct fold		 fold;	/* the master's own connection */
	struct readers		*readers;	/* made before any fork; NULL: none */
	struct heartbeat	*beats;		/* one per slot, shared memory */
	struct ratelimit	*limit;		/* the question form's, shared memory */
	long long		 error_pages_rev;	/* rev they show */
	sigset_t		 waitmask;	/* signals open while waiting */
	dev_t			 db_dev;	/* the file the workers opened */
	ino_t			 db_ino;
	struct worker_slot	 w[MAX_WORKERS];
	struct worker_slot	 maker;		/* the picture maker (master_maker.c) */
};

#endif
