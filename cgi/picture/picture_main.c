/* picture_main.c: articled-picture, the program that turns one
 * picture's original bytes (stdin) into the variants articled serves
 * (stdout).  It runs apart from articled because image decoders are
 * where memory bugs live: its own rlimits, its own seccomp filter.
 *
 * Order: options; every descriptor but 0, 1, 2 closed; rlimits; stdin
 * read whole (at most 20 MiB); libvips started (modules loaded); the
 * sandbox; then the untrusted bytes are decoded (picture_vips.c) and the answer written:
 *   size <W> <H>\n
 *   variant <format> <width> <height> <nbytes>\n<nbytes bytes>   (each)
 *   end\n                                             exit 0
 * or `refused <a sentence for the owner>\n`, exit 2.  Exit 1: our own
 * failure (bad option, a call that failed), said on stderr. */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "picture/picture_plan.h"
#include "picture/picture_sandbox.h"
#include "picture/picture_vips.h"

#define S_MAX_INPUT	(20L * 1024 * 1024)	/* the schema's own limit */
#define S_READ_CHUNK	(256 * 1024)
#define S_MAX_FILES	32			/* vips's init opens a few */
#define S_FILE_CAP	(512L * 1024 * 1024)	/* stdout a file: see limits */

struct opts {
	long long	max_pixels;
	long		max_memory_mib;	/* RLIMIT_AS */
	long		max_cpu_s;	/* RLIMIT_CPU */
};

static const char S_usage[] =
    "usage: articled-picture [--max-pixels N] [--max-memory MIB] "
    "[--max-cpu SECONDS] < picture > variants\n";

static int S_fail(const char *what)
{
	fprintf(stderr, "articled-picture: %s\n", what);
	return 1;
}

static int S_number(const char *s, long long max, long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 1 || v > max)
		return -1;
	*out = v;
	return 0;
}

static int S_option(struct opts *o, const char *name, const char *value)
{
	long long v;

	if (value == NULL || S_number(value, 1LL << 40, &v) != 0)
		return -1;
	if (strcmp(name, "--max-pixels") == 0)
		o->max_pixels = v;
	else if (strcmp(name, "--max-memory") == 0 && v <= 1 << 20)
		o->max_memory_mib = (long)v;
	else if (strcmp(name, "--max-cpu") == 0 && v <= 1 << 20)
		o->max_cpu_s = (long)v;
	else
		return -1;
	return 0;
}

static int S_options(int argc, char **argv, struct opts *o)
{
	int i;

	o->max_pixels = 50000000;
	o->max_memory_mib = 1024;
	o->max_cpu_s = 60;
	for (i = 1; i < argc; i += 2)
		if (S_option(o, argv[i], i + 1 < argc ? argv[i + 1] : NULL))
			return -1;
	return 0;
}

static int S_limit(int resource, rlim_t soft, rlim_t hard)
{
	struct rlimit rl = { soft, hard };

	return setrlimit(resource, &rl);
}

/* CPU: SIGXCPU at the limit, SIGKILL a second later.  No core file.
 * FSIZE 0: this program writes no file -- unless stdout is one (a run
 * by hand, `> out`), which may then grow to S_FILE_CAP. */
static int S_limits(const struct opts *o)
{
	rlim_t as = (rlim_t)o->max_memory_mib * 1024 * 1024;
	rlim_t cpu = (rlim_t)o->max_cpu_s;
	struct stat st;
	rlim_t fsize = fstat(STDOUT_FILENO, &st) == 0 &&
	    S_ISREG(st.st_mode) ? S_FILE_CAP : 0;

	if (S_limit(RLIMIT_AS, as, as) != 0 ||
	    S_limit(RLIMIT_CPU, cpu, cpu + 1) != 0 ||
	    S_limit(RLIMIT_FSIZE, fsize, fsize) != 0 ||
	    S_limit(RLIMIT_CORE, 0, 0) != 0 ||
	    S_limit(RLIMIT_NOFILE, S_MAX_FILES, S_MAX_FILES) != 0)
		return -1;
	return 0;
}

/* All of stdin, at most S_MAX_INPUT + 1 bytes (one more says "over").
 * The caller frees *buf.  -1 with errno: ENOMEM (--max-memory too small
 * for the bytes themselves), or read's. */
