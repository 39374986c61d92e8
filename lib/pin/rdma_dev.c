// SPDX-License-Identifier: GPL-2.0
/*
 * Finding an RDMA device with an active port and an address the loopback
 * queue-pair pair can use: the RoCE v2 GID of an IPv4 address on Ethernet
 * ports, the LID on InfiniBand ports.
 */
#include "rdma_dev.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "rdma_rxe.h"

#if HAVE_IBVERBS
#include <infiniband/verbs.h>

#define DEVICE_WAIT_SECONDS 10.0

static int ipv4_mapped(const union ibv_gid *g)
{
	static const uint8_t prefix[12] = { [10] = 0xff, [11] = 0xff };

	return !memcmp(g->raw, prefix, sizeof(prefix));
}

/* The RoCE v2 GID of an IPv4 address on the port, or -1. */
static int roce_v2_ipv4_gid(struct ibv_context *ctx, uint8_t port, int len,
			    union ibv_gid *gid)
{
	struct ibv_gid_entry e;

	for (int i = 0; i < len; i++) {
		if (ibv_query_gid_ex(ctx, port, i, &e, 0))
			continue;
		if (e.gid_type == IBV_GID_TYPE_ROCE_V2 && ipv4_mapped(&e.gid)) {
			*gid = e.gid;
			return i;
		}
	}
	return -1;
}

/* 0 when ctx's port can address itself; fills r. */
static int usable_port(struct ibv_context *ctx, uint8_t port, struct pf_rdma *r)
{
	struct ibv_port_attr pa;
	union ibv_gid gid;

	if (ibv_query_port(ctx, port, &pa) || pa.state != IBV_PORT_ACTIVE)
		return -1;
	r->port = port;
	r->mtu = (int)pa.active_mtu;
	r->lid = pa.lid;
	if (pa.link_layer == IBV_LINK_LAYER_INFINIBAND) {
		r->gid_index = -1;
		return 0;
	}
	r->gid_index = roce_v2_ipv4_gid(ctx, port, pa.gid_tbl_len, &gid);
	if (r->gid_index < 0)
		return -1;
	memcpy(r->gid, &gid, sizeof(r->gid));
	return 0;
}

/* Opens the first device with a usable port; 1 when found. */
static int try_devices(struct pf_rdma *r)
{
	int n = 0;
	struct ibv_device **list = ibv_get_device_list(&n);

	for (int i = 0; list && i < n && !r->ctx; i++) {
		struct ibv_context *ctx = ibv_open_device(list[i]);
		struct ibv_device_attr da;

		if (!ctx)
			continue;
		if (!ibv_query_device(ctx, &da))
			for (uint8_t p = 1; p <= da.phys_port_cnt && !r->ctx; p++)
				if (!usable_port(ctx, p, r))
					r->ctx = ctx;
		if (r->ctx)
			snprintf(r->name, sizeof(r->name), "%s",
				 ibv_get_device_name(list[i]));
		else
			ibv_close_device(ctx);
	}
	if (list)
		ibv_free_device_list(list);
	return r->ctx != NULL;
}

static int any_device(void)
{
	int n = 0;
	struct ibv_device **list = ibv_get_device_list(&n);

	if (list)
		ibv_free_device_list(list);
	return n > 0;
}

/* A fresh soft-RoCE device comes up (port active, GIDs) asynchronously. */
static int wait_for_device(struct pf_rdma *r)
{
	double end = pf_now() + DEVICE_WAIT_SECONDS;
	struct timespec pause = { 0, 20 * 1000 * 1000 };

	while (!try_devices(r)) {
		if (pf_now() > end)
			return 0;
		nanosleep(&pause, NULL);
	}
	return 1;
}

enum pf_result pf_rdma_open_device(struct pf_rdma *r)
{
	enum pf_result res;

	if (try_devices(r))
		return PF_PASS;
	if (any_device())
		return pf_skip("no RDMA device has an active port with a RoCE v2 IPv4 GID or a LID");
	res = pf_rdma_make_rxe();
	if (res != PF_PASS)
		return res;
	if (!wait_for_device(r))
		return pf_skip("soft-RoCE device %s did not get an active port with a RoCE v2 IPv4 GID within %.0f s",
			       PF_RXE_NAME, DEVICE_WAIT_SECONDS);
	return PF_PASS;
}

const char *pf_rdma_fork_status(void)
{
	switch (ibv_is_fork_initialized()) {
	case IBV_FORK_DISABLED:
		return "IBV_FORK_DISABLED (ibv_fork_init not called, and the kernel does not claim copy-on-fork for pinned pages)";
	case IBV_FORK_ENABLED:
		return "IBV_FORK_ENABLED (ibv_fork_init was called: MADV_DONTFORK on MRs)";
	case IBV_FORK_UNNEEDED:
		return "IBV_FORK_UNNEEDED (the kernel claims copy-on-fork for pinned pages)";
	}
	return "unknown";
}

#else	/* built without libibverbs */

enum pf_result pf_rdma_open_device(struct pf_rdma *r)
{
	(void)r;
	return pf_skip(PF_RDMA_UNBUILT);
}

const char *pf_rdma_fork_status(void)
{
	return PF_RDMA_UNBUILT;
}

#endif
