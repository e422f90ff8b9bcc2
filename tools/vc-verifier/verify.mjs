// An independent verifier of titrepro's verifiable credentials, written from
// docs/credentials.md and the W3C and 1EdTech specifications: it shares no
// code with titrepro. For each credential (a compact JWS, VC-JOSE-COSE):
//
//  1. the protected header: alg EdDSA, typ vc+jwt, kid a did:web
//     verification method;
//  2. did:web resolution: the DID document fetched from
//     <scheme>://<host>/.well-known/did.json, the key of the kid taken from
//     it (it must be an assertionMethod);
//  3. the signature, verified with jose (EdDSA / Ed25519);
//  4. the payload: issuer is the DID, validFrom reached, and the Open
//     Badges 3.0 AchievementCredential JSON schema (ajv, draft 2019-09);
//  5. the status: the BitstringStatusListCredential of credentialStatus
//     fetched, verified the same way, its encodedList decoded (multibase
//     base64url, GZIP) and the bit at statusListIndex read.
//
// Usage: node verify.mjs [--did-scheme http] FILE... (each file holds one
// compact JWS). Prints one JSON object: {"results":[{file, ok, reason,
// id, type, revoked, ...}]}. did:web resolves over https; --did-scheme
// http is for a test server without TLS.

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { compactVerify, decodeProtectedHeader, importJWK } from 'jose';
import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';

const here = new URL('.', import.meta.url);
const schema = JSON.parse(readFileSync(new URL('schema/ob_v3p0_achievementcredential_schema.json', here), 'utf8'));
const ajv = new Ajv2019({ strict: false, allErrors: true });
addFormats(ajv);
const validateOB3 = ajv.compile(schema);

const MIN_STATUS_LIST_BITS = 131072;

class Refusal extends Error {
  constructor(reason, detail) {
    super(`${reason}: ${detail}`);
    this.reason = reason;
  }
}

