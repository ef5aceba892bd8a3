/* heartbeat.c: per-worker stamps in shared memory (heartbeat.h).  A
 * monotonic clock, so that setting the wall clock kills no worker. */
#include <sys/mman.h>
#include <time.h>

#include "serve/heartbeat.h"

struct heartbeat *heartbeats_open(int n)
{
	void *p = mmap(NULL, sizeof(struct heartbeat) * (size_t)n,
	    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;	/* zeroed by the kernel */
}

void heartbeats_free(struct heartbeat *hb, int n)
{
	if (hb != NULL)
		munmap(hb, sizeof(struct heartbeat) * (size_t)n);
}

long long heartbeat_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void heartbeat_idle(struct heartbeat *hb)
{
	if (hb == NULL)
		return;
	atomic_store(&hb->busy, 0);
	atomic_store(&hb->stamp_ms, heartbeat_now());
}

void heartbeat_busy(struct heartbeat *hb)
{
	if (hb == NULL)
		return;
	atomic_store(&hb->stamp_ms, heartbeat_now());
	atomic_store(&hb->busy, 1);
}

long long heartbeat_stale(const struct heartbeat *hb, long long now_ms,
    int *busy)
{
	long long stamp = atomic_load(&hb->stamp_ms);

	*busy = atomic_load(&hb->busy);
	if (stamp == 0 || now_ms - stamp <= HEARTBEAT_STUCK_MS)
		return 0;
	return now_ms - stamp;
}
