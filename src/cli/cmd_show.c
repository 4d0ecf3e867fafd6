/* cmd_show.c: `mcassess show ID`: one submission, for people or as JSON. */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "mcassess/notes.h"
#include "mcassess/precheck.h"
#include "mcassess/show.h"
#include "mcassess/text.h"
#include "mcassess/util.h"

/* ---------------------------------------------------------------- JSON */
static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* A decision's reason (an 'incomplete' return has one); null when there is none. */
static json_t *reason_json(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *limit_json(long long v)
{
	return v >= 0 ? json_integer(v) : json_null();
}

static json_t *scores_json(const struct show_score *sc, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "criterion", json_string(sc[i].criterion));
		json_object_set_new(o, "level", json_string(sc[i].level));
		json_object_set_new(o, "assessor", json_string(sc[i].assessor));
		json_object_set_new(o, "comment", json_string(sc[i].comment ? sc[i].comment : ""));
		json_object_set_new(o, "at", json_string(sc[i].at));
		json_object_set_new(o, "read", json_string(sc[i].read));
		json_object_set_new(o, "level_label", json_string(sc[i].level_label));
		json_object_set_new(o, "passes", json_boolean(sc[i].passes));
		json_array_append_new(a, o);
	}
	return a;
}

/* "checks": one object per check, its fields by kind (precheck.h). */
static json_t *checks_json(const struct precheck *pc)
{
	json_t *a = json_array();
	for (int i = 0; pc && i < pc->n; i++) {
		const struct precheck_item *it = &pc->items[i];
		json_t *o = json_object();
		json_object_set_new(o, "check", json_string(precheck_kind_name(it->kind)));
		json_object_set_new(o, "part", json_string(it->part));
		json_object_set_new(o, "ok", json_boolean(it->ok));
		json_object_set_new(o, "message", json_string(it->message));
		if (it->kind == PRECHECK_WORDS) {
			json_object_set_new(o, "words", json_integer(it->words));
			json_object_set_new(o, "min_words", limit_json(it->min_words));
			json_object_set_new(o, "max_words", limit_json(it->max_words));
		} else if (it->kind == PRECHECK_DUPLICATE) {
			json_object_set_new(o, "how", json_string(it->how));
			json_object_set_new(o, "other", json_string(it->other));
			json_object_set_new(o, "other_part", json_string(it->other_part));
			json_object_set_new(o, "others", json_integer(it->others));
		} else if (it->kind == PRECHECK_PERSONAL) {
			json_object_set_new(o, "family", json_string(it->family));
			json_object_set_new(o, "count", json_integer(it->count));
		}
		json_array_append_new(a, o);
	}
	return a;
}

/* The review process (review.h): where it stands and each read, as the viewer may see them. */
static void reads_json(json_t *o, const struct show_submission *m)
{
	json_t *a = json_array();
	for (int i = 0; i < m->nreads; i++) {
		const struct show_read *r = &m->reads[i];
		json_array_append_new(a, json_pack("{s:s, s:s?, s:s?, s:b}", "read", r->read, "assessor",
						   r->assessor, "outcome", r->outcome, "hidden", r->hidden));
	}
	json_object_set_new(o, "stage", json_string(m->stage));
	json_object_set_new(o, "reads", a);
	json_object_set_new(o, "other_reads_hidden", json_boolean(m->reads_hidden));
}

