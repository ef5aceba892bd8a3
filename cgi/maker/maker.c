/* maker.c: the picture maker's loop (maker.h): which pictures to make,
 * what to do with the decoder's answer, and the one line per picture in
 * the log.  Each picture's files are written before its transaction
 * commits, so a row never names a file that is not there; a maker killed
 * anywhere leaves the picture 'pending' without rows of its new version
 * (files of it, if any, are removed by the next start's folder sync). */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "lib/log.h"
#include "maker/maker.h"
#include "maker/maker_files.h"
#include "maker/maker_proto.h"
#include "store/store_media.h"

#define MAKER_PROBLEM	512
/* A picture left pending by a passing trouble (a lock held for longer
 * than the store waits, no decoder yet) is tried again this much later
 * even if nothing changes. */
#define MAKER_RETRY_S	30

static volatile sig_atomic_t	 got_stop;

struct maker {
	const struct maker_opts	*o;
	struct media_store	*ms;
	struct db_spell		 spell;	/* the outage log */
	int			 no_decoder;	/* logged once */
	int			 progress;	/* pictures settled this round */
	time_t			 retry_at;	/* 0: only when rev moves */
};

static void S_on_stop(int sig)
{
	(void)sig;
	got_stop = 1;
}

int maker_stopping(void)
{
	return got_stop;
}

void maker_limits_default(struct maker_limits *lim)
{
	lim->max_pixels = 50000000;
	lim->max_memory_mib = 1024;
	lim->max_cpu_s = 60;
	lim->wall_s = 180;	/* three times the CPU: a busy machine */
	lim->max_output = (size_t)256 << 20;
}

char *maker_default_decoder(void)
{
	char self[PATH_MAX], *slash, *out;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	size_t len;

	if (n <= 0)
		return xstrdup("articled-picture");
	self[n] = '\0';
	slash = strrchr(self, '/');
	len = slash ? (size_t)(slash - self) : 0;
	out = xmalloc(len + sizeof("/articled-picture"));
	memcpy(out, self, len);
	memcpy(out + len, "/articled-picture", sizeof("/articled-picture"));
	return out;
}

void maker_process_setup(void)
{
	struct sigaction sa;
	sigset_t none;

	sigemptyset(&none);	/* a CGI run blocked SIGTERM; the master more */
	sigprocmask(SIG_SETMASK, &none, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = S_on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_DFL);
	/* Behind the fold and the workers: it may take seconds of CPU. */
	if (nice(10) == -1 && errno != 0)
		log_line("picture maker: nice: %s", strerror(errno));
	/* Nothing it runs (the decoder) may gain privileges. */
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	prctl(PR_SET_NAME, "articled-maker", 0, 0, 0);
}

static long long S_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the database -------------------------------------------------- */

static int S_open(struct maker *mk)
{
	char err[1024];

	if (mk->ms != NULL)
		return 0;
	if ((mk->ms = media_store_open(mk->o->db, err, sizeof(err))) == NULL) {
		log_db_down(&mk->spell, err);
		return -1;
	}
	log_db_back(&mk->spell, mk->o->db);
	return 0;
}

/* A failed read or write: the connection is dropped and opened again at
 * the next round (the file may have been replaced or fixed). */
static void S_trouble(struct maker *mk, enum store_rc rc)
{
	if (rc != STORE_UNAVAILABLE || mk->ms == NULL)
		return;
	log_db_down(&mk->spell, media_store_errmsg(mk->ms));
	media_store_close(mk->ms);
	mk->ms = NULL;
}

static void S_sync(struct maker *mk)
{
	char err[1024];
	int written, removed;

	/* Made again if someone removed it while articled ran. */
	if (maker_files_prepare(mk->o->media_dir, (uid_t)-1, (gid_t)-1, err,
	    sizeof(err)) != 0) {
		log_line("picture folder: %s", err);
		return;
	}
	if (maker_files_sync(mk->o->media_dir, mk->ms, &written, &removed,
	    err, sizeof(err)) != 0)
		log_line("picture folder %s: %s", mk->o->media_dir, err);
	if (written > 0 || removed > 0)
		log_line("picture folder %s: %d file%s written again from the "
		    "database, %d stale removed", mk->o->media_dir, written,
		    written == 1 ? "" : "s", removed);
}

/* ---- one picture's ending ----------------------------------------- */

static void S_signal_problem(const struct maker_limits *lim, int sig,
    char *out, size_t outlen)
{
	if (sig == SIGXCPU)
		snprintf(out, outlen, "the picture maker ran out of its "
		    "CPU-time limit (%d s)", lim->max_cpu_s);
	else if (sig == SIGKILL)
		snprintf(out, outlen, "the picture maker was killed (SIGKILL): "
		    "it may have passed its CPU-time limit (%d s) or run out "
		    "of memory", lim->max_cpu_s);
	else if (sig == SIGSYS)
		snprintf(out, outlen, "the picture maker was stopped by its "
		    "sandbox (a system call it may not make; see articled's "
		    "log)");
	else
		snprintf(out, outlen, "the picture maker crashed on this "
		    "picture (signal %d, %s)", sig, strsignal(sig));
}

