/* store_packet.h: the SQL of review packets (packet.c): the copy a packet is
 * made of, and the merge of one back. The packet file is attached to the
 * server's connection as schema "pk" while either runs. */
#ifndef MCASSESS_STORE_PACKET_H
#define MCASSESS_STORE_PACKET_H
#include <stddef.h>

#include "mcassess/error.h"
#include "mcassess/hash.h"
#include "mcassess/store_audit.h"

struct store;

int store_packet_attach(struct store *s, const char *path, struct mc_error *err);
void store_packet_detach(struct store *s);

/* A database's identity: the hash of its first audit row ("" when none);
 * packet: 1 for the attached packet, 0 for the store's own. */
int store_packet_origin(struct store *s, int packet, char out[MC_SHA256_HEX], struct mc_error *err);
/* The hash of row `seq` of the store's own audit log ("" when none). */
int store_packet_audit_hash(struct store *s, long long seq, char out[MC_SHA256_HEX], struct mc_error *err);

/* Copy district `district`'s open work assigned to `assessors` (a JSON array of
 * user names; NULL: every assessor with open work there) into the attached,
 * empty packet, with `exporter` among its people; in one transaction. Names of
 * educators scored blind are replaced by their anonymous ids. *nsubs: how many
 * submissions; *who: the assessors (a JSON array, heap). */
int store_packet_copy(struct store *s, const char *district, const char *assessors, const char *exporter,
		      long *nsubs, char **who, struct mc_error *err);

/* The text evidence in the attached packet of educators it names by their
 * anonymous id only, with the real name and school (from the server), and
 * its replacement (masked text, its sha256 and normalised sha256). */
/* At most `most` of them, those after evidence id `after`, in id order. */
int store_packet_blind_texts(struct store *s, long long after, int most,
			     int (*fn)(void *ctx, long long id, const char *text, const char *name, const char *school),
			     void *ctx, struct mc_error *err);
int store_packet_text_set(struct store *s, long long id, const char *text, const char *sha, const char *norm,
			  struct mc_error *err);

/* Each evidence file the packet holds (sha256), in the store `s` (the packet). */
int store_packet_blobs_needed(struct store *s, int (*fn)(void *ctx, const char *sha256), void *ctx,
			      struct mc_error *err);
int store_packet_blob_put(struct store *s, const char *sha256, const void *data, size_t len,
			  struct mc_error *err);
/* Each file carried, with its content (s: the packet); want (may be NULL)
 * says which files' content to read. */
int store_packet_blob_each(struct store *s, int (*want)(void *ctx, const char *sha256),
			   int (*fn)(void *ctx, const char *sha256, const void *data, size_t len), void *ctx,
			   struct mc_error *err);
/* The packet's submissions' ids (the ext ids), s: the packet. */
int store_packet_subs(struct store *s, int (*fn)(void *ctx, const char *id), void *ctx, struct mc_error *err);

/* ------------------------------------------------------------ the merge (pk attached) */

/* A sentence naming the first thing in the packet that does not agree with the
 * server: a submission or evidence item that is not the server's ("" none; heap). */
int store_packet_mismatch(struct store *s, char **what, struct mc_error *err);
/* The packet's audit rows the server does not have, in their order. */
int store_packet_new_events(struct store *s, int (*fn)(void *ctx, const struct audit_row *r), void *ctx,
			    struct mc_error *err);
/* What the server itself did to `subject` after row `base_seq`: no row a
 * packet or a pull brought ("" nothing; claims do not count; heap). Needs no
 * packet attached (a pull's earlier merge may turn into a conflict). */
int store_packet_server_since(struct store *s, const char *subject, long long base_seq, char **what,
			      struct mc_error *err);
/* 1 when a conflict for (packet, submission) is already recorded. */
int store_packet_conflict_known(struct store *s, const char *packet_id, const char *sub, int *known,
				struct mc_error *err);
