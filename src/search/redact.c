/* redact.c: personal-data patterns (see redact.h): loading the rule files and
 * name lists, finding matches, masking. PCRE2 in UTF mode with Unicode
 * properties, JIT where the platform has it. */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <dirent.h>
#include <errno.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcassess/priv.h"
#include "mcassess/redact.h"
#include "mcassess/search.h"
#include "mcassess/text.h"
#include "mcassess/util.h"

#define MARK_OPEN SEARCH_MARK_OPEN[0]
#define MARK_CLOSE SEARCH_MARK_CLOSE[0]
#define PERSON_WORD_MIN 3 /* characters in a word of the educator's name masked alone */
#define NAMES_CHUNK_BYTES 8192 /* names compiled as one pattern, at first */

struct rule {
	const char *family;        /* one of set->families */
	pcre2_code *code;
};

struct redact_set {
	struct rule *rules;
	int nrules;
	char **families;
	int nfamilies;
	char **names;              /* from *.names and redact_add_name */
	int nnames;
	char **person;             /* the educator's name and its longer words */
	int nperson;
	pcre2_code **names_code;   /* names and the person's whole name, any case */
	int nnames_code;
	pcre2_code **words_code;   /* the words of the person's name, as written */
	int nwords_code;
	pcre2_code *school_code;   /* redact_set_school */
	int names_stale;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *stack;
};

static void codes_free(pcre2_code ***codes, int *n);

struct redact_set *redact_new(void)
{
	struct redact_set *set = mc_xcalloc(1, sizeof *set);
	set->md = pcre2_match_data_create(1, NULL);
	if (pcre2_config(PCRE2_CONFIG_JIT, &(uint32_t){ 0 }) >= 0) {
		set->stack = pcre2_jit_stack_create(32 << 10, 1 << 20, NULL);
		set->mctx = pcre2_match_context_create(NULL);
		if (set->stack && set->mctx)
			pcre2_jit_stack_assign(set->mctx, NULL, set->stack);
	}
	if (!set->md) {
		fprintf(stderr, "mcassess: out of memory\n");
		abort();
	}
	return set;
}