static json_t *to_json(const struct show_submission *m)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(m->id));
	json_object_set_new(o, "credential", json_string(m->credential));
	json_object_set_new(o, "attempt", json_integer(m->attempt));
	json_object_set_new(o, "status", json_string(m->status));
	json_object_set_new(o, "submitted_at", json_string(m->submitted_at));
	json_object_set_new(o, "assignees", str_or_null(m->assignees));
	json_object_set_new(o, "due_at", str_or_null(m->due_at));
	json_t *e = json_object();
	json_object_set_new(e, "id", json_string(m->educator_id));
	json_object_set_new(e, "name", json_string(m->educator_name));
	json_object_set_new(e, "district", json_string(m->district));
	json_object_set_new(e, "school", str_or_null(m->school));
	json_object_set_new(e, "blind", json_boolean(m->blind));
	json_object_set_new(e, "anon_id", json_string(m->educator_anon ? m->educator_anon : ""));
	json_object_set_new(o, "educator", e);

	json_t *ev = json_array();
	for (int i = 0; i < m->nevidence; i++) {
		const struct show_evidence *x = &m->evidence[i];
		json_t *it = json_object();
		json_object_set_new(it, "part", json_string(x->part_code));
		json_object_set_new(it, "kind", json_string(x->kind));
		json_object_set_new(it, "text", str_or_null(x->text));
		json_object_set_new(it, "file", str_or_null(x->file));
		json_object_set_new(it, "sha256", json_string(x->sha256));
		json_object_set_new(it, "words", json_integer(x->words));
		json_object_set_new(it, "media_type", json_string(x->media_type));
		json_object_set_new(it, "size", x->size >= 0 ? json_integer(x->size) : json_null());
		json_array_append_new(ev, it);
	}
	json_object_set_new(o, "evidence", ev);
	json_object_set_new(o, "scores", scores_json(m->scores, m->nscores));
	json_object_set_new(o, "feedback", str_or_null(m->feedback));
	json_object_set_new(o, "decision", str_or_null(m->decision));
	if (m->process)
		reads_json(o, m);

	json_t *h = json_array();
	for (int i = 0; i < m->nhistory; i++) {
		const struct show_attempt *a = &m->history[i];
		json_t *it = json_object();
		json_object_set_new(it, "kind", json_string("attempt"));
		json_object_set_new(it, "id", json_string(a->id));
		json_object_set_new(it, "attempt", json_integer(a->attempt));
		json_object_set_new(it, "status", json_string(a->status));
		json_object_set_new(it, "submitted_at", json_string(a->submitted_at));
		json_object_set_new(it, "scores", scores_json(a->scores, a->nscores));
		json_object_set_new(it, "feedback", str_or_null(a->feedback));
		json_object_set_new(it, "decision", str_or_null(a->decision));
		json_object_set_new(it, "decided_by", str_or_null(a->decided_by));
		json_object_set_new(it, "decided_at", str_or_null(a->decided_at));
		json_object_set_new(it, "decision_reason", reason_json(a->decision_reason));
		json_array_append_new(h, it);
	}
	for (int i = 0; i < m->nevents; i++) {
		json_t *it = json_object();
		json_object_set_new(it, "kind", json_string("event"));
		json_object_set_new(it, "action", json_string(m->events[i].action));
		json_object_set_new(it, "actor", json_string(m->events[i].actor));
		json_object_set_new(it, "at", json_string(m->events[i].at));
		json_array_append_new(h, it);
	}
	json_object_set_new(o, "history", h);

	/* more than the design's minimum: the rubric as scored, the parts' limits, the outcome */
	json_object_set_new(o, "credential_title", json_string(m->credential_title));
	json_object_set_new(o, "pathway", json_string(m->pathway));
	json_object_set_new(o, "rubric_version", json_integer(m->rubric_version));
	json_object_set_new(o, "previous_id", str_or_null(m->previous_id));
	json_t *parts = json_array();
	for (int i = 0; i < m->nparts; i++) {
		const struct show_part *p = &m->parts[i];
		json_t *it = json_object();
		json_object_set_new(it, "code", json_string(p->code));
		json_object_set_new(it, "title", json_string(p->title));
		json_object_set_new(it, "min_words", limit_json(p->min_words));
		json_object_set_new(it, "max_words", limit_json(p->max_words));
		json_object_set_new(it, "words", json_integer(p->words));
		json_object_set_new(it, "words_in_range", json_boolean(p->out_of_range == 0));
		json_array_append_new(parts, it);
	}
	json_object_set_new(o, "parts", parts);
	json_t *rubric = json_array();
	for (int i = 0; i < m->ncriteria; i++) {
		const struct show_criterion *c = &m->criteria[i];
		const struct show_score *sc = c->score >= 0 ? &m->scores[c->score] : NULL;
		json_t *it = json_object();
		json_object_set_new(it, "criterion", json_string(c->code));
		json_object_set_new(it, "part", c->part >= 0 ? json_string(m->parts[c->part].code) : json_null());
		json_object_set_new(it, "text", json_string(c->text));
		json_object_set_new(it, "level", sc ? json_string(sc->level) : json_null());
		json_object_set_new(it, "passes", sc ? json_boolean(sc->passes) : json_null());
		json_array_append_new(rubric, it);
	}
	json_object_set_new(o, "rubric", rubric);
	char *summary = show_summary(m);
	json_object_set_new(o, "outcome", json_pack("{s:i, s:i, s:i, s:s}", "criteria", m->ncriteria,
						     "scored", m->nscored, "passing", m->npassing,
						     "summary", summary));
	free(summary);
	json_object_set_new(o, "feedback_author", str_or_null(m->feedback_author));
	json_object_set_new(o, "feedback_at", str_or_null(m->feedback_at));
	json_object_set_new(o, "decided_by", str_or_null(m->decided_by));
	json_object_set_new(o, "decided_at", str_or_null(m->decided_at));
	json_object_set_new(o, "decision_reason", reason_json(m->decision_reason));
	json_object_set_new(o, "checks", checks_json(m->checks));
	json_object_set_new(o, "masked", json_boolean(m->blind));
	return o;
}

