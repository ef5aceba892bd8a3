/* maker_files.c: the folder nginx serves pictures from (maker_files.h).
 * Written only by the maker: each file under a temporary name, synced,
 * then renamed, so nginx never sends half a file; files no row names
 * (an older version, a deleted picture, a write cut short) removed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "maker/maker_files.h"

#define NAME_MAX_LEN	64

char *maker_files_default(const char *db)
{
	const char *slash = strrchr(db, '/');
	size_t n = slash ? (size_t)(slash - db) : 1;
	char *out = xmalloc(n + sizeof("/media"));

	memcpy(out, slash ? db : ".", n);
	if (slash == db)	/* /site.db */
		n = 0;
	memcpy(out + n, "/media", sizeof("/media"));
	return out;
}

static int S_mkdir(const char *path, uid_t uid, gid_t gid, char *err,
    size_t errlen)
{
	if (mkdir(path, 0755) == 0) {
		/* 0755 whatever the umask (the unit's is 0027): nginx's
		 * workers read the folder. */
		chmod(path, 0755);
	} else if (errno != EEXIST) {
		snprintf(err, errlen, "mkdir %s: %s", path, strerror(errno));
		return -1;
	}
	if (uid != (uid_t)-1 && chown(path, uid, gid) != 0) {
		snprintf(err, errlen, "chown %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int maker_files_prepare(const char *dir, uid_t uid, gid_t gid, char *err,
    size_t errlen)
{
	char v[4096];

	snprintf(v, sizeof(v), "%s/v", dir);
	if (S_mkdir(dir, uid, gid, err, errlen) != 0)
		return -1;
	return S_mkdir(v, uid, gid, err, errlen);
}

static const char *S_ext(const char *format)
{
	return strcmp(format, "jpeg") == 0 ? "jpg" : format;
}

void maker_files_name(char *out, size_t outlen, int64_t version,
    const char *format, int width)
{
	snprintf(out, outlen, "%016llx-%d.%s", (unsigned long long)version,
	    width, S_ext(format));
}

static int S_write_all(int fd, const unsigned char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, p, len)) < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The bytes into a new file tmp in vfd, whole and on disk. */
static int S_write_tmp(int vfd, const char *tmp, const struct media_variant *v)
{
	int fd, rc;

	unlinkat(vfd, tmp, 0);	/* a leftover of a maker killed here */
	if ((fd = openat(vfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0644)) < 0)
		return -1;
	rc = S_write_all(fd, v->data, v->len);
	if (rc == 0)	/* readable by nginx's workers, whatever the umask */
		rc = fchmod(fd, 0644);
	if (rc == 0)
		rc = fsync(fd);
	if (close(fd) != 0)
		rc = -1;
	return rc;
}

static int S_write_at(int vfd, int64_t version, const struct media_variant *v,
    char *err, size_t errlen)
{
	char name[NAME_MAX_LEN], tmp[NAME_MAX_LEN + 16];

	maker_files_name(name, sizeof(name), version, v->format, v->width);
	snprintf(tmp, sizeof(tmp), ".tmp-%s", name);
	if (S_write_tmp(vfd, tmp, v) == 0 && renameat(vfd, tmp, vfd, name) == 0)
		return 0;
	snprintf(err, errlen, "writing %s: %s", name, strerror(errno));
	unlinkat(vfd, tmp, 0);
	return -1;
}

static int S_open_v(const char *dir, char *err, size_t errlen)
{
	char v[4096];
	int fd;

	snprintf(v, sizeof(v), "%s/v", dir);
	if ((fd = open(v, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		snprintf(err, errlen, "open %s: %s", v, strerror(errno));
	return fd;
}

int maker_files_write(const char *dir, int64_t version,
    const struct media_variant *v, char *err, size_t errlen)
{
	int vfd, rc;

	if ((vfd = S_open_v(dir, err, errlen)) < 0)
		return -1;
	rc = S_write_at(vfd, version, v, err, errlen);
	if (rc == 0)	/* the rename itself, on disk */
		fsync(vfd);
	close(vfd);
	return rc;
}

/* ---- the folder against the rows ---------------------------------- */

struct wanted {
	char			name[NAME_MAX_LEN];
	struct media_row	row;
};

struct sync {
	struct media_store	*ms;
	int			 vfd;
	struct wanted		*w;
	size_t			 n;
	int			 written;
	int			 removed;
	int			 failed;
	char			*err;
	size_t			 errlen;
};

static void S_want(const struct media_row *row, void *arg)
{
	struct sync *s = arg;
	struct wanted *w;

	s->w = xrealloc(s->w, (s->n + 1) * sizeof(*s->w));
	w = &s->w[s->n++];
	w->row = *row;
	maker_files_name(w->name, sizeof(w->name), row->version, row->format,
	    row->width);
}

static int S_cmp(const void *a, const void *b)
{
	return strcmp(((const struct wanted *)a)->name,
	    ((const struct wanted *)b)->name);
}

static int S_wanted(const struct sync *s, const char *name)
{
	struct wanted key;

	if (s->n == 0 || snprintf(key.name, sizeof(key.name), "%s", name) >=
	    (int)sizeof(key.name))
		return 0;
	return bsearch(&key, s->w, s->n, sizeof(*s->w), S_cmp) != NULL;
}

static void S_failed(struct sync *s, const char *what, const char *name)
{
	if (!s->failed)
		snprintf(s->err, s->errlen, "%s %s: %s", what, name,
		    strerror(errno));
	s->failed = 1;
}

/* Every regular file no row names goes. */
static void S_remove_stale(struct sync *s, DIR *d)
{
	struct dirent *e;
	struct stat st;

	while ((e = readdir(d)) != NULL) {
		if (fstatat(s->vfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    S_ISDIR(st.st_mode) || S_wanted(s, e->d_name))
			continue;
		if (unlinkat(s->vfd, e->d_name, 0) == 0)
			s->removed++;
		else
			S_failed(s, "removing", e->d_name);
	}
}

/* A row's file, written again from the row when missing or not whole. */
static void S_restore(struct sync *s, const struct wanted *w)
{
	struct media_variant v;
	unsigned char *data;
	struct stat st;

	if (fstatat(s->vfd, w->name, &st, 0) == 0 && st.st_size == w->row.len)
		return;
	if (media_store_variant(s->ms, &w->row, &data, &v.len) != STORE_OK)
		return;		/* gone meanwhile: the next sync removes it */
	snprintf(v.format, sizeof(v.format), "%s", w->row.format);
	v.width = w->row.width;
	v.data = data;
	if (S_write_at(s->vfd, w->row.version, &v, s->err, s->errlen) == 0)
		s->written++;
	else
		s->failed = 1;
	free(data);
}

static int S_sync_dir(struct sync *s)
{
	DIR *d;
	size_t i;
	int fd;

	if (s->n > 0)	/* qsort and bsearch take no NULL, even for 0 */
		qsort(s->w, s->n, sizeof(*s->w), S_cmp);
	if ((fd = dup(s->vfd)) < 0 || (d = fdopendir(fd)) == NULL) {
		S_failed(s, "reading", "the folder");
		return -1;
	}
	S_remove_stale(s, d);
	closedir(d);
	for (i = 0; i < s->n; i++)
		S_restore(s, &s->w[i]);
	if (s->written > 0 || s->removed > 0)
		fsync(s->vfd);
	return s->failed ? -1 : 0;
}

int maker_files_sync(const char *dir, struct media_store *ms, int *written,
    int *removed, char *err, size_t errlen)
{
	struct sync s = { ms, -1, NULL, 0, 0, 0, 0, err, errlen };
	int rc = -1;

	*written = *removed = 0;
	if ((s.vfd = S_open_v(dir, err, errlen)) < 0)
		return -1;
	if (media_store_rows(ms, S_want, &s) == STORE_OK)
		rc = S_sync_dir(&s);
	else
		snprintf(err, errlen, "reading media_variants: %s",
		    media_store_errmsg(ms));
	*written = s.written;
	*removed = s.removed;
	free(s.w);
	close(s.vfd);
	return rc;
}
