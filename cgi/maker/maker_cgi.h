/* maker_cgi.h: the picture maker without a master.  A CGI run, after it
 * answered, starts one (articled --make-pictures, detached) when the site
 * changed since the last one finished; a lock file beside the database
 * (DB-maker.lock, which also keeps that site_version.rev) lets at most
 * one maker run at a time, whoever started it. */
#ifndef ARTICLED_MAKER_CGI_H
#define ARTICLED_MAKER_CGI_H

#include <stdint.h>

#include "maker/maker.h"

/* After a CGI answer (stdout closed, no database connection open):
 * starts a detached maker unless the last one finished at rev. */
void	maker_cgi_kick(const struct maker_opts *o, int64_t rev);
/* The lock, held until the returned descriptor is closed (at exit):
 * -1 when another maker holds it (or it cannot be made: logged). */
int	maker_lock(const char *db);
/* articled --make-pictures: takes the lock (or returns 0 at once if
 * another maker holds it), makes every pending picture, records the
 * rev it finished at.  The exit code. */
int	maker_cgi_run(const struct maker_opts *o);

#endif
