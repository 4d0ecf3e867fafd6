# test_badges.sh: `mcassess issuer` and `export badges`: the issuer's settings
# and key (0600, audited, admins only), one Open Badges 3.0 credential per
# earned submission as JSON and VC-JWT, nothing written on an error, and every
# badge verified by real clients (jose, jsonld: tests/badges/verify.mjs).
. "$TOP_SRCDIR/tests/cli/lib.sh"

t_init_db
sed "s/mcread_blind/mcbdg_blind/g" "$FIXTURES/read/base.sql" | sqlite3 "$DB" || { echo "Bail out! fixture"; exit 1; }
ME=$(id -un)
KEY=$DB.issuer-key
jqe() { jq -e "$@" >/dev/null; }
t_skip() { _t_n=$((_t_n + 1)); echo "ok $_t_n # SKIP $*"; }
audits() { sql "SELECT count(*) FROM audit WHERE subject = '$1'"; }

# ---------------------------------------------------------------- no issuer yet
t_snapshot
t_run 1 export badges --out "$T/b"
t_check "no issuer: says what to do" test "$(cat "$ERR")" = "mcassess: the badge issuer has no id yet: an admin sets it with 'mcassess issuer set id ...'"
t_check "no issuer: no directory made" test ! -e "$T/b"
t_run 0 issuer
t_stdout_has "id    (not set)"
t_stdout_has "key   none usable: the badge issuer has no key yet"

# ---------------------------------------------------------------- settings
t_run 3 issuer set id "ftp://example.org"
t_stderr_has "mcassess: issuer id: 'ftp://example.org' is not a web address (https://… with no spaces)"
t_run 3 issuer set url "https://exa mple.org"
t_run 3 issuer set name ""
t_stderr_has "issuer name: give one line of text"
t_run 2 issuer set colour blue
t_stderr_has "the issuer has an id, a name and a url, not 'colour'"
t_run 2 issuer set id
t_db_unchanged
t_run 0 issuer set id "https://mc.tn.example/badges"
t_stdout_has "issuer id https://mc.tn.example/badges"
t_run 0 issuer set name "Tennessee Micro-credential Pilot"
t_run 0 issuer set url "https://mc.tn.example/"
t_run 0 issuer set url "https://mc.tn.example/"
t_stdout_has "(it already was)"
t_check "settings audited once each" test "$(audits setting:issuer_id)$(audits setting:issuer_name)$(audits setting:issuer_url)" = 111
t_check "the audit says before and after" test "$(sql "SELECT before || ' ' || after FROM audit WHERE subject = 'setting:issuer_name'")" = '{"value":null} {"value":"Tennessee Micro-credential Pilot"}'

t_snapshot
t_run 1 export badges --out "$T/b"
t_stderr_has "mcassess: the badge issuer has no key yet: an admin makes one with 'mcassess issuer key new'"
t_check "no key: no directory made" test ! -e "$T/b"

# ---------------------------------------------------------------- the key
t_run 2 issuer key new --bits 1024
t_check "a bad size makes no key" test ! -e "$KEY"
t_run 0 issuer key new --bits 2048
t_stdout_has "(RSA 2048 bits) in $KEY"
t_check "the key file is 0600" test "$(stat -c %a "$KEY")" = 600
t_check "the key is audited with its id" test "$(sql "SELECT json_extract(after, '\$.bits') FROM audit WHERE subject = 'setting:issuer_key'")" = 2048
KEYSUM=$(sha256sum <"$KEY")
t_run 1 issuer key new
t_stderr_has "the issuer already has a key; badges signed with it verify only with it"
t_check "the key is kept" test "$(sha256sum <"$KEY")" = "$KEYSUM"
t_check "no temporary key left" test "$(ls -A "$T" | grep -c 'issuer-key\.')" -eq 0
KID=$(sql "SELECT json_extract(after, '\$.kid') FROM audit WHERE subject = 'setting:issuer_key'")
t_run 0 issuer show
t_stdout_has "key   $KID (RSA 2048 bits)"

# a failed replacement leaves the key as it was (the audit refuses the row here)
sql "CREATE TRIGGER mcbdg_refuse BEFORE INSERT ON audit WHEN NEW.subject = 'setting:issuer_key'
     BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;"
t_run 1 issuer key new --replace --bits 2048
t_stderr_has "refused by the test"
t_check "a failed replacement keeps the key" test "$(sha256sum <"$KEY")" = "$KEYSUM"
t_check "and leaves no file beside it" test "$(ls -A "$T" | grep -c 'issuer-key.')" -eq 0
sql "DROP TRIGGER mcbdg_refuse"

chmod 644 "$KEY"
t_run 1 export badges --out "$T/b"
t_stderr_has "mcassess: $KEY: the issuer's key must be a file only its owner can read (chmod 600 $KEY)"
t_check "a readable key: no directory made" test ! -e "$T/b"
chmod 600 "$KEY"

