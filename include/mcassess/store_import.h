/* store_import.h: the SQL that import.c needs (all of it lives in store_import.c).
 * Lookups return MC_OK with *found = 0 when there is no such row. */
#ifndef MCASSESS_STORE_IMPORT_H
#define MCASSESS_STORE_IMPORT_H
#include "mcassess/error.h"

struct store;

/* A credential by code, with its current rubric. */
int store_import_credential(struct store *s, const char *code, long long *credential_id,
			    long long *rubric_id, int *found, struct mc_error *err);
/* The parts of a rubric in order: fn(ctx, part id, code) for each. */
int store_import_parts(struct store *s, long long rubric_id,
		       void (*fn)(void *ctx, long long id, const char *code), void *ctx,
		       struct mc_error *err);

/* A submission by its imported id: rowid and source_sha256 (heap). */
int store_import_submission(struct store *s, const char *ext_id, long long *rowid, char **sha256,
			    int *found, struct mc_error *err);

/* District and school ids by name, created when missing. */
int store_import_district(struct store *s, const char *name, long long *id, struct mc_error *err);
int store_import_school(struct store *s, long long district_id, const char *name, long long *id,
			struct mc_error *err);

struct store_import_educator {
	long long id, district_id, school_id; /* school_id 0: none */
	char *name, *district, *school;       /* heap; school NULL when none */
};
void store_import_educator_free(struct store_import_educator *e);
int store_import_educator_get(struct store *s, const char *ext_id, struct store_import_educator *out,
			      int *found, struct mc_error *err);
/* 1 in *taken when an educator already has this anonymous id. */
int store_import_anon_taken(struct store *s, const char *anon_id, int *taken, struct mc_error *err);
int store_import_educator_insert(struct store *s, const char *ext_id, const char *name,
				 long long district_id, long long school_id, const char *anon_id,
				 long long *id, struct mc_error *err);
int store_import_educator_update(struct store *s, long long id, const char *name,
				 long long district_id, long long school_id, struct mc_error *err);

/* The latest attempt (highest attempt number) of an educator at a credential. */
struct store_import_attempt {
	long long rowid;
	char *ext_id, *status; /* heap */
	int attempt;
};
int store_import_latest_attempt(struct store *s, long long educator_id, long long credential_id,
				struct store_import_attempt *out, int *found, struct mc_error *err);

struct store_import_submission_row {
	const char *ext_id, *submitted_at, *now, *source_sha256;
	long long educator_id, credential_id, rubric_id, previous_id; /* previous_id 0: none */
	int attempt;
};
int store_import_submission_insert(struct store *s, const struct store_import_submission_row *r,
				   long long *rowid, struct mc_error *err);

/* A stored file's row (kept when already there). */
int store_import_blob(struct store *s, const char *sha256, long long size, const char *media_type,
		      struct mc_error *err);

struct store_import_evidence_row {
	long long submission_id, part_id;
	int seq;
	const char *kind, *text, *file_name, *blob_sha256, *sha256, *media_type;
	long words;
};
int store_import_evidence_insert(struct store *s, const struct store_import_evidence_row *r,
				 struct mc_error *err);

/* The highest submission and educator row ids, 0 when none: rows past them are
 * the ones this import added (asked inside its transaction, before it writes). */
int store_import_bases(struct store *s, long long *submission, long long *educator,
		       struct mc_error *err);

/* For the length of an import (on before its transaction begins, off after it
 * ends): statement journals in memory and a 256 MiB page cache. Without them
 * SQLite journals every row's statement into a temporary file once one spilled
 * (612 of 690 MB written for 10,000 submissions) and spills dirty pages of the
 * indexes into the WAL again and again. err may be NULL when turning it off. */
int store_import_bulk(struct store *s, int on, struct mc_error *err);
#endif