/* Why a picture is refused, from how the decoder ended (not exit 0). */
static void S_problem(const struct maker_limits *lim,
    const struct run_result *r, char *out, size_t outlen)
{
	if (r->how == RUN_TIMEOUT)
		snprintf(out, outlen, "the picture maker took longer than %d s "
		    "and was stopped", lim->wall_s);
	else if (r->how == RUN_TOO_MUCH)
		snprintf(out, outlen, "the picture maker wrote more than %zu "
		    "MB and was stopped", lim->max_output >> 20);
	else if (r->how == RUN_SIGNALED)
		S_signal_problem(lim, r->code, out, outlen);
	else if (r->code != 2 || maker_proto_refused((const unsigned char *)
	    r->out.data, r->out.len, out, outlen) != 0)
		snprintf(out, outlen, "the picture maker failed on this "
		    "picture (exit status %d; see articled's log)", r->code);
}

static void S_refuse(struct maker *mk, const struct media_pending *p,
    const char *problem)
{
	enum store_rc rc;
	int stale;

	if ((rc = media_store_refused(mk->ms, p, problem, &stale)) !=
	    STORE_OK) {
		log_line("picture %s: cannot store its refusal: %s", p->name,
		    media_store_errmsg(mk->ms));
		S_trouble(mk, rc);
		return;
	}
	mk->progress++;
	if (!stale)
		log_line("picture %s (version %016" PRIx64 "): refused: %s",
		    p->name, (uint64_t)p->version, problem);
}

static void S_log_made(const struct media_pending *p,
    const struct media_made *m, long long ms)
{
	char sizes[700];
	size_t i, n = 0, total = 0;

	sizes[0] = '\0';
	for (i = 0; i < m->n && n < sizeof(sizes) - 40; i++) {
		n += (size_t)snprintf(sizes + n, sizeof(sizes) - n, "%s%s %dx%d "
		    "%zu B", i ? ", " : "", m->v[i].format, m->v[i].width,
		    m->v[i].height, m->v[i].len);
		total += m->v[i].len;
	}
	log_line("picture %s (version %016" PRIx64 "): made in %lld ms, %dx%d, "
	    "%zu variants, %zu bytes: %s", p->name, (uint64_t)p->version, ms,
	    m->width, m->height, m->n, total, sizes);
}

/* A file that cannot be written is not worth losing the picture for:
 * nginx falls back to articled, which serves the row; the next start's
 * sync writes it. */
static void S_write_files(struct maker *mk, const struct media_pending *p,
    const struct media_made *m)
{
	char err[1024];
	size_t i;

	for (i = 0; i < m->n; i++) {
		if (maker_files_write(mk->o->media_dir, p->version, &m->v[i],
		    err, sizeof(err)) == 0)
			continue;
		log_line("picture %s: %s (articled serves it meanwhile)",
		    p->name, err);
		return;
	}
}

static void S_store(struct maker *mk, const struct media_pending *p,
    const struct media_made *m, long long t0)
{
	enum store_rc rc;
	int stale;

	S_write_files(mk, p, m);
	if ((rc = media_store_made(mk->ms, p, m, &stale)) != STORE_OK) {
		log_line("picture %s: cannot store its sizes (it stays "
		    "pending): %s", p->name, media_store_errmsg(mk->ms));
		S_trouble(mk, rc);
		return;
	}
	mk->progress++;
	if (stale)	/* replaced meanwhile: its files go at the next sync */
		log_line("picture %s changed while it was made: making it "
		    "again", p->name);
	else
		S_log_made(p, m, S_ms() - t0);
}

/* The decoder said exit 0: its output stored, or refused if unreadable. */
static void S_made(struct maker *mk, const struct media_pending *p,
    const struct run_result *r, long long t0)
{
	char err[256], problem[MAKER_PROBLEM];
	struct media_made m;

	if (maker_proto_parse((const unsigned char *)r->out.data, r->out.len,
	    &m, err, sizeof(err)) != 0) {
		snprintf(problem, sizeof(problem), "the picture maker's answer "
		    "could not be read (%s)", err);
		S_refuse(mk, p, problem);
		return;
	}
	S_store(mk, p, &m, t0);
	maker_proto_free(&m);
}

/* ---- one picture --------------------------------------------------- */

/* The decoder is not there (not installed, wrong --picture-maker): not
 * the picture's fault, so it stays pending; said once. */
static int S_decoder_missing(struct maker *mk)
{
	if (access(mk->o->decoder, X_OK) == 0) {
		mk->no_decoder = 0;
		return 0;
	}
	if (!mk->no_decoder)
		log_line("cannot run the picture maker %s (%s): pictures stay "
		    "pending until it is there (--picture-maker)",
		    mk->o->decoder, strerror(errno));
	mk->no_decoder = 1;
	return 1;
}

