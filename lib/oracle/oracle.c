// SPDX-License-Identifier: GPL-2.0
#include "oracle.h"

#include <string.h>

#include "pattern.h"

int pf_child_keeps(void *arg)
{
	const struct pf_child_view *v = arg;
	struct pf_mismatch m;

	if (!pf_pattern_check(v->base, v->len, v->seed, &m))
		return 0;
	pf_mismatch_diag("child's copy changed after fork", &m);
	return 1;
}

enum pf_result pf_isolation_verdict(int child_status)
{
	if (!child_status)
		return PF_PASS;
	if (child_status < 0)
		return pf_error("the child died before checking its memory");
	return pf_fail("the child's memory changed: isolation broken");
}

enum pf_result pf_file_holds(struct pf_scratch *s, size_t len,
				 const void *ref, uint32_t seed,
				 const char *what)
{
	struct pf_mismatch m;
	int rc = ref ? pf_scratch_compare(s, 0, len, ref, &m) :
		       pf_scratch_check(s, 0, len, seed, &m);

	if (rc == -2)
		return pf_error("cannot read the scratch file back");
	if (rc == 0)
		return PF_PASS;
	pf_mismatch_diag(what, &m);
	return pf_fail("%s", what);
}

enum pf_result pf_view_holds(const void *view, size_t len, uint32_t seed,
				 const char *what)
{
	struct pf_mismatch m;

	if (!pf_pattern_check(view, len, seed, &m))
		return PF_PASS;
	pf_mismatch_diag(what, &m);
	return pf_fail("%s", what);
}

enum pf_result pf_fixed_sends(struct pf_uring *u, struct pf_scratch *s,
			      const void *buf, size_t len, uint32_t seed)
{
	int n = pf_uring_write_fixed(u, s->dio_fd, buf, len, 0);

	if (n != (int)len)
		return pf_error("WRITE_FIXED: %s", n < 0 ? strerror(-n) : "short write");
	return pf_file_holds(s, len, NULL, seed,
			  "WRITE_FIXED sent stale data: the pinned pages no longer back the CPU's mapping");
}

enum pf_result pf_fixed_brings(struct pf_uring *u, struct pf_scratch *s,
			       void *io_buf, const void *view, size_t len,
			       uint32_t seed)
{
	int n;

	if (pf_scratch_fill(s, 0, len, seed))
		return pf_error("cannot write the scratch file");
	n = pf_uring_read_fixed(u, s->dio_fd, io_buf, len, 0);
	if (n != (int)len)
		return pf_error("READ_FIXED: %s", n < 0 ? strerror(-n) : "short read");
	return pf_view_holds(view, len, seed,
			  "READ_FIXED data did not reach the CPU's mapping");
}

enum pf_result pf_dio_read_reaches(struct pf_scratch *s, void *io_buf,
				   const void *view, size_t len, uint32_t seed)
{
	int err;

	if (pf_scratch_fill(s, 0, len, seed))
		return pf_error("cannot write the scratch file");
	err = pf_dio_read(s, io_buf, len, 0);
	if (err)
		return pf_error("O_DIRECT read: %s", strerror(-err));
	return pf_view_holds(view, len, seed,
			  "O_DIRECT read data did not reach the CPU's mapping");
}

enum pf_result pf_dio_write_sends(struct pf_scratch *s, const void *buf,
				  const void *view, size_t len)
{
	int err = pf_dio_write(s, buf, len, 0);

	if (err)
		return pf_error("O_DIRECT write: %s", strerror(-err));
	return pf_file_holds(s, len, view, 0,
			  "O_DIRECT write sent other data than the CPU's mapping holds");
}