# ---------------------------------------------------------------- who may
sql "UPDATE person SET role = 'coordinator' WHERE user = '$ME'"
t_snapshot
t_run 1 export badges --out "$T/b"
t_stderr_has "export badges needs an admin, and you ($ME) are a coordinator"
t_check "a coordinator: no directory made" test ! -e "$T/b"
t_run 1 issuer set name "Someone else"
t_run 1 issuer key new --replace
t_check "a coordinator: the key is kept" test "$(sha256sum <"$KEY")" = "$KEYSUM"
t_db_unchanged
sql "UPDATE person SET role = 'admin' WHERE user = '$ME'"

# ---------------------------------------------------------------- export
t_snapshot
t_run 0 export badges --out "$T/b"
t_stderr_has "export: 2 badges written to $T/b"
t_check "one JSON and one JWT per earned submission, the issuer and its key" \
	test "$(ls -A "$T/b" | tr '\n' ' ')" = "R-201.json R-201.jwt R-300.json R-300.jwt issuer.json jwks.json "
t_db_unchanged
C=$T/b/R-300.json
t_check "types and contexts" jqe '.type == ["VerifiableCredential", "OpenBadgeCredential"] and ."@context" == ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]' "$C"
t_check "the issuer profile" jqe '.issuer == {"id": "https://mc.tn.example/badges", "type": ["Profile"], "name": "Tennessee Micro-credential Pilot", "url": "https://mc.tn.example/"}' "$C"
t_check "validFrom is the decision's time" jqe '.validFrom == "2026-10-10T10:00:00Z"' "$C"
t_check "the achievement" jqe '.credentialSubject.achievement | .type == ["Achievement"] and .achievementType == "MicroCredential" and .name == "Academic Feedback" and .id == "https://mc.tn.example/badges/achievements/TEAM-FEED/v1" and (.description | startswith("The educator gives students frequent, specific feedback"))' "$C"
t_check "criteria narrative from the rubric" jqe '.credentialSubject.achievement.criteria.narrative | contains("## Feedback samples") and contains("- A2. Revised work shows students acted on the feedback. (met at: Demonstrated)")' "$C"
t_check "evidence names the submission" jqe '.evidence == [{"type": ["Evidence"], "name": "Submission R-300", "narrative": "Submission R-300, attempt 1 at TEAM-FEED, submitted 2026-08-20T12:00:00Z; scored against version 1 of its rubric and decided earned 2026-10-10T10:00:00Z."}]' "$C"
SALT=$(jq -r '.credentialSubject.identifier[0].salt' "$C")
HASH=$(printf '%s%s' E-3 "$SALT" | sha256sum | cut -d' ' -f1)
t_check "the recipient: sha256 of the educator id and the salt" jqe --arg h "sha256\$$HASH" '.credentialSubject.identifier == [{"type": "IdentityObject", "identityHash": $h, "identityType": "identifier", "hashed": true, "salt": .credentialSubject.identifier[0].salt}] and (.credentialSubject.identifier[0].salt | length) == 32' "$C"
# the JWT's payload decoded (its base64url text, and the signature's, can hold
# 'E-3' by chance: about one run in a hundred)
cut -d. -f2 "$T/b/R-300.jwt" | tr '_-' '/+' | awk '{ while (length($0) % 4) $0 = $0 "="; print }' | base64 -d >"$T/payload"
t_check "the JWT's payload decodes" jqe '.vc.credentialSubject.identifier[0].hashed == true or .credentialSubject.identifier[0].hashed == true' "$T/payload"
t_check "no name, no educator id in the badge" sh -c "! grep -q -e 'E-3' -e 'Brien' '$C' '$T/payload'"
t_check "jwks.json: the public key only" jqe --arg kid "$KID" '.keys | length == 1 and .[0].kid == $kid and .[0].kty == "RSA" and .[0].alg == "RS256" and .[0].use == "sig" and (.[0] | has("d") | not)' "$T/b/jwks.json"
cut -d. -f1 "$T/b/R-300.jwt" | tr '_-' '/+' | sed 's/$/==/' | base64 -d >"$T/header" 2>/dev/null
t_check "the JWT header" jqe --arg kid "$KID" '.alg == "RS256" and .typ == "JWT" and .kid == $kid' "$T/header"
mkdir "$T/again"
t_run 0 export badges --out "$T/again"
t_check "a second export is byte for byte the same" diff -r "$T/b" "$T/again"

