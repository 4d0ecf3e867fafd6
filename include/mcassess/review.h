/* review.h: the review process around the reads (issue 11, items 1 and 2).
 *
 * `config reads 1|2` (meta 'reads', default 1): how many independent reads a
 * submission gets. `config approval on|off` (meta 'approval', default off):
 * whether a decision waits for an approver. The one rule:
 *   - reads 1, approval off: the reader's `decide earned|resubmit` is final (as
 *     before this process existed);
 *   - reads 1, approval on: the reader's decision ends the read and the
 *     submission awaits approval;
 *   - reads 2 (approval is then always on): each reader ends their own read;
 *     until both the first and the second read are ended, neither reader sees
 *     the other's scores, comments, feedback or decision. Then agreement (the
 *     same outcome, every criterion on the same side of passing) -> awaiting
 *     approval; disagreement -> an adjudication read, assigned to the least
 *     loaded assessor who holds no read of it and whose own work it is not
 *     (assign_rules.h; outside the educator's district when one is), or left
 *     "needs adjudication" for a coordinator to assign.
 *     An ended adjudication read -> awaiting approval, with its outcome.
 * An approver (or an admin) who holds no read of it approves (the outcome
 * becomes the decision: final) or returns it with a reason (every read is open
 * again). An admin reopens a final decision (an appeal) or withdraws an
 * undecided submission. All of it audited. */
#ifndef MCASSESS_REVIEW_H
#define MCASSESS_REVIEW_H
#include "mcassess/error.h"

struct store;

int review_reads(struct store *s, int *n, struct mc_error *err);
/* Admins only; audited ("config", "setting:reads"). */
int review_reads_set(struct store *s, int n, int *changed, struct mc_error *err);
/* The setting as stored (*on), and whether decisions wait for approval (with reads 2, always). */
int review_approval(struct store *s, int *on, int *effective, struct mc_error *err);
int review_approval_set(struct store *s, int on, int *changed, struct mc_error *err);

/* The read the acting user works on (their assignment's; "first" when they
 * hold none), heap. */
int review_my_read(struct store *s, long long sub_rowid, char **read, struct mc_error *err);
/* 1 in *hide when the acting user, as the holder of `read`, may not see the other
 * reads yet (reads 2, a first or second read, not both ended). */
int review_hides_others(struct store *s, long long sub_rowid, const char *read, int *hide,
			struct mc_error *err);
/* 1 in *ended (and the outcome, heap, when wanted) when `read` was ended. */
int review_read_ended(struct store *s, long long sub_rowid, const char *read, int *ended, char **outcome,
		      struct mc_error *err);
/* Where the process stands, for show and the queue (static text): "final",
 * "awaiting second read", "needs adjudication", "adjudication", "awaiting approval",
 * "open", "withdrawn". */
int review_stage(struct store *s, long long sub_rowid, const char *status, const char **stage,
		 struct mc_error *err);

/* The same for submission `id` (the imported id), looked up without access checks:
 * callers have just acted on it. */
int review_stage_of(struct store *s, const char *id, const char **stage, struct mc_error *err);

/* Inside scoring's decide transaction, for submission (rowid, id, status): 1 in
 * *process when the decision is the reader's read (not final). Then it records
 * the read's end and moves the process on. */
int review_uses_process(struct store *s, int *process, struct mc_error *err);
int review_read_end(struct store *s, long long sub_rowid, const char *id, const char *status,
		    const char *read, const char *outcome, struct mc_error *err);
/* After a merge took another copy's records of submission `id` (a laptop's
 * read decisions): what the process does here that the copy could not. Both
 * reads ended and disagreeing, with no adjudication read held here yet: it
 * goes to this database's adjudicator by the usual rule (none: it waits);
 * agreeing but still in progress (each read ended on its own laptop): it
 * awaits approval. */
int review_after_merge(struct store *s, const char *id, struct mc_error *err);

/* The approver's sign-off, a return to the readers with a reason, an admin's
 * reopening (appeal) and withdrawal. Each one transaction with its audit row. */
int review_approve(struct store *s, const char *id, struct mc_error *err);
/* The one approval rule, for screens that ask before they act: MC_OK when the
 * acting user may approve or return submission `id` now (an approver or admin
 * who holds no read of it, and it awaits approval), else the reason in err.
 * review_approval_outcome also gives what approval would make final (heap):
 * the adjudication read's outcome, else the first read's, else the first
 * read's scores'. */
int review_may_approve(struct store *s, const char *id, struct mc_error *err);
int review_approval_outcome(struct store *s, const char *id, char **outcome, struct mc_error *err);
int review_return(struct store *s, const char *id, const char *reason, struct mc_error *err);
int review_reopen(struct store *s, const char *id, const char *reason, struct mc_error *err);
int review_withdraw(struct store *s, const char *id, const char *reason, struct mc_error *err);
#endif
