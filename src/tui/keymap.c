/* keymap.c: all key bindings. The defaults are text in the config file's own
 * syntax, compiled in; the user's config file adds to and overrides them, and
 * help is generated from the result, so help never drifts from the keys. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcassess/text.h"
#include "mcassess/tui.h"
#include "tui/tui_int.h"

static const char default_bindings[] =
	"bind j move-down\n"
	"bind Down move-down\n"
	"bind k move-up\n"
	"bind Up move-up\n"
	"bind PgDn page-down\n"
	"bind Space page-down\n"
	"bind ^F page-down\n"
	"bind PgUp page-up\n"
	"bind ^B page-up\n"
	"bind b page-up\n"
	"bind - page-up\n"
	"bind ^D half-page-down\n"
	"bind ^U half-page-up\n"
	"bind g first\n"
	"bind Home first\n"
	"bind G last\n"
	"bind End last\n"
	"bind ] next-part\n"
	"bind [ prev-part\n"
	"bind Enter open\n"
	"bind l open\n"
	"bind Right open\n"
	"bind q back\n"
	"bind Left back\n"
	"bind Q quit\n"
	"bind ? help\n"
	"bind F1 help\n"
	"bind / search\n"
	"bind s sort\n"
	"bind Tab focus-next\n"
	"bind S-Tab focus-prev\n"
	"bind J next-criterion\n"
	"bind K prev-criterion\n"
	"bind = rubric-summary\n"
	"bind ! pre-checks\n"
	"bind 1 score-1\n"
	"bind 2 score-2\n"
	"bind 3 score-3\n"
	"bind 4 score-4\n"
	"bind 5 score-5\n"
	"bind 6 score-6\n"
	"bind 7 score-7\n"
	"bind 8 score-8\n"
	"bind 9 score-9\n"
	"bind F filter\n"
	"bind n open-next\n"
	"bind N find-prev\n"
	"bind f feedback\n"
	"bind c comment\n"
	"bind d decide\n"
	"bind i incomplete\n"
	"bind A approve\n"
	"bind X return-reads\n"
	"bind v view-file\n"
	"bind H history\n"
	"bind W workload\n"
	"bind P notes\n"
	"bind T take-claim\n"
	"bind ^X edit-save\n"
	"bind Esc edit-leave\n"
	"bind ^E edit-extern\n"
	"bind ^_ edit-undo\n"
	"bind ^T edit-bank\n"
	"bind M-b word-left\n"
	"bind C-Left word-left\n"
	"bind M-f word-right\n"
	"bind C-Right word-right\n"
	"bind R reports\n"
	"bind ^L redraw\n"
	"bind r refresh\n"
	"bind O packets\n"
	"bind C calibration\n"
	"bind u keep-side\n";

/* ---------------------------------------------------------------- actions */
static const char *const action_names[] = {
	NULL,
#define X(n, name, help) name,
	TUI_ACTIONS(X)
#undef X
};
static const char *const action_helps[] = {
	NULL,
#define X(n, name, help) help,
	TUI_ACTIONS(X)
#undef X
};

const char *tui_action_name(enum tui_action a)
{
	return a > ACT_NONE && a < ACT__COUNT ? action_names[a] : NULL;
}

const char *tui_action_help(enum tui_action a)
{
	return a > ACT_NONE && a < ACT__COUNT ? action_helps[a] : NULL;
}

enum tui_action tui_action_parse(const char *name)
{
	for (int a = 1; a < ACT__COUNT; a++)
		if (strcmp(action_names[a], name) == 0)
			return (enum tui_action)a;
	return ACT_NONE;
}

/* ------------------------------------------------------------------- keys */
static const struct {
	const char *name;
	int key;
} key_names[] = {
	{ "Enter", '\n' },
	{ "Tab", '\t' },
	{ "Esc", TUI_KEY_ESC },
	{ "Space", ' ' },
	{ "Backspace", TUI_KEY_FN | KEY_BACKSPACE },
	{ "Down", TUI_KEY_FN | KEY_DOWN },
	{ "Up", TUI_KEY_FN | KEY_UP },
	{ "Left", TUI_KEY_FN | KEY_LEFT },
	{ "Right", TUI_KEY_FN | KEY_RIGHT },
	{ "PgDn", TUI_KEY_FN | KEY_NPAGE },
	{ "PageDown", TUI_KEY_FN | KEY_NPAGE },
	{ "PgUp", TUI_KEY_FN | KEY_PPAGE },
	{ "PageUp", TUI_KEY_FN | KEY_PPAGE },
	{ "Home", TUI_KEY_FN | KEY_HOME },
	{ "End", TUI_KEY_FN | KEY_END },
	{ "Insert", TUI_KEY_FN | KEY_IC },
	{ "Delete", TUI_KEY_FN | KEY_DC },
	{ "S-Tab", TUI_KEY_FN | KEY_BTAB },
	{ "BackTab", TUI_KEY_FN | KEY_BTAB },
};