# ---------------------------------------------------------------- nothing written on an error
echo old >"$T/b/R-300.json"
LIST=$(ls -lA --time-style=+%s.%N "$T/b"; cat "$T/b"/*)
sql "UPDATE submission SET ext_id = 'R/201' WHERE ext_id = 'R-201'"
t_snapshot
t_run 1 export badges --out "$T/b"
t_stderr_has "mcassess: submission 'R/201': its id cannot be a file name (a '/' or a leading '.'); no badges were written"
t_check "the directory is as it was" test "$(ls -lA --time-style=+%s.%N "$T/b"; cat "$T/b"/*)" = "$LIST"
t_run 1 export badges --out "$T/new"
t_check "a directory it made is removed again" test ! -e "$T/new"
t_db_unchanged
sql "UPDATE submission SET ext_id = 'R-201' WHERE ext_id = 'R/201'"
sql "UPDATE rubric SET competency = CAST(X'C328' AS TEXT) WHERE id = (SELECT rubric_id FROM submission WHERE ext_id = 'R-201')"
t_run 1 export badges --out "$T/b"
t_stderr_has "mcassess: submission R-201: its credential's texts are not all UTF-8; no badges were written"
t_check "not UTF-8: the directory is as it was" test "$(ls -lA --time-style=+%s.%N "$T/b"; cat "$T/b"/*)" = "$LIST"
sql "UPDATE rubric SET competency = 'restored' WHERE id = (SELECT rubric_id FROM submission WHERE ext_id = 'R-201')"
t_run 1 export badges --out "$T/missing/dir"
t_stderr_has "mcassess: $T/missing/dir: cannot make the directory: No such file or directory"
: >"$T/afile"
t_run 1 export badges --out "$T/afile"
t_stderr_has "cannot make the directory: a file of that name is there"
t_run 2 export badges --format json
t_stderr_has "--format is for results"

# ---------------------------------------------------------------- a new key
cp -p "$KEY" "$T/key.first"
t_run 0 issuer key new --replace --bits 2048
KID2=$(sql "SELECT json_extract(after, '\$.kid') FROM audit WHERE subject = 'setting:issuer_key' ORDER BY seq DESC LIMIT 1")
t_check "--replace: a new key, the audit names the old one" test "$(sql "SELECT json_extract(before, '\$.kid') FROM audit WHERE subject = 'setting:issuer_key' ORDER BY seq DESC LIMIT 1") $(stat -c %a "$KEY")" = "$KID 600"
t_check "--replace: the kid changed" test "$KID2" != "$KID"
t_check "--replace: nothing left beside the key" test "$(ls -A "$T" | grep -c 'issuer-key.')" -eq 0
t_run 0 export badges --out "$T/b2"
t_check "badges name the new key" jqe --arg kid "$KID2" '.keys[0].kid == $kid' "$T/b2/jwks.json"
cp -p "$T/key.first" "$KEY"

# ---------------------------------------------------------------- real clients
t_run 0 export badges --out "$T/b"
if ! command -v node >/dev/null; then
	t_skip "verification by jose and jsonld: node is not installed (Debian: nodejs; see .ci/deps)"
elif [ ! -d "$TOP_SRCDIR/tests/badges/node_modules/jose" ]; then
	t_skip "verification by jose and jsonld: the verifiers are not installed (sh .ci/deps runs npm ci in tests/badges)"
else
	if node "$TOP_SRCDIR/tests/badges/verify.mjs" "$T/b" >"$T/verify" 2>&1; then
		t_ok "every badge verifies with jose and expands in JSON-LD safe mode ($(grep -c '^ok' "$T/verify") checks)"
	else
		t_fail "every badge verifies with jose and expands in JSON-LD safe mode"
		t_diag "$T/verify"
	fi
	# and the verifier is no rubber stamp: a badge signed with another key fails
	cp "$KEY" "$T/key.saved"
	mc issuer key new --replace --bits 2048
	mc export badges --out "$T/other"
	cp "$T/b/jwks.json" "$T/other/jwks.json"
	t_check "a badge signed with another key does not verify" sh -c "! node '$TOP_SRCDIR/tests/badges/verify.mjs' '$T/other' >'$T/verify2' 2>&1"
	t_check "jose says why" grep -q "ERR_JWS_SIGNATURE_VERIFICATION_FAILED" "$T/verify2"
fi

# ---------------------------------------------------------------- another OS account
cp -p "$KEY" "$T/key.kept"
if t_accounts mcbdg_a; then
	KEY=$DB.issuer-key
	cp -p "$T/key.kept" "$KEY"
	mc people add mcbdg_a --role assessor
	t_check "another account cannot read the key file" sh -c "! runuser -u mcbdg_a -- cat '$KEY' >/dev/null 2>&1"
	RC=0
	runuser -u mcbdg_a -- "$MCASSESS" --db "$DB" export badges --out "$F/x" >"$OUT" 2>"$ERR" </dev/null || RC=$?
	t_check "an assessor may not export badges (exit 1)" test "$RC" -eq 1
	t_stderr_has "export badges needs an admin, and you (mcbdg_a) are"
	t_check "an assessor: no directory made" test ! -e "$F/x"
	RC=0
	runuser -u mcbdg_a -- "$MCASSESS" --db "$DB" issuer set name "Not mine" >"$OUT" 2>"$ERR" </dev/null || RC=$?
	t_check "an assessor may not set the issuer (exit 1)" test "$RC" -eq 1
	t_check "the issuer's name is unchanged" test "$(sql "SELECT value FROM meta WHERE key = 'issuer_name'")" = "Tennessee Micro-credential Pilot"
else
	t_skip "another OS account: needs root, useradd and runuser"
fi

done_testing
