/* tui_int.h: what the files of src/tui share: the driver, views as tables of
 * operations, the keymap, the theme and the drawing widgets. Nothing outside
 * src/tui includes this. No SQL here: views call core (queue.h, show.h ...). */
#ifndef MCASSESS_TUI_INT_H
#define MCASSESS_TUI_INT_H

#include <curses.h>
#include <stddef.h>

#include "mcassess/error.h"
#include "mcassess/session.h"
#include "mcassess/util.h"
#include "tui/actions.h"

struct store;
struct tui;
struct tui_view;

/* ------------------------------------------------------------------ keys */
/* A key: a Unicode code point, or a curses function key (KEY_DOWN ...) with
 * TUI_KEY_FN set. Enter is always '\n'. */
#define TUI_KEY_FN 0x1000000
#define TUI_KEY_ESC 27
#define TUI_KEY_RESIZE (TUI_KEY_FN | KEY_RESIZE)
#define TUI_KEY_CTRL(c) ((c) & 0x1f)
#define TUI_KEY_META 0x2000000      /* Alt/Meta with a character (Esc then the key) */
/* Not keys: what read_key reports instead (no key for a while; a signal came). */
#define TUI_KEY_IDLE (-4)

/* After a terminal is up: learn the codes of Ctrl+arrows (C-Left ...). */
void tui_keys_extended_init(void);

/* "j", "Down", "PgDn", "Enter", "Tab", "Esc", "Space", "^L", "F1" ...; -1 if unknown. */
int tui_key_parse(const char *name);
/* The name of a key as help shows it ("j", "Down", "^L"); writes into buf (>= 16 bytes). */
const char *tui_key_name(int key, char *buf, size_t size);

/* ---------------------------------------------------------------- keymap */
struct tui_keymap;
struct tui_keymap *tui_keymap_new(void); /* with the compiled-in default bindings */
void tui_keymap_free(struct tui_keymap **km);
/* "bind KEY ACTION" (ACTION "none" unbinds). file/line locate errors. */
int tui_keymap_bind(struct tui_keymap *km, const char *key, const char *action, const char *file,
		    long line, struct mc_error *err);
enum tui_action tui_keymap_lookup(const struct tui_keymap *km, int key);
/* The keys bound to `a`, as "j, Down" (heap; "" when unbound). */
char *tui_keymap_keys_for(const struct tui_keymap *km, enum tui_action a);

/* ----------------------------------------------------------------- theme */
/* The elements the screens are drawn with: X(NAME, "config name"). Their
 * colours and attributes are in theme.c, and only there. */
#define TUI_ELEMS(X) \
	X(NORMAL, "normal") X(TITLE, "title") X(HEADING, "heading") X(CURSOR, "cursor") \
	X(STATUS, "status") X(ERROR, "error") X(DIM, "dim") X(PART, "part") \
	X(UNSCORED, "unscored") X(PASS, "pass") X(FAIL, "fail") X(BORDER, "border") \
	X(FOCUS, "focus") X(KEY, "key") X(CHECK, "check") X(MATCH, "match")

enum tui_elem {
#define X(n, name) TUI_##n,
	TUI_ELEMS(X)
#undef X
	TUI__NELEM
};
/* After initscr/newterm: colours unless NO_COLOR is set or the terminal has none. */
void tui_theme_init(void);
/* "color ELEMENT FG BG [bold|underline|reverse ...]" from the config file. */
int tui_theme_set(const char *elem, const char *fg, const char *bg, const char *attrs,
		  const char *file, long line, struct mc_error *err);
attr_t tui_theme(enum tui_elem e);
int tui_theme_color(void); /* 1 when colours are in use */
const char *tui_theme_name(enum tui_elem e); /* its name in the config file */
/* 1 when TERM can show the workstation (it can move the cursor); else 0 with
 * err saying so. Before newterm; an unknown TERM gives 1 (newterm reports it). */
int tui_terminal_can_draw(const char *term, int fd, struct mc_error *err);

/* --------------------------------------------------------------- widgets */
/* Draw UTF-8 text at (y, x) in at most `cells` cells, by display width
 * (text_cp_width): a wide character that would not fit is left out, control
 * characters show as spaces. Returns the cells used. */
int tui_put(WINDOW *w, int y, int x, const char *s, size_t len, int cells, attr_t attr);
/* The same, then spaces up to `cells` (the whole field is written). */
void tui_put_pad(WINDOW *w, int y, int x, const char *s, int cells, attr_t attr);
/* Display width of s[0..len). */
int tui_width(const char *s, size_t len);
/* Wrap one paragraph to `width` cells: calls line(ctx, off, len) for each line,
 * breaking after spaces, around CJK characters, or anywhere in a word longer
 * than a line. Leading spaces of continuation lines are dropped. An empty
 * paragraph gives one empty line. */
