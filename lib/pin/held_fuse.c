// SPDX-License-Identifier: GPL-2.0
/*
 * Held I/O through FUSE: a libfuse3 low-level server in a thread of the case
 * serves one file, "held", on a private temporary directory.
 *
 * Which kernel path the read takes. The file is opened without
 * FOPEN_DIRECT_IO and read with O_DIRECT: fuse_file_read_iter() ->
 * fuse_cache_read_iter() -> generic_file_read_iter() -> a_ops->direct_IO =
 * fuse_direct_IO() -> __fuse_direct_read() -> fuse_direct_io() ->
 * fuse_get_user_pages(), in 6.1 and in 6.18 alike (FOPEN_DIRECT_IO would
 * reach fuse_get_user_pages() too, through fuse_direct_read_iter(), but it
 * also changes mmap and page-cache rules we do not want in a test of the
 * common case). fuse_get_user_pages() takes the user pages before the READ
 * request is queued, so the server sees the request only after the kernel
 * holds the pages.
 *
 * What the kernel takes. 6.1 (fs/fuse/file.c of linux-source-6.1, 6.1.192):
 * iov_iter_get_pages2(), plain references (FOLL_GET), so fork() does not
 * copy the page early. Since 738adade96b2 "fuse: Fix missing FOLL_PIN for
 * direct-io" (v6.9): iov_iter_extract_pages(), FOLL_PIN for user memory.
 *
 * Forks of the case process: children inherit the /dev/fuse fd (libfuse
 * opens it O_CLOEXEC) and the held file's fd; a child's close of the file
 * sends FLUSH, so the held request never blocks the loop: each READ is
 * answered from a thread of its own, the loop keeps serving the rest.
 */
#define FUSE_USE_VERSION 34
#include <fuse_lowlevel.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "held_io_backend.h"
#include "pf_case.h"
#include "shell.h"

#define FILE_NAME "held"
#define FILE_INO 2
#define MAX_ANSWERS 32
#define POLL_MS 50
#define FOREVER 1e9	/* attribute and entry timeouts: nothing changes */

struct fuse_server {
	struct pf_held *h;
	struct fuse_session *se;
	char dir[64];
	int dir_made;
	pthread_t loop;
	int loop_running;
	atomic_int stop;
	pthread_mutex_t lock;		/* guards answers[] */
	pthread_t answers[MAX_ANSWERS];
	int nanswers;
};

struct answer {
	struct fuse_server *s;
	fuse_req_t req;
	size_t off, size;
};

static void fill_attr(struct stat *st, fuse_ino_t ino, size_t len)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = ino;
	if (ino == FUSE_ROOT_ID) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
		return;
	}
	st->st_mode = S_IFREG | 0600;
	st->st_nlink = 1;
	st->st_size = (off_t)len;
}

static void held_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fuse_server *s = fuse_req_userdata(req);
	struct fuse_entry_param e;

	if (parent != FUSE_ROOT_ID || strcmp(name, FILE_NAME)) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	memset(&e, 0, sizeof(e));
	e.ino = FILE_INO;
	e.attr_timeout = FOREVER;
	e.entry_timeout = FOREVER;
	fill_attr(&e.attr, FILE_INO, s->h->len);
	fuse_reply_entry(req, &e);
}

static void held_getattr(fuse_req_t req, fuse_ino_t ino,
			 struct fuse_file_info *fi)
{
	struct fuse_server *s = fuse_req_userdata(req);
	struct stat st;

	(void)fi;
	if (ino != FUSE_ROOT_ID && ino != FILE_INO) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	fill_attr(&st, ino, s->h->len);
	fuse_reply_attr(req, &st, FOREVER);
}

static void held_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	if (ino != FILE_INO) {
		fuse_reply_err(req, EISDIR);
		return;
	}
	/* No FOPEN_DIRECT_IO: the O_DIRECT read goes through fuse_direct_IO(). */
	fi->direct_io = 0;
	fi->keep_cache = 0;
	/* FOPEN_NOFLUSH: the closes in forked children cost no round trip */
	fi->noflush = 1;
	fuse_reply_open(req, fi);
}