function didWebURL(did, scheme) {
  const m = /^did:web:([^:#?]+)((?::[^:#?]+)*)$/.exec(did);
  if (!m) throw new Refusal('DID_UNSUPPORTED', did);
  const host = decodeURIComponent(m[1]);
  const path = m[2] ? m[2].split(':').slice(1).map(decodeURIComponent).join('/') + '/did.json' : '.well-known/did.json';
  return `${scheme}://${host}/${path}`;
}

const didCache = new Map();

async function resolveKey(kid, scheme) {
  const hash = kid.indexOf('#');
  if (hash < 0) throw new Refusal('KID_NOT_A_VERIFICATION_METHOD', kid);
  const did = kid.slice(0, hash);
  if (!didCache.has(did)) {
    const res = await fetch(didWebURL(did, scheme));
    if (!res.ok) throw new Refusal('DID_UNRESOLVED', `${did}: HTTP ${res.status}`);
    didCache.set(did, await res.json());
  }
  const doc = didCache.get(did);
  if (doc.id !== did) throw new Refusal('DID_DOCUMENT_MISMATCH', `${doc.id} is not ${did}`);
  const vm = (doc.verificationMethod || []).find((v) => v.id === kid);
  const asserts = (doc.assertionMethod || []).some((a) => a === kid || a.id === kid);
  if (!vm || !asserts || !vm.publicKeyJwk) throw new Refusal('KEY_UNKNOWN', kid);
  return { did, key: await importJWK(vm.publicKeyJwk, 'EdDSA') };
}

async function verifyJWS(jws, scheme) {
  let header;
  try {
    header = decodeProtectedHeader(jws);
  } catch (e) {
    throw new Refusal('MALFORMED', e.message);
  }
  if (header.alg !== 'EdDSA' || header.typ !== 'vc+jwt' || typeof header.kid !== 'string') {
    throw new Refusal('HEADER_INVALID', JSON.stringify(header));
  }
  const { did, key } = await resolveKey(header.kid, scheme);
  let payload;
  try {
    ({ payload } = await compactVerify(jws, key, { algorithms: ['EdDSA'] }));
  } catch (e) {
    throw new Refusal('SIGNATURE_INVALID', e.message);
  }
  const vc = JSON.parse(new TextDecoder().decode(payload));
  const issuer = typeof vc.issuer === 'string' ? vc.issuer : vc.issuer?.id;
  if (issuer !== did) throw new Refusal('ISSUER_MISMATCH', `${issuer} did not sign with ${did}`);
  const now = Date.now();
  if (!vc.validFrom || Date.parse(vc.validFrom) > now) throw new Refusal('NOT_YET_VALID', vc.validFrom);
  if (vc.validUntil && Date.parse(vc.validUntil) < now) throw new Refusal('EXPIRED', vc.validUntil);
  return { header, vc };
}

async function statusBit(entry, scheme) {
  if (entry?.type !== 'BitstringStatusListEntry') throw new Refusal('STATUS_UNSUPPORTED', JSON.stringify(entry));
  const res = await fetch(entry.statusListCredential);
  if (!res.ok) throw new Refusal('STATUS_LIST_UNAVAILABLE', `HTTP ${res.status}`);
  const { vc: list } = await verifyJWS((await res.text()).trim(), scheme);
  const subject = list.credentialSubject;
  if (!list.type?.includes('BitstringStatusListCredential') || subject?.type !== 'BitstringStatusList' ||
      subject.statusPurpose !== entry.statusPurpose || list.id !== entry.statusListCredential) {
    throw new Refusal('STATUS_LIST_INVALID', JSON.stringify(list).slice(0, 200));
  }
  const encoded = subject.encodedList;
  if (typeof encoded !== 'string' || encoded[0] !== 'u') throw new Refusal('STATUS_LIST_INVALID', 'encodedList is not multibase base64url');
  const bits = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
  if (bits.length * 8 < MIN_STATUS_LIST_BITS) throw new Refusal('STATUS_LIST_INVALID', `${bits.length * 8} bits`);
  const index = Number.parseInt(entry.statusListIndex, 10);
  if (!Number.isInteger(index) || index < 0 || index >= bits.length * 8) throw new Refusal('STATUS_INDEX_INVALID', entry.statusListIndex);
  return { set: (bits[index >> 3] & (0x80 >> (index & 7))) !== 0, listBits: bits.length * 8, setBits: countSet(bits) };
}

function countSet(bits) {
  let n = 0;
  for (const b of bits) for (let k = 0; k < 8; k++) if (b & (0x80 >> k)) n++;
  return n;
}

async function verifyFile(file, scheme) {
  const out = { file, ok: false };
  try {
    const { header, vc } = await verifyJWS(readFileSync(file, 'utf8').trim(), scheme);
    Object.assign(out, { kid: header.kid, id: vc.id, type: vc.type, name: vc.name, issuer: vc.issuer?.id,
      achievement: vc.credentialSubject?.achievement?.name, evidence: (vc.evidence || []).map((e) => e.id),
      alignment: (vc.credentialSubject?.achievement?.alignment || []).map((a) => a.targetUrl) });
    if (!validateOB3(vc)) {
      throw new Refusal('SCHEMA_INVALID', ajv.errorsText(validateOB3.errors));
    }
    out.schemaValid = true;
    const status = await statusBit(vc.credentialStatus, scheme);
    Object.assign(out, { revoked: status.set, statusListBits: status.listBits, statusListSetBits: status.setBits });
    if (status.set) throw new Refusal('REVOKED', `bit ${vc.credentialStatus.statusListIndex} is set`);
    out.ok = true;
    out.reason = 'VALID';
  } catch (e) {
    out.reason = e instanceof Refusal ? e.reason : 'ERROR';
    out.detail = e.message;
  }
  return out;
}

const args = process.argv.slice(2);
let scheme = 'https';
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--did-scheme') scheme = args[++i];
  else files.push(args[i]);
}
const results = [];
for (const f of files) results.push(await verifyFile(f, scheme));
process.stdout.write(JSON.stringify({ results }) + '\n');
