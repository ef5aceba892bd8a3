/* alerts.h: urgent-care boxes (issue 21).  A block quote whose first
 * line is a marker alone, in GitHub's alert shape,
 *     > [!999]      Call 999 or go to A&E now if:
 *     > [!111]      Call 111 or ask for an urgent GP appointment if:
 *     > [!GP]       See a GP if:
 * becomes a box with its level's heading (the clinic.urgent.* settings).
 * The stored render holds a marker of control bytes no other HTML of ours
 * can hold (markdown.c cleans them out of all text) where the box opens
 * and closes; the page, or the feed, draws it when drawn, so a changed
 * heading needs no render again.  Anything else stays a quote. */
#ifndef ARTICLED_ALERTS_H
#define ARTICLED_ALERTS_H

#include <stddef.h>

#include "lib/buf.h"

enum alert_level { ALERT_999, ALERT_111, ALERT_GP, ALERT__MAX };

/* The level of marker s (n bytes: "[!999]", "[!111]", "[!GP]", GP in
 * any case), or -1. */
int	alerts_level(const char *s, size_t n);

/* The settings' name of a level's heading ("urgent.999") and the
 * heading when the owner set none. */
const char	*alerts_setting(enum alert_level level);
const char	*alerts_default(enum alert_level level);

/* The markers a stored render holds (markdown.c writes them). */
void	alerts_open_marker(enum alert_level level, char *out, size_t outlen);
#define ALERTS_CLOSE_MARKER	"\016/\017"

struct site;
/* The headings the clinic's settings give (NULL: the default). */
void	alerts_headings(const struct site *site,
	    const char *heading[ALERT__MAX]);

/* How a box is drawn: on a page (a note with its heading), or in the
 * feed (a plain quote whose first line is its heading). */
enum alert_use { ALERT_PAGE, ALERT_FEED };

/* Appends html (n bytes) to out with each box drawn as use says, under
 * heading[level] (plain text; NULL: the default). */
void	alerts_compose(const char *html, size_t n,
	    const char *const heading[ALERT__MAX], enum alert_use use,
	    struct buf *out);

#endif
