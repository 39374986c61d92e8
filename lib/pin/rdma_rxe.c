// SPDX-License-Identifier: GPL-2.0
/*
 * A soft-RoCE (rdma_rxe) device for machines without RDMA hardware. It is
 * made per case and deleted by the knob journal when the case ends (the
 * undo is journaled before the device exists). Deleting an rxe device waits
 * until every verbs context on it is closed: pf_rdma_close() first.
 */
#include "rdma_rxe.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "knob.h"
#include "shell.h"

/* An up, running, non-loopback interface with an IPv4 address. */
static int pick_netdev(char *name, size_t size)
{
	struct ifaddrs *ifa, *i;
	int found = 0;

	if (getifaddrs(&ifa))
		return 0;
	for (i = ifa; i && !found; i = i->ifa_next) {
		unsigned flags = i->ifa_flags;

		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET)
			continue;
		if (!(flags & IFF_UP) || !(flags & IFF_RUNNING) ||
		    (flags & IFF_LOOPBACK))
			continue;
		snprintf(name, size, "%s", i->ifa_name);
		found = 1;
	}
	freeifaddrs(ifa);
	return found;
}

static enum pf_result load_rxe(void)
{
	char out[256];

	if (!access("/sys/module/rdma_rxe", F_OK))
		return PF_PASS;
	/* Debian's rdma_rxe needs crc32 from the crypto API; it may be built in */
	pf_shell("modprobe crc32_generic 2>&1", NULL, 0);
	if (!pf_shell("modprobe rdma_rxe 2>&1", out, sizeof(out)))
		return PF_PASS;
	/* no module, but the RDMA core is there: rdma_rxe may be built in */
	if (!access("/sys/class/infiniband", F_OK))
		return PF_PASS;
	return pf_skip("no RDMA device and rdma_rxe does not load: %s", out);
}

enum pf_result pf_rdma_make_rxe(void)
{
	char dev[IFNAMSIZ], cmd[256], out[256];
	enum pf_result res;

	if (geteuid())
		return pf_skip("no RDMA device (making a soft-RoCE one needs root)");
	if (pf_shell("command -v rdma", NULL, 0))
		return pf_skip("no RDMA device and no rdma tool (iproute2) to make a soft-RoCE one");
	res = load_rxe();
	if (res != PF_PASS)
		return res;
	if (!pick_netdev(dev, sizeof(dev)))
		return pf_skip("no RDMA device and no up non-loopback netdev with an IPv4 address for soft-RoCE");
	/* the undo holds when the device is gone, whoever removed it */
	if (knob_undo_cmd("rdma link delete " PF_RXE_NAME " >/dev/null 2>&1 || ! rdma dev show " PF_RXE_NAME " >/dev/null 2>&1"))
		return pf_skip("cannot journal the removal of " PF_RXE_NAME);
	snprintf(cmd, sizeof(cmd), "rdma link add %s type rxe netdev %s 2>&1",
		 PF_RXE_NAME, dev);
	if (pf_shell(cmd, out, sizeof(out)))
		return pf_skip("%s failed: %s", cmd, out);
	pf_diag("made soft-RoCE device %s on %s (deleted after the case)",
		PF_RXE_NAME, dev);
	return PF_PASS;
}