/* The packet's records of one submission as JSON (heap). */
int store_packet_records_json(struct store *s, const char *sub, char **json, struct mc_error *err);
/* The same of the server's own records of `sub` (main). */
int store_packet_server_records_json(struct store *s, const char *sub, char **json, struct mc_error *err);
/* Replace the server's records of `sub` by the packet's (every merged table,
 * and the submission's status). From the JSON of store_packet_records_json
 * instead when json is not NULL (a conflict resolved for the packet). */
int store_packet_apply(struct store *s, const char *sub, const char *json, struct mc_error *err);
/* Only the append-only records (private notes) of `records` (JSON as above;
 * NULL: the packet's) the server lacks: they come home whatever becomes of the others. */
int store_packet_append_new(struct store *s, const char *sub, const char *records, struct mc_error *err);
/* 1 in *join when other packets merged `sub` alone, none holds it in an open
 * conflict, and they and packet_id (its `events`, JSON as a conflict keeps
 * them) each did only work of their own reads, on different reads: their
 * records then join rather than conflict. */
int store_packet_joinable(struct store *s, const char *sub, const char *packet_id, const char *events, int *join,
			  struct mc_error *err);
/* Take the packet's records of the reads its `events` worked on (and its new
 * notes) beside the server's others; *before (heap): what the first of the
 * joined merges replaced. */
int store_packet_join(struct store *s, const char *sub, const char *events, char **before, struct mc_error *err);
/* The server's records of `sub` that the packet's (records, JSON as above)
 * do not replace: each as its audit action and the JSON its audit row had. */
int store_packet_removed(struct store *s, const char *sub, const char *records,
			 int (*fn)(void *ctx, const char *action, const char *before), void *ctx, struct mc_error *err);
int store_packet_note_audit(struct store *s, const char *uid, const char *packet_id, const char *hash,
			    struct mc_error *err);
struct packet_conflict_row {
	long long id;
	const char *packet_id, *submission, *server, *packet, *records, *events, *state, *resolved_by,
		*resolved_at;
};
int store_packet_conflict_add(struct store *s, const struct packet_conflict_row *c, struct mc_error *err);
/* Conflicts, open ones only unless all; fn gets each. */
int store_packet_conflicts(struct store *s, int all, int (*fn)(void *ctx, const struct packet_conflict_row *c),
			   void *ctx, struct mc_error *err);
int store_packet_conflict_set(struct store *s, long long id, const char *state, const char *by, const char *at,
			      struct mc_error *err);
int store_packet_import_note(struct store *s, const char *packet_id, const char *district, const char *by,
			     const char *at, const char *importer, const char *now, long events, long conflicts,
			     struct mc_error *err);

/* Figures of a packet (s: the packet): submissions, those scored, decided. */
struct packet_figures {
	long submissions, scored, decided, events;
};
int store_packet_figures(struct store *s, struct packet_figures *f, struct mc_error *err);
/* Conflicts recorded on the server for a packet: open, resolved. */
int store_packet_conflict_count(struct store *s, const char *packet_id, long *open, long *resolved,
				struct mc_error *err);
/* Each packet merged here, newest first (packet_import with its conflicts). */
struct packet_session_view {
	const char *packet_id, *district, *exported_by, *exported_at, *imported_by, *imported_at;
	long events, conflicts_open, conflicts_resolved;
};
int store_packet_sessions(struct store *s, int (*fn)(void *ctx, const struct packet_session_view *v), void *ctx,
			  struct mc_error *err);
/* 1 when the packet was merged here. */
int store_packet_imported(struct store *s, const char *packet_id, int *imported, struct mc_error *err);

/* ---------------------------------------------------------------- any order (packet_merge.c) */

/* A packet's records taken for a submission no other packet touched, with
 * the server's own records they replaced (before). */
