/* log.c: one-line messages on stderr (see log.h). */
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "log.h"

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
