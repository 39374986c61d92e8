// SPDX-License-Identifier: GPL-2.0
/*
 * Held-I/O backend "nbd": the kernel's network block device, connected with
 * the ioctl interface to one end of a socketpair whose other end a server
 * thread of the case answers. An O_DIRECT read of /dev/nbdN goes through the
 * block layer's direct I/O (bio_iov_iter_get_pages: page references before
 * v6.5, pins since a7e689dd1c06), reaches the server as NBD_CMD_READ, and
 * stays in flight until pf_held_gate() lets the server answer it.
 *
 * Threads: "nbd-server" answers requests; "nbd-do-it" sits in NBD_DO_IT,
 * which returns only when the device disconnects.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/nbd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <endian.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "full_io.h"
#include "held_io_backend.h"
#include "shell.h"
#include "knob.h"
#include "pf_case.h"

#define NBD_BLOCK 512u		/* so half a page is a whole number of blocks */
#define NBD_IO_TIMEOUT 60	/* s; longer than any hold, or the kernel fails the read */
#define NBD_MAX_DEVICES 64
#define NBD_CHUNK (64u << 10)	/* server's transfer buffer */
#define NBD_PRELOAD_MAX (64u << 20)

struct held_nbd {
	int ctl;		/* /dev/nbdN for the ioctls and NBD_DO_IT */
	int sock[2];		/* [0] the kernel's end, [1] the server's */
	int index;
	int loaded_module;
	pthread_t server, do_it;
	int server_started, do_it_started;
	volatile int do_it_done;
	long do_it_rc;
	struct pf_held *h;
};

static void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&t, NULL);
}

/*
 * The path of nbd.ko when modules.dep lists it uncompressed and without
 * dependencies, so it can be loaded by one finit_module() call: exec'ing
 * modprobe costs a second per case in a TCG guest.
 */
static int nbd_module_path(char *path, size_t size)
{
	struct utsname u;
	char dep[300], line[256];
	FILE *f;
	int found = 0;

	if (uname(&u))
		return -1;
	snprintf(dep, sizeof(dep), "/lib/modules/%s/modules.dep", u.release);
	f = fopen(dep, "re");
	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');
		size_t name = strlen("/nbd.ko");

		if (!colon || colon - line < (long)name ||
		    strncmp(colon - name, "/nbd.ko", name) ||
		    colon[1 + strspn(colon + 1, " \t")] != '\n')
			continue;
		*colon = '\0';
		snprintf(path, size, "/lib/modules/%s/%s", u.release, line);
		found = 1;
	}
	fclose(f);
	return found ? 0 : -1;
}

static int insert_module(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	/* few devices, no partition scan: quicker to load, unload and open */
	rc = (int)syscall(SYS_finit_module, fd, "nbds_max=4 max_part=0", 0);
	close(fd);
	return rc && errno != EEXIST ? -1 : 0;
}

/*
 * In a pinfork VM (PINFORK_VM=1) the guest is thrown away after the run, so
 * the module stays loaded: loading and unloading it per case cost 0.8 s of
 * each case in a loaded TCG guest (1.31 s against 0.51 s per case).
 */
static int keep_module_loaded(void)
{
	const char *vm = getenv("PINFORK_VM");

	return vm && !strcmp(vm, "1");
}

/* The module is there (loaded or built in), or we load it now. */
static int load_nbd(struct held_nbd *n, char *why, size_t size)
{
	char out[256], path[512];

	if (!access("/sys/module/nbd", F_OK))
		return 0;
	if (!keep_module_loaded() &&
	    knob_undo_cmd("test ! -e /sys/module/nbd || rmmod nbd")) {
		snprintf(why, size, "cannot journal the unloading of the nbd module");
		return -1;
	}
	if ((nbd_module_path(path, sizeof(path)) || insert_module(path)) &&
	    pf_shell("modprobe nbd 2>&1", out, sizeof(out))) {
		snprintf(why, size, "no nbd in this kernel (modprobe nbd: %s)", out);
		return -1;
	}
	n->loaded_module = !keep_module_loaded();
	for (int i = 0; i < 200 && access("/dev/nbd0", F_OK); i++)
		sleep_ms(10);
	return 0;
}

