/* packet.h: offline review packets. A packet is a database of mcassess's own
 * schema (open it with --db) holding one district's open work for some
 * assessors; scored on laptops with no network, it is merged back by
 * packet_import: the laptop's audit rows are re-appended to the server's chain
 * under their own authors and times, and the records they made (scores,
 * feedback, decisions) replace the server's for each submission the server
 * left alone meanwhile. A submission changed on both sides is a conflict:
 * listed, merged only once a coordinator resolves it. */
#ifndef MCASSESS_PACKET_H
#define MCASSESS_PACKET_H
#include "mcassess/error.h"
#include "mcassess/store_packet.h" /* struct packet_session_view */

struct store;
struct mc_session;

struct packet_export_result {
	long submissions, files;
	char *packet_id, *assessors; /* heap; assessors a JSON array */
};
/* Write district's open work assigned to `assessors` (n of them; 0: every
 * assessor with open work there) to `out`, which must not exist. Coordinators
 * of the district and admins. The server is only read. */
int packet_export(struct store *s, const char *district, const char *const *assessors, int n, const char *out,
		  struct packet_export_result *res, struct mc_error *err);
void packet_export_result_free(struct packet_export_result *res);

struct packet_import_result {
	long events, submissions, conflicts, skipped; /* skipped: already merged or held */
};
/* Merge `path` back, in one transaction: all or nothing. A packet that was
 * changed in transit or comes from another database is refused (MC_INVALID,
 * naming what) and nothing changes. Importing it again changes nothing. */
int packet_import(struct store *s, const char *path, struct packet_import_result *res, struct mc_error *err);

/* Resolve conflict `which` (a submission id, or PACKET/SUBMISSION when several
 * packets conflict on it): keep "server" (the packet's work is kept in the
 * conflict and its audit rows, nothing else changes) or "packet" (the
 * packet's records replace the server's). Coordinators and admins. */
int packet_resolve(struct store *s, const char *which, const char *keep, struct mc_error *err);

/* Whether a packet id names an archive pull ("archive:COMMIT") rather than a packet. */
int packet_id_is_pull(const char *packet_id);

/* Conflicts recorded here, open ones (all: resolved ones too); *n counts them.
 * pull: the conflict came from an archive pull (packet_id "archive:COMMIT"),
 * whose other side is the remote archive's, not a packet's. */
struct packet_conflict_view {
	const char *packet_id, *submission, *server, *packet, *state;
	int pull;
};
int packet_conflicts(struct store *s, int all, int (*fn)(void *ctx, const struct packet_conflict_view *c),
		     void *ctx, long *n, struct mc_error *err);

/* The packets merged here, newest first, with their conflicts (coordinators
 * and admins): the coordinator's summary of the sessions. */
int packet_sessions(struct store *s, int (*fn)(void *ctx, const struct packet_session_view *v), void *ctx,
		    struct mc_error *err);

/* The sides of submission `sub`'s open conflict, for the coordinator to
 * choose from: the server's first (what it holds while the conflict is
 * open), then each packet's; each with what was done, by whom and when, and
 * its records as lines (status, scores, feedback, decision). Keep one with
 * packet_resolve: `sub` for the server, "PACKET/sub" for a packet. */
struct packet_side {
	const char *label;     /* "server" or "packet 9ec5b3fa" (its id's end: a UUIDv7 starts with the time) */
	const char *packet_id; /* NULL: the server */
	const char *what;
	char **lines;
	size_t n;
};
int packet_conflict_sides(struct store *s, const char *sub, int (*fn)(void *ctx, const struct packet_side *d),
			  void *ctx, struct mc_error *err);

/* Every packet exported from or merged into this database, oldest first, with
 * its state: "exported" (not back yet), "imported", "conflicts open"
 * (coordinators and admins): `packet list`. An archive pull (id
 * "archive:COMMIT", district "(archive)", made by the commit's author) is
 * listed too, as "pulled" or "pulled, conflicts open": its conflicts are
 * resolved as a packet's are. */
struct packet_list_view {
	const struct packet_list_row *row;
	const char *state;
	int pull;
};
int packet_list(struct store *s, int (*fn)(void *ctx, const struct packet_list_view *v), void *ctx,
		struct mc_error *err);

/* The file name a packet gets when none is given: packet-DISTRICT-DATE.mcpacket (heap). */
char *mc_packet_default_name(const char *district);

/* A session's figures: what the packet holds (path), and what the server
 * (s, may be NULL) recorded of it when it came back. */
struct packet_status {
	char *packet_id, *district, *exported_by, *exported_at, *assessors;
	long submissions, scored, decided, events;
	long conflicts_open, conflicts_resolved;
	int imported; /* the server has merged it */
};
int packet_status(const char *path, struct store *s, struct packet_status *st, struct mc_error *err);
void packet_status_free(struct packet_status *st);

/* On opening a packet (session_open): the OS account must be one of its
 * people, and its evidence files are unpacked beside it. Not a packet: MC_OK. */
int packet_session_check(struct mc_session *sess, struct mc_error *err);
#endif
