/* script.c: screen tests without a terminal, tig's way. $MCASSESS_TUI_SCRIPT
 * names a file of keys; the driver asks for the next key only when it is idle
 * (everything drawn), so a replay never races the program. Script lines:
 *   # comment
 *   :dump NAME        write the screen as text to NAME (relative to
 *                     $MCASSESS_TUI_DUMP_DIR if set)
 *   :dumpattr NAME    the same text, then how each cell is drawn: one letter a
 *                     cell ('.' plain) for each screen line, and a legend of the
 *                     letters (attributes, colour pair and its colours, the theme
 *                     elements drawn that way), so a lost highlight shows in a diff
 *   :mark ELEMENT     from now on, dumps put ⟦ ⟧ around each run of cells drawn
 *                     as the theme ELEMENT ("match": what / found); ":mark" alone
 *                     stops (dumps are text only, attributes otherwise unseen)
 *   :resize WxH       resize the screen (as a terminal resize would)
 *   :idle             as if no key came for a second (drafts are saved then)
 *   :signal HUP|TERM|INT  the signal arrives (as when the terminal hangs up,
 *                     or Ctrl-C is pressed)
 *   anything else     keys: characters as typed (UTF-8), <Name> for a named key
 *                     (<Enter> <Down> <PgDn> <Esc> <Tab> <^L> ...), <lt> for '<'
 * The script ending quits the program. Other variables (script mode only):
 * MCASSESS_TUI_SIZE=WxH (default 80x24), MCASSESS_TUI_NOW=ISO-TIME (the clock for
 * ages), MCASSESS_TUI_PAGE=N (queue rows per fetch), MCASSESS_TUI_TTY_OUT=FILE
 * (what would go to the terminal, to count bytes). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "mcassess/text.h"
#include "tui/tui_int.h"

struct tui_script {
	char *path;
	char *text;
	size_t len, pos;     /* the next byte to read */
	long line;
	int in_keys;         /* inside a key line */
	char *dump_dir;
	int mark;            /* :mark ELEMENT: its tui_elem, 0 none */
};

/* The markers of :mark in dumps. */
#define MARK_OPEN "⟦"
#define MARK_CLOSE "⟧"

int tui_script_open(const char *path, struct tui_script **out, struct mc_error *err)
{
	struct tui_script *sc = mc_xcalloc(1, sizeof *sc);
	if (mc_read_file(path, &sc->text, &sc->len) != 0) {
		int e = errno;
		free(sc);
		return mc_error_set(err, MC_FAIL, "%s: cannot read the key script: %s", path, strerror(e));
	}
	sc->path = mc_xstrdup(path);
	sc->line = 1;
	const char *d = getenv("MCASSESS_TUI_DUMP_DIR");
	sc->dump_dir = d && *d ? mc_xstrdup(d) : NULL;
	*out = sc;
	return MC_OK;
}

void tui_script_free(struct tui_script **sc)
{
	if (!*sc)
		return;
	free((*sc)->path);
	free((*sc)->text);
	free((*sc)->dump_dir);
	free(*sc);
	*sc = NULL;
}

struct attr_map;
static int dump_screen(const char *path, int mark, struct attr_map *map, struct mc_error *err);

/* A cell drawn with exactly the theme's attributes (and colour pair) for e. */
static int cell_is(attr_t a, short pair, int e)
{
	attr_t want = tui_theme((enum tui_elem)e);
	return (a & ~A_COLOR) == (want & ~A_COLOR & ~A_CHARTEXT) && pair == (short)PAIR_NUMBER(want);
}

/* ------------------------------------------------------ attribute dumps */
/* Each distinct way of drawing a cell (attributes and colour pair) gets a
 * letter, in the order met on the screen; plain cells are '.'. */
static const char style_letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
#define MAX_STYLES ((int)sizeof style_letters - 1)

struct attr_map {
	struct mc_buf rows;             /* the letters, a line for each screen line */
	attr_t attr[MAX_STYLES];
	short pair[MAX_STYLES];
	int n;
};

static char style_letter(struct attr_map *m, attr_t a, short pair)
{
	a &= A_ATTRIBUTES & ~A_COLOR;
	if (a == A_NORMAL && pair == 0)
		return '.';
	for (int i = 0; i < m->n; i++)
		if (m->attr[i] == a && m->pair[i] == pair)
			return style_letters[i];
	if (m->n == MAX_STYLES)
		return '?';
	m->attr[m->n] = a;
	m->pair[m->n] = pair;
	return style_letters[m->n++];
}

