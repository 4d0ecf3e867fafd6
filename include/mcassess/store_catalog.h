/* store_catalog.h: the SQL behind catalog.c (pathways, credentials, versioned rubrics). */
#ifndef MCASSESS_STORE_CATALOG_H
#define MCASSESS_STORE_CATALOG_H
#include "mcassess/catalog.h"
#include "mcassess/error.h"

struct store;

/* Insert or update a pathway. *changed: 0 unchanged, 1 new, 2 title or goal changed
 * (then *old_title / *old_goal, heap, say what it was; NULL otherwise). */
int store_catalog_pathway_upsert(struct store *s, const char *code, const char *title, int goal,
				 int *changed, char **old_title, int *old_goal, struct mc_error *err);
/* 1 in *yes if a pathway with this code exists. */
int store_catalog_pathway_exists(struct store *s, const char *code, int *yes, struct mc_error *err);

/* A credential by code: *found 0 if none; else its rowid, current version and the
 * current rubric's source_sha256 (heap, "" when it has no rubric yet). */
int store_catalog_credential_get(struct store *s, const char *code, int *found, long long *rowid,
				 int *current_version, char **sha256, struct mc_error *err);
/* A new credential (current_version 0 until its first rubric is added). */
int store_catalog_credential_insert(struct store *s, const char *code, const char *pathway,
				    const char *title, long long *rowid, struct mc_error *err);
/* Point the credential at `version` and refresh its title and pathway. */
int store_catalog_credential_set_current(struct store *s, long long rowid, int version,
					 const char *pathway, const char *title, struct mc_error *err);

/* Insert a whole rubric (r->parts, criteria, levels) as `version` of the credential;
 * fills the rowids in r. */
int store_catalog_rubric_insert(struct store *s, long long credential_rowid, int version,
				struct catalog_rubric *r, const char *sha256, const char *loaded_at,
				const char *loaded_by, struct mc_error *err);

/* Read the rubric with this rowid into *r (zeroed first); *found 0 if none. */
int store_catalog_rubric_read(struct store *s, long long rubric_id, struct catalog_rubric *r, int *found,
			      struct mc_error *err);
/* The rubric id of a credential's version (0 = current). *cred_found 0 when there is
 * no such credential; *rubric_id 0 when it has no such version (*current then says
 * the newest). */
int store_catalog_rubric_find(struct store *s, const char *code, int version, int *cred_found,
			      long long *rubric_id, int *current, struct mc_error *err);

int store_catalog_list(struct store *s, struct catalog_entry **out, int *n, struct mc_error *err);
int store_catalog_pathways(struct store *s, struct catalog_pathway **out, int *n, struct mc_error *err);
#endif