struct packet_merged_row {
	const char *packet_id, *submission, *before, *packet, *records, *events;
	long long base_seq;
};
/* Record one (a second import of the packet keeps the first `before`). */
int store_packet_merged_put(struct store *s, const struct packet_merged_row *m, struct mc_error *err);
int store_packet_merged_each(struct store *s, const char *sub,
			     int (*fn)(void *ctx, const struct packet_merged_row *m), void *ctx, struct mc_error *err);
/* Forget every packet's merge of `sub` but keep's (NULL: all): it became a
 * conflict, or a source that saw them took it over. */
int store_packet_merged_drop(struct store *s, const char *sub, const char *keep, struct mc_error *err);
/* How many other packets (or pulls) merged `sub` after audit row `since`
 * (those the packet or pull did not see) or hold an open conflict on it, and
 * whether `packet_id` holds an open one (own). */
int store_packet_touched(struct store *s, const char *packet_id, const char *sub, long long since, long *others,
			 long *own, struct mc_error *err);
/* A conflict's packet side, replaced (the same packet brought more work). */
int store_packet_conflict_update(struct store *s, const struct packet_conflict_row *c, struct mc_error *err);
/* A conflict that has one open side at most (a person's, subject "person:USER"
 * in `submission`): the open one brought up to c (a later pull), else c added. */
int store_packet_conflict_put_open(struct store *s, const struct packet_conflict_row *c, struct mc_error *err);
/* Every open side of `sub`'s conflict resolved as `state`. */
int store_packet_conflict_settle(struct store *s, const char *sub, const char *state, const char *by, const char *at,
				 struct mc_error *err);
/* 1 when the server's audit log holds a row with this uid. */
int store_packet_audit_has(struct store *s, const char *uid, int *has, struct mc_error *err);
/* Each record the server holds for `sub`, as the audit row that sets it
 * (action, NULL, after), then each record of `records` (JSON as
 * store_packet_records_json, may be NULL) the server does not hold, as the
 * row that removes it (action, before, NULL); in a fixed order. */
int store_packet_restate(struct store *s, const char *sub, const char *records,
			 int (*fn)(void *ctx, const char *action, const char *before, const char *after), void *ctx,
			 struct mc_error *err);
/* ---------------------------------------------------------------- earlier attempts (pk attached) */

/* The earlier attempts in the packet (submissions it holds with no
 * assignment: there to be read) of educators it names by anonymous id only,
 * with the real name and school from the server. */
int store_packet_blind_earlier(struct store *s, int (*fn)(void *ctx, const char *id, const char *name,
							  const char *school), void *ctx, struct mc_error *err);
/* The packet's feedback rows on submission `sub`; and one's text replaced. */
int store_packet_feedback_each(struct store *s, const char *sub,
			       int (*fn)(void *ctx, long long id, const char *body), void *ctx, struct mc_error *err);
int store_packet_feedback_set(struct store *s, long long id, const char *body, struct mc_error *err);

/* Records (JSON as store_packet_records_json) as lines for people: status,
 * each score (criterion level · assessor · comment), feedback, decision. */
int store_packet_records_lines(struct store *s, const char *records, int (*fn)(void *ctx, const char *line),
			       void *ctx, struct mc_error *err);

/* ---------------------------------------------------------------- packet list */

/* A packet exported from or imported into this database. assessors NULL and
 * submissions -1 when it was not exported here (or before exports were
 * recorded); imported_by/at NULL until it came home. */
struct packet_list_row {
	const char *packet_id, *district, *exported_by, *exported_at, *assessors, *imported_by, *imported_at;
	long submissions, events, conflicts_open, conflicts_resolved;
};
/* Record an export (packet_id, district, exported_by/at, assessors, submissions). */
int store_packet_export_note(struct store *s, const struct packet_list_row *r, struct mc_error *err);
/* Every packet exported or imported here, oldest export first. */
int store_packet_list(struct store *s, int (*fn)(void *ctx, const struct packet_list_row *r), void *ctx,
		      struct mc_error *err);
#endif