static void *answer_read(void *arg)
{
	struct answer *a = arg;
	size_t len = a->s->h->len;
	size_t n = a->off >= len ? 0 : len - a->off;
	char *buf;

	if (n > a->size)
		n = a->size;
	pf_held_gate(a->s->h, a->off, a->size);
	buf = malloc(n ? n : 1);
	if (!buf) {
		fuse_reply_err(a->req, ENOMEM);
	} else {
		pf_held_fill(a->s->h, buf, a->off, n);
		fuse_reply_buf(a->req, buf, n);
	}
	free(buf);
	free(a);
	return NULL;
}

/* Each READ from a thread of its own: a held one must not stop the loop. */
static void held_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		      struct fuse_file_info *fi)
{
	struct fuse_server *s = fuse_req_userdata(req);
	struct answer *a = malloc(sizeof(*a));
	int spawned = 0;

	(void)ino, (void)fi;
	if (!a) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	*a = (struct answer){ s, req, (size_t)off, size };
	pthread_mutex_lock(&s->lock);
	if (s->nanswers < MAX_ANSWERS &&
	    !pthread_create(&s->answers[s->nanswers], NULL, answer_read, a)) {
		s->nanswers++;
		spawned = 1;
	}
	pthread_mutex_unlock(&s->lock);
	if (!spawned)
		answer_read(a);
}

static void reply_ok(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino, (void)fi;
	fuse_reply_err(req, 0);
}

static const struct fuse_lowlevel_ops held_ops = {
	.lookup = held_lookup,
	.getattr = held_getattr,
	.open = held_open,
	.read = held_read,
	.flush = reply_ok,
	.release = reply_ok,
};

/* Serves until stop; polls so that stop is seen within POLL_MS. */
static void *serve(void *arg)
{
	struct fuse_server *s = arg;
	struct pollfd pfd = { .fd = fuse_session_fd(s->se), .events = POLLIN };
	struct fuse_buf buf = { 0 };
	int res;

	while (!atomic_load(&s->stop) && !fuse_session_exited(s->se)) {
		res = poll(&pfd, 1, POLL_MS);
		if (res < 0 && errno != EINTR)
			break;
		if (res <= 0)
			continue;
		if (pfd.revents & (POLLERR | POLLHUP))
			break;
		res = fuse_session_receive_buf(s->se, &buf);
		if (res == -EINTR || res == -EAGAIN)
			continue;
		if (res <= 0)
			break;
		fuse_session_process_buf(s->se, &buf);
	}
	free(buf.mem);
	return NULL;
}

/*
 * Debian builds fuse as a module; the VM guest may not have loaded it. The
 * need gate (lib/kernel/needs.c) loads it before the cases; this covers callers
 * that open the backend without the gate.
 */
static void load_fuse_module(void)
{
	if (!access("/dev/fuse", F_OK) && !access("/sys/fs/fuse", F_OK))
		return;
	pf_shell("modprobe -q fuse 2>&1", NULL, 0);
	if (access("/dev/fuse", F_OK))
		mknod("/dev/fuse", S_IFCHR | 0666, makedev(10, 229));
}