void tui_wrap(const char *s, size_t len, int width, void (*line)(void *ctx, size_t off, size_t len),
	      void *ctx);

/* A pager: lines of text, each with an element and an indent, scrolled by `top`. */
struct tui_pline {
	char *text;
	enum tui_elem elem;
	int indent;
	int mark;    /* a view's own tag (part index ...), -1 when none */
	int para;    /* the paragraph it was wrapped from (find.c searches whole ones) */
	size_t off;  /* where the line starts in that paragraph, in bytes */
};
struct tui_pager {
	struct tui_pline *lines;
	int n, cap;
	int top;
	int paras;   /* paragraphs added so far */
};
void tui_pager_clear(struct tui_pager *p);
void tui_pager_add(struct tui_pager *p, enum tui_elem e, int indent, int mark, const char *text);
/* Add text wrapped to `width` cells (paragraphs split at '\n'), each line indented. */
void tui_pager_add_wrapped(struct tui_pager *p, enum tui_elem e, int indent, int mark,
			   const char *text, int width);
/* Draw lines top.. into rows [y, y+h) of w, `width` cells each. */
void tui_pager_draw(const struct tui_pager *p, WINDOW *w, int y, int h, int width);
/* Scrolling moves; returns 1 when the action was a move (handled). *moved tells
 * whether top changed. */
int tui_pager_request(struct tui_pager *p, enum tui_action a, int h, int *moved);

/* ------------------------------------------------------ find in a pager
 * `/` in the evidence (find.c): plain text in any case, or "re:" then a PCRE2
 * pattern; n and N step (wrapping, saying so), every match on screen highlighted
 * (TUI_MATCH). Matching runs on whole paragraphs, so matches across a wrap count. */
struct tui_find;
struct tui_find *tui_find_new(void);
void tui_find_free(struct tui_find **fp);
/* Compile a pattern (NULL or "" clears); a bad one is MC_USAGE with PCRE2's message
 * and the offset. */
int tui_find_set(struct tui_find *f, const char *pattern, struct mc_error *err);
/* Several texts to find at once, each literal, any case (the personal data the
 * pre-checks found, marked in the evidence with the same highlight). */
int tui_find_set_terms(struct tui_find *f, char *const *terms, int n, struct mc_error *err);
int tui_find_active(const struct tui_find *f);
int tui_find_count(const struct tui_find *f);
/* Find every match in the pager (again whenever the pager is rebuilt). */
int tui_find_scan(struct tui_find *f, const struct tui_pager *p, struct mc_error *err);
/* The bytes of pager line `line` to highlight: up to max ranges [b0, b1). */
int tui_find_line_spans(const struct tui_find *f, const struct tui_pager *p, int line, size_t *b0,
			size_t *b1, int max);
/* Where byte `at` of a paragraph lands when tui_wrap wraps it `width` cells wide:
 * its row and the cell it starts at (a byte dropped at a wrap: the next row's start). */
void tui_find_pos(const char *s, size_t len, int width, size_t at, int *row, int *col);
/* Highlight the matches on the rows tui_pager_draw drew (same arguments). */
void tui_find_draw(const struct tui_find *f, const struct tui_pager *p, WINDOW *w, int y, int h, int width);
/* `/` (opens the prompt), n (ACT_NEXT, only once a search is made) and N
 * (ACT_FIND_PREV): 1 when handled. *moved when the pager scrolled. */
int tui_find_request(struct tui_find *f, struct tui *t, struct tui_pager *p, int h, enum tui_action a,
		     int *moved);
/* Keys while the prompt is open: TUI_HANDLED, else TUI_UNKNOWN. */
int tui_find_key(struct tui_find *f, struct tui *t, struct tui_pager *p, int h, int key, int *moved);

/* Encode a code point as UTF-8 into out (>= 5 bytes, NUL-terminated); returns the length. */
int tui_utf8_put(unsigned cp, char *out);
/* Line editing in a prompt (/narrow, F filter, / find, a reason): Backspace drops
 * the last character, a printable key is appended, any other key (a move, Alt+x)
 * is swallowed. 1 when the text changed. */
int tui_prompt_edit(struct mc_buf *b, int key);
/* The prompt line: `head`, then the text being typed and a cursor, its end
 * kept in view when it is longer than the line. */
void tui_prompt_show(struct tui *t, const char *head, const struct mc_buf *b);
/* (Re)make a view's two windows for rows y..y+h: a title line and the body under it. */
void tui_title_body(WINDOW **title, WINDOW **body, int y, int h, int w);

/* ----------------------------------------------------------- rubric pane */
/* The rubric beside (or below) the evidence: criteria grouped by part, the
 * focused one with its levels and descriptors, unscored ones standing out, the
 * outcome recomputed (scoring_outcome) after every score. */
