/* check.h: articled check, the owner's site check (issue 21): a
 * read-only pass over every article that lists what needs the owner's
 * attention, and exits non-zero when anything does (check.c; the rules
 * in check_int.h). */
#ifndef ARTICLED_CHECK_H
#define ARTICLED_CHECK_H

/* articled check [--db PATH] [--json]: 0 nothing to do, 1 something
 * needs attention, 2 the check could not run. */
int	check_main(int argc, char **argv, const char *default_db);

#endif
