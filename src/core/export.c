/* export.c: results as CSV or JSON, streamed, written atomically. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csv.h>
#include <jansson.h>

#include "mcassess/priv.h"
#include "mcassess/access.h"
#include "mcassess/person.h"
#include "mcassess/export.h"
#include "mcassess/queue.h"
#include "mcassess/session.h"
#include "mcassess/util.h"

const char *const export_result_fields[EXPORT_RESULT_NFIELDS] = {
	"id", "educator_id", "educator_name", "district", "school", "credential", "pathway",
	"attempt", "outcome", "decided_at", "decided_by", "rubric_version",
	"submitted_at", "levels", "feedback", "readers",
};

void export_csv_field(FILE *f, const char *s)
{
	if (!s)
		return;
	size_t len = strlen(s);
	/* RFC 4180: quote a field holding a comma, a quote or a line break; leading or
	 * trailing spaces are quoted too, so no reader trims them */
	if (strpbrk(s, ",\"\r\n") || (len && (s[0] == ' ' || s[len - 1] == ' ')))
		csv_fwrite(f, s, len); /* libcsv: quotes it, doubling the quotes inside */
	else
		fwrite(s, 1, len, f);
}

struct results {
	struct store *s;
	FILE *f;
	const struct export_options *o;
	struct queue_viewer v;
	long n;
};

static void csv_record(FILE *f, const char *const *v, int n)
{
	for (int i = 0; i < n; i++) {
		if (i)
			putc(',', f);
		export_csv_field(f, v[i]);
	}
	fputs("\r\n", f);
}

/* The readers as this viewer may see them: an assessor (or anyone without a
 * role here) sees only their own name; the other readers stay, unnamed. */
static json_t *readers_view(const struct results *x, const char *readers_json)
{
	json_t *a = json_loads(readers_json ? readers_json : "[]", 0, NULL);
	if (!a)
		a = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(a, i, r) {
		const char *who = json_string_value(json_object_get(r, "assessor"));
		if (x->v.role <= ROLE_ASSESSOR && (!who || strcmp(who, x->v.user) != 0))
			json_object_set_new(r, "assessor", json_null());
	}
	return a;
}

/* "K=V;K=V" from an array of objects, K and V their members `k` and `v`
 * (a null V: nothing after '='; "(another assessor)" for a hidden reader). */
static char *pairs_text(json_t *a, const char *k, const char *v, const char *null_v)
{
	struct mc_buf b = MC_BUF_INIT;
	size_t i;
	json_t *o;
	json_array_foreach(a, i, o) {
		const char *val = json_string_value(json_object_get(o, v));
		mc_buf_printf(&b, "%s%s=%s", i ? ";" : "", json_string_value(json_object_get(o, k)),
			      val ? val : null_v);
	}
	char *t = mc_xstrdup(mc_buf_str(&b));
	mc_buf_free(&b);
	return t;
}

static void csv_row(struct results *x, const struct export_result_row *r, const struct queue_educator *shown,
		    const char *feedback, json_t *levels, json_t *readers)
{
	char attempt[24], version[24];
	snprintf(attempt, sizeof attempt, "%d", r->attempt);
	snprintf(version, sizeof version, "%d", r->rubric_version);
	char *lv = pairs_text(levels, "criterion", "label", "");
	char *rd = pairs_text(readers, "read", "assessor", "(another assessor)");
	const char *v[EXPORT_RESULT_NFIELDS] = { r->id, shown->id, shown->name, r->district, shown->school,
		r->credential, r->pathway, attempt, r->outcome, r->decided_at, r->decided_by, version,
		r->submitted_at, lv, feedback, rd };
	csv_record(x->f, v, EXPORT_RESULT_NFIELDS);
	free(lv);
	free(rd);
}