static int prerequisites(char *why, size_t size)
{
	int fd;

	if (geteuid()) {
		snprintf(why, size, "mounting a FUSE filesystem without fusermount needs root");
		return -1;
	}
	load_fuse_module();
	fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, size, "no usable /dev/fuse: %s", strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

static int single_threaded(void)
{
	char line[128];
	FILE *f = fopen("/proc/self/status", "r");
	int threads = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Threads: %d", &threads) == 1)
			break;
	fclose(f);
	return threads == 1;
}

/*
 * A mount namespace of the case's own, when it can have one (unshare of the
 * mount namespace needs a single-threaded caller): a killed case then
 * leaves no stale mount behind.
 */
static void private_mounts(void)
{
	if (!single_threaded() || unshare(CLONE_NEWNS))
		return;
	mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
}

static int start_session(struct fuse_server *s, char *why, size_t size)
{
	char *argv[] = { "pinfork-held", "-o", "fsname=pinfork-held", NULL };
	struct fuse_args args = FUSE_ARGS_INIT(3, argv);

	s->se = fuse_session_new(&args, &held_ops, sizeof(held_ops), s);
	if (!s->se) {
		snprintf(why, size, "fuse_session_new failed");
		return -1;
	}
	if (fuse_session_mount(s->se, s->dir)) {
		snprintf(why, size, "cannot mount FUSE on %s", s->dir);
		fuse_session_destroy(s->se);
		s->se = NULL;
		return -1;
	}
	if (pthread_create(&s->loop, NULL, serve, s)) {
		snprintf(why, size, "cannot start the FUSE server thread");
		return -1;
	}
	s->loop_running = 1;
	return 0;
}

static void stop_answers(struct fuse_server *s)
{
	pthread_mutex_lock(&s->lock);
	for (int i = 0; i < s->nanswers; i++)
		pthread_join(s->answers[i], NULL);
	s->nanswers = 0;
	pthread_mutex_unlock(&s->lock);
}

/*
 * The order matters: the case's fd first (its FLUSH and RELEASE still get
 * answers), then the answers (pf_held_close has set closing), the loop,
 * and a lazy unmount that also closes /dev/fuse, which aborts whatever the
 * kernel still waits for.
 */
static void fuse_teardown(struct pf_held *h)
{
	struct fuse_server *s = h->priv;

	if (!s)
		return;
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
	stop_answers(s);
	atomic_store(&s->stop, 1);
	if (s->loop_running)
		pthread_join(s->loop, NULL);
	stop_answers(s);
	if (s->se) {
		fuse_session_unmount(s->se);
		fuse_session_destroy(s->se);
	}
	if (s->dir_made)
		rmdir(s->dir);
	pthread_mutex_destroy(&s->lock);
	free(s);
	h->priv = NULL;
}

static int open_held_file(struct pf_held *h, char *why, size_t size)
{
	struct fuse_server *s = h->priv;
	char path[96];

	snprintf(path, sizeof(path), "%s/%s", s->dir, FILE_NAME);
	h->fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (h->fd < 0) {
		snprintf(why, size, "cannot open %s with O_DIRECT: %s", path,
			 strerror(errno));
		return -1;
	}
	return 0;
}

static int fuse_open_held(struct pf_held **out, size_t len, char *why,
			  size_t size)
{
	struct fuse_server *s;
	struct pf_held *h;

	if (prerequisites(why, size))
		return -1;
	h = pf_held_alloc();
	s = calloc(1, sizeof(*s));
	if (!h || !s) {
		free(s);
		if (h)
			pf_held_free(h);
		snprintf(why, size, "out of memory");
		return -1;
	}
	pthread_mutex_init(&s->lock, NULL);
	s->h = h;
	h->len = len;
	h->align = 512;
	h->priv = s;
	h->teardown = fuse_teardown;
	private_mounts();
	snprintf(s->dir, sizeof(s->dir), "/tmp/pinfork-held-XXXXXX");
	s->dir_made = mkdtemp(s->dir) != NULL;
	if (!s->dir_made) {
		snprintf(why, size, "mkdtemp: %s", strerror(errno));
	} else if (!start_session(s, why, size) && !open_held_file(h, why, size)) {
		*out = h;
		return 0;
	}
	pf_held_close(h);
	return -1;
}

const struct pf_held_backend pf_held_fuse = {
	.name = "fuse",
	.summary = "a FUSE file served by a libfuse3 thread of the case (fs/fuse direct I/O)",
	.open = fuse_open_held,
	.needs = PF_NEED_ROOT | PF_NEED_FUSE,
	.pin_fixes = { "738adade96b2" },	/* fuse_get_user_pages() */
};
