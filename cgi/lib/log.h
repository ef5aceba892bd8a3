/* log.h: the server's one-line messages on stderr, which nginx,
 * spawn-fcgi or the CGI server collect: "articled[PID]: what happened". */
#ifndef ARTICLED_LOG_H
#define ARTICLED_LOG_H

/* Writes one line, whole: the master and the workers share stderr. */
void	log_line(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

/* The database going away and coming back: one line when a spell starts
 * and one when it ends, however many requests or folds come between.  A
 * quiet spell (a worker under a master, which reports for it) is kept
 * but not logged. */
struct db_spell {
	int	down;
	int	quiet;
};
void	log_db_down(struct db_spell *s, const char *why);
void	log_db_back(struct db_spell *s, const char *path);

#endif
