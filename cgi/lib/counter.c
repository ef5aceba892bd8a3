/* counter.c: file-backed shared-memory view counters (see counter.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* fallocate(2), whoever compiles this file */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "lib/counter.h"

#define COUNTER_MAGIC	"ARTVIEWS"
#define COUNTER_VERSION	1

struct counter_header {
	char		magic[8];
	uint32_t	version;
	uint32_t	capacity;
	uint64_t	generation;
	char		pad[40];
};

struct counter_slot {
	_Atomic int64_t		key;
	_Atomic uint64_t	count;
};

struct counter {
	void			*map;
	size_t			 maplen;
	struct counter_header	*hdr;
	struct counter_slot	*slots;
	size_t			 capacity;
	int			 readonly;
	char			*path;	/* DB-views, as opened */
	dev_t			 dev;	/* the file mapped */
	ino_t			 ino;
};

_Static_assert(sizeof(struct counter_header) == 64, "header is 64 bytes");
_Static_assert(sizeof(struct counter_slot) == 16, "slot is 16 bytes");

static size_t S_file_size(size_t capacity)
{
	return sizeof(struct counter_header) +
	    capacity * sizeof(struct counter_slot);
}

static uint64_t S_random_generation(void)
{
	uint64_t g = 0;
	struct timespec ts;
	int fd;

	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (read(fd, &g, sizeof(g)) != (ssize_t)sizeof(g))
			g = 0;
		close(fd);
	}
	if (g == 0) {
		clock_gettime(CLOCK_REALTIME, &ts);
		g = (uint64_t)ts.tv_sec * 1000000007u ^
		    (uint64_t)ts.tv_nsec ^ (uint64_t)getpid() << 32;
	}
	return (g & 0x7fffffffffffffffu) | 1;	/* fits SQLite's INTEGER */
}

/* Builds a complete file under a temporary name and links it into place,
 * so no process ever maps a file whose header is half written.  Losing
 * the race to another creator is fine: link fails with EEXIST. */
static int S_create(const char *path, char *err, size_t errlen)
{
	struct counter_header hdr;
	char tmp[4096];
	int fd, rc = -1, erc;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path,
	    (long)getpid()) >= sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0) {
		snprintf(err, errlen, "create %s: %s", tmp, strerror(errno));
		return -1;
	}
	memset(&hdr, 0, sizeof(hdr));
	memcpy(hdr.magic, COUNTER_MAGIC, 8);
	hdr.version = COUNTER_VERSION;
	hdr.capacity = COUNTER_CAPACITY;
	hdr.generation = S_random_generation();
	/* Every block allocated now, not a sparse file: a worker's first
	 * store to a page of a hole needs a block, and on a full disk the
	 * kernel answers that with SIGBUS, not an error. */
	if ((erc = posix_fallocate(fd, 0,
	    (off_t)S_file_size(COUNTER_CAPACITY))) != 0)
		snprintf(err, errlen, "allocate %s: %s", tmp, strerror(erc));
	else if (pwrite(fd, &hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr))
		snprintf(err, errlen, "write %s: %s", tmp, strerror(errno));
	else if (fsync(fd) != 0)
		snprintf(err, errlen, "fsync %s: %s", tmp, strerror(errno));
	else if (link(tmp, path) != 0 && errno != EEXIST)
		snprintf(err, errlen, "link %s: %s", path, strerror(errno));
	else
		rc = 0;
	close(fd);
	unlink(tmp);
	return rc;
}

static int S_map(struct counter *c, int fd, const char *path, char *err,
    size_t errlen)
{
	struct counter_header hdr;
	struct stat st;
	int prot = c->readonly ? PROT_READ : PROT_READ | PROT_WRITE;

	if (fstat(fd, &st) != 0) {
		snprintf(err, errlen, "stat %s: %s", path, strerror(errno));
		return -1;
	}
	if (pread(fd, &hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr) ||
	    memcmp(hdr.magic, COUNTER_MAGIC, 8) != 0 ||
	    hdr.version != COUNTER_VERSION || hdr.capacity == 0 ||
	    (size_t)st.st_size < S_file_size(hdr.capacity)) {
		snprintf(err, errlen, "%s: not an articled view counter file "
		    "(move it away; a new one is made on the next start)", path);
		return -1;
	}
	c->dev = st.st_dev;
	c->ino = st.st_ino;
	c->capacity = hdr.capacity;
	c->maplen = S_file_size(hdr.capacity);
	/* A file made sparse by an older articled: fill its holes while
	 * there is room (see S_create).  fallocate(2), never glibc's
	 * posix_fallocate emulation, which would write zeros over counts
	 * that other processes are adding to; best effort. */
	if (!c->readonly)
		(void)fallocate(fd, 0, 0, (off_t)c->maplen);
	c->map = mmap(NULL, c->maplen, prot, MAP_SHARED, fd, 0);
	if (c->map == MAP_FAILED) {
		snprintf(err, errlen, "mmap %s: %s", path, strerror(errno));
		return -1;
	}
	c->hdr = c->map;
	c->slots = (struct counter_slot *)((char *)c->map + sizeof(hdr));
	return 0;
}

