/* maker_cgi.c: the maker of a CGI site (maker_cgi.h).  The CGI run does
 * not make pictures itself: the server waits for it, and a CGI program
 * that forked after using SQLite must not use SQLite in the child (its
 * locks are per process).  It starts a fresh articled --make-pictures,
 * in a session of its own with nothing of the server's open, so Apache
 * and lighttpd neither wait for it nor stop it. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/log.h"
#include "maker/maker_cgi.h"
#include "maker/maker_files.h"

static void S_lock_path(const char *db, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s-maker.lock", db);
}

int maker_lock(const char *db)
{
	char path[4096];
	int fd;

	S_lock_path(db, path, sizeof(path));
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0) {
		log_line("picture maker: %s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The rev the last maker finished at, -1 if none. */
static int64_t S_stamp(const char *db)
{
	char path[4096], text[32];
	long long rev = -1;
	ssize_t n;
	int fd;

	S_lock_path(db, path, sizeof(path));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	text[n > 0 ? n : 0] = '\0';
	if (sscanf(text, "%lld", &rev) != 1)
		return -1;
	return (int64_t)rev;
}

static void S_stamp_write(int fd, int64_t rev)
{
	char text[32];
	int n = snprintf(text, sizeof(text), "%" PRId64 "\n", rev);

	if (ftruncate(fd, 0) != 0 || pwrite(fd, text, (size_t)n, 0) != n)
		log_line("picture maker: cannot record rev in its lock file: "
		    "%s", strerror(errno));
}

int maker_cgi_run(const struct maker_opts *o)
{
	int64_t rev;
	int fd;

	maker_process_setup();
	if ((fd = maker_lock(o->db)) < 0) {
		log_line("another picture maker is at work (%s-maker.lock is "
		    "held): it makes what is pending", o->db);
		return 0;
	}
	if (maker_drain(o, &rev) == 0)
		S_stamp_write(fd, rev);
	close(fd);
	return 0;
}

/* stdin, stdout and stderr on /dev/null: the server reads the CGI's
 * until they close, and must not wait for the maker. */
static void S_detach_fds(void)
{
	int fd = open("/dev/null", O_RDWR);

	if (fd < 0)
		_exit(1);
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
}

static void S_exec_maker(const struct maker_opts *o)
{
	S_detach_fds();
	execl("/proc/self/exe", "articled", "--make-pictures", "--db", o->db,
	    "--media-dir", o->media_dir, "--picture-maker", o->decoder,
	    (char *)NULL);
	_exit(127);
}

void maker_cgi_kick(const struct maker_opts *o, int64_t rev)
{
	pid_t pid;
	int status, fd;

	if (rev < 0 || S_stamp(o->db) == rev)
		return;
	/* One at work already: no process started for nothing at each
	 * request while it works (it looks at rev again before it ends). */
	if ((fd = maker_lock(o->db)) < 0)
		return;
	close(fd);
	if ((pid = fork()) < 0) {
		log_line("picture maker: fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {		/* a new session, and its leader gone */
		if (setsid() < 0 || fork() != 0)
			_exit(0);
		S_exec_maker(o);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}