static void unload_nbd(struct held_nbd *n)
{
	char path[64];

	if (!n->loaded_module)
		return;
	for (int i = 0; i < NBD_MAX_DEVICES; i++) {
		snprintf(path, sizeof(path), "/sys/block/nbd%d/pid", i);
		if (!access(path, F_OK))
			return;	/* someone else's device is connected */
	}
	syscall(SYS_delete_module, "nbd", O_NONBLOCK);
}

static int device_exists(int i)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/block/nbd%d", i);
	return !access(path, F_OK);
}

static int device_connected(int i)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/block/nbd%d/pid", i);
	return !access(path, F_OK);
}

/* The device's capacity in 512-byte sectors, from sysfs; -1 if unreadable. */
static long long device_sectors(int i)
{
	char path[64];
	long long sectors = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/block/nbd%d/size", i);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &sectors) != 1)
		sectors = -1;
	fclose(f);
	return sectors;
}

/*
 * Sets up device i with our socket; 0, or -errno (-EBUSY when another task
 * is setting it up: nbd_add_socket() allows one setup task per device).
 */
static int configure_device(struct held_nbd *n, int i, size_t len)
{
	char path[32];
	unsigned long blocks = (len + NBD_BLOCK - 1) / NBD_BLOCK;

	snprintf(path, sizeof(path), "/dev/nbd%d", i);
	n->ctl = open(path, O_RDWR | O_CLOEXEC);
	if (n->ctl < 0)
		return -errno;
	if (ioctl(n->ctl, NBD_SET_BLKSIZE, (unsigned long)NBD_BLOCK) ||
	    ioctl(n->ctl, NBD_SET_SIZE_BLOCKS, blocks) ||
	    ioctl(n->ctl, NBD_SET_TIMEOUT, (unsigned long)NBD_IO_TIMEOUT) ||
	    ioctl(n->ctl, NBD_SET_SOCK, (unsigned long)n->sock[0])) {
		int err = -errno;

		ioctl(n->ctl, NBD_CLEAR_SOCK);
		close(n->ctl);
		n->ctl = -1;
		return err;
	}
	n->index = i;
	return 0;
}

static int pick_device(struct held_nbd *n, size_t len, char *why, size_t size)
{
	int err = -ENODEV;

	for (int i = 0; i < NBD_MAX_DEVICES && device_exists(i); i++) {
		if (device_connected(i))
			continue;
		err = configure_device(n, i, len);
		if (!err)
			return 0;
	}
	if (err == -ENODEV)
		snprintf(why, size, "no free /dev/nbdN (nbd loaded, every device in use or none)");
	else
		snprintf(why, size, "cannot set up a free nbd device: %s", strerror(-err));
	return -1;
}

static int send_reply(int fd, const struct nbd_request *rq, uint32_t error)
{
	struct nbd_reply rp = {
		.magic = htobe32(NBD_REPLY_MAGIC),
		.error = htobe32(error),
	};

	memcpy(rp.handle, rq->handle, sizeof(rp.handle));
	return pf_send_full(fd, &rp, sizeof(rp));
}

static int answer_read(struct held_nbd *n, const struct nbd_request *rq,
		       char *buf)
{
	size_t off = be64toh(rq->from), len = be32toh(rq->len);

	pf_held_gate(n->h, off, len);
	if (send_reply(n->sock[1], rq, 0))
		return -1;
	for (size_t done = 0; done < len; done += NBD_CHUNK) {
		size_t chunk = len - done < NBD_CHUNK ? len - done : NBD_CHUNK;

		pf_held_fill(n->h, buf, off + done, chunk);
		if (pf_send_full(n->sock[1], buf, chunk))
			return -1;
	}
	return 0;
}

