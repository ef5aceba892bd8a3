/* clinic_week.h: the clinic's week as every page's footer and /contact
 * show it: the opening hours of each weekday, and the closures to
 * announce on a day: each from 14 days before it starts until it ends.
 * No page says "open now": a page depends on the day (the page cache
 * is dropped at midnight UTC: site.c), never on the time of day.
 * Defined in layout.c, which draws it in every page's footer. */
#ifndef ARTICLED_CLINIC_WEEK_H
#define ARTICLED_CLINIC_WEEK_H

#include <stddef.h>

#include "pages/layout.h"

#define CLINIC_CLOSURES_MAX	16
#define CLINIC_CLOSURE_LEAD	14	/* days a closure is announced before */

struct site;

struct clinic_week {
	char		 times[7][64];	/* "9:00 to 12:30, 14:00 to 18:00" */
	struct tval	 vals[7][2];
	struct tctx	 days[7];
	size_t		 ndays;		/* 0: the owner set no hours */
	char		 dates[CLINIC_CLOSURES_MAX][112];
	struct tval	 cvals[CLINIC_CLOSURES_MAX][2];
	struct tctx	 closures[CLINIC_CLOSURES_MAX];
	size_t		 nclosures;
};

/* Fills w from site's settings as of today (2025-12-10). */
void	clinic_week(const struct site *site, const char *today,
	    struct clinic_week *w);
/* Appends the week's template values: hours (day, times), has_hours,
 * closures (dates, note), has_closures. */
size_t	clinic_week_values(const struct clinic_week *w, struct tval *v);
#define CLINIC_WEEK_VALS	4

#endif