/* ---------------------------------------------------------------- text */
static int term_width(const struct cli *cli)
{
	struct winsize ws;
	if (cli->tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	const char *c = getenv("COLUMNS");
	long v = c ? strtol(c, NULL, 10) : 0;
	return v >= 20 && v <= 1000 ? (int)v : 80;
}

static void human_size(long long n, char out[32])
{
	if (n < 1024)
		snprintf(out, 32, "%lld bytes", n);
	else if (n < 1024 * 1024)
		snprintf(out, 32, "%.1f KiB", n / 1024.0);
	else
		snprintf(out, 32, "%.1f MiB", n / (1024.0 * 1024.0));
}

/* "312 words (150–500)", flagged when out of range. */
static void words_line(struct mc_buf *b, const struct show_part *p)
{
	mc_buf_printf(b, "%lld word%s", p->words, p->words == 1 ? "" : "s");
	if (p->min_words >= 0 && p->max_words >= 0)
		mc_buf_printf(b, " (%lld–%lld)", p->min_words, p->max_words);
	else if (p->min_words >= 0)
		mc_buf_printf(b, " (at least %lld)", p->min_words);
	else if (p->max_words >= 0)
		mc_buf_printf(b, " (at most %lld)", p->max_words);
	if (p->out_of_range < 0)
		mc_buf_adds(b, "  ** UNDER THE MINIMUM **");
	else if (p->out_of_range > 0)
		mc_buf_adds(b, "  ** OVER THE MAXIMUM **");
}

static void evidence_item(struct mc_buf *b, const struct show_evidence *e, int width)
{
	if (strcmp(e->kind, "file") == 0) {
		char size[32];
		human_size(e->size >= 0 ? e->size : 0, size);
		/* one line: a line break in the file name shows as \n */
		char *name = e->file ? text_safe_dup(e->file, 0) : mc_xstrdup("(unnamed)");
		mc_buf_printf(b, "  file %s\n    %s, %s\n    sha256 %s\n", name, e->media_type, size,
			      e->sha256);
		free(name);
	} else
		show_wrap(b, e->text, width, "    ");
}

/* The pre-checks: what to look at first; word counts within limits go unsaid. */
static void checks_text(struct mc_buf *b, const struct precheck *pc, int blind)
{
	int n;
	char **lines = precheck_lines(pc, &n);
	if (!n)
		mc_buf_adds(b, "\n== pre-checks: nothing to look at\n");
	else
		mc_buf_printf(b, "\n== pre-checks: %d to look at\n", n);
	for (int i = 0; i < n; i++)
		mc_buf_printf(b, "  ! %s\n", lines[i]);
	precheck_lines_free(lines, n);
	if (blind)
		mc_buf_adds(b, "  (names, e-mail addresses and phone numbers in the evidence are masked for you)\n");
}

static void scores_line(struct mc_buf *b, const struct show_score *sc, int n)
{
	for (int i = 0; i < n; i++)
		mc_buf_printf(b, "%s%s %s", i ? ", " : "", sc[i].criterion, sc[i].level_label);
}

/* Each read, then every criterion as each visible read scored it: side by side
 * for an adjudicator and an approver. */
static void reads_text(const struct show_submission *m, struct mc_buf *b)
{
	mc_buf_printf(b, "\n== reads: %s\n", m->stage);
	for (int i = 0; i < m->nreads; i++) {
		const struct show_read *r = &m->reads[i];
		mc_buf_printf(b, "  %-13s %-12s %s%s\n", r->read, r->assessor ? r->assessor : "(nobody)",
			      r->hidden ? "hidden until both reads end" : r->outcome ? "ended: " : "open",
			      r->outcome ? r->outcome : "");
	}
	if (m->reads_hidden)
		mc_buf_adds(b, "  (you see only your own read until both reads end)\n");
	for (int i = 0; i < m->ncriteria && !m->reads_hidden; i++) {
		struct mc_buf l = MC_BUF_INIT;
		for (int k = 0; k < m->nscores; k++)
			if (strcmp(m->scores[k].criterion, m->criteria[i].code) == 0)
				mc_buf_printf(&l, "%s%s: %s (%s)", l.len ? "; " : "", m->scores[k].read,
					      m->scores[k].level_label, m->scores[k].passes ? "passes" : "does not pass");
		if (l.len)
			mc_buf_printf(b, "  %-4s %s\n", m->criteria[i].code, mc_buf_str(&l));
		mc_buf_free(&l);
	}
}

static void text(const struct show_submission *m, int width, struct mc_buf *b)
{
	mc_buf_printf(b, "%s  %s  %s (%s, rubric version %d)\n", m->id, m->credential, m->credential_title,
		      m->pathway, m->rubric_version);
	mc_buf_printf(b, "status %s, attempt %d", m->status, m->attempt);
	if (m->previous_id)
		mc_buf_printf(b, " (after %s)", m->previous_id);
	mc_buf_printf(b, ", submitted %s\n", m->submitted_at);
	if (m->blind)
		mc_buf_printf(b, "educator %s (you score this blind), %s\n", m->educator_name, m->district);
	else
		mc_buf_printf(b, "educator %s (%s), %s%s%s\n  blind assessors see %s\n", m->educator_name,
			      m->educator_id, m->district, m->school ? ", " : "", m->school ? m->school : "",
			      m->educator_anon ? m->educator_anon : "?");
	if (m->assignees)
		mc_buf_printf(b, "reads %s; due %s\n", m->assignees, m->due_at ? m->due_at : "(no date)");
	else
		mc_buf_adds(b, "reads not assigned yet\n");
	checks_text(b, m->checks, m->blind);

	for (int p = 0; p < m->nparts; p++) {
		const struct show_part *pt = &m->parts[p];
		mc_buf_printf(b, "\n== %s: %s\n", pt->code, pt->title);
		int files = 0, texts = 0;
		for (int i = 0; i < m->nevidence; i++)
			if (m->evidence[i].part == p)
				strcmp(m->evidence[i].kind, "file") == 0 ? files++ : texts++;
		if (texts || pt->min_words >= 0 || pt->max_words >= 0) {
			mc_buf_adds(b, "  ");
			words_line(b, pt);
			mc_buf_addc(b, '\n');
		}
		if (files)
			mc_buf_printf(b, "  %d file%s\n", files, files == 1 ? "" : "s");
		if (pt->nitems == 0)
			mc_buf_adds(b, "  (no evidence)\n");
		for (int i = 0; i < m->nevidence; i++)
			if (m->evidence[i].part == p) {
				mc_buf_addc(b, '\n');
				evidence_item(b, &m->evidence[i], width);
			}
	}
	for (int i = 0; i < m->nevidence; i++)
		if (m->evidence[i].part < 0) {
			mc_buf_printf(b, "\n== %s (not a part of this rubric)\n", m->evidence[i].part_code);
			evidence_item(b, &m->evidence[i], width);
		}

	char *summary = show_summary(m);
	mc_buf_printf(b, "\n== rubric: %s\n", summary);
	free(summary);
	for (int i = 0; i < m->ncriteria; i++) {
		const struct show_criterion *c = &m->criteria[i];
		const struct show_score *sc = c->score >= 0 ? &m->scores[c->score] : NULL;
		if (sc)
			mc_buf_printf(b, "  %-4s %s (%s), %s%s%s\n", c->code, sc->level_label,
				      sc->passes ? "passes" : "does not pass", sc->assessor,
				      strcmp(sc->read, "first") ? ", read " : "",
				      strcmp(sc->read, "first") ? sc->read : "");
		else
			mc_buf_printf(b, "  %-4s not scored\n", c->code);
		show_wrap(b, c->text, width, "       ");
		if (sc && sc->comment && *sc->comment) {
			mc_buf_adds(b, "       comment:\n");
			show_wrap(b, sc->comment, width, "         ");
		}
	}

	if (m->process)
		reads_text(m, b);
	mc_buf_adds(b, "\n== feedback");
	if (m->feedback) {
		mc_buf_printf(b, " (%s, %s)\n", m->feedback_author, m->feedback_at);
		show_wrap(b, m->feedback, width, "  ");
	} else
		mc_buf_adds(b, "\n  (none yet)\n");

	if (m->decision) {
		mc_buf_printf(b, "\n== decision: %s (%s, %s)\n", m->decision, m->decided_by, m->decided_at);
		if (m->decision_reason && *m->decision_reason) {
			mc_buf_adds(b, "  reason:\n");
			show_wrap(b, m->decision_reason, width, "    ");
		}
	} else
		mc_buf_adds(b, "\n== decision: not decided\n");

	if (m->nhistory || m->nevents)
		mc_buf_adds(b, "\n== history\n");
	for (int i = 0; i < m->nhistory; i++) {
		const struct show_attempt *a = &m->history[i];
		mc_buf_printf(b, "  attempt %d: %s, %s, submitted %s\n", a->attempt, a->id, a->status,
			      a->submitted_at);
		if (a->nscores) {
			struct mc_buf sl = MC_BUF_INIT;
			scores_line(&sl, a->scores, a->nscores);
			mc_buf_adds(b, "    scores:\n");
			show_wrap(b, mc_buf_str(&sl), width, "      ");
			mc_buf_free(&sl);
		}
		if (a->decision)
			mc_buf_printf(b, "    decision: %s (%s, %s)\n", a->decision, a->decided_by, a->decided_at);
		if (a->decision_reason && *a->decision_reason) {
			mc_buf_adds(b, "    reason:\n");
			show_wrap(b, a->decision_reason, width, "      ");
		}
		if (a->feedback) {
			mc_buf_adds(b, "    feedback:\n");
			show_wrap(b, a->feedback, width, "      ");
		}
	}
	for (int i = 0; i < m->nevents; i++)
		mc_buf_printf(b, "  %s  %s by %s%s%s\n", m->events[i].at, m->events[i].action, m->events[i].actor,
			      m->events[i].reason ? ": " : "", m->events[i].reason ? m->events[i].reason : "");
}

/* Private notes: for the people who assess, never for the teacher. */
static void notes_text(struct mc_buf *b, const struct store_note *l, int n, int width)
{
	if (!n)
		return;
	mc_buf_adds(b, "\n== private notes (never sent to the teacher)\n");
	for (int i = 0; i < n; i++) {
		mc_buf_printf(b, "  %s, %s%s%s\n", l[i].author, l[i].at, l[i].read ? ", read " : "",
			      l[i].read ? l[i].read : "");
		show_wrap(b, l[i].body, width, "    ");
	}
}

/* Lines that are still wider than the terminal (headers with long titles) are
 * wrapped at their own indent plus two. */
static void fit(const char *in, int width, struct mc_buf *out)
{
	const char *p = in;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = mc_xstrndup(p, len);
		if (show_text_width(line) <= width) {
			mc_buf_adds(out, line);
			mc_buf_addc(out, '\n');
		} else {
			size_t ind = strspn(line, " ");
			char *indent = mc_xasprintf("%.*s  ", (int)ind, line);
			struct mc_buf w = MC_BUF_INIT;
			show_wrap(&w, line + ind, width, indent);
			/* the first line keeps the original indent */
			mc_buf_add(out, line, ind);
			mc_buf_adds(out, mc_buf_str(&w) + strlen(indent));
			mc_buf_free(&w);
			free(indent);
		}
		free(line);
		p += len + (nl ? 1 : 0);
	}
}

