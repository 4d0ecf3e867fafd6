/* driver.c: the one loop. It owns the terminal, the view stack, KEY_RESIZE and
 * drawing: handlers only set dirty flags, and one pass per loop draws what they
 * asked for (wnoutrefresh per window, one doupdate). */
#include "config.h"

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mcassess/priv.h"
#include "mcassess/session.h"
#include "mcassess/store.h"
#include "mcassess/tui.h"
#include "mcassess/util.h"
#include "tui/tui_int.h"

/* ------------------------------------------------------------ signals */
/* SIGHUP (the SSH link or the terminal went away), SIGTERM and SIGINT (Ctrl-C)
 * only set a flag: the loop sees it within a second (the key read has a timeout
 * and is not restarted), saves drafts synchronously, releases claims and leaves,
 * so Ctrl-C does not leave a claim behind for the idle expiry. */
static volatile sig_atomic_t got_signal;

static void on_signal(int sig) { got_signal = sig; }

int tui_signalled(void) { return (int)got_signal; }

struct saved_signals {
	struct sigaction hup, term, intr;
};

/* Before newterm: ncurses leaves handlers alone that are already set. */
static void signals_install(struct saved_signals *old)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: a blocked read returns */
	got_signal = 0;
	sigaction(SIGHUP, &sa, &old->hup);
	sigaction(SIGTERM, &sa, &old->term);
	sigaction(SIGINT, &sa, &old->intr);
}

static void signals_restore(const struct saved_signals *old)
{
	sigaction(SIGHUP, &old->hup, NULL);
	sigaction(SIGTERM, &old->term, NULL);
	sigaction(SIGINT, &old->intr, NULL);
}

/* ------------------------------------------------------ other programs */
/* Run argv and wait: its exit status (128 + the signal that ended it), -1 with
 * err set when it could not be started. */