static void strv_free(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void redact_free(struct redact_set **sp)
{
	struct redact_set *set = *sp;
	if (!set)
		return;
	for (int i = 0; i < set->nrules; i++)
		pcre2_code_free(set->rules[i].code);
	free(set->rules);
	strv_free(set->families, set->nfamilies);
	strv_free(set->names, set->nnames);
	strv_free(set->person, set->nperson);
	codes_free(&set->names_code, &set->nnames_code);
	codes_free(&set->words_code, &set->nwords_code);
	pcre2_code_free(set->school_code);
	pcre2_match_data_free(set->md);
	pcre2_match_context_free(set->mctx);
	pcre2_jit_stack_free(set->stack);
	free(set);
	*sp = NULL;
}

int redact_nfamilies(const struct redact_set *set) { return set->nfamilies; }
const char *redact_family(const struct redact_set *set, int i) { return set->families[i]; }
int redact_nnames(const struct redact_set *set) { return set->nnames + set->nperson; }

static const char *family_intern(struct redact_set *set, const char *family)
{
	for (int i = 0; i < set->nfamilies; i++)
		if (strcmp(set->families[i], family) == 0)
			return set->families[i];
	set->families = mc_xrealloc(set->families, (size_t)(set->nfamilies + 1) * sizeof *set->families);
	set->families[set->nfamilies] = mc_xstrdup(family);
	return set->families[set->nfamilies++];
}

/* Characters (not bytes) before byte offset off: what a person counts in a pattern. */
static size_t char_offset(const char *s, size_t off)
{
	size_t n = 0;
	for (size_t i = 0; i < off && s[i]; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

/* JIT for the rules; not for name lists: JIT-compiling an alternation of
 * thousands of names costs more (90 ms for 5,000) than interpreting it over
 * the texts one screen shows (bench/precheck/README.md). */
static pcre2_code *compile(const char *pattern, uint32_t extra, int jit, int *errcode, PCRE2_SIZE *erroff)
{
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
					 PCRE2_UTF | PCRE2_UCP | extra, errcode, erroff, NULL);
	if (code && jit && mc_jit_ok())
		pcre2_jit_compile(code, PCRE2_JIT_COMPLETE); /* else interpreted: slower, same answers */
	return code;
}

static int valid_family(const char *f)
{
	if (!(*f >= 'a' && *f <= 'z'))
		return 0;
	for (; *f; f++)
		if (!((*f >= 'a' && *f <= 'z') || (*f >= '0' && *f <= '9') || *f == '-'))
			return 0;
	return 1;
}

int redact_add_pattern(struct redact_set *set, const char *family, const char *pattern,
		       const char *file, long line, struct mc_error *err)
{
	if (!valid_family(family))
		return mc_error_at(err, MC_INVALID, file ? file : "pattern", line, 0,
				   "'%s' is not a family name (lower case letters, digits and '-')", family);
	int errcode;
	PCRE2_SIZE erroff;
	pcre2_code *code = compile(pattern, 0, 1, &errcode, &erroff);
	if (!code) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(errcode, msg, sizeof msg);
		return mc_error_at(err, MC_INVALID, file ? file : "pattern", line, 0,
				   "pattern does not compile: %s at offset %zu", (const char *)msg,
				   char_offset(pattern, erroff));
	}
	set->rules = mc_xrealloc(set->rules, (size_t)(set->nrules + 1) * sizeof *set->rules);
	set->rules[set->nrules++] = (struct rule){ family_intern(set, family), code };
	return MC_OK;
}

/* ---------------------------------------------------------------- names */

static int blank(const char *s)
{
	for (; *s; s++)
		if (!strchr(" \t\r\n", *s))
			return 0;
	return 1;
}

static void strv_add(char ***v, int *n, const char *s)
{
	*v = mc_xrealloc(*v, (size_t)(*n + 1) * sizeof **v);
	(*v)[(*n)++] = mc_xstrdup(s);
}

void redact_add_name(struct redact_set *set, const char *name)
{
	if (!name || blank(name))
		return;
	strv_add(&set->names, &set->nnames, name);
	family_intern(set, REDACT_NAME);
	set->names_stale = 1;
}

static void add_person_word(struct redact_set *set, const char *p, size_t w)
{
	if (char_offset(p, w) < PERSON_WORD_MIN)
		return;
	char *word = mc_xstrndup(p, w);
	strv_add(&set->person, &set->nperson, word);
	free(word);
}

void redact_set_person(struct redact_set *set, const char *name)
{
	strv_free(set->person, set->nperson);
	set->person = NULL;
	set->nperson = 0;
	set->names_stale = 1;
	if (!name || blank(name))
		return;
	family_intern(set, REDACT_NAME);
	strv_add(&set->person, &set->nperson, name);
	/* each word of it, and each part of a hyphenated one (Quintessa-Marlowe:
	 * "Ms. Marlowe" names her as well) */
	for (const char *p = name + strspn(name, " \t\r\n"); *p;) {
		size_t w = strcspn(p, " \t\r\n");
		if (w < strlen(name))
			add_person_word(set, p, w);
		if (memchr(p, '-', w))
			for (size_t i = 0; i < w;) {
				size_t part = strcspn(p + i, "-");
				if (part > w - i)
					part = w - i;
				add_person_word(set, p + i, part);
				i += part + 1;
			}
		p += w;
		p += strspn(p, " \t\r\n");
	}
}

void redact_set_school(struct redact_set *set, const char *school)
{
	pcre2_code_free(set->school_code);
	set->school_code = NULL;
	if (!school || blank(school))
		return;
	family_intern(set, REDACT_SCHOOL);
	/* the name as a literal: ASCII punctuation escaped, white space as \s+,
	 * not inside a longer word */
	struct mc_buf b = MC_BUF_INIT;
	mc_buf_adds(&b, "(?<!\\w)");
	for (const char *p = school + strspn(school, " \t\r\n"); *p;) {
		if (strchr(" \t\r\n", *p)) {
			p += strspn(p, " \t\r\n");
			if (*p)
				mc_buf_adds(&b, "\\s+");
			continue;
		}
		unsigned char c = (unsigned char)*p;
		if (c < 0x80 && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			mc_buf_addc(&b, '\\');
		mc_buf_addc(&b, *p++);
	}
	mc_buf_adds(&b, "(?!\\w)");
	int e;
	PCRE2_SIZE o;
	set->school_code = compile(mc_buf_str(&b), PCRE2_CASELESS, 1, &e, &o); /* NULL: nothing masked */
	mc_buf_free(&b);
}

/* A letter of a script written with spaces between words: where a name must not
 * touch another letter. Chinese, Japanese and Korean letters are not. */
#define SPACED_WORD "[^\\W\\p{Han}\\p{Hiragana}\\p{Katakana}\\p{Hangul}]"

static int spaced_letter_at(const char *s, size_t len, int last)
{
	/* the first or last character, tested with the same class as the pattern uses */
	static pcre2_code *cls;
	static pcre2_match_data *md;
	if (!cls) {
		int e;
		PCRE2_SIZE o;
		cls = pcre2_compile((PCRE2_SPTR)"^" SPACED_WORD "$", PCRE2_ZERO_TERMINATED,
				    PCRE2_UTF | PCRE2_UCP, &e, &o, NULL);
		md = pcre2_match_data_create(1, NULL);
		if (!cls || !md)
			return 1;
	}
	size_t i = 0, n = 1;
	if (last) {
		i = len - 1;
		while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80)
			i--;
		n = len - i;
	} else {
		while (n < len && ((unsigned char)s[n] & 0xc0) == 0x80)
			n++;
	}
	return pcre2_match(cls, (PCRE2_SPTR)(s + i), n, 0, 0, md, NULL) > 0;
}

static int longer_first(const void *a, const void *b)
{
	size_t x = strlen(*(char *const *)a), y = strlen(*(char *const *)b);
	return (x < y) - (x > y);
}

/* One name as a pattern, added to `spaced` when it begins with a letter of a
 * spaced script (the caller puts the word edge before that whole group: one
 * lookbehind, however many names) and to `other` when not. ASCII punctuation is
 * escaped, runs of spaces are \s+, a spaced letter at the end gets its edge. */
static void name_pattern(struct mc_buf *spaced, struct mc_buf *other, const char *name)
{
	while (*name && strchr(" \t\r\n", *name))
		name++;
	size_t len = strlen(name);
	while (len && strchr(" \t\r\n", name[len - 1]))
		len--;
	if (!len)
		return;
	struct mc_buf *b = spaced_letter_at(name, len, 0) ? spaced : other;
	if (b->len)
		mc_buf_addc(b, '|');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if (strchr(" \t\r\n", (char)c)) {
			while (i + 1 < len && strchr(" \t\r\n", name[i + 1]))
				i++;
			mc_buf_adds(b, "\\s+");
		} else if (c < 0x80 && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
					 (c >= 'A' && c <= 'Z'))) {
			mc_buf_addc(b, '\\');
			mc_buf_addc(b, (char)c);
		} else {
			mc_buf_addc(b, (char)c);
		}
	}
	if (spaced_letter_at(name, len, 1))
		mc_buf_adds(b, "(?!" SPACED_WORD ")");
}

