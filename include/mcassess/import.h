/* import.h: submissions from the submission platform's CSV or JSON export
 * (DESIGN.md "Import formats"), with evidence files from a directory.
 *
 * One transaction per file: any bad record rejects the whole file with an
 * MC_INVALID error naming FILE:LINE and the field, the database is left
 * exactly as it was, and evidence files stored for this import are removed.
 *
 * Limits (bytes of UTF-8; beyond them a record is refused, naming the field):
 *   the import file                     IMPORT_MAX_FILE     512 MiB
 *   submission_id, educator_id          IMPORT_MAX_ID        64
 *   educator_name, district, school     IMPORT_MAX_NAME     200
 *   credential, part, kind              IMPORT_MAX_CODE      64
 *   file (a path under --evidence DIR)  IMPORT_MAX_PATH    1024
 *   the text of one evidence item       IMPORT_MAX_TEXT       1 MiB
 *   one CSV field (any column)          IMPORT_MAX_TEXT       1 MiB
 *   one evidence file                   IMPORT_MAX_EVFILE   256 MiB
 *   evidence items in one submission    IMPORT_MAX_ITEMS   1000
 * A CSV record has exactly one field per header column, so a record is at most
 * 11 fields of 1 MiB each.
 *
 * JSON errors name the element as "submission N (id "X"): evidence[K].field":
 * N counts submissions from 1 in the file's order; K is the JSON array index
 * (from 0). The line is that of the field (or its element) in the file.
 */
#ifndef MCASSESS_IMPORT_H
#define MCASSESS_IMPORT_H
#include <stddef.h>

#include "mcassess/error.h"

struct store;

#define IMPORT_MAX_FILE (512LL * 1024 * 1024)
#define IMPORT_MAX_ID 64
#define IMPORT_MAX_NAME 200
#define IMPORT_MAX_CODE 64
#define IMPORT_MAX_PATH 1024
#define IMPORT_MAX_TEXT (1024 * 1024)
#define IMPORT_MAX_EVFILE (256LL * 1024 * 1024)
#define IMPORT_MAX_ITEMS 1000

struct import_stats {
	long submissions;   /* imported (or, in a dry run, that would be) */
	long evidence;      /* their evidence items */
	long files;         /* evidence files new to the store (each content counted once) */
	long unchanged;     /* already imported with the same content: skipped */
	long total;         /* submissions in the file */
};

/* Import `file` (CSV or JSON: by extension, else by its first character).
 * evidence_dir: where `file` items are read from (NULL: a file item is an error).
 * dry_run: check everything and count, write nothing. Only coordinators and admins
 * may import. progress (may be NULL) is called now and then with submissions done
 * so far and the total. Returns MC_OK, MC_INVALID (bad input) or MC_FAIL. */
int import_file(struct store *s, const char *file, const char *evidence_dir, int dry_run,
		struct import_stats *st, void (*progress)(void *ctx, long done, long total), void *ctx,
		struct mc_error *err);

/* ---- pieces exposed for the unit tests ---- */

/* Split CSV text (UTF-8, no BOM) into records with libcsv (RFC 4180, strict),
 * feeding it one physical line at a time so each record knows the lines it
 * starts and ends on. row() gets the fields (NUL-terminated; quoted CRLF kept
 * as is) and returns MC_OK to go on, anything else to stop with that status.
 * Malformed quoting is MC_INVALID "FILE:LINE:COL: ..." (the column is in
 * characters, of the offending byte). header: the first record names the
 * columns, and messages about later fields name their column. row() may take
 * ownership of a field by replacing fields[i] with another heap string. */
typedef int (*import_csv_row_fn)(void *ctx, char **fields, const size_t *lens, int n, long line,
				 long end_line, struct mc_error *err);
int import_csv_records(const char *file, const char *data, size_t len, int header,
		       import_csv_row_fn row, void *ctx, struct mc_error *err);

/* Resolve `rel` (a `file` value) inside `dir_real` (a realpath): refused when
 * empty, absolute, with a ".." component, missing, or resolving outside
 * dir_real (a symbolic link out). On success *resolved is the real path (heap)
 * and the result is 0; otherwise -1 and *why says why (static text, for a
 * message "'REL' WHY"). */
int import_resolve_evidence(const char *dir_real, const char *rel, char **resolved, const char **why);

/* "anon-" and 8 hex digits of SHA-256 over salt, a newline and the educator's id
 * (a further "\n<n>" when n > 0, to step past a clash). out: at least 14 bytes. */
void import_anon_id(const char *salt, const char *educator_id, int n, char out[14]);
#endif