static int run_show(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int fmt = CLI_TEXT, c;
	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'f':
			fmt = cli_parse_format(optarg);
			if (fmt != CLI_TEXT && fmt != CLI_JSON)
				return cli_usage_error(self, "unknown format '%s' (text or json)", optarg);
			break;
		case 'h': return cli_help(self);
		default:
			return cli_usage_error(self, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error(self, "which submission? give its id");
	if (optind + 1 < argc)
		return cli_usage_error(self, "unexpected argument '%s'", argv[optind + 1]);
	const char *id = argv[optind];
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	struct show_submission *m = NULL;
	struct store_note *notes = NULL;
	int nnotes = 0;
	rc = show_load(s, id, &m, &err);
	if (rc == MC_OK && (rc = notes_list(s, id, &notes, &nnotes, &err)) != MC_OK)
		show_free(&m);
	cli_close(cli);
	if (rc != MC_OK)
		return cli_error(&err);
	if (fmt == CLI_JSON) {
		json_t *o = to_json(m);
		json_object_set_new(o, "notes", cli_notes_json(notes, nnotes));
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(o);
	} else {
		struct mc_buf b = MC_BUF_INIT;
		struct mc_buf fitted = MC_BUF_INIT;
		int width = term_width(cli);
		text(m, width, &b);
		notes_text(&b, notes, nnotes, width);
		/* everything shown came from outside somewhere: controls made visible, then wrapped */
		char *safe = text_safe_dup(mc_buf_str(&b), TEXT_SAFE_LINES);
		fit(safe, width, &fitted);
		fputs(mc_buf_str(&fitted), stdout);
		free(safe);
		mc_buf_free(&b);
		mc_buf_free(&fitted);
	}
	show_free(&m);
	notes_free(&notes, nnotes);
	return MC_OK;
}

const struct cli_cmd cli_cmd_show = {
	"show", run_show,
	"show ID [--format text|json]",
	"Shows one submission: educator, evidence, rubric, scores, feedback, history.",
	"options:\n"
	"  --format F   text (for people; wrapped to the terminal, or $COLUMNS, or 80)\n"
	"               or json\n"
	"\n"
	"Each part shows its word count against the part's limits. Pre-checks come\n"
	"first: word counts out of limits, parts with no evidence, evidence identical\n"
	"to another educator's (same file, or the same text give or take spacing and\n"
	"capitals), and personal data in the evidence (e-mail addresses, phone numbers,\n"
	"names: see PERSONAL DATA in the manual). When you score blind, the educator\n"
	"appears by an anonymous id only, and names, e-mail addresses and phone numbers\n"
	"in the evidence are masked as [name], [e-mail], [phone]; the stored evidence\n"
	"is never changed.\n",
};