static void S_ended(struct maker *mk, const struct media_pending *p,
    const struct run_result *r, long long t0)
{
	char problem[MAKER_PROBLEM];

	if (r->how == RUN_STOPPED)
		return;
	if (r->how == RUN_EXITED && r->code == 0) {
		S_made(mk, p, r, t0);
		return;
	}
	if (r->how == RUN_EXITED && r->code == 127) {
		log_line("picture %s: the picture maker %s could not be run "
		    "(it stays pending)", p->name, mk->o->decoder);
		return;
	}
	S_problem(&mk->o->lim, r, problem, sizeof(problem));
	S_refuse(mk, p, problem);
}

/* What the decoder wrote on stderr, as one line of the log. */
static void S_log_said(const struct media_pending *p, const struct buf *err)
{
	char said[600];
	size_t i, n = 0;

	for (i = 0; i < err->len && n + 1 < sizeof(said); i++)
		said[n++] = (unsigned char)err->data[i] < 0x20 ||
		    err->data[i] == 0x7f ? ' ' : err->data[i];
	while (n > 0 && said[n - 1] == ' ')
		n--;
	said[n] = '\0';
	if (n > 0)
		log_line("picture %s: the picture maker said: %s", p->name,
		    said + strspn(said, " "));
}

static void S_make(struct maker *mk, const struct media_pending *p)
{
	long long t0 = S_ms();
	struct run_result r;
	unsigned char *data;
	enum store_rc rc;
	char err[256];
	size_t len;

	if ((rc = media_store_original(mk->ms, p, &data, &len)) != STORE_OK) {
		S_trouble(mk, rc);	/* NOTFOUND: replaced or deleted */
		return;
	}
	if (maker_run(mk->o->decoder, &mk->o->lim, data, len, &got_stop, &r,
	    err, sizeof(err)) != 0)
		log_line("picture %s: %s (it stays pending)", p->name, err);
	else
		S_log_said(p, &r.err), S_ended(mk, p, &r, t0);
	free(data);
	maker_run_free(&r);
}

/* One pass over what is pending now; -1 when the list cannot be read. */
static int S_make_pending(struct maker *mk)
{
	struct media_pending *p;
	enum store_rc rc;
	size_t i, n;

	if ((rc = media_store_pending(mk->ms, &p, &n)) != STORE_OK) {
		S_trouble(mk, rc);
		return -1;
	}
	for (i = 0; i < n && !got_stop && mk->ms != NULL; i++)
		if (!S_decoder_missing(mk))
			S_make(mk, &p[i]);
	free(p);
	return (int)n;
}

/* ---- the two loops ------------------------------------------------- */

/* The folder, then what is pending, when rev moved since *seen. */
static void S_round(struct maker *mk, int64_t *seen)
{
	int64_t rev;
	int n;

	if (S_open(mk) != 0)
		return;
	if (media_store_rev(mk->ms, &rev) != STORE_OK) {
		S_trouble(mk, STORE_UNAVAILABLE);
		return;
	}
	if (rev == *seen && (mk->retry_at == 0 || time(NULL) < mk->retry_at))
		return;
	S_sync(mk);
	mk->progress = 0;
	if ((n = S_make_pending(mk)) < 0)
		return;
	*seen = rev;
	mk->retry_at = mk->progress < n && !got_stop ?
	    time(NULL) + MAKER_RETRY_S : 0;
}

int maker_serve(const struct maker_opts *o)
{
	struct maker mk = { o, NULL, { 0, 0 }, 0, 0, 0 };
	struct timespec second = { 1, 0 };
	int64_t seen = -1;

	mk.spell.quiet = 1;	/* the master's fold says it already */
	log_line("picture maker: %s, folder %s", o->decoder, o->media_dir);
	while (!got_stop) {
		S_round(&mk, &seen);
		if (!got_stop)
			nanosleep(&second, NULL);	/* SIGTERM cuts it */
	}
	media_store_close(mk.ms);
	return 0;
}

int maker_drain(const struct maker_opts *o, int64_t *rev)
{
	struct maker mk = { o, NULL, { 0, 0 }, 0, 0, 0 };
	int n = 1;

	if (S_open(&mk) != 0)
		return -1;
	S_sync(&mk);
	/* Until a pass finds nothing, or settles nothing (a lock held, no
	 * decoder): the next CGI run tries again. */
	while (!got_stop && mk.ms != NULL && n > 0) {
		mk.progress = 0;
		if (media_store_rev(mk.ms, rev) != STORE_OK ||
		    (n = S_make_pending(&mk)) < 0 || (n > 0 && !mk.progress))
			break;
		if (n > 0)
			S_sync(&mk);
	}
	media_store_close(mk.ms);
	return n == 0 ? 0 : -1;
}