/* Names v[0..n) as one pattern; NULL with *errcode when it does not compile. */
static pcre2_code *alternation(char *const *v, int n, uint32_t flags, int *errcode)
{
	struct mc_buf spaced = MC_BUF_INIT, other = MC_BUF_INIT, buf = MC_BUF_INIT;
	for (int i = 0; i < n; i++)
		name_pattern(&spaced, &other, v[i]);
	if (spaced.len)
		mc_buf_printf(&buf, "(?<!" SPACED_WORD ")(?:%s)", mc_buf_str(&spaced));
	if (spaced.len && other.len)
		mc_buf_addc(&buf, '|');
	mc_buf_adds(&buf, mc_buf_str(&other));
	PCRE2_SIZE erroff;
	pcre2_code *code = compile(mc_buf_str(&buf), flags, 0, errcode, &erroff);
	mc_buf_free(&spaced);
	mc_buf_free(&other);
	mc_buf_free(&buf);
	return code;
}

static void codes_free(pcre2_code ***codes, int *n)
{
	for (int i = 0; i < *n; i++)
		pcre2_code_free((*codes)[i]);
	free(*codes);
	*codes = NULL;
	*n = 0;
}

/* Names a and b (either may be empty), longest first, as as few patterns as
 * PCRE2 takes: a district's thousands of names are more than one compiled
 * pattern may hold (64 KB): the list goes in parts of about 8 KB of names,
 * halved when one still does not compile.
 * The longest match still wins across parts (redact_find sorts them). */