static void add_colour_name(struct mc_buf *b, short c)
{
	static const char *const names[] = { "black", "red", "green", "yellow",
					     "blue", "magenta", "cyan", "white" };
	if (c < 0)
		mc_buf_adds(b, "default");
	else if (c < 8)
		mc_buf_adds(b, names[c]);
	else
		mc_buf_printf(b, "%d", c);
}

/* "bold reverse, pair 4 (black on cyan) = cursor" */
static void describe_style(struct mc_buf *b, attr_t a, short pair)
{
	static const struct { attr_t bit; const char *name; } bits[] = {
		{ A_BOLD, "bold" }, { A_DIM, "dim" }, { A_UNDERLINE, "underline" },
		{ A_REVERSE, "reverse" }, { A_STANDOUT, "standout" }, { A_BLINK, "blink" },
		{ A_ITALIC, "italic" },
	};
	size_t start = b->len;
	for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++)
		if (a & bits[i].bit)
			mc_buf_printf(b, "%s%s", b->len > start ? " " : "", bits[i].name);
	if (pair) {
		short fg = 0, bg = 0;
		pair_content(pair, &fg, &bg);
		mc_buf_printf(b, "%spair %d (", b->len > start ? ", " : "", pair);
		add_colour_name(b, fg);
		mc_buf_adds(b, " on ");
		add_colour_name(b, bg);
		mc_buf_adds(b, ")");
	}
	int named = 0;
	for (int e = TUI_NORMAL + 1; e < TUI__NELEM; e++) {
		attr_t want = tui_theme((enum tui_elem)e);
		if ((want & ~A_COLOR) == a && (short)PAIR_NUMBER(want) == pair)
			mc_buf_printf(b, "%s%s", named++ ? ", " : " = ", tui_theme_name((enum tui_elem)e));
	}
}

static void write_attr_map(FILE *f, struct attr_map *m)
{
	fputs("-- how each cell is drawn: one letter a cell, '.' plain --\n", f);
	fwrite(m->rows.data ? m->rows.data : "", 1, m->rows.len, f);
	struct mc_buf d = MC_BUF_INIT;
	for (int i = 0; i < m->n; i++) {
		mc_buf_reset(&d);
		describe_style(&d, m->attr[i], m->pair[i]);
		fprintf(f, "%c  %s\n", style_letters[i], mc_buf_str(&d));
	}
	mc_buf_free(&d);
}

static int dump_screen(const char *path, int mark, struct attr_map *map, struct mc_error *err)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return mc_error_set(err, MC_FAIL, "%s: cannot write the screen dump: %s", path,
				    strerror(errno));
	struct mc_buf line = MC_BUF_INIT;
	for (int y = 0; y < LINES; y++) {
		mc_buf_reset(&line);
		size_t keep = 0; /* length without trailing spaces */
		int in_mark = 0;
		for (int x = 0; x < COLS; x++) {
			cchar_t cc;
			wchar_t wc[CCHARW_MAX + 1] = { 0 };
			attr_t a;
			short pair;
			if (mvwin_wch(curscr, y, x, &cc) == ERR)
				break;
			getcchar(&cc, wc, &a, &pair, NULL);
			int w = wc[0] ? wcwidth(wc[0]) : 1;
			if (map) {
				char l = style_letter(map, a, pair);
				for (int k = 0; k < (w == 2 ? 2 : 1); k++)
					mc_buf_addc(&map->rows, l);
			}
			if (mark && cell_is(a, pair, mark) != in_mark) {
				in_mark = !in_mark;
				mc_buf_adds(&line, in_mark ? MARK_OPEN : MARK_CLOSE);
				keep = line.len;
			}
			for (int k = 0; wc[k] && k < CCHARW_MAX; k++) {
				char mb[MB_LEN_MAX];
				mbstate_t st;
				memset(&st, 0, sizeof st);
				size_t n = wcrtomb(mb, wc[k], &st);
				if (n != (size_t)-1)
					mc_buf_add(&line, mb, n);
			}
			if (!wc[0])
				mc_buf_addc(&line, ' ');
			if (!(wc[0] == L' ' && !wc[1]) && wc[0])
				keep = line.len;
			if (w == 2)
				x++; /* the second cell of a wide character */
		}
		if (in_mark) {
			mc_buf_adds(&line, MARK_CLOSE);
			keep = line.len;
		}
		fwrite(line.data ? line.data : "", 1, keep, f);
		fputc('\n', f);
		if (map) {
			while (map->rows.len && map->rows.data[map->rows.len - 1] == '.')
				map->rows.len--;
			mc_buf_addc(&map->rows, '\n');
		}
	}
	mc_buf_free(&line);
	if (map)
		write_attr_map(f, map);
	if (fclose(f) != 0)
		return mc_error_set(err, MC_FAIL, "%s: cannot write the screen dump: %s", path,
				    strerror(errno));
	return MC_OK;
}

