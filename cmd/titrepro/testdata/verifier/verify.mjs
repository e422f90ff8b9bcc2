// A verifier of titrepro's hashes and signatures written without titrepro's
// code, in JavaScript with Node's built-in modules only, from the
// description in docs/signatures.md. It is what a third party would write;
// the Go end-to-end test (cmd/titrepro/e2e_signatures_test.go) runs it to
// prove the published encodings are reproducible outside Go.
//
// Usage: node verify.mjs [--event FILE] [--minutes FILE] [--certificate FILE --keys FILE]
//                        [--proof URL --keys FILE]
//   --event        a MinutesSigned event as JSON (protobuf JSON, proto names)
//   --minutes      the body of GET /v1/sessions/{id}/minutes
//   --certificate  the body of GET /v1/certificates/{number}
//   --proof        what a parchment's QR code holds: <PUBLIC_URL>/verifier/<number>#<proof>
//   --keys         the body of GET /.well-known/titrepro/certificate-keys.json
// It prints one JSON object with a verdict per input and exits 1 when any
// check fails.

import { createHash, createPublicKey, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

// canonicalize is RFC 8785 (JCS) for the values JSON.parse produces:
// JSON.stringify already writes primitives as JCS wants (ECMAScript number
// and string forms); objects get their members sorted by UTF-16 code units,
// which is what Array.prototype.sort does with strings.
export function canonicalize(v) {
  if (v === null || typeof v !== "object") {
    return JSON.stringify(v);
  }
  if (Array.isArray(v)) {
    return "[" + v.map(canonicalize).join(",") + "]";
  }
  return "{" + Object.keys(v).sort().map((k) => JSON.stringify(k) + ":" + canonicalize(v[k])).join(",") + "}";
}

const sha256hex = (s) => createHash("sha256").update(s, "utf8").digest("hex");

// The REST gateway and protobuf JSON omit fields at their zero value; the
// canonical forms always carry them.
const str = (v) => v ?? "";
const list = (v) => v ?? [];
const enumName = (v, zero) => v ?? zero;

// minutesObject is the JSON object of "titrepro-minutes/2", or of
// "titrepro-minutes/3" (a version after a return: the same members plus the
// version number and the hash of the version it replaces), or of
// "titrepro-minutes/4" (minutes that mention fraud reports, R57: the
// members of /3 plus the mentions).
function minutesObject(m, jurors, encoding) {
  const o = {
    format: "titrepro-minutes/2",
    session_id: str(m.session_id),
    centre_id: str(m.centre_id),
    type: enumName(m.type, "SESSION_TYPE_UNSPECIFIED"),
    title_id: str(m.title_id),
    title_version: str(m.title_version),
    jury_date: str(m.jury_date),
    lines: list(m.lines).map((l) => ({
      candidacy_id: str(l.candidacy_id),
      candidate_id: str(l.candidate_id),
      ccp_decisions: list(l.ccp_decisions).map((d) => ({
        ccp_code: str(d.ccp_code),
        outcome: enumName(d.outcome, "CCP_OUTCOME_UNSPECIFIED"),
        motivation: str(d.motivation),
      })),
      title_outcome: enumName(l.title_outcome, "TITLE_OUTCOME_UNSPECIFIED"),
      dossier_manifest_hash: str(l.dossier_manifest_hash),
    })),
    jurors: jurors.map((j) => ({ juror_subject: str(j.juror_subject), juror_name: str(j.juror_name) })),
  };
  if (encoding === "titrepro-minutes/3" || encoding === "titrepro-minutes/4") {
    o.format = encoding;
    o.minutes_version = m.minutes_version ?? 0;
    o.previous_content_hash = str(m.previous_content_hash);
  }
  if (encoding === "titrepro-minutes/4") {
    o.fraud_reports = list(m.fraud_reports).map((f) => ({
      report_id: str(f.report_id),
      candidacy_id: str(f.candidacy_id),
      candidate_id: str(f.candidate_id),
      observe_time: str(f.observe_time),
      reporter_role: str(f.reporter_role),
      reporter_name: str(f.reporter_name),
      measure: str(f.measure),
    }));
  }
  return o;
}

function checkEncoding(encoding) {
  if (encoding !== "titrepro-minutes/2" && encoding !== "titrepro-minutes/3" && encoding !== "titrepro-minutes/4") {
    throw new Error(`content_encoding ${JSON.stringify(encoding)}: this verifier reads titrepro-minutes/2, /3 and /4`);
  }
}

// From a MinutesSigned event the jury is the signatures, sorted by subject
// (byte order of the UTF-8 subjects).
function verifyEvent(ev) {
  checkEncoding(ev.content_encoding);
  const jurors = list(ev.signatures)
    .map((s) => ({ juror_subject: s.juror_subject, juror_name: s.juror_name }))
    .sort((a, b) => Buffer.compare(Buffer.from(a.juror_subject, "utf8"), Buffer.from(b.juror_subject, "utf8")));
  const computed = sha256hex(canonicalize(minutesObject(ev, jurors, ev.content_encoding)));
  const signed = list(ev.signatures).every((s) => s.content_hash === computed);
  return { computed, claimed: ev.content_hash, ok: computed === ev.content_hash && signed };
}

// From GET minutes the jury is given.
function verifyMinutes(body) {
  const m = body.minutes ?? body;
  checkEncoding(m.content_encoding);
  const computed = sha256hex(canonicalize(minutesObject(m, list(m.jurors), m.content_encoding)));
  return { computed, claimed: m.content_hash, ok: computed === m.content_hash };
}

// certificateObject is the JSON object of "titrepro-certificate/2".
function certificateObject(c) {
  return {
    format: str(c.format),
    number: str(c.number),
    kind: enumName(c.kind, "").replace(/^CERTIFICATE_KIND_/, ""),
    candidate_id: str(c.candidate_id),
    by_capitalisation: c.by_capitalisation ?? false,
    holder: {
      birth_name: str(c.holder?.birth_name),
      usage_name: str(c.holder?.usage_name),
      given_names: list(c.holder?.given_names),
      birth_date: str(c.holder?.birth_date),
      birth_commune: str(c.holder?.birth_commune),
      birth_country_code: str(c.holder?.birth_country_code),
    },
    title: { id: str(c.title_id), version: str(c.title_version), label: str(c.title_label), level: c.title_level ?? 0 },
    ccps: list(c.ccps).map((k) => ({
      code: str(k.code),
      label: str(k.label),
      session_id: str(k.session_id),
      jury_date: str(k.jury_date),
    })),
    session_id: str(c.session_id),
    jury_date: str(c.jury_date),
    issue_date: str(c.issue_date),
    key_id: str(c.key_id),
  };
}

function verifyCertificate(body, jwks) {
  const c = body.certificate ?? body;
  if (c.format !== "titrepro-certificate/2") {
    throw new Error(`format ${JSON.stringify(c.format)}: this verifier reads titrepro-certificate/2`);
  }
  const jwk = list(jwks.keys).find((k) => k.kid === c.key_id);
  if (!jwk) {
    return { kid: c.key_id, ok: false, reason: "SIGNING_KEY_UNKNOWN" };
  }
  const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: "jwk" });
  const content = Buffer.from(canonicalize(certificateObject(c)), "utf8");
  const ok = verify(null, content, key, Buffer.from(str(c.signature), "base64"));
  return { kid: c.key_id, ok, reason: ok ? "" : "SIGNATURE_INVALID" };
}