static int result_row(void *ctx, const struct export_result_row *r)
{
	struct results *x = ctx;
	struct queue_educator shown, raw = { .id = r->educator_id, .name = r->educator_name,
					     .school = r->school, .anon_id = r->anon_id };
	/* Written to the teacher, the feedback may name them: a blind viewer gets none. */
	const char *feedback = queue_educator_view(&x->v, r->assigned_blind, &raw, &shown) ? NULL : r->feedback;
	const char *eid = shown.id, *ename = shown.name, *school = shown.school;
	json_t *levels = json_loads(r->levels_json ? r->levels_json : "[]", 0, NULL);
	json_t *readers = readers_view(x, r->readers_json);
	if (!levels)
		levels = json_array();
	if (x->o->format == EXPORT_CSV) {
		csv_row(x, r, &shown, feedback, levels, readers);
	} else {
		json_t *o = json_object();
		json_object_set_new(o, "id", json_string(r->id));
		json_object_set_new(o, "educator_id", json_string(eid));
		json_object_set_new(o, "educator_name", json_string(ename));
		json_object_set_new(o, "district", json_string(r->district));
		json_object_set_new(o, "school", school ? json_string(school) : json_null());
		json_object_set_new(o, "credential", json_string(r->credential));
		json_object_set_new(o, "pathway", json_string(r->pathway));
		json_object_set_new(o, "attempt", json_integer(r->attempt));
		json_object_set_new(o, "outcome", json_string(r->outcome));
		json_object_set_new(o, "decided_at", json_string(r->decided_at));
		json_object_set_new(o, "decided_by", json_string(r->decided_by));
		json_object_set_new(o, "rubric_version", json_integer(r->rubric_version));
		json_object_set_new(o, "submitted_at", json_string(r->submitted_at));
		json_object_set_new(o, "levels", json_incref(levels));
		json_object_set_new(o, "feedback", feedback ? json_string(feedback) : json_null());
		json_object_set_new(o, "readers", json_incref(readers));
		fputs(x->n ? ",\n" : "[\n", x->f);
		json_dumpf(o, x->f, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(o);
	}
	json_decref(levels);
	json_decref(readers);
	x->n++;
	if (x->o->progress && x->n % 1000 == 0)
		x->o->progress(x->o->progress_ctx, x->n);
	return ferror(x->f) != 0; /* stop at the first write error */
}

static int write_results(FILE *f, void *ctx, struct mc_error *err)
{
	struct results *x = ctx;
	x->f = f;
	x->n = 0;
	if (x->o->format == EXPORT_CSV)
		csv_record(f, export_result_fields, EXPORT_RESULT_NFIELDS);
	int rc = store_export_results(x->s, x->v.user, result_row, x, err);
	if (rc != MC_OK)
		return rc;
	if (x->o->format == EXPORT_JSON)
		fputs(x->n ? "\n]\n" : "[]\n", f);
	if (x->o->progress)
		x->o->progress(x->o->progress_ctx, x->n);
	if (ferror(f))
		return mc_error_set(err, MC_FAIL, "writing the results: %s", strerror(errno));
	return MC_OK;
}

int export_results(struct store *s, const struct export_options *o, const char *out_path, FILE *out,
		   long *count, struct mc_error *err)
{
	struct results x = { .s = s, .o = o };
	if (count)
		*count = 0;
	int rc = access_refresh(s, err);
	if (rc == MC_OK)
		rc = queue_viewer_load(s, session_user(s), &x.v, err);
	if (rc == MC_OK)
		rc = out_path ? export_write_atomic(out_path, write_results, &x, err)
			      : write_results(out, &x, err);
	queue_viewer_free(&x.v);
	if (rc == MC_OK && count)
		*count = x.n;
	return rc;
}

int export_write_atomic(const char *path, int (*write)(FILE *f, void *ctx, struct mc_error *err),
			void *ctx, struct mc_error *err)
{
	char *d = mc_xstrdup(path), *b = mc_xstrdup(path);
	char *dir = mc_xstrdup(dirname(d)), *base = mc_xstrdup(basename(b));
	free(d);
	free(b);
	char *tmp = mc_xasprintf("%s/.%s.XXXXXX", dir, base);
	int rc = MC_OK;
	priv_user_begin(); /* the person's file, made with their rights */
	int fd = mkstemp(tmp);
	FILE *f = NULL;
	if (fd < 0) {
		rc = mc_error_set(err, MC_FAIL, "%s: cannot write there: %s", path, strerror(errno));
		priv_user_end();
		goto out;
	}
	if (fchmod(fd, priv_file_mode(0666)) != 0 || !(f = fdopen(fd, "w"))) {
		rc = mc_error_set(err, MC_FAIL, "%s: cannot write there: %s", path, strerror(errno));
		close(fd);
		priv_user_end();
		goto fail;
	}
	priv_user_end();
	rc = write(f, ctx, err);
	if (rc != MC_OK) {
		mc_error_prefix(err, "%s", path);
		fclose(f);
		goto fail;
	}
	if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0) {
		rc = mc_error_set(err, MC_FAIL, "%s: cannot write: %s", path, strerror(errno));
		fclose(f);
		goto fail;
	}
	if (fclose(f) != 0) {
		rc = mc_error_set(err, MC_FAIL, "%s: cannot write: %s", path, strerror(errno));
		goto fail;
	}
	priv_user_begin();
	if (rename(tmp, path) != 0) {
		rc = mc_error_set(err, MC_FAIL, "%s: cannot put the file in place: %s", path, strerror(errno));
		priv_user_end();
		goto fail;
	}
	/* make the rename itself durable */
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	priv_user_end();
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	goto out;
fail:
	priv_user_unlink(tmp);
out:
	free(tmp);
	free(dir);
	free(base);
	return rc;
}
