/* report_html.c: the progress report as one HTML file (see report_html.h). */
#include "config.h"

#include <math.h>
#include <stdio.h>

#include "report_html.h"

static void esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

static const char STYLE[] =
	"body{font-family:sans-serif;margin:2em;color:#222}"
	"table{border-collapse:collapse;margin:1em 0}"
	"th,td{border:1px solid #bbb;padding:.25em .6em;text-align:right}"
	"th:first-child,td:first-child{text-align:left}"
	"caption{text-align:left;font-weight:bold;margin-bottom:.3em}"
	".bar-goal{fill:#ddd}.goal{stroke:#c53030;stroke-width:2}.bar-earned{fill:#2b6cb0}svg text{font-size:12px;font-family:sans-serif}";

static void cell_count(FILE *f, const char *figure, long v)
{
	fprintf(f, "<td data-figure=\"%s\">%ld</td>", figure, v);
}

static void cell_rate(FILE *f, const char *figure, double v)
{
	if (isnan(v))
		fprintf(f, "<td data-figure=\"%s\">-</td>", figure);
	else
		fprintf(f, "<td data-figure=\"%s\">%.4f</td>", figure, v);
}

static void row(FILE *f, const char *label, long goal, const struct report_counts *c)
{
	fputs("<tr data-pathway=\"", f);
	esc(f, label);
	fputs("\"><td>", f);
	esc(f, label);
	fputs("</td>", f);
	if (goal >= 0)
		cell_count(f, "goal", goal);
	else
		fputs("<td>-</td>", f);
	cell_count(f, "earned", c->earned);
	cell_count(f, "in_process", c->in_process);
	cell_count(f, "resubmit", c->resubmit);
	cell_count(f, "incomplete", c->incomplete);
	cell_count(f, "withdrawn", c->withdrawn);
	cell_rate(f, "first_pass_rate", report_first_pass_rate(c));
	cell_rate(f, "attempts_to_earn", report_attempts_to_earn(c));
	fputs("</tr>\n", f);
}

/* Horizontal bars: the goal in grey with a red mark at its end, earned over it in blue. */
static void chart(FILE *f, const struct report_progress *p)
{
	long max = 1;
	int bars = 0;
	for (int i = 0; i < p->n; i++)
		if (p->rows[i].level == REPORT_PATHWAY) {
			bars++;
			max = p->rows[i].goal > max ? p->rows[i].goal : max;
			max = p->rows[i].c.earned > max ? p->rows[i].c.earned : max;
		}
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"%d\" role=\"img\" "
		   "aria-label=\"earned against goal by pathway\">\n", bars * 28 + 10);
	int y = 5;
	for (int i = 0; i < p->n; i++) {
		const struct report_progress_row *r = &p->rows[i];
		if (r->level != REPORT_PATHWAY)
			continue;
		double wg = 440.0 * r->goal / max, we = 440.0 * r->c.earned / max;
		fprintf(f, "<text x=\"0\" y=\"%d\">", y + 15);
		esc(f, r->pathway);
		fprintf(f, "</text><rect class=\"bar-goal\" x=\"80\" y=\"%d\" width=\"%.1f\" height=\"20\"/>"
			   "<rect class=\"bar-earned\" x=\"80\" y=\"%d\" width=\"%.1f\" height=\"20\"/>"
			   "<line class=\"goal\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>"
			   "<text x=\"%.1f\" y=\"%d\">%ld / %ld</text>\n",
			y, wg, y, we, 80 + wg, 80 + wg, y - 2, y + 22, 86 + (wg > we ? wg : we), y + 15, r->c.earned,
			r->goal);
		y += 28;
	}
	fputs("</svg>\n", f);
}

static void table_head(FILE *f, const char *caption, const char *first)
{
	fputs("<table><caption>", f);
	esc(f, caption);
	fprintf(f, "</caption><tr><th>%s</th><th>goal</th><th>earned</th><th>in process</th><th>resubmit</th>"
		   "<th>incomplete</th><th>withdrawn</th><th>first-attempt pass rate</th>"
		   "<th>attempts to earn</th></tr>\n", first);
}

void report_html_progress(FILE *f, const struct report_progress *p, const struct report_scope *sc)
{
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		   "<title>Micro-credentials: progress</title><style>%s</style></head><body>\n"
		   "<h1>Micro-credentials: progress against goals</h1>\n<p>", STYLE);
	esc(f, sc->district ? sc->district : "All districts");
	if (sc->since || sc->until) {
		fputs(", submitted ", f);
		esc(f, sc->since ? sc->since : "");
		fputs(" to ", f);
		esc(f, sc->until ? sc->until : "now");
	}
	fputs(". Figures as of ", f);
	esc(f, sc->as_of);
	fputs(".</p>\n", f);
	chart(f, p);
	table_head(f, "By pathway", "pathway");
	for (int i = 0; i < p->n; i++)
		if (p->rows[i].level == REPORT_PATHWAY)
			row(f, p->rows[i].pathway, p->rows[i].goal, &p->rows[i].c);
	row(f, "total", p->goal_total, &p->total);
	fputs("</table>\n", f);
	table_head(f, "By credential", "credential");
	for (int i = 0; i < p->n; i++)
		if (p->rows[i].level == REPORT_CREDENTIAL)
			row(f, p->rows[i].credential, -1, &p->rows[i].c);
	fputs("</table>\n</body></html>\n", f);
}
