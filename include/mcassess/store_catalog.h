/* store_catalog.h: the SQL behind catalog.c (pathways, credentials, versioned rubrics),
 * and the catalog's model that it reads and writes (catalog.h: what is done with it). */
#ifndef MCASSESS_STORE_CATALOG_H
#define MCASSESS_STORE_CATALOG_H
#include "mcassess/error.h"

struct store;

/* ---------------------------------------------------------------- the model */
struct catalog_level {
	long long rowid;      /* internal */
	int seq;              /* 1 = lowest */
	char *code, *label, *descriptor;
	int passes;           /* 1 when a criterion scored at this level passes */
};

struct catalog_criterion {
	long long rowid;      /* internal */
	int seq;              /* 1-based within its part */
	char *code, *text;    /* "O1", "A2", "R1": unique within the rubric */
	struct catalog_level *levels; /* lowest first */
	int nlevels;
};

struct catalog_part {
	long long rowid;      /* internal */
	int seq;              /* 1-based */
	char *code, *title, *kind, *prompt; /* kind: overview | artifact | reflection */
	int min_words, max_words;           /* -1 when no limit */
	int required;
	struct catalog_criterion *criteria;
	int ncriteria;
};

struct catalog_rubric {
	long long rowid, credential_rowid;  /* internal */
	char *credential, *title, *pathway, *pathway_title;
	int version;           /* this rubric's version */
	int current_version;   /* the credential's newest version */
	char *competency, *key_method, *passing_rule; /* "all_criteria_pass" */
	char *source_sha256, *loaded_at, *loaded_by;
	struct catalog_part *parts;
	int nparts;
	int ncriteria;         /* over all parts */
};

/* ---------------------------------------------------------------- listings */
struct catalog_entry {
	char *code, *pathway, *title;
	int version;          /* current version */
	long long rubric_rowid; /* the current rubric's internal id */
};

struct catalog_pathway {
	char *code, *title;
	int goal;             /* credentials the program hopes to award */
	int ncredentials;
};

/* ---------------------------------------------------------------- SQL */
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
