/* clinic_week.c: the clinic's week (clinic_week.h). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pages/clinic_week.h"
#include "store/store.h"

static const char *const S_days[7][2] = {
	{ "hours.mon", "Monday" }, { "hours.tue", "Tuesday" },
	{ "hours.wed", "Wednesday" }, { "hours.thu", "Thursday" },
	{ "hours.fri", "Friday" }, { "hours.sat", "Saturday" },
	{ "hours.sun", "Sunday" },
};

/* "09:00-12:30,14:00-18:00" as "09:00 to 12:30, 14:00 to 18:00". */
static void S_times(const char *v, char *out, size_t outlen)
{
	size_t at = 0;

	snprintf(out, outlen, "Closed");
	if (v == NULL || strcmp(v, "closed") == 0)
		return;
	for (; strlen(v) >= 11 && at < outlen; v += 12) {
		at += (size_t)snprintf(out + at, outlen - at, "%s%.5s to %.5s",
		    at > 0 ? ", " : "", v, v + 6);
		if (v[11] != ',')
			break;
	}
}

/* day (2025-12-24) plus n days, as a date string into out[11]. */
static void S_add_days(const char *day, int n, char out[11])
{
	struct tm tm = { 0 };
	time_t t;

	out[0] = '\0';
	if (sscanf(day, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday) != 3)
		return;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_mday += n;
	t = timegm(&tm);	/* normalises the day */
	strftime(out, 11, "%Y-%m-%d", gmtime_r(&t, &tm));
}

/* "24 December 2025", "24 to 27 December 2025" or "30 December 2025 to
 * 2 January 2026". */
static void S_dates(const struct closure *c, char *out, size_t outlen)
{
	char a[48], b[48];
	const char *sp;

	layout_human_date(c->starts, a, sizeof(a));
	layout_human_date(c->ends, b, sizeof(b));
	sp = strchr(a, ' ');
	if (strcmp(c->starts, c->ends) == 0)
		snprintf(out, outlen, "%s", a);
	else if (strncmp(c->starts, c->ends, 7) == 0 && sp != NULL)
		snprintf(out, outlen, "%.*s to %s", (int)(sp - a), a, b);
	else
		snprintf(out, outlen, "%s to %s", a, b);
}

static void S_closure(struct clinic_week *w, const struct closure *c)
{
	size_t n = w->nclosures++;

	S_dates(c, w->dates[n], sizeof(w->dates[n]));
	w->cvals[n][0] = tv_text("dates", w->dates[n]);
	w->cvals[n][1] = tv_text("note", c->note);
	w->closures[n].vals = w->cvals[n];
	w->closures[n].nvals = 2;
}

/* Each closure from CLINIC_CLOSURE_LEAD days before it starts until it
 * ends. */
static void S_closures(const struct site *site, const char *today,
    struct clinic_week *w)
{
	char from[11];
	size_t i;

	for (i = 0; i < site->nclosures; i++) {
		S_add_days(site->closures[i].starts, -CLINIC_CLOSURE_LEAD, from);
		if (strcmp(today, from) >= 0 &&
		    strcmp(today, site->closures[i].ends) <= 0 &&
		    w->nclosures < CLINIC_CLOSURES_MAX)
			S_closure(w, &site->closures[i]);
	}
}

static void S_day(struct clinic_week *w, size_t i, const char *hours)
{
	S_times(hours, w->times[i], sizeof(w->times[i]));
	w->vals[i][0] = tv_text("day", S_days[i][1]);
	w->vals[i][1] = tv_text("times", w->times[i]);
	w->days[i].vals = w->vals[i];
	w->days[i].nvals = 2;
}

void clinic_week(const struct site *site, const char *today,
    struct clinic_week *w)
{
	size_t i, set = 0;
	const char *hours;

	memset(w, 0, sizeof(*w));
	for (i = 0; i < 7; i++) {
		hours = store_clinic_get(site, S_days[i][0]);
		set += hours != NULL;
		S_day(w, i, hours);
	}
	w->ndays = set > 0 ? 7 : 0;	/* a day not set is closed */
	S_closures(site, today, w);
}

size_t clinic_week_values(const struct clinic_week *w, struct tval *v)
{
	size_t n = 0;

	v[n++] = tv_list("hours", w->days, w->ndays);
	v[n++] = tv_bool("has_hours", w->ndays > 0);
	v[n++] = tv_list("closures", w->closures, w->nclosures);
	v[n++] = tv_bool("has_closures", w->nclosures > 0);
	return n;
}