static int S_read_all(unsigned char **buf, size_t *len)
{
	size_t cap = S_MAX_INPUT + 1;
	ssize_t r;

	if ((*buf = malloc(cap)) == NULL)
		return -1;
	*len = 0;
	while (*len < cap) {
		size_t want = cap - *len < S_READ_CHUNK ? cap - *len :
		    S_READ_CHUNK;

		r = read(STDIN_FILENO, *buf + *len, want);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		*len += (size_t)r;
	}
	return 0;
}

static int S_write_all(const void *p, size_t n)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		w = write(STDOUT_FILENO, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One line, whatever a library's message held. */
static int S_refuse(const char *why)
{
	char line[600];
	int i, n = snprintf(line, sizeof(line), "refused %s\n", why);

	if (n < 0 || (size_t)n >= sizeof(line))
		n = (int)sizeof(line) - 1;
	for (i = 0; i < n; i++)
		if ((unsigned char)line[i] < 0x20)
			line[i] = ' ';
	line[n - 1] = '\n';
	if (S_write_all(line, (size_t)n) != 0)
		return S_fail("writing stdout failed");
	return 2;
}

static int S_write_variant(const struct picture_variant *v)
{
	char line[100];
	int n = snprintf(line, sizeof(line), "variant %s %d %d %zu\n",
	    picture_format_name(v->format), v->width, v->height, v->len);

	if (S_write_all(line, (size_t)n) != 0)
		return -1;
	return S_write_all(v->data, v->len);
}

static int S_write_set(const struct picture_set *set)
{
	char line[64];
	int n = snprintf(line, sizeof(line), "size %d %d\n", set->width,
	    set->height);
	size_t i;

	if (S_write_all(line, (size_t)n) != 0)
		return -1;
	for (i = 0; i < set->n; i++)
		if (S_write_variant(&set->v[i]) != 0)
			return -1;
	return S_write_all("end\n", 4);
}

static int S_memory(long max_memory_mib)
{
	char why[200];

	snprintf(why, sizeof(why), "the picture needs more memory than the "
	    "picture maker's limit (%ld MiB)", max_memory_mib);
	return S_refuse(why);
}

/* The untrusted part, inside the sandbox. */
static int S_make(const unsigned char *buf, size_t len, const struct opts *o)
{
	struct picture_set set;
	char why[400];
	int rc;

	if (len == 0)
		return S_refuse("the file is empty");
	if (len > (size_t)S_MAX_INPUT)
		return S_refuse("the file is over 20 MiB: at most 20 MiB "
		    "are accepted");
	if (picture_sniff(buf, len) == NULL)
		return S_refuse("the file is not a JPEG, PNG, WebP or GIF "
		    "picture");
	rc = picture_make(buf, len, o->max_pixels, &set, why, sizeof(why));
	if (rc == PICTURE_MEMORY)
		rc = S_memory(o->max_memory_mib);
	else if (rc == PICTURE_REFUSED)
		rc = S_refuse(why);
	else if (rc != 0)
		rc = S_fail(why);
	else if (S_write_set(&set) != 0)
		rc = S_fail("writing stdout failed");
	picture_set_free(&set);
	return rc;
}

/* Before the bytes are read: nothing inherited, the limits set. */
static int S_confine(const struct opts *o)
{
	/* Only stdin, stdout and stderr: a descriptor the parent let
	 * through (its database!) must not be writable from here. */
	if (close_range(3, ~0U, 0) != 0)
		return S_fail("close_range failed");
	/* One malloc arena: each thread's own would reserve 64 MiB of
	 * address space and make RLIMIT_AS a poor measure of memory. */
	mallopt(M_ARENA_MAX, 1);
	if (S_limits(o) != 0)
		return S_fail("setrlimit failed");
	return 0;
}

static int S_read_failed(void)
{
	fprintf(stderr, "articled-picture: reading stdin: %s%s\n",
	    strerror(errno), errno == ENOMEM ? " (--max-memory is too small "
	    "to hold the bytes)" : "");
	return 1;
}

int main(int argc, char **argv)
{
	struct opts o;
	unsigned char *buf;
	size_t len;
	char err[300];
	int rc;

	if (S_options(argc, argv, &o) != 0) {
		fputs(S_usage, stderr);
		return 1;
	}
	if (S_confine(&o) != 0)
		return 1;
	if (S_read_all(&buf, &len) != 0)
		return S_read_failed();
	if (picture_vips_start(argv[0], err, sizeof(err)) != 0 ||
	    picture_sandbox_enter(err, sizeof(err)) != 0) {
		free(buf);
		return S_fail(err);
	}
	rc = S_make(buf, len, &o);
	free(buf);
	return rc;
}
