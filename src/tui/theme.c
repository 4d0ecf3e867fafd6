/* theme.c: all colours and attributes. Colour pairs when the terminal has
 * colours and NO_COLOR is unset; otherwise attributes only (reverse, bold,
 * underline), so a monochrome terminal shows the same distinctions. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tui/tui_int.h"

struct elem {
	short fg, bg;                  /* -1: the terminal's own */
	attr_t colour_attr, mono_attr; /* with colours; without (NO_COLOR, monochrome) */
	int given;                     /* 0: an element without an entry here, drawn plain */
};

/* Readable on dark and light terminals alike: no blue or yellow text on the
 * terminal's own background (blue vanishes on black, yellow on white); a colour
 * background always comes with its own foreground. Without colours the selected
 * row is the only reversed row of a list. */
#define E(fg, bg, colour, mono) { fg, bg, colour, mono, 1 }
static struct elem elems[TUI__NELEM] = {
	[TUI_TITLE] = E(COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE | A_BOLD),
	[TUI_HEADING] = E(-1, -1, A_BOLD | A_UNDERLINE, A_BOLD | A_UNDERLINE),
	[TUI_CURSOR] = E(COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE),
	[TUI_STATUS] = E(-1, -1, A_NORMAL, A_NORMAL),
	[TUI_ERROR] = E(COLOR_RED, -1, A_BOLD, A_BOLD),
	[TUI_DIM] = E(-1, -1, A_DIM, A_DIM),
	[TUI_PART] = E(-1, -1, A_BOLD | A_UNDERLINE, A_BOLD | A_UNDERLINE),
	[TUI_UNSCORED] = E(COLOR_MAGENTA, -1, A_BOLD, A_BOLD),
	[TUI_PASS] = E(COLOR_GREEN, -1, A_BOLD, A_BOLD),
	[TUI_FAIL] = E(COLOR_RED, -1, A_BOLD, A_UNDERLINE),
	[TUI_BORDER] = E(-1, -1, A_NORMAL, A_NORMAL),
	[TUI_FOCUS] = E(COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE | A_BOLD),
	[TUI_KEY] = E(COLOR_GREEN, -1, A_BOLD, A_BOLD),
	[TUI_CHECK] = E(COLOR_RED, -1, A_NORMAL, A_BOLD),
	[TUI_MATCH] = E(COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_REVERSE | A_STANDOUT),
};
#undef E

static const char *const elem_names[TUI__NELEM] = {
#define X(n, name) name,
	TUI_ELEMS(X)
#undef X
};

static int use_colour;

int tui_theme_color(void) { return use_colour; }

const char *tui_theme_name(enum tui_elem e)
{
	return (int)e >= 0 && e < TUI__NELEM ? elem_names[e] : "?";
}

static void apply(int i)
{
	if (use_colour && i > 0)
		init_pair((short)i, elems[i].fg, elems[i].bg);
}

void tui_theme_init(void)
{
	const char *nc = getenv("NO_COLOR");
	for (int i = 0; i < TUI__NELEM; i++)
		if (!elems[i].given)
			elems[i] = (struct elem){ -1, -1, A_NORMAL, A_NORMAL, 1 };
	use_colour = has_colors() && !(nc && *nc);
	if (!use_colour)
		return;
	start_color();
	if (use_default_colors() != OK) {
		/* -1 (the terminal's own) is not available: fall back to white on black. */
		for (int i = 0; i < TUI__NELEM; i++) {
			if (elems[i].fg < 0)
				elems[i].fg = COLOR_WHITE;
			if (elems[i].bg < 0)
				elems[i].bg = COLOR_BLACK;
		}
	}
	if (COLOR_PAIRS < TUI__NELEM) {
		use_colour = 0;
		return;
	}
	for (int i = 1; i < TUI__NELEM; i++)
		apply(i);
}

attr_t tui_theme(enum tui_elem e)
{
	if (e <= TUI_NORMAL || e >= TUI__NELEM)
		return A_NORMAL;
	if (!use_colour)
		return elems[e].mono_attr;
	/* The terminal's own colours need no pair: no colour escapes to send, and a
	 * terminal that cannot underline or dim in colour (TERM=linux: ncv) still
	 * shows these attributes. */
	if (elems[e].fg < 0 && elems[e].bg < 0)
		return elems[e].colour_attr;
	return COLOR_PAIR(e) | elems[e].colour_attr;
}

static const char *const colour_names[] = { "black", "red", "green", "yellow",
					    "blue", "magenta", "cyan", "white" };

static int parse_colour(const char *s, short *out)
{
	if (strcmp(s, "default") == 0) {
		*out = -1;
		return 0;
	}
	for (short i = 0; i < 8; i++)
		if (strcmp(s, colour_names[i]) == 0) {
			*out = i;
			return 0;
		}
	char *end;
	long v = strtol(s, &end, 10);
	if (*s && !*end && v >= 0 && v < 256) {
		*out = (short)v;
		return 0;
	}
	return -1;
}

int tui_theme_set(const char *elem, const char *fg, const char *bg, const char *attrs,
		  const char *file, long line, struct mc_error *err)
{
	int i;
	for (i = 0; i < TUI__NELEM; i++)
		if (strcmp(elem_names[i], elem) == 0)
			break;
	if (i == TUI__NELEM || i == TUI_NORMAL)
		return mc_error_at(err, MC_INVALID, file, line, 0,
				   "color: unknown element '%s' (title, heading, cursor, status, error, "
				   "dim, part, unscored, pass, fail, border, focus, key)", elem);
	short f, b;
	if (parse_colour(fg, &f) || parse_colour(bg, &b))
		return mc_error_at(err, MC_INVALID, file, line, 0,
				   "color: unknown colour '%s' (black, red, green, yellow, blue, magenta, "
				   "cyan, white, default or 0-255)", parse_colour(fg, &f) ? fg : bg);
	attr_t a = A_NORMAL;
	if (attrs) {
		char *copy = mc_xstrdup(attrs), *save = NULL;
		for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
			if (strcmp(w, "bold") == 0)
				a |= A_BOLD;
			else if (strcmp(w, "underline") == 0)
				a |= A_UNDERLINE;
			else if (strcmp(w, "reverse") == 0)
				a |= A_REVERSE;
			else if (strcmp(w, "normal") != 0) {
				mc_error_at(err, MC_INVALID, file, line, 0,
					    "color: unknown attribute '%s' (bold, underline, reverse, normal)", w);
				free(copy);
				return MC_INVALID;
			}
		}
		free(copy);
	}
	elems[i].fg = f;
	elems[i].bg = b;
	elems[i].colour_attr = a;
	apply(i);
	return MC_OK;
}
