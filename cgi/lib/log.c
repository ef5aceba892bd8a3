/* log.c: one-line messages on stderr (see log.h). */
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "lib/log.h"

void log_line(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	/* Built first and written by one call: stderr is unbuffered, and
	 * pieces written one by one could interleave with another
	 * process's line. */
	n = snprintf(line, sizeof(line), "articled[%ld]: ", (long)getpid());
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", line);
}

void log_db_down(struct db_spell *s, const char *why)
{
	if (!s->down && !s->quiet)
		log_line("database unavailable (pages answer 503; views are "
		    "kept and folded when it returns): %s", why);
	s->down = 1;
}

void log_db_back(struct db_spell *s, const char *path)
{
	if (s->down && !s->quiet)
		log_line("database %s available again", path);
	s->down = 0;
}
