/* report_html.h: `report progress --format html`. */
#ifndef MCASSESS_REPORT_HTML_H
#define MCASSESS_REPORT_HTML_H
#include <stdio.h>

#include "mcassess/report.h"

/* One self-contained HTML document: inline CSS, inline SVG bars, no script and
 * no URL, so it can be mailed and opened anywhere. Figures carry data-* names
 * (data-pathway, data-figure) so a test can read them back from the page. */
void report_html_progress(FILE *f, const struct report_progress *p, const struct report_scope *sc);
#endif