struct counter *counter_open(const char *db_path, enum counter_mode mode,
    char *err, size_t errlen)
{
	struct counter *c;
	char path[4096];
	int fd;

	err[0] = '\0';
	if ((size_t)snprintf(path, sizeof(path), "%s-views", db_path) >=
	    sizeof(path)) {
		snprintf(err, errlen, "%s: path too long", db_path);
		return NULL;
	}
	if (mode == COUNTER_WRITE && access(path, F_OK) != 0 &&
	    S_create(path, err, errlen) != 0)
		return NULL;
	fd = open(path, (mode == COUNTER_READONLY ? O_RDONLY : O_RDWR) |
	    O_CLOEXEC);
	if (fd < 0) {
		if (!(mode == COUNTER_READONLY && errno == ENOENT))
			snprintf(err, errlen, "open %s: %s", path,
			    strerror(errno));
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	c->readonly = mode == COUNTER_READONLY;
	if (S_map(c, fd, path, err, errlen) != 0) {
		close(fd);
		free(c);
		return NULL;
	}
	close(fd);
	c->path = xstrdup(path);
	return c;
}

void counter_close(struct counter *c)
{
	if (c == NULL)
		return;
	munmap(c->map, c->maplen);
	free(c->path);
	free(c);
}

int counter_moved(const struct counter *c)
{
	struct stat st;

	return stat(c->path, &st) != 0 || st.st_dev != c->dev ||
	    st.st_ino != c->ino;
}

int counter_deleted(const struct counter *c)
{
	struct stat st;

	return stat(c->path, &st) != 0 && errno == ENOENT;
}

uint64_t counter_generation(const struct counter *c)
{
	return c->hdr->generation;
}

int64_t counter_base(int64_t total, int64_t folded, int same_generation)
{
	int64_t r;

	if (!same_generation)
		return total;
	if (__builtin_sub_overflow(total, folded, &r))
		return folded < 0 ? INT64_MAX : INT64_MIN;
	return r;
}

int64_t counter_live(int64_t base, uint64_t count)
{
	int64_t r;

	if (count > INT64_MAX ||
	    __builtin_add_overflow(base, (int64_t)count, &r))
		return INT64_MAX;
	return r;
}

size_t counter_capacity(const struct counter *c)
{
	return c->capacity;
}

/* Linear probing from a mixed hash of the key.  A slot's key goes from 0
 * to its owner exactly once (compare-and-swap) and never changes again,
 * so a reader that found its key can use the slot without any lock. */
struct counter_slot *counter_slot(struct counter *c, int64_t key)
{
	uint64_t h = (uint64_t)key * 0x9E3779B97F4A7C15u;
	size_t n, idx;
	int64_t seen;

	if (key <= 0)
		return NULL;
	for (n = 0; n < c->capacity; n++) {
		idx = (size_t)((h >> 17) + n) % c->capacity;
		seen = atomic_load_explicit(&c->slots[idx].key,
		    memory_order_acquire);
		if (seen == key)
			return &c->slots[idx];
		if (seen != 0)
			continue;
		if (c->readonly)
			return NULL;
		if (atomic_compare_exchange_strong_explicit(&c->slots[idx].key,
		    &seen, key, memory_order_acq_rel, memory_order_acquire))
			return &c->slots[idx];
		if (seen == key)	/* another worker claimed it for us */
			return &c->slots[idx];
	}
	return NULL;
}

uint64_t counter_add(struct counter_slot *s)
{
	return atomic_fetch_add_explicit(&s->count, 1, memory_order_relaxed)
	    + 1;
}

uint64_t counter_get(const struct counter_slot *s)
{
	return atomic_load_explicit(&((struct counter_slot *)s)->count,
	    memory_order_relaxed);
}

int64_t counter_key(const struct counter_slot *s)
{
	return atomic_load_explicit(&((struct counter_slot *)s)->key,
	    memory_order_relaxed);
}

int counter_at(const struct counter *c, size_t i, int64_t *key,
    uint64_t *count)
{
	int64_t k = atomic_load_explicit(&c->slots[i].key,
	    memory_order_acquire);

	if ((*key = k) == 0)
		return 0;
	*count = atomic_load_explicit(&c->slots[i].count,
	    memory_order_relaxed);
	return 1;
}