/* Writes are taken and dropped: the file's contents are fixed. */
static int answer_write(struct held_nbd *n, const struct nbd_request *rq,
			char *buf)
{
	size_t len = be32toh(rq->len);

	for (size_t done = 0; done < len; done += NBD_CHUNK) {
		size_t chunk = len - done < NBD_CHUNK ? len - done : NBD_CHUNK;

		if (pf_read_full(n->sock[1], buf, chunk))
			return -1;
	}
	return send_reply(n->sock[1], rq, 0);
}

/* One request; 1 when the kernel disconnects, -1 on a broken socket. */
static int serve_one(struct held_nbd *n, char *buf)
{
	struct nbd_request rq;

	if (pf_read_full(n->sock[1], &rq, sizeof(rq)) ||
	    be32toh(rq.magic) != NBD_REQUEST_MAGIC)
		return -1;
	switch (be32toh(rq.type) & 0xffff) {
	case NBD_CMD_READ:
		return answer_read(n, &rq, buf);
	case NBD_CMD_WRITE:
		return answer_write(n, &rq, buf);
	case NBD_CMD_DISC:
		return 1;
	case NBD_CMD_FLUSH:
	case NBD_CMD_TRIM:
		return send_reply(n->sock[1], &rq, 0);
	default:
		return send_reply(n->sock[1], &rq, EINVAL);
	}
}

static void *server_thread(void *arg)
{
	struct held_nbd *n = arg;
	char *buf = malloc(NBD_CHUNK);

	while (buf && !serve_one(n, buf))
		;
	free(buf);
	return NULL;
}

static void *do_it_thread(void *arg)
{
	struct held_nbd *n = arg;

	n->do_it_rc = ioctl(n->ctl, NBD_DO_IT) ? -errno : 0;
	__atomic_store_n(&n->do_it_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * NBD_DO_IT started the device and gave it its size, or failed. The pid
 * file alone is not enough: nbd_start_device() creates it before it queues
 * the receive work and sets the capacity (nbd_set_size() comes last, in
 * 6.1 as in 6.18), and an O_DIRECT read at or past a capacity still 0
 * returns 0 at once without reaching the server.
 */
static int wait_connected(struct held_nbd *n, size_t len, char *why, size_t size)
{
	long long want = (long long)((len + NBD_BLOCK - 1) / NBD_BLOCK) *
			 (NBD_BLOCK / 512), have = -1;
	int unsized = 0;

	for (int i = 0; i < 500; i++) {
		if (__atomic_load_n(&n->do_it_done, __ATOMIC_ACQUIRE)) {
			snprintf(why, size, "NBD_DO_IT on /dev/nbd%d: %s", n->index,
				 strerror((int)-n->do_it_rc));
			return -1;
		}
		if (device_connected(n->index)) {
			have = device_sectors(n->index);
			if (have == want) {
				if (unsized)
					pf_diag("held nbd: /dev/nbd%d had its pid file %d ms before its size",
						n->index, unsized * 10);
				return 0;
			}
			unsized++;
		}
		sleep_ms(10);
	}
	snprintf(why, size, "/dev/nbd%d did not connect with %lld sectors within 5 s (%s, %lld sectors)",
		 n->index, want, device_connected(n->index) ? "connected" : "not connected", have);
	return -1;
}

/*
 * Reads the whole device once through the page cache, so that later
 * buffered readers (partition rescans, udev's blkid) are answered from the
 * cache and never reach the server, where they could meet the armed offset.
 * The cache lives while our O_DIRECT fd keeps the device open.
 */
static void preload_cache(struct held_nbd *n, size_t len)
{
	char path[32], *buf = malloc(NBD_CHUNK);
	int fd;

	snprintf(path, sizeof(path), "/dev/nbd%d", n->index);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && buf && len <= NBD_PRELOAD_MAX)
		while (read(fd, buf, NBD_CHUNK) > 0)
			;
	if (fd >= 0)
		close(fd);
	free(buf);
}

static int open_case_fd(struct held_nbd *n, char *why, size_t size)
{
	char path[32];
	int block = 0;

	snprintf(path, sizeof(path), "/dev/nbd%d", n->index);
	n->h->fd = open(path, O_RDWR | O_DIRECT | O_CLOEXEC);
	if (n->h->fd < 0) {
		snprintf(why, size, "open %s O_DIRECT: %s", path, strerror(errno));
		return -1;
	}
	if (ioctl(n->h->fd, BLKSSZGET, &block) || block <= 0) {
		snprintf(why, size, "BLKSSZGET on %s: %s", path, strerror(errno));
		return -1;
	}
	n->h->align = (size_t)block;
	return 0;
}

static int start_threads(struct held_nbd *n, char *why, size_t size)
{
	int err = pthread_create(&n->server, NULL, server_thread, n);

	if (!err) {
		n->server_started = 1;
		err = pthread_create(&n->do_it, NULL, do_it_thread, n);
	}
	if (err) {
		snprintf(why, size, "pthread_create: %s", strerror(err));
		return -1;
	}
	n->do_it_started = 1;
	return 0;
}

static int join_within(pthread_t t, double seconds)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += (time_t)seconds;
	return pthread_timedjoin_np(t, NULL, &until);
}

