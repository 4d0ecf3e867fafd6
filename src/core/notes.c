/* notes.c: private notes on a submission (see notes.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mcassess/access.h"
#include "mcassess/audit.h"
#include "mcassess/notes.h"
#include "mcassess/people.h"
#include "mcassess/scoring.h"
#include "mcassess/session.h"
#include "mcassess/store.h"
#include "mcassess/util.h"

struct note_arg {
	const char *id, *text;
};

static int add_in_tx(struct store *s, void *ctx, struct mc_error *err)
{
	const char *id = ((struct note_arg *)ctx)->id, *text = ((struct note_arg *)ctx)->text;
	long long sub;
	int rc = people_require(s, ROLE_ASSESSOR, "keeping notes", err);
	if (rc == MC_OK)
		rc = access_submission(s, id, ACCESS_WRITE, &sub, err);
	char uid[MC_UUID_LEN], now[MC_TIME_LEN];
	struct store_note n = { .author = (char *)session_user(s), .body = (char *)text, .at = now };
	if (rc == MC_OK)
		rc = mc_uuid(uid, err);
	if (rc == MC_OK)
		rc = store_notes_read_of(s, sub, n.author, &n.read, err);
	mc_now(now);
	if (rc == MC_OK)
		rc = store_notes_add(s, uid, sub, &n, err);
	if (rc == MC_OK) {
		json_t *j = json_pack("{s:s, s:o, s:s}", "author", n.author, "read",
				      n.read ? json_string(n.read) : json_null(), "body", text);
		char *after = audit_json(j);
		char *subject = mc_xasprintf("submission:%s", id);
		rc = audit_append(s, "note", subject, NULL, after, err);
		free(subject);
		free(after);
	}
	free(n.read);
	return rc;
}

int notes_add(struct store *s, const char *id, const char *text, struct mc_error *err)
{
	int rc = scoring_text_check(text ? text : "", text ? strlen(text) : 0, "the note", err);
	if (rc != MC_OK)
		return rc;
	return store_transact(s, add_in_tx, &(struct note_arg){ id, text }, err);
}

int notes_list(struct store *s, const char *id, struct store_note **out, int *n, struct mc_error *err)
{
	long long sub;
	*out = NULL;
	*n = 0;
	int rc = access_submission(s, id, ACCESS_READ, &sub, err);
	if (rc != MC_OK)
		return rc;
	const struct mc_session *sess = session_of(s);
	int assessor = !sess || sess->actor.role <= ROLE_ASSESSOR;
	return store_notes_list(s, sub, assessor ? session_user(s) : NULL, out, n, err);
}

void notes_free(struct store_note **list, int n)
{
	store_notes_free(list, n);
}
