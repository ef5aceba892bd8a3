/* log.h: the server's one-line messages on stderr, which nginx,
 * spawn-fcgi or the CGI server collect: "articled[PID]: what happened". */
#ifndef ARTICLED_LOG_H
#define ARTICLED_LOG_H

/* Writes one line, whole: the master and the workers share stderr. */
void	log_line(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

#endif
