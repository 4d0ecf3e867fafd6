/* store_export.h: the SQL behind export.c (store_export.c): the decided
 * submissions, one row each, as the results export writes them. */
#ifndef MCASSESS_STORE_EXPORT_H
#define MCASSESS_STORE_EXPORT_H
#include "mcassess/error.h"

struct store;

struct export_result_row {
	const char *id, *educator_id, *educator_name, *anon_id, *district, *school, *credential,
		*pathway, *outcome, *decided_at, *decided_by;
	int attempt, rubric_version;
	int assigned_blind;  /* the submission is assigned blind to the viewer */
	const char *submitted_at;
	/* JSON arrays: [{"criterion","level","label","passes"}] (every criterion of
	 * the rubric, level/label/passes null when not scored) from the final read
	 * (adjudication, else first, else second), and [{"read","assessor"}]. */
	const char *levels_json, *readers_json;
	const char *feedback; /* the teacher-facing feedback of the final read, or NULL */
};
/* Each decided submission in the store's scope (access.h), in decision order
 * (time, then id); fn returns non-zero to stop. */
int store_export_results(struct store *s, const char *viewer,
			 int (*fn)(void *ctx, const struct export_result_row *r), void *ctx,
			 struct mc_error *err);
#endif