static char *take_line(struct tui_script *sc)
{
	const char *p = sc->text + sc->pos;
	const char *nl = memchr(p, '\n', sc->len - sc->pos);
	size_t n = nl ? (size_t)(nl - p) : sc->len - sc->pos;
	sc->pos += n + (nl ? 1 : 0);
	sc->line++;
	return mc_xstrndup(p, n);
}

static int command(struct tui *t, struct tui_script *sc, const char *cmd, struct mc_error *err)
{
	long line = sc->line - 1;
	int attrs = strncmp(cmd, ":dumpattr ", 10) == 0;
	if (attrs || strncmp(cmd, ":dump ", 6) == 0) {
		const char *name = cmd + (attrs ? 10 : 6);
		char *path = sc->dump_dir && name[0] != '/' ? mc_xasprintf("%s/%s", sc->dump_dir, name)
							   : mc_xstrdup(name);
		struct attr_map map = { MC_BUF_INIT, { 0 }, { 0 }, 0 };
		int rc = dump_screen(path, sc->mark, attrs ? &map : NULL, err);
		mc_buf_free(&map.rows);
		free(path);
		return rc;
	}
	if (strcmp(cmd, ":mark") == 0 || strncmp(cmd, ":mark ", 6) == 0) {
		sc->mark = 0;
		if (cmd[5] == ' ' && strcmp(cmd + 6, "match") == 0)
			sc->mark = TUI_MATCH;
		else if (cmd[5] == ' ')
			return mc_error_at(err, MC_USAGE, sc->path, line, 0, "unknown element '%s' for :mark (match)",
					   cmd + 6);
		return MC_OK;
	}
	if (strcmp(cmd, ":idle") == 0)
		return TUI_KEY_IDLE; /* as if no key came for a second */
	if (strcmp(cmd, ":signal HUP") == 0 || strcmp(cmd, ":signal TERM") == 0 || strcmp(cmd, ":signal INT") == 0) {
		raise(cmd[8] == 'H' ? SIGHUP : cmd[8] == 'I' ? SIGINT : SIGTERM);
		return TUI_KEY_IDLE;
	}
	int w, h;
	if (sscanf(cmd, ":resize %dx%d", &w, &h) == 2 && w > 0 && h > 0) {
		resizeterm(h, w);
		return TUI_KEY_RESIZE;
	}
	(void)t;
	return mc_error_at(err, MC_USAGE, sc->path, line, 0,
			   "unknown script command '%s' (:dump NAME, :dumpattr NAME, :mark ELEMENT, :resize WxH, :idle, :signal HUP)", cmd);
}

int tui_script_next(struct tui *t, struct tui_script *sc, struct mc_error *err)
{
	for (;;) {
		if (!sc->in_keys) {
			if (sc->pos >= sc->len)
				return -1;
			const char *p = sc->text + sc->pos;
			if (*p == '#' || *p == ':' || *p == '\n') {
				char *l = take_line(sc);
				int rc = MC_OK;
				if (l[0] == ':')
					rc = command(t, sc, l, err);
				free(l);
				if (rc == TUI_KEY_RESIZE || rc == TUI_KEY_IDLE)
					return rc;
				if (rc != MC_OK)
					return -2;
				continue;
			}
			sc->in_keys = 1;
		}
		const char *p = sc->text + sc->pos;
		if (sc->pos >= sc->len || *p == '\n') {
			if (sc->pos < sc->len) {
				sc->pos++;
				sc->line++;
			}
			sc->in_keys = 0;
			continue;
		}
		if (*p == '<') {
			const char *gt = memchr(p, '>', sc->len - sc->pos);
			const char *nl = memchr(p, '\n', sc->len - sc->pos);
			if (gt && (!nl || gt < nl) && gt > p + 1) {
				char *name = mc_xstrndup(p + 1, (size_t)(gt - p - 1));
				int k = strcmp(name, "lt") == 0 ? '<' : tui_key_parse(name);
				if (k < 0) {
					mc_error_at(err, MC_USAGE, sc->path, sc->line, 0,
						    "unknown key '<%s>' in the script", name);
					free(name);
					return -2;
				}
				free(name);
				sc->pos = (size_t)(gt - sc->text) + 1;
				return k;
			}
		}
		unsigned cp;
		int n = text_utf8_decode(p, &cp);
		sc->pos += (size_t)n;
		return (int)cp;
	}
}