/* Ctrl+arrows have no fixed codes: ncurses gives them numbers from the
 * terminal's extended capabilities (kLFT5 ...), looked up once a terminal is up. */
static struct {
	const char *name, *cap;
	int key;
} ext_keys[] = {
	{ "C-Left", "kLFT5", 0 },
	{ "C-Right", "kRIT5", 0 },
	{ "C-Up", "kUP5", 0 },
	{ "C-Down", "kDN5", 0 },
};

void tui_keys_extended_init(void)
{
	for (size_t i = 0; i < sizeof ext_keys / sizeof ext_keys[0]; i++) {
		char *seq = tigetstr(ext_keys[i].cap);
		int code = seq && seq != (char *)-1 ? key_defined(seq) : 0;
		ext_keys[i].key = code > 0 ? TUI_KEY_FN | code : 0;
	}
}

int tui_key_parse(const char *name)
{
	if (!name || !*name)
		return -1;
	for (size_t i = 0; i < sizeof ext_keys / sizeof ext_keys[0]; i++)
		if (strcasecmp(ext_keys[i].name, name) == 0)
			return ext_keys[i].key ? ext_keys[i].key : -1;
	if ((name[0] == 'M' || name[0] == 'm') && name[1] == '-' && name[2]) {
		int k = tui_key_parse(name + 2);
		return k > 0 && !(k & (TUI_KEY_FN | TUI_KEY_META)) ? k | TUI_KEY_META : -1;
	}
	for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
		if (strcasecmp(key_names[i].name, name) == 0)
			return key_names[i].key;
	if (name[0] == '^' && name[1] && !name[2]) {
		int c = name[1];
		if (c >= 'a' && c <= 'z')
			c -= 'a' - 'A';
		if (c >= '@' && c <= '_')
			return TUI_KEY_CTRL(c);
		return -1;
	}
	if ((name[0] == 'F' || name[0] == 'f') && name[1] >= '1' && name[1] <= '9') {
		int n = atoi(name + 1);
		if (n >= 1 && n <= 12)
			return TUI_KEY_FN | KEY_F(n);
	}
	/* One character (any script). */
	unsigned cp;
	int n = text_utf8_decode(name, &cp);
	if (!name[n] && cp >= 0x20 && cp != 0x7f && cp != 0xfffd)
		return (int)cp;
	return -1;
}

const char *tui_key_name(int key, char *buf, size_t size)
{
	for (size_t i = 0; i < sizeof ext_keys / sizeof ext_keys[0]; i++)
		if (ext_keys[i].key && ext_keys[i].key == key) {
			snprintf(buf, size, "%s", ext_keys[i].name);
			return buf;
		}
	if (key > 0 && (key & TUI_KEY_META)) {
		char inner[16];
		tui_key_name(key & ~TUI_KEY_META, inner, sizeof inner);
		snprintf(buf, size, "M-%s", inner);
		return buf;
	}
	for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
		if (key_names[i].key == key) {
			snprintf(buf, size, "%s", key_names[i].name);
			return buf;
		}
	if (key & TUI_KEY_FN) {
		int fn = key & ~TUI_KEY_FN;
		if (fn >= KEY_F(1) && fn <= KEY_F(12))
			snprintf(buf, size, "F%d", fn - KEY_F0);
		else
			snprintf(buf, size, "key%d", fn);
	} else if (key < 0x20) {
		snprintf(buf, size, "^%c", key + '@');
	} else if (key < 0x80) {
		snprintf(buf, size, "%c", key);
	} else if (size >= 5) {
		tui_utf8_put((unsigned)key, buf);
	} else {
		snprintf(buf, size, "?");
	}
	return buf;
}