static int compile_list(char *const *a, int na, char *const *b, int nb, uint32_t flags,
			pcre2_code ***codes, int *ncodes, struct mc_error *err)
{
	int n = na + nb;
	if (!n)
		return MC_OK;
	char **all = mc_xmalloc((size_t)n * sizeof *all);
	if (na)
		memcpy(all, a, (size_t)na * sizeof *all);
	if (nb)
		memcpy(all + na, b, (size_t)nb * sizeof *all);
	qsort(all, (size_t)n, sizeof *all, longer_first); /* the longest name at a place wins */
	int rc = MC_OK, size = n, errcode = 0;
	for (int at = 0; at < n && rc == MC_OK;) {
		int k = 0;
		size_t bytes = 0; /* a first guess that usually compiles: names worth 8 KB */
		while (k < size && at + k < n && (k == 0 || bytes + strlen(all[at + k]) <= NAMES_CHUNK_BYTES))
			bytes += strlen(all[at + k++]) + 8;
		pcre2_code *code = alternation(all + at, k, flags, &errcode);
		if (!code && errcode == PCRE2_ERROR_PATTERN_TOO_LARGE && k > 1) {
			size = k / 2;
			continue;
		}
		if (!code) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(errcode, msg, sizeof msg);
			rc = mc_error_set(err, MC_INVALID, "the list of names does not compile: %s",
					  (const char *)msg);
			break;
		}
		*codes = mc_xrealloc(*codes, (size_t)(*ncodes + 1) * sizeof **codes);
		(*codes)[(*ncodes)++] = code;
		at += k;
	}
	free(all);
	return rc;
}

/* The lists' names and the educator's whole name in any case; the words of the
 * educator's name only as written there ("Will Green": not "will", "green"). */
static int compile_names(struct redact_set *set, struct mc_error *err)
{
	if (!set->names_stale)
		return MC_OK;
	codes_free(&set->names_code, &set->nnames_code);
	codes_free(&set->words_code, &set->nwords_code);
	set->names_stale = 0;
	int rc = compile_list(set->names, set->nnames, set->person, set->nperson ? 1 : 0, PCRE2_CASELESS,
			      &set->names_code, &set->nnames_code, err);
	if (rc == MC_OK && set->nperson > 1)
		rc = compile_list(set->person + 1, set->nperson - 1, NULL, 0, 0, &set->words_code,
				  &set->nwords_code, err);
	return rc;
}

/* ---------------------------------------------------------------- files */

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a > b && strcmp(s + a - b, suffix) == 0;
}

static int load_line(struct redact_set *set, char *line, int names, const char *path, long lineno,
		     struct mc_error *err)
{
	size_t len = strlen(line);
	if (len && line[len - 1] == '\r')
		line[--len] = '\0';
	const char *p = line + strspn(line, " \t");
	if (!*p || *p == '#')
		return MC_OK;
	if (names) {
		redact_add_name(set, p);
		return MC_OK;
	}
	size_t fl = strcspn(p, " \t");
	char *family = mc_xstrndup(p, fl);
	const char *pattern = p + fl + strspn(p + fl, " \t");
	int rc = *pattern ? redact_add_pattern(set, family, pattern, path, lineno, err)
			  : mc_error_at(err, MC_INVALID, path, lineno, 0,
					"'%s' has no pattern (FAMILY, spaces, then the pattern)", family);
	free(family);
	return rc;
}

int redact_load_file(struct redact_set *set, const char *path, struct mc_error *err)
{
	int names = ends_with(path, ".names");
	if (!names && !ends_with(path, ".patterns"))
		return MC_OK;
	char *data;
	size_t len;
	if (mc_read_file(path, &data, &len) != 0)
		return mc_error_set(err, MC_FAIL, "%s: %s", path, strerror(errno));
	if (memchr(data, '\0', len)) {
		free(data);
		return mc_error_set(err, MC_INVALID, "%s: not a text file", path);
	}
	int rc = MC_OK;
	long lineno = 0;
	for (char *line = data; rc == MC_OK && line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		rc = load_line(set, line, names, path, ++lineno, err);
		line = nl ? nl + 1 : NULL;
	}
	free(data);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The file names of a directory that redaction reads, sorted. */
static char **dir_files(const char *dir, int *n)
{
	*n = 0;
	DIR *d = dir ? opendir(dir) : NULL;
	if (!d)
		return NULL;
	char **v = NULL;
	struct dirent *de;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && (ends_with(de->d_name, ".names") || ends_with(de->d_name, ".patterns")))
			strv_add(&v, n, de->d_name);
	closedir(d);
	if (*n)
		qsort(v, (size_t)*n, sizeof *v, by_name);
	return v;
}

