/* master_maker.h: the master's picture maker (master_maker.c). */
#ifndef ARTICLED_MASTER_MAKER_H
#define ARTICLED_MASTER_MAKER_H

#include <sys/types.h>

struct master;

/* The picture maker, a child like the workers (master_maker.c): started
 * when not running (with the workers' back-off), told whether a pid
 * reaped was its (1) or not (0) (stopping: the master is, so its end is
 * not news), and asked to stop with them. */
void	master_maker_fill(struct master *m);
int	master_maker_reaped(struct master *m, pid_t pid, int status,
	    int stopping);
void	master_maker_stop(struct master *m);

#endif