struct scoring_outcome;
struct tui_rubric;
struct tui_rubric *tui_rubric_new(void);
void tui_rubric_free(struct tui_rubric **rp);
/* Take the outcome to show (owned from now on; the old one is freed). Keeps the
 * cursor on the same criterion when it can. */
void tui_rubric_set(struct tui_rubric *rp, struct scoring_outcome *o);
const struct scoring_outcome *tui_rubric_outcome(const struct tui_rubric *rp);
/* The window to draw into (h rows by w cells, the first row a header). */
void tui_rubric_layout(struct tui_rubric *rp, WINDOW *w, int h, int width);
void tui_rubric_draw(struct tui_rubric *rp, int focused);
/* 1: the summary (every criterion a line, the focused one's levels in full). */
void tui_rubric_set_summary(struct tui_rubric *rp, int on);
/* The other reads to show beside the viewer's own, side by side (an
 * adjudicator's, an approver's view): the submission's model, which the
 * caller keeps alive while the pane uses it; NULL: none. */
struct show_submission;
void tui_rubric_set_reads(struct tui_rubric *rp, const struct show_submission *m);
/* Moves between criteria; 1 when handled. */
int tui_rubric_move(struct tui_rubric *rp, enum tui_action a);
/* The focused criterion (index into outcome->criteria), -1 when none. */
int tui_rubric_cursor(const struct tui_rubric *rp);
void tui_rubric_set_cursor(struct tui_rubric *rp, int i);

/* --------------------------------------------------------------- views */
enum tui_result { TUI_UNKNOWN = 0, TUI_HANDLED = 1 };

/* What a view must redraw; handlers set these, the driver draws once per loop. */
enum tui_dirty {
	TUI_DIRTY_LAYOUT = 1 << 0,  /* windows must be (re)made: open, resize */
	TUI_DIRTY_ALL = 1 << 1,     /* every line of the view */
	TUI_DIRTY_SOME = 1 << 2,    /* only what the view noted itself (rows, a pane) */
};

struct tui_view_ops {
	const char *name;
	/* Load the view's data; arg is the view's own (a submission id ...). */
	int (*open)(struct tui_view *v, const void *arg, struct mc_error *err);
	/* Make the view's windows for the area (rows y..y+h, all columns w). */
	void (*layout)(struct tui_view *v, int y, int h, int w);
	/* Draw what v->dirty says, ending with wnoutrefresh; the driver calls doupdate. */
	void (*draw)(struct tui_view *v);
	/* A raw key before the keymap (text entry); TUI_UNKNOWN lets the keymap have it. */
	int (*key)(struct tui_view *v, int key);
	/* An action; TUI_UNKNOWN lets the driver try its generic ones (back, help ...). */
	int (*request)(struct tui_view *v, enum tui_action a);
	void (*close)(struct tui_view *v);
	/* No key for a second (a timer): save drafts, keep claims fresh. May be NULL. */
	void (*idle)(struct tui_view *v);
	/* SIGHUP or SIGTERM: keep what must not be lost, synchronously, now. May be NULL. */
	void (*hangup)(struct tui_view *v);
};

struct tui_view {
	const struct tui_view_ops *ops;
	struct tui *tui;
	void *data;
	unsigned dirty;
};

extern const struct tui_view_ops tui_view_queue, tui_view_submission, tui_view_help, tui_view_editor,
	tui_view_bank, tui_view_history, tui_view_workload;
extern const struct tui_view_ops tui_view_report;
extern const struct tui_view_ops tui_view_notes; /* records */
extern const struct tui_view_ops tui_view_packet; /* review packets (issue 12) */
/* calibration (issue 13): the set, and an exemplar on the submission screen */
extern const struct tui_view_ops tui_view_calibration, tui_view_calib_item;
extern const struct tui_view_ops tui_view_conflict; /* one packet conflict's sides (arg: the submission id) */

/* ---------------------------------------------------------------- editor */
/* What the editor edits: the overall feedback or one criterion's comment. */
struct tui_editor_arg {
	const char *submission;   /* imported id */
	const char *target;       /* "overall" or a criterion code */
	const char *title;        /* shown in the editor's title line */
	const char *text;         /* the saved text to start from (a draft wins), may be NULL */
	int level;                /* for a comment: the criterion's level number (1 = lowest) */
	/* After a save: lets the view below reload what it shows. */
	void (*saved)(struct tui_view *below);
};
/* The queue after a decision (or `n`): refresh, then open the submission after
 * `after_id` (where it was, when it has left the list). */
void tui_queue_open_next(struct tui_view *queue, const char *after_id);

/* The comment bank inserts its choice into the editor below it. */
void tui_editor_insert(struct tui_view *editor, const char *text);