int redact_load_dirs(const char *const *dirs, int ndirs, struct redact_set **out, struct mc_error *err)
{
	struct redact_set *set = redact_new();
	int rc = MC_OK;
	char ***files = mc_xcalloc((size_t)(ndirs ? ndirs : 1), sizeof *files);
	int *nfiles = mc_xcalloc((size_t)(ndirs ? ndirs : 1), sizeof *nfiles);
	for (int i = 0; i < ndirs; i++)
		files[i] = dir_files(dirs[i], &nfiles[i]);
	for (int i = 0; i < ndirs; i++)
		for (int k = 0; rc == MC_OK && k < nfiles[i]; k++) {
			int replaced = 0; /* by a file of the same name in a later directory */
			for (int j = i + 1; j < ndirs && !replaced; j++)
				for (int m = 0; m < nfiles[j] && !replaced; m++)
					replaced = strcmp(files[i][k], files[j][m]) == 0;
			if (replaced)
				continue;
			char *path = mc_xasprintf("%s/%s", dirs[i], files[i][k]);
			rc = redact_load_file(set, path, err);
			free(path);
		}
	for (int i = 0; i < ndirs; i++)
		strv_free(files[i], nfiles[i]);
	free(files);
	free(nfiles);
	if (rc == MC_OK)
		rc = compile_names(set, err);
	if (rc != MC_OK)
		redact_free(&set);
	*out = set;
	return rc;
}

int redact_load(struct redact_set **out, struct mc_error *err)
{
	char *shipped = mc_xasprintf("%s/redaction", mc_data_dir());
	const char *x = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	char *own = x && *x == '/' ? mc_xasprintf("%s/mcassess/redaction", x)
				   : mc_xasprintf("%s/.config/mcassess/redaction", home && *home ? home : ".");
	/* A shared install: your files add to the shipped patterns but never replace
	 * them (an empty default.patterns would unmask what blind scoring hides). */
	const char *dirs[2] = { shipped, own };
	if (priv_active()) {
		dirs[0] = own;
		dirs[1] = shipped;
	}
	priv_user_begin(); /* your own files, with your own rights */
	int rc = redact_load_dirs(dirs, 2, out, err);
	priv_user_end();
	free(shipped);
	free(own);
	return rc;
}

/* ---------------------------------------------------------------- matching */

struct found {
	struct redact_match *m;
	int n, cap;
};

static void found_add(struct found *f, size_t s, size_t e, const char *family)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 16;
		f->m = mc_xrealloc(f->m, (size_t)f->cap * sizeof *f->m);
	}
	f->m[f->n++] = (struct redact_match){ s, e, family };
}

static int scan(struct redact_set *set, const pcre2_code *code, const char *family, const char *text,
		size_t len, int *checked, struct found *f, struct mc_error *err)
{
	size_t from = 0;
	while (from <= len) {
		int rc = pcre2_match(code, (PCRE2_SPTR)text, len, from, *checked ? PCRE2_NO_UTF_CHECK : 0,
				     set->md, set->mctx);
		*checked = 1;
		if (rc == PCRE2_ERROR_NOMATCH)
			return MC_OK;
		if (rc < 0) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(rc, msg, sizeof msg);
			return mc_error_set(err, MC_FAIL, "personal-data patterns: %s", (const char *)msg);
		}
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(set->md);
		size_t s = ov[0], e = ov[1];
		if (e > s) {
			found_add(f, s, e, family);
			from = e;
		} else { /* an empty match: one character on */
			from = s + 1;
			while (from < len && ((unsigned char)text[from] & 0xc0) == 0x80)
				from++;
		}
	}
	return MC_OK;
}

static int match_cmp(const void *a, const void *b)
{
	const struct redact_match *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->end < y->end) - (x->end > y->end);
}

int redact_find(struct redact_set *set, const char *text, size_t len, struct redact_match **out,
		int *n, struct mc_error *err)
{
	*out = NULL;
	*n = 0;
	int rc = compile_names(set, err);
	struct found f = { NULL, 0, 0 };
	/* Text not in UTF-8 (written around the importer) is matched with each bad
	 * byte read as '?': the same length, so the offsets hold, and nothing shown
	 * unmasked for want of a match. */
	char *fixed = NULL;
	size_t pos = 0, bad;
	while (!text_utf8_valid(text + pos, len - pos, &bad)) {
		if (!fixed)
			fixed = mc_xstrndup(text, len);
		fixed[pos + bad] = '?';
		pos += bad + 1;
	}
	if (fixed)
		text = fixed;
	int checked = 1;
	for (int i = 0; rc == MC_OK && i < set->nrules; i++)
		rc = scan(set, set->rules[i].code, set->rules[i].family, text, len, &checked, &f, err);
	for (int i = 0; rc == MC_OK && i < set->nnames_code; i++)
		rc = scan(set, set->names_code[i], REDACT_NAME, text, len, &checked, &f, err);
	for (int i = 0; rc == MC_OK && i < set->nwords_code; i++)
		rc = scan(set, set->words_code[i], REDACT_NAME, text, len, &checked, &f, err);
	if (rc == MC_OK && set->school_code)
		rc = scan(set, set->school_code, REDACT_SCHOOL, text, len, &checked, &f, err);
	free(fixed);
	if (rc != MC_OK) {
		free(f.m);
		return rc;
	}
	if (f.n > 1)
		qsort(f.m, (size_t)f.n, sizeof *f.m, match_cmp);
	int k = 0;
	for (int i = 0; i < f.n; i++) /* the earlier start wins, then the longer */
		if (k == 0 || f.m[i].start >= f.m[k - 1].end)
			f.m[k++] = f.m[i];
	/* the family string the caller sees is the set's own */
	for (int i = 0; i < k; i++)
		f.m[i].family = family_intern(set, f.m[i].family);
	if (!k) {
		free(f.m);
		f.m = NULL;
	}
	*out = f.m;
	*n = k;
	return MC_OK;
}