// verifyProof checks the proof of a parchment's QR code
// ("titrepro-parchment-proof/1"): Ed25519 over the payload bytes as
// printed, with the key its key_id names; the number in the address must be
// the payload's.
function verifyProof(url, jwks) {
  const hash = url.indexOf("#");
  const [payloadB64, sigB64] = url.slice(hash + 1).split(".");
  const payload = Buffer.from(payloadB64 ?? "", "base64url");
  let claims;
  try {
    claims = JSON.parse(payload.toString("utf8"));
  } catch {
    return { ok: false, reason: "PROOF_MALFORMED" };
  }
  if (hash < 0 || claims.format !== "titrepro-parchment-proof/1" || !url.slice(0, hash).endsWith("/verifier/" + claims.number)) {
    return { ok: false, reason: "PROOF_MALFORMED" };
  }
  const jwk = list(jwks.keys).find((k) => k.kid === claims.key_id);
  if (!jwk) {
    return { kid: claims.key_id, ok: false, reason: "SIGNING_KEY_UNKNOWN" };
  }
  const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: "jwk" });
  const ok = verify(null, payload, key, Buffer.from(sigB64 ?? "", "base64url"));
  return { kid: claims.key_id, ok, reason: ok ? "" : "SIGNATURE_INVALID", claims };
}

const { values } = parseArgs({
  options: {
    event: { type: "string" }, minutes: { type: "string" }, certificate: { type: "string" }, proof: { type: "string" },
    keys: { type: "string" },
  },
});
const readJSON = (path) => JSON.parse(readFileSync(path, "utf8"));
const out = {};
if (values.event) out.event = verifyEvent(readJSON(values.event));
if (values.minutes) out.minutes = verifyMinutes(readJSON(values.minutes));
if (values.certificate) out.certificate = verifyCertificate(readJSON(values.certificate), readJSON(values.keys));
if (values.proof) out.proof = verifyProof(values.proof, readJSON(values.keys));
console.log(JSON.stringify(out));
process.exitCode = Object.values(out).every((r) => r.ok) ? 0 : 1;