/*
 * Never hangs: the held request was released by pf_held_close(); the
 * kernel sends NBD_CMD_DISC on NBD_DISCONNECT and the server stops; a
 * shut down socket ends the kernel's receive work, and with it NBD_DO_IT.
 */
static void teardown(struct pf_held *h)
{
	struct held_nbd *n = h->priv;
	int do_it_joined = !n->do_it_started;

	if (h->fd >= 0)
		close(h->fd);
	if (n->do_it_started && !__atomic_load_n(&n->do_it_done, __ATOMIC_ACQUIRE))
		ioctl(n->ctl, NBD_DISCONNECT);
	else
		shutdown(n->sock[1], SHUT_RDWR);	/* no kernel to say DISC */
	if (n->server_started && join_within(n->server, 2)) {
		shutdown(n->sock[1], SHUT_RDWR);
		if (join_within(n->server, 5))
			pf_diag("held nbd: the server thread did not stop");
	}
	shutdown(n->sock[1], SHUT_RDWR);
	if (n->do_it_started) {
		do_it_joined = !join_within(n->do_it, 10);
		if (!do_it_joined)
			pf_diag("held nbd: NBD_DO_IT did not return on /dev/nbd%d", n->index);
	}
	if (n->ctl >= 0 && do_it_joined) {
		ioctl(n->ctl, NBD_CLEAR_SOCK);
		close(n->ctl);
	}
	close(n->sock[0]);
	close(n->sock[1]);
	unload_nbd(n);
	free(n);
}

static int nbd_open(struct pf_held **hp, size_t len, char *why, size_t size)
{
	struct pf_held *h;
	struct held_nbd *n;

	if (geteuid()) {
		snprintf(why, size, "the nbd backend needs root");
		return -1;
	}
	h = pf_held_alloc();
	n = calloc(1, sizeof(*n));
	if (!h || !n) {
		snprintf(why, size, "out of memory");
		free(n);
		if (h)
			pf_held_free(h);
		return -1;
	}
	n->h = h;
	n->ctl = -1;
	n->sock[0] = n->sock[1] = -1;
	h->priv = n;
	h->len = len;
	h->teardown = teardown;
	if (load_nbd(n, why, size))
		goto fail;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, n->sock)) {
		snprintf(why, size, "socketpair: %s", strerror(errno));
		goto fail;
	}
	if (pick_device(n, len, why, size) || start_threads(n, why, size) ||
	    wait_connected(n, len, why, size) || open_case_fd(n, why, size))
		goto fail;
	preload_cache(n, len);
	*hp = h;
	return 0;
fail:
	pf_held_close(h);
	return -1;
}

const struct pf_held_backend pf_held_nbd = {
	.name = "nbd",
	.summary = "the nbd block device with its server in a thread of the case",
	.open = nbd_open,
	.needs = PF_NEED_ROOT | PF_NEED_NBD,
	.pin_fixes = { "a7e689dd1c06" },	/* bio_iov_iter_get_pages() */
};