int tui_utf8_put(unsigned cp, char *out)
{
	char *p = out;
	if (cp < 0x80) {
		*p++ = (char)cp;
	} else if (cp < 0x800) {
		*p++ = (char)(0xc0 | (cp >> 6));
		*p++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*p++ = (char)(0xe0 | (cp >> 12));
		*p++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*p++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*p++ = (char)(0xf0 | (cp >> 18));
		*p++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*p++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*p++ = (char)(0x80 | (cp & 0x3f));
	}
	*p = '\0';
	return (int)(p - out);
}

/* ----------------------------------------------------------------- keymap */
struct binding {
	int key;
	enum tui_action action;
};

struct tui_keymap {
	struct binding *b;
	int n, cap;
};

static void set_binding(struct tui_keymap *km, int key, enum tui_action a)
{
	for (int i = 0; i < km->n; i++)
		if (km->b[i].key == key) {
			if (a == ACT_NONE) {
				memmove(km->b + i, km->b + i + 1, (size_t)(km->n - i - 1) * sizeof *km->b);
				km->n--;
			} else {
				km->b[i].action = a;
			}
			return;
		}
	if (a == ACT_NONE)
		return;
	if (km->n == km->cap) {
		km->cap = km->cap ? km->cap * 2 : 64;
		km->b = mc_xrealloc(km->b, (size_t)km->cap * sizeof *km->b);
	}
	km->b[km->n++] = (struct binding){ key, a };
}

int tui_keymap_bind(struct tui_keymap *km, const char *key, const char *action, const char *file,
		    long line, struct mc_error *err)
{
	int k = tui_key_parse(key);
	if (k < 0)
		return mc_error_at(err, MC_INVALID, file, line, 0,
				   "bind: unknown key '%s' (a character, ^X, F1..F12, or one of Enter, "
				   "Tab, Esc, Space, Up, Down, Left, Right, PgUp, PgDn, Home, End)", key);
	enum tui_action a = ACT_NONE;
	if (strcmp(action, "none") != 0) {
		a = tui_action_parse(action);
		if (a == ACT_NONE)
			return mc_error_at(err, MC_INVALID, file, line, 0,
					   "bind: unknown action '%s' (press ? in mcassess for the list)",
					   action);
	}
	set_binding(km, k, a);
	return MC_OK;
}

struct tui_keymap *tui_keymap_new(void)
{
	struct tui_keymap *km = mc_xcalloc(1, sizeof *km);
	const char *p = default_bindings;
	while (*p) {
		const char *nl = strchr(p, '\n');
		char *line = mc_xstrndup(p, (size_t)(nl - p));
		char *save = NULL;
		strtok_r(line, " ", &save); /* "bind" */
		char *key = strtok_r(NULL, " ", &save);
		char *act = strtok_r(NULL, " ", &save);
		int k = tui_key_parse(key);
		if (k >= 0) /* C-Left on a terminal without it: not bound */
			set_binding(km, k, tui_action_parse(act));
		free(line);
		p = nl + 1;
	}
	return km;
}

void tui_keymap_free(struct tui_keymap **km)
{
	if (!*km)
		return;
	free((*km)->b);
	free(*km);
	*km = NULL;
}

enum tui_action tui_keymap_lookup(const struct tui_keymap *km, int key)
{
	for (int i = 0; i < km->n; i++)
		if (km->b[i].key == key)
			return km->b[i].action;
	return ACT_NONE;
}

char *tui_keymap_keys_for(const struct tui_keymap *km, enum tui_action a)
{
	struct mc_buf b = MC_BUF_INIT;
	char name[16];
	mc_buf_adds(&b, "");
	for (int i = 0; i < km->n; i++)
		if (km->b[i].action == a) {
			if (b.len)
				mc_buf_adds(&b, ", ");
			mc_buf_adds(&b, tui_key_name(km->b[i].key, name, sizeof name));
		}
	return mc_buf_steal(&b);
}

int tui_keys_list(FILE *out)
{
	struct tui_keymap *km = tui_keymap_new();
	for (int a = 1; a < ACT__COUNT; a++) {
		char *keys = tui_keymap_keys_for(km, (enum tui_action)a);
		fprintf(out, "%s\t%s\t%s\n", keys, action_names[a], action_helps[a]);
		free(keys);
	}
	tui_keymap_free(&km);
	return ferror(out) ? MC_FAIL : MC_OK;
}