/* The text model of the editor, separate from drawing so it can be unit-tested. */
struct tui_text;
struct tui_text *tui_text_new(const char *s);
void tui_text_free(struct tui_text **tp);
const char *tui_text_str(const struct tui_text *t);
size_t tui_text_cursor(const struct tui_text *t);
void tui_text_set(struct tui_text *t, const char *s);           /* an undoable replace */
void tui_text_insert(struct tui_text *t, const char *s);        /* at the cursor */
void tui_text_backspace(struct tui_text *t);
void tui_text_delete(struct tui_text *t);
void tui_text_left(struct tui_text *t);
void tui_text_right(struct tui_text *t);
void tui_text_word_left(struct tui_text *t);
void tui_text_word_right(struct tui_text *t);
int tui_text_undo(struct tui_text *t);                          /* 0 when nothing to undo */
/* Lay the text out `width` cells wide (wrapping by display width); then rows,
 * the cursor's row and column, and vertical moves keeping the column. */
void tui_text_layout(struct tui_text *t, int width);
int tui_text_rows(const struct tui_text *t);
void tui_text_row(const struct tui_text *t, int row, size_t *off, size_t *len);
void tui_text_cursor_pos(const struct tui_text *t, int *row, int *col);
void tui_text_vmove(struct tui_text *t, int rows);              /* up (< 0) or down */
void tui_text_home(struct tui_text *t);
void tui_text_end(struct tui_text *t);

/* --------------------------------------------------------------- driver */
struct tui {
	struct store *store;
	struct mc_session *sess;     /* who is acting; its sink is the status line while we run */
	const char *viewer;          /* the acting OS user (sess->actor.user) */
	struct tui_keymap *keymap;
	struct tui_view *stack[8];
	int depth;
	int lines, cols;
	int too_small;
	int quit;
	WINDOW *status;
	char *msg;                   /* the status-line message, until the next key */
	char *note;                  /* the queue's note at the status line's right (the
	                                cursor row's readers when no column shows them) */
	int msg_error;
	char *prompt;                /* a text-entry prompt shown instead ("/narrow") */
	int status_dirty;
	time_t now;                  /* the clock for ages (fixed in script mode) */
	struct tui_script *script;   /* non-NULL when keys come from a script */
	char *config_note;           /* config problems, shown once at start */
	int page_rows;               /* queue rows per fetch (0: the default; tests set it small) */
	int arrow_cursor;            /* config 'set cursor arrow': "->" instead of a highlighted row */
	int idle_ticks;              /* idle seconds since the last key */
	int redraw_all;              /* back from another program: repaint the whole terminal */
	int cursor_hidden;           /* curs_set(0) worked: the terminal cursor need not be parked */
	int msg_rows;                /* rows the last long message covered */
};

/* The signal (SIGHUP, SIGTERM) that asked the program to stop, 0 when none. */
int tui_signalled(void);

/* Leave curses, run `sh -c script name file` (so "$1" and "$@" are the file,
 * which the shell never parses), wait for it, and come back to the same screen.
 * The exit status; -1 with err set (naming `name`) when it could not be run, the
 * shell's 127 and 126 (not found, not executable) included. */
int tui_run_command(struct tui *t, const char *script, const char *name, const char *file,
		    struct mc_error *err);

#define TUI_MIN_COLS 80
#define TUI_MIN_LINES 24

/* Open a view on top of the stack (with its argument); a failure shows on the status line. */
int tui_push(struct tui *t, const struct tui_view_ops *ops, const void *arg);
/* Close the top view (the one below redraws). */
void tui_pop(struct tui *t);
/* Messages on the status line (until the next key). */
void tui_message(struct tui *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tui_error(struct tui *t, struct mc_error *err);
void tui_set_prompt(struct tui *t, const char *prompt); /* NULL: none */
/* The queue's note at the right of the status line (NULL: none); shown only
 * while the queue is the screen on top. */
void tui_set_note(struct tui *t, const char *note);
/* The view under the top one (help says what it came from); NULL if none. */
struct tui_view *tui_view_below(struct tui *t, struct tui_view *v);

/* --------------------------------------------------------------- script */
struct tui_script;
/* From $MCASSESS_TUI_SCRIPT; NULL when unset. Errors go to err. */
int tui_script_open(const char *path, struct tui_script **out, struct mc_error *err);
void tui_script_free(struct tui_script **sc);
/* The next key of the script, running `:dump` and `:resize` lines on the way;
 * -1 at the end. Called only when the program is idle (everything drawn). */
int tui_script_next(struct tui *t, struct tui_script *sc, struct mc_error *err);

/* Config: $XDG_CONFIG_HOME/mcassess/config ("bind KEY ACTION", "color ..."). */
void tui_config_load(struct tui *t);
#endif
