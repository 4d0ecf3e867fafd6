/* export.h: results for the state and the districts: one record per decided
 * submission, as CSV (RFC 4180) or JSON, streamed (never the whole table in
 * memory), written atomically when going to a file. Educators are shown through
 * the viewer's eyes (queue_viewer_blind), as everywhere. */
#ifndef MCASSESS_EXPORT_H
#define MCASSESS_EXPORT_H
#include <stdio.h>

#include "mcassess/error.h"
#include "mcassess/store_export.h"

struct store;

enum export_format { EXPORT_CSV = 0, EXPORT_JSON = 1 };

/* The fields, in order (the CSV header). */
#define EXPORT_RESULT_NFIELDS 16
extern const char *const export_result_fields[EXPORT_RESULT_NFIELDS];

struct export_options {
	enum export_format format; /* shown to the acting user (the store's session), as far as they may see */
	/* Called every 1000 records and at the end with the count so far; NULL: quiet. */
	void (*progress)(void *ctx, long done);
	void *progress_ctx;
};

/* Write the results to `out_path` atomically (a temporary file in the same
 * directory, fsync, rename: on failure any existing file is untouched and the
 * message names the path and why), or to `out` when out_path is NULL.
 * *count receives the records written (may be NULL). */
int export_results(struct store *s, const struct export_options *o, const char *out_path, FILE *out,
		   long *count, struct mc_error *err);

/* Run write(f, ctx, err) into a temporary file beside `path`, then put it in
 * place atomically. The file gets mode 0666 minus the umask. */
int export_write_atomic(const char *path, int (*write)(FILE *f, void *ctx, struct mc_error *err),
			void *ctx, struct mc_error *err);

/* One CSV field, quoted (RFC 4180) only when it needs it; NULL writes nothing. */
void export_csv_field(FILE *f, const char *s);
#endif
