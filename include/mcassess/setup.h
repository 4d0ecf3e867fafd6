/* setup.h: making a new database ready to use (`mcassess init`, and the demo). */
#ifndef MCASSESS_SETUP_H
#define MCASSESS_SETUP_H
#include "mcassess/error.h"

struct store;
struct catalog_load_stats;

/* In one transaction (audited as "init" on "database"): load the shipped catalog
 * (mc_data_dir()/catalog), make the current OS user an admin, and record meta
 * 'initialised_at' and 'initialised_by'. Refused (MC_FAIL, "already initialised on
 * DATE by USER; nothing changed") on an initialised database. */
int setup_init(struct store *s, struct mc_error *err);
/* The same, reporting what the catalog load did (`st` may be NULL). */
int setup_init_stats(struct store *s, struct catalog_load_stats *st, struct mc_error *err);
/* *yes = 1 when the database was initialised (meta 'initialised_at' is set). */
int setup_is_initialised(struct store *s, int *yes, struct mc_error *err);
#endif
