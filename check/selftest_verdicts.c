// SPDX-License-Identifier: GPL-2.0
/*
 * Negative self-tests of the turn-taking verdicts (lib/scenario/turns.c): a turn
 * that SKIPs or ERRORs ends the sequence with its verdict, so the peer
 * never judges data the stopped turn did not write (a false FAIL); a FAIL
 * before the stop stays FAIL; a child that leaves without a verdict is an
 * ERROR. And the rule under them all, pf_worst(), pair by pair.
 */
#include <sys/mman.h>

#include "model.h"
#include "turns.h"

/* Turn 1 writes the flag turn 2 checks, unless told to stop first. */
struct seq {
	enum pf_result stop;	/* the verdict of the turn that stops */
	int stop_turn;		/* that turn (0: none stops) */
	int fail_turn;		/* this turn FAILs outright (0: none) */
	volatile int *written;	/* shared between the two processes */
};

static enum pf_result seq_turn(void *arg, int turn)
{
	struct seq *s = arg;

	if (turn == s->fail_turn)
		return pf_fail("turn %d: built failure", turn);
	if (turn == s->stop_turn)
		return s->stop == PF_SKIP ? pf_skip("turn %d: built skip", turn) :
					    pf_error("turn %d: built error", turn);
	if (turn == 1) {
		*s->written = 1;
		return PF_PASS;
	}
	if (turn == 2 && !*s->written)
		return pf_fail("turn 2: turn 1 never wrote (the false alarm)");
	return PF_PASS;
}

static enum pf_result run_seq(struct seq *s, int child_owns_odd)
{
	struct pf_lockstep ls;
	enum pf_result res;
	pid_t pid;

	s->written = mmap(NULL, sizeof(int), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s->written == MAP_FAILED)
		return pf_error("mmap failed");
	*s->written = 0;
	pid = pf_lockstep_fork(&ls);
	if (pid < 0)
		return pf_error("fork failed");
	if (pid == 0)
		pf_lockstep_exit(&ls, pf_take_turns(&ls, 4, child_owns_odd, seq_turn, s));
	res = pf_turns_parent(&ls, 4, !child_owns_odd, seq_turn, s);
	munmap((void *)s->written, sizeof(int));
	return res;
}

static enum pf_result stop_case(enum pf_result stop, int stop_turn,
				int child_owns_odd, enum pf_result want,
				const char *what)
{
	struct seq s = { .stop = stop, .stop_turn = stop_turn };

	return pf_expect(run_seq(&s, child_owns_odd), want, what);
}

static enum pf_result parent_skip_ends(struct pf_ctx *ctx)
{
	(void)ctx;
	return stop_case(PF_SKIP, 1, 0, PF_SKIP, "parent's turn 1 SKIPs");
}

static enum pf_result child_skip_ends(struct pf_ctx *ctx)
{
	(void)ctx;
	return stop_case(PF_SKIP, 1, 1, PF_SKIP, "child's turn 1 SKIPs");
}

static enum pf_result child_error_ends(struct pf_ctx *ctx)
{
	(void)ctx;
	return stop_case(PF_ERROR, 1, 1, PF_ERROR, "child's turn 1 ERRORs");
}

/* A FAIL found before a later turn stops stays FAIL. */
static enum pf_result fail_then_skip(struct pf_ctx *ctx)
{
	struct seq s = { .stop = PF_SKIP, .stop_turn = 3, .fail_turn = 2 };

	(void)ctx;
	return pf_expect(run_seq(&s, 1), PF_FAIL, "turn 2 FAILs, turn 3 SKIPs");
}

static enum pf_result control_passes(struct pf_ctx *ctx)
{
	(void)ctx;
	return stop_case(PF_PASS, 0, 1, PF_PASS, "every turn passes");
}

/* A child that leaves before its turn with status 0 claims nothing. */
static enum pf_result child_gone_is_error(struct pf_ctx *ctx)
{
	struct pf_lockstep ls;
	pid_t pid;

	(void)ctx;
	pid = pf_lockstep_fork(&ls);
	if (pid < 0)
		return pf_error("fork failed");
	if (pid == 0)
		pf_lockstep_exit(&ls, PF_PASS);
	return pf_expect(pf_turns_parent(&ls, 2, 1, seq_turn, &(struct seq){
				.written = &(int){ 0 } }),
			 PF_ERROR, "the child left before its turn");
}

/* pf_worst(): FAIL wins from either side, else the first that is not PASS. */
static enum pf_result merge_order(struct pf_ctx *ctx)
{
	static const enum pf_result order[][3] = {	/* a, b, merged */
		{ PF_PASS, PF_PASS, PF_PASS },
		{ PF_PASS, PF_SKIP, PF_SKIP },
		{ PF_ERROR, PF_FAIL, PF_FAIL },
		{ PF_FAIL, PF_ERROR, PF_FAIL },
		{ PF_SKIP, PF_FAIL, PF_FAIL },
		{ PF_XFAIL, PF_FAIL, PF_FAIL },
		{ PF_SKIP, PF_ERROR, PF_SKIP },
		{ PF_ERROR, PF_SKIP, PF_ERROR },
		{ PF_XFAIL, PF_ERROR, PF_XFAIL },
		{ PF_ERROR, PF_PASS, PF_ERROR },
	};

	(void)ctx;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		enum pf_result got = pf_worst(order[i][0], order[i][1]);

		if (got != order[i][2])
			return pf_fail("pf_worst(%d, %d) is %d, not %d", order[i][0],
				       order[i][1], got, order[i][2]);
	}
	return PF_PASS;
}

static const struct pf_template templates[] = {
	{ .name = "turns-parent-skip-ends-sequence", .summary = "the parent's turn SKIPs: SKIP, not the child's false FAIL", .run = parent_skip_ends },
	{ .name = "turns-child-skip-ends-sequence", .summary = "the child's turn SKIPs: SKIP, not the parent's false FAIL", .run = child_skip_ends },
	{ .name = "turns-child-error-ends-sequence", .summary = "the child's turn ERRORs: ERROR, not the parent's false FAIL", .run = child_error_ends },
	{ .name = "turns-fail-stays-fail", .summary = "a turn FAILs, a later one SKIPs: FAIL", .run = fail_then_skip },
	{ .name = "turns-control-pass", .summary = "control: every turn passes, the sequence passes", .run = control_passes },
	{ .name = "turns-child-gone-error", .summary = "a child that leaves without a verdict: ERROR", .run = child_gone_is_error },
	{ .name = "merge-order", .summary = "pf_worst: FAIL over all, else the first result that is not PASS", .run = merge_order },
};

PF_MAIN(templates)
