/* readers_int.h: the layout of the readers' memory, shared by readers.c
 * (making it, counting into it) and readers_take.c (the master's side:
 * what to fold, the day's roll) and by nothing else. */
#ifndef ARTICLED_READERS_INT_H
#define ARTICLED_READERS_INT_H

#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include "lib/readers.h"

#define READERS_SET_SLOTS	(READERS_SET_BYTES / sizeof(uint64_t))
/* Past three quarters full a linear-probing set slows down: the day's
 * figures become a lower bound from there, rather than the page path
 * slowing. */
#define READERS_SET_FULL	(READERS_SET_SLOTS / 4 * 3)

struct readers_art {
	_Atomic int64_t		 key;		/* views.key; 0: free */
	_Atomic uint64_t	 readers;
	_Atomic uint32_t	 nsources;	/* sources claimed for it */
	uint64_t		 folded;	/* the master's alone */
};

struct readers_src {
	_Atomic uint64_t	 id;		/* hash of (article, source); 0: free */
	_Atomic int		 ready;		/* article and name written */
	int64_t			 article;
	char			 name[READERS_SOURCE_LEN];
	_Atomic uint64_t	 views;
	uint64_t		 folded;	/* the master's alone */
};

/* One day's key, set and counts.  day 0: not in use. */
struct readers_bank {
	unsigned char		 key[16];
	_Atomic int64_t		 day;		/* day number (readers_day) */
	_Atomic uint32_t	 used;		/* members of the set */
	_Atomic int		 full;		/* some reader went uncounted */
	_Atomic uint64_t	 site;
	uint64_t		 site_folded;	/* the master's alone */
	int			 announced;	/* its key reached site_reader_days */
	time_t			 retire_at;	/* the old day: wipe from then */
	_Atomic uint64_t	 set[READERS_SET_SLOTS];
	struct readers_art	 arts[READERS_ARTICLES];
	struct readers_src	 srcs[READERS_SOURCES];
};

struct readers_shared {
	_Atomic int		 cur;		/* the bank the workers count in */
	uint32_t		 set_full;	/* READERS_SET_FULL, or a test's */
	struct readers_bank	 bank[2];
};

struct readers {
	struct readers_shared	*sh;
	size_t			 len;
	int			 shared;	/* mmap'd (the master's), not calloc'd */
	int			 count_readers;
	long			 day_seconds;	/* 86400 but in the test build */
	int64_t			 first_day;	/* day number at start */
	time_t			 first_date;	/* its real UTC date, at 00:00 */
};

/* The day number a time falls in (see readers_day_name). */
int64_t	 readers_day(const struct readers *rd, time_t now);
/* A fresh key and an empty bank for day (the master). */
int	 readers_bank_start(struct readers *rd, struct readers_bank *b,
	    int64_t day);
/* The bank's key overwritten and everything in it emptied. */
void	 readers_bank_wipe(struct readers_bank *b);

#endif