static int run_wait(struct tui *t, char *const argv[], struct mc_error *err)
{
	def_prog_mode();
	endwin();
	fflush(NULL);
	/* Ctrl-C in the editor or viewer is for it, not a reason for us to leave. */
	struct sigaction ign, old_int;
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &old_int);
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		sigaction(SIGINT, &old_int, NULL);
		reset_prog_mode();
		t->redraw_all = 1;
		mc_error_set(err, MC_FAIL, "%s: cannot start: %s", argv[0], strerror(e));
		return -1;
	}
	if (pid == 0) {
		signal(SIGHUP, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		priv_drop_for_good(); /* the person's editor or viewer gets none of the service's rights */
		execvp(argv[0], argv);
		fprintf(stderr, "mcassess: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGINT, &old_int, NULL);
	reset_prog_mode();
	t->redraw_all = 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* As git runs $EDITOR: the shell reads the command line (quotes, arguments, a
 * path with spaces) and the file comes as "$1", never parsed by the shell. */
int tui_run_command(struct tui *t, const char *script, const char *name, const char *file,
		    struct mc_error *err)
{
	char *argv[] = { "sh", "-c", (char *)script, (char *)name, (char *)file, NULL };
	int st = run_wait(t, argv, err);
	if (st == 127 || st == 126) { /* the shell's: not found, not executable */
		mc_error_set(err, MC_FAIL, "%s: %s", name,
			     st == 126 ? "cannot be run (not an executable program?)"
				       : "not found (not installed, or not in PATH?)");
		return -1;
	}
	return st;
}

/* ----------------------------------------------------------- messages */
void tui_message(struct tui *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	free(t->msg);
	t->msg = s;
	t->msg_error = 0;
	t->status_dirty = 1;
}

void tui_error(struct tui *t, struct mc_error *err)
{
	free(t->msg);
	t->msg = mc_xstrdup(mc_error_msg(err));
	t->msg_error = 1;
	t->status_dirty = 1;
	mc_error_clear(err);
}

void tui_set_prompt(struct tui *t, const char *prompt)
{
	free(t->prompt);
	t->prompt = prompt ? mc_xstrdup(prompt) : NULL;
	t->status_dirty = 1;
}

void tui_set_note(struct tui *t, const char *note)
{
	if ((!note && !t->note) || (note && t->note && strcmp(note, t->note) == 0))
		return;
	free(t->note);
	t->note = note ? mc_xstrdup(note) : NULL;
	t->status_dirty = 1;
}

void tui_title_body(WINDOW **title, WINDOW **body, int y, int h, int w)
{
	if (*title)
		delwin(*title);
	if (*body)
		delwin(*body);
	*title = newwin(1, w, y, 0);
	*body = newwin(h - 1, w, y + 1, 0);
}

void tui_prompt_show(struct tui *t, const char *head, const struct mc_buf *b)
{
	const char *r = b->len ? b->data : "";
	size_t len = strlen(r), off = 0;
	int avail = t->cols - tui_width(head, strlen(head)) - 2;
	while (off < len && tui_width(r + off, len - off) > avail) {
		off++;
		while (off < len && ((unsigned char)r[off] & 0xc0) == 0x80)
			off++;
	}
	char *p = mc_xasprintf("%s%s%s_", head, off ? "…" : "", r + off);
	tui_set_prompt(t, p);
	free(p);
}

/* -------------------------------------------------------------- views */
static struct tui_view *top_view(struct tui *t) { return t->depth ? t->stack[t->depth - 1] : NULL; }

struct tui_view *tui_view_below(struct tui *t, struct tui_view *v)
{
	for (int i = 1; i < t->depth; i++)
		if (t->stack[i] == v)
			return t->stack[i - 1];
	return NULL;
}

int tui_push(struct tui *t, const struct tui_view_ops *ops, const void *arg)
{
	struct mc_error err = MC_ERROR_INIT;
	if (t->depth == (int)(sizeof t->stack / sizeof t->stack[0])) {
		tui_message(t, "too many screens open; press q to go back");
		return MC_FAIL;
	}
	struct tui_view *v = mc_xcalloc(1, sizeof *v);
	v->ops = ops;
	v->tui = t;
	if (ops->open(v, arg, &err) != MC_OK) {
		int st = err.status ? (int)err.status : MC_FAIL;
		if (ops->close)
			ops->close(v);
		free(v);
		tui_error(t, &err);
		return st;
	}
	v->dirty = TUI_DIRTY_LAYOUT | TUI_DIRTY_ALL;
	t->stack[t->depth++] = v;
	t->status_dirty = 1;
	return MC_OK;
}

void tui_pop(struct tui *t)
{
	struct tui_view *v = top_view(t);
	if (!v)
		return;
	t->depth--;
	t->status_dirty = 1;
	if (v->ops->close)
		v->ops->close(v);
	free(v);
	if (t->depth)
		/* Its windows lie under the closed view's: everything must be drawn again. */
		t->stack[t->depth - 1]->dirty |= TUI_DIRTY_LAYOUT | TUI_DIRTY_ALL;
}

/* ------------------------------------------------------------- config */
static char *config_path(void)
{
	const char *x = getenv("XDG_CONFIG_HOME");
	if (x && *x)
		return mc_xasprintf("%s/mcassess/config", x);
	const char *home = getenv("HOME");
	return mc_xasprintf("%s/.config/mcassess/config", home && *home ? home : ".");
}

void tui_config_load(struct tui *t)
{
	char *path = config_path();
	char *text;
	size_t len;
	priv_user_begin(); /* the person's own file, with their own rights */
	int r = mc_read_file(path, &text, &len);
	int e = errno;
	priv_user_end();
	if (r != 0) {
		if (e != ENOENT)
			t->config_note = mc_xasprintf("%s: cannot read: %s", path, strerror(e));
		free(path);
		return;
	}
	struct mc_buf notes = MC_BUF_INIT;
	int problems = 0;
	long lineno = 0;
	char *p = text; /* line by line (strtok would skip empty lines and lose the count) */
	while (p && *p) {
		lineno++;
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		char *words[6] = { 0 };
		int nw = 0;
		char *s2 = NULL;
		for (char *w = strtok_r(p, " \t\r", &s2); w && nw < 6; w = strtok_r(NULL, " \t\r", &s2)) {
			if (w[0] == '#' && nw == 0)
				break;
			words[nw++] = w;
		}
		struct mc_error err = MC_ERROR_INIT;
		int rc = MC_OK;
		if (nw == 0) {
			/* blank or comment */
		} else if (strcmp(words[0], "bind") == 0 && nw == 3) {
			rc = tui_keymap_bind(t->keymap, words[1], words[2], path, lineno, &err);
		} else if (strcmp(words[0], "set") == 0 && nw == 3 && strcmp(words[1], "cursor") == 0 &&
			   (strcmp(words[2], "arrow") == 0 || strcmp(words[2], "bar") == 0)) {
			t->arrow_cursor = strcmp(words[2], "arrow") == 0;
		} else if (strcmp(words[0], "color") == 0 && nw >= 4) {
			struct mc_buf attrs = MC_BUF_INIT;
			for (int i = 4; i < nw; i++) {
				if (attrs.len)
					mc_buf_addc(&attrs, ' ');
				mc_buf_adds(&attrs, words[i]);
			}
			rc = tui_theme_set(words[1], words[2], words[3], attrs.len ? attrs.data : NULL, path,
					   lineno, &err);
			mc_buf_free(&attrs);
		} else {
			rc = mc_error_at(&err, MC_INVALID, path, lineno, 0,
					 "expected 'bind KEY ACTION', 'color ELEMENT FG BG [ATTR...]' or "
					 "'set cursor arrow|bar'");
		}
		if (rc != MC_OK) {
			if (!problems)
				mc_buf_adds(&notes, mc_error_msg(&err));
			problems++;
			mc_error_clear(&err);
		}
		p = nl ? nl + 1 : NULL;
	}
	if (problems > 1)
		mc_buf_printf(&notes, " (and %d more problems)", problems - 1);
	if (problems)
		t->config_note = mc_buf_steal(&notes);
	mc_buf_free(&notes);
	free(text);
	free(path);
}

/* ------------------------------------------------------------- drawing */
struct msg_lines {
	size_t off[4], len[4];
	int n;
};

static void msg_line(void *ctx, size_t off, size_t len)
{
	struct msg_lines *m = ctx;
	if (m->n < 4) {
		m->off[m->n] = off;
		m->len[m->n] = len;
	}
	m->n++;
}

/* A message too long for the status line (a refusal naming every reason) is
 * shown whole, over up to four rows above it; the view is repainted after. */
static int draw_long_message(struct tui *t)
{
	struct msg_lines m = { { 0 }, { 0 }, 0 };
	tui_wrap(t->msg, strlen(t->msg), t->cols, msg_line, &m);
	if (m.n <= 1)
		return 0;
	int rows = m.n < 4 ? m.n : 4;
	WINDOW *w = newwin(rows, t->cols, t->lines - rows, 0);
	attr_t a = tui_theme(t->msg_error ? TUI_ERROR : TUI_STATUS);
	for (int i = 0; i < rows; i++) {
		tui_put_pad(w, i, 0, "", t->cols, a);
		tui_put(w, i, 0, t->msg + m.off[i], m.len[i], t->cols, a);
	}
	wnoutrefresh(w);
	delwin(w);
	t->msg_rows = rows;
	return 1;
}

static void draw_status(struct tui *t)
{
	WINDOW *w = t->status;
	if (!t->prompt && t->msg && draw_long_message(t)) {
		t->status_dirty = 0;
		return;
	}
	if (t->prompt) {
		tui_put_pad(w, 0, 0, t->prompt, t->cols, tui_theme(TUI_STATUS));
	} else if (t->msg) {
		tui_put_pad(w, 0, 0, t->msg, t->cols, tui_theme(t->msg_error ? TUI_ERROR : TUI_STATUS));
	} else {
		int editing = t->depth && t->stack[t->depth - 1]->ops == &tui_view_editor;
		char *help = tui_keymap_keys_for(t->keymap, ACT_HELP);
		char *back = tui_keymap_keys_for(t->keymap, editing ? ACT_EDIT_LEAVE : ACT_BACK);
		if (editing && help[0] && help[1] == ',') /* "?" types text there: F1 */
			memmove(help, help + 3, strlen(help + 3) + 1);
		char *hint = mc_xasprintf("%.*s help  %.*s %s", (int)strcspn(help, ","), help,
					  (int)strcspn(back, ","), back, editing ? "leave" : t->depth > 1 ? "back" : "quit");
		tui_put_pad(w, 0, 0, hint, t->cols, tui_theme(TUI_DIM));
		int on_queue = t->depth && t->stack[t->depth - 1]->ops == &tui_view_queue;
		int hw = tui_width(hint, strlen(hint)), nw = t->note ? tui_width(t->note, strlen(t->note)) : 0;
		if (on_queue && nw && hw + 2 + nw <= t->cols)
			tui_put_pad(w, 0, t->cols - nw, t->note, nw, tui_theme(TUI_DIM));
		free(hint);
		free(help);
		free(back);
	}
	wnoutrefresh(w);
	t->status_dirty = 0;
}

static void draw_too_small(struct tui *t)
{
	char *m = mc_xasprintf("mcassess needs at least %dx%d; this terminal is %dx%d", TUI_MIN_COLS,
			       TUI_MIN_LINES, t->cols, t->lines);
	werase(stdscr);
	/* wrap the message over as many lines as it needs */
	int y = 0, len = (int)strlen(m), x = 0;
	while (x < len && y < t->lines) {
		int n = len - x < t->cols ? len - x : t->cols;
		mvwaddnstr(stdscr, y++, 0, m + x, n);
		x += n;
	}
	if (y < t->lines)
		mvwaddstr(stdscr, y, 0, t->cols >= 14 ? "q quits" : "");
	wnoutrefresh(stdscr);
	free(m);
}

static void resize(struct tui *t);

static void draw(struct tui *t)
{
	if (t->redraw_all) {
		/* Back from $EDITOR or a viewer: the terminal shows its screen, not ours. */
		t->redraw_all = 0;
		clearok(curscr, TRUE);
		resize(t);
	}
	if (t->too_small) {
		draw_too_small(t);
		doupdate();
		return;
	}
	struct tui_view *v = top_view(t);
	if (v && (v->dirty & TUI_DIRTY_LAYOUT)) {
		v->ops->layout(v, 0, t->lines - 1, t->cols);
		v->dirty = (v->dirty & ~TUI_DIRTY_LAYOUT) | TUI_DIRTY_ALL;
	}
	if (v && v->dirty) {
		v->ops->draw(v);
		v->dirty = 0;
	}
	if (t->status_dirty)
		draw_status(t);
	/* The terminal's cursor is hidden (the editor draws its own): leave it where
	 * the last cell was written instead of moving it back after every update,
	 * a few bytes less on each key over a slow link. */
	if (t->cursor_hidden)
		leaveok(newscr, TRUE);
	doupdate();
}

static void resize(struct tui *t)
{
	t->lines = LINES;
	t->cols = COLS;
	int was_small = t->too_small;
	t->too_small = t->cols < TUI_MIN_COLS || t->lines < TUI_MIN_LINES;
	if (t->status)
		delwin(t->status);
	t->status = newwin(1, t->cols, t->lines - 1, 0);
	keypad(t->status, TRUE);
	t->status_dirty = 1;
	if (was_small && !t->too_small) {
		werase(stdscr);
		wnoutrefresh(stdscr);
	}
	/* Every view below the top is laid out again when it comes back. */
	for (int i = 0; i < t->depth; i++)
		t->stack[i]->dirty |= TUI_DIRTY_LAYOUT | TUI_DIRTY_ALL;
}

/* ---------------------------------------------------------------- keys */
static int read_key(struct tui *t, struct mc_error *err)
{
	if (t->script)
		return tui_script_next(t, t->script, err);
	/* A second without a key (or a signal) comes back as TUI_KEY_IDLE. */
	wtimeout(t->status, 1000);
	wint_t wc;
	errno = 0;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int r = wget_wch(t->status, &wc);
	if (r == ERR) {
		/* A terminal that went away without a SIGHUP reaching us (its shell
		 * ignored it) fails every read at once: that is a hang-up too. */
		static int fast;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		long ms = (long)(t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
		fast = ms < 100 && errno != EINTR ? fast + 1 : 0;
		if (errno == EIO || fast >= 20)
			got_signal = SIGHUP;
		return TUI_KEY_IDLE;
	}
	if (r == KEY_CODE_YES) {
		if (wc == KEY_ENTER)
			return '\n';
		return TUI_KEY_FN | (int)wc;
	}
	if (wc == '\r')
		return '\n';
	if (wc == 0x7f || wc == 8)
		return TUI_KEY_FN | KEY_BACKSPACE;
	if (wc == TUI_KEY_ESC) {
		/* Alt+key arrives as Esc and the key at once; a lone Esc has nothing after it. */
		wint_t w2;
		wtimeout(t->status, 0);
		int r2 = wget_wch(t->status, &w2);
		if (r2 == OK && w2 >= 0x20 && w2 != 0x7f)
			return TUI_KEY_META | (int)w2;
		if (r2 == OK)
			unget_wch((wchar_t)w2);
		else if (r2 == KEY_CODE_YES)
			ungetch((int)w2);
		return TUI_KEY_ESC;
	}
	return (int)wc;
}

/* No key for a second: views save drafts and keep claims; now and then the
 * WAL is folded into the database (never on a keystroke). */
static void idle(struct tui *t)
{
	t->idle_ticks++;
	for (int i = t->depth - 1; i >= 0; i--)
		if (t->stack[i]->ops->idle)
			t->stack[i]->ops->idle(t->stack[i]);
	if (t->idle_ticks % 30 == 5)
		session_idle(t->sess);
}

static void hangup(struct tui *t)
{
	for (int i = t->depth - 1; i >= 0; i--)
		if (t->stack[i]->ops->hangup)
			t->stack[i]->ops->hangup(t->stack[i]);
}

static void generic_request(struct tui *t, enum tui_action a, int key)
{
	char name[16];
	switch (a) {
	case ACT_BACK:
		if (t->depth > 1)
			tui_pop(t);
		else
			t->quit = 1;
		break;
	case ACT_QUIT:
		t->quit = 1;
		break;
	case ACT_HELP:
		if (top_view(t)->ops != &tui_view_help)
			tui_push(t, &tui_view_help, NULL);
		break;
	case ACT_PACKETS: /* review packets (issue 12) */
		if (top_view(t)->ops != &tui_view_packet)
			tui_push(t, &tui_view_packet, NULL);
		break;
	case ACT_REDRAW:
		clearok(curscr, TRUE);
		resize(t);
		break;
	case ACT_NONE:
		tui_message(t, "%s is not bound to anything; press ? for the keys",
			    tui_key_name(key, name, sizeof name));
		break;
	default:
		tui_message(t, "%s does nothing on this screen; press ? for the keys",
			    tui_action_name(a));
	}
}

static void handle_key(struct tui *t, int key)
{
	if (key == TUI_KEY_RESIZE) {
		resize(t);
		return;
	}
	if (key == TUI_KEY_IDLE) {
		idle(t);
		return;
	}
	t->idle_ticks = 0;
	/* Any key clears the last message. */
	if (t->msg) {
		free(t->msg);
		t->msg = NULL;
		t->status_dirty = 1;
	}
	if (t->msg_rows > 1 && t->depth) /* it covered part of the view */
		t->stack[t->depth - 1]->dirty |= TUI_DIRTY_LAYOUT | TUI_DIRTY_ALL;
	t->msg_rows = 0;
	enum tui_action a = tui_keymap_lookup(t->keymap, key);
	if (t->too_small) {
		if (a == ACT_BACK || a == ACT_QUIT)
			t->quit = 1;
		return;
	}
	struct tui_view *v = top_view(t);
	if (v->ops->key && v->ops->key(v, key) == TUI_HANDLED)
		return;
	if (a != ACT_NONE && v->ops->request(v, a) == TUI_HANDLED)
		return;
	generic_request(t, a, key);
}

/* ---------------------------------------------------------------- run */
static SCREEN *start_screen(struct tui *t, FILE **in, FILE **out, struct mc_error *err)
{
	const char *size = getenv("MCASSESS_TUI_SIZE");
	if (t->script) {
		int w = 80, h = 24;
		if (size && sscanf(size, "%dx%d", &w, &h) != 2) {
			mc_error_set(err, MC_USAGE, "MCASSESS_TUI_SIZE: expected WxH such as 80x24, not '%s'",
				     size);
			return NULL;
		}
		char ws[16], hs[16];
		snprintf(ws, sizeof ws, "%d", w);
		snprintf(hs, sizeof hs, "%d", h);
		setenv("COLUMNS", ws, 1);
		setenv("LINES", hs, 1);
		/* The terminal's bytes go nowhere, or to a file when a test counts them. */
		const char *tty_out = getenv("MCASSESS_TUI_TTY_OUT");
		*out = fopen(tty_out && *tty_out ? tty_out : "/dev/null", "w");
		*in = fopen("/dev/null", "r");
		if (!*out || !*in) {
			mc_error_set(err, MC_FAIL, "/dev/null: %s", strerror(errno));
			return NULL;
		}
	}
	const char *term = getenv("TERM");
	if (t->script && (!term || !*term))
		term = "xterm";
	if (!tui_terminal_can_draw(term, fileno(*out ? *out : stdout), err))
		return NULL;
	SCREEN *scr = newterm(term, *out ? *out : stdout, *in ? *in : stdin);
	if (!scr)
		mc_error_set(err, MC_FAIL,
			     "cannot start the terminal (TERM=%s is unknown here?); the commands work "
			     "without one (see 'mcassess --help')", term ? term : "");
	return scr;
}

/* ------------------------------------------------------------- locale */
/* A locale that is not UTF-8 (`su - user` leaves LANG=C) would drop every key
 * outside ASCII without a word. When it is plain ASCII the terminal can only be
 * sending UTF-8, so the workstation reads and shows UTF-8 (C.UTF-8); another
 * character set (ISO-8859-1 ...) is kept, curses converting keys from it. Either
 * way the assessor is told at start, with the fix. NULL when the locale is UTF-8. */
static char *locale_note(void)
{
	const char *cs = nl_langinfo(CODESET);
	if (strcmp(cs, "UTF-8") == 0)
		return NULL;
	char *name = mc_xstrdup(setlocale(LC_CTYPE, NULL));
	char *note;
	int ascii = strcmp(cs, "ANSI_X3.4-1968") == 0 || strcmp(cs, "ASCII") == 0 || strcmp(cs, "US-ASCII") == 0;
	if (ascii && setlocale(LC_CTYPE, "C.UTF-8"))
		note = mc_xasprintf("locale \"%s\" is not UTF-8: text is read and shown as UTF-8; set LANG=C.UTF-8",
				    name);
	else
		note = mc_xasprintf("locale \"%s\" is %s, not UTF-8: other scripts cannot be shown or typed; "
				    "set LANG=C.UTF-8", name, cs);
	free(name);
	return note;
}

/* Messages from below (the archive's drain, while idle) go on the status line:
 * nothing is written over the screen. */
static void say_status(void *ctx, enum mc_sink_level level, const char *msg)
{
	struct tui *t = ctx;
	tui_message(t, "%s%s", level == MC_SINK_WARN ? "warning: " : "", msg);
	t->msg_error = level == MC_SINK_WARN;
}

int tui_run(struct mc_session *sess, struct mc_error *err)
{
	struct tui t = { 0 };
	t.sess = sess;
	t.store = sess->store;
	t.viewer = sess->actor.user;
	struct mc_sink cli_sink = sess->sink;
	t.now = time(NULL);
	const char *script = getenv("MCASSESS_TUI_SCRIPT");
	if (script && *script) {
		if (tui_script_open(script, &t.script, err) != MC_OK)
			return err->status;
		const char *now = getenv("MCASSESS_TUI_NOW"); /* a fixed clock for screen tests */
		time_t fixed;
		if (now && mc_time_parse(now, &fixed) == 0)
			t.now = fixed;
		const char *page = getenv("MCASSESS_TUI_PAGE"); /* small pages exercise paging */
		if (page && atoi(page) > 0)
			t.page_rows = atoi(page);
	} else if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		return mc_error_set(err, MC_USAGE,
				    "tui: the workstation needs a terminal; in scripts use the commands "
				    "(see 'mcassess --help')");
	}
	char *lnote = locale_note(); /* before curses starts: it may change the locale */
	FILE *in = NULL, *out = NULL;
	struct saved_signals old_signals;
	signals_install(&old_signals);
	SCREEN *scr = start_screen(&t, &in, &out, err);
	if (!scr) {
		signals_restore(&old_signals);
		if (in)
			fclose(in);
		if (out)
			fclose(out);
		tui_script_free(&t.script);
		free(lnote);
		return err->status;
	}
	sess->sink = (struct mc_sink){ say_status, &t };
	set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	t.cursor_hidden = curs_set(0) != ERR;
	tui_theme_init();
	resize(&t); /* keypad on: ncurses knows the terminal's keys from here */
	tui_keys_extended_init();
	t.keymap = tui_keymap_new();
	tui_config_load(&t);
	int rc = MC_OK;
	if (tui_push(&t, &tui_view_queue, NULL) != MC_OK) {
		rc = MC_FAIL;
		endwin();
		mc_error_set(err, MC_FAIL, "%s", t.msg ? t.msg : "cannot open the queue");
		goto out;
	}
	if (t.config_note) {
		t.msg = t.config_note;
		t.config_note = NULL;
		t.msg_error = 1;
	}
	if (lnote) {
		tui_message(&t, "%s%s%s", lnote, t.msg ? "; " : "", t.msg ? t.msg : "");
		t.msg_error = 1;
	}
	while (!t.quit && t.depth) {
		if (got_signal) {
			hangup(&t);
			rc = mc_error_set(err, MC_FAIL, "%s: left at once; unsaved text was kept as a draft "
					  "(it comes back when you open the submission again)%s",
					  got_signal == SIGHUP ? "the terminal hung up"
					  : got_signal == SIGINT ? "interrupted (Ctrl-C)" : "stopped (SIGTERM)",
					  got_signal == SIGINT ? "; your claim is released" : "");
			break;
		}
		draw(&t);
		int key = read_key(&t, err);
		if (key == -1)
			break; /* the script is over */
		if (key == -2) {
			rc = err->status;
			break;
		}
		handle_key(&t, key);
	}
	endwin();
out:
	while (t.depth)
		tui_pop(&t);
	if (t.status)
		delwin(t.status);
	delscreen(scr);
	signals_restore(&old_signals);
	if (in)
		fclose(in);
	if (out)
		fclose(out);
	tui_keymap_free(&t.keymap);
	tui_script_free(&t.script);
	sess->sink = cli_sink;
	free(t.msg);
	free(t.prompt);
	free(t.note);
	free(t.config_note);
	free(lnote);
	return rc;
}