int redact_mask(struct redact_set *set, const char *text, size_t len, char **out, int *nmasked,
		struct mc_error *err)
{
	*out = NULL;
	struct redact_match *m;
	int n;
	int rc = redact_find(set, text, len, &m, &n, err);
	if (rc != MC_OK)
		return rc;
	struct mc_buf b = MC_BUF_INIT;
	size_t at = 0;
	for (int i = 0; i < n; i++) {
		mc_buf_add(&b, text + at, m[i].start - at);
		mc_buf_printf(&b, "[%s]", m[i].family);
		at = m[i].end;
	}
	mc_buf_add(&b, text + at, len - at);
	free(m);
	if (nmasked)
		*nmasked = n;
	*out = mc_buf_steal(&b);
	if (!*out)
		*out = mc_xstrdup("");
	return MC_OK;
}

/* The match holding text position p, from *i on (matches sorted); NULL if none. */
static const struct redact_match *holding(const struct redact_match *m, int n, int *i, size_t p)
{
	while (*i < n && m[*i].end <= p)
		(*i)++;
	return *i < n && m[*i].start <= p ? &m[*i] : NULL;
}

int redact_mask_excerpt(struct redact_set *set, const char *text, size_t len, size_t at,
			const char *excerpt, size_t head, size_t tail, char **out, struct mc_error *err)
{
	*out = NULL;
	struct redact_match *m;
	int n;
	int rc = redact_find(set, text, len, &m, &n, err);
	if (rc != MC_OK)
		return rc;
	size_t xlen = strlen(excerpt);
	if (head + tail > xlen)
		head = tail = 0;
	struct mc_buf b = MC_BUF_INIT;
	mc_buf_add(&b, excerpt, head);
	int open = 0, mi = 0;
	size_t p = at; /* the text position of the excerpt byte at x */
	for (size_t x = head; x < xlen - tail;) {
		char c = excerpt[x];
		const struct redact_match *h = c == MARK_OPEN || c == MARK_CLOSE || p >= len
						       ? NULL : holding(m, n, &mi, p);
		if (!h) {
			if (c == MARK_OPEN || c == MARK_CLOSE)
				open = c == MARK_OPEN;
			else
				p++;
			mc_buf_addc(&b, c);
			x++;
			continue;
		}
		/* a masked span: the excerpt's bytes up to the match's end, marks looked through */
		size_t y = x, q = p;
		int any_open = 0, last = -1;
		while (y < xlen - tail && (q < h->end || excerpt[y] == MARK_OPEN || excerpt[y] == MARK_CLOSE)) {
			if (excerpt[y] == MARK_OPEN || excerpt[y] == MARK_CLOSE) {
				if (q >= h->end)
					break; /* a mark just after the match belongs outside it */
				any_open |= excerpt[y] == MARK_OPEN;
				last = excerpt[y] == MARK_OPEN;
			} else
				q++;
			y++;
		}
		if (any_open && !open) {
			mc_buf_addc(&b, MARK_OPEN);
			open = 1;
		}
		mc_buf_printf(&b, "[%s]", h->family);
		if (last == 0 && open) {
			mc_buf_addc(&b, MARK_CLOSE);
			open = 0;
		}
		x = y;
		p = q;
	}
	mc_buf_add(&b, excerpt + xlen - tail, tail);
	free(m);
	*out = mc_buf_steal(&b);
	if (!*out)
		*out = mc_xstrdup("");
	return MC_OK;
}
