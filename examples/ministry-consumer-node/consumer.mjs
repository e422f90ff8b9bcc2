// A ministry system reading titrepro's certification stream (docs/consumers.md).
//
// It connects with the read-only ministry identity (an NKey seed), binds to the
// ministry's durable consumer on TITREPRO_CERTIFICATION, decodes each event with
// the descriptor set titrepro serves, applies it idempotently and acknowledges
// it. Applying here means recording the event in a JSON state file: the ids of
// the events applied and, for the awards, the certificates known. A redelivered
// event (same ce-id) is acknowledged and not applied twice.
//
// Configuration (environment):
//   NATS_URL              the bus, e.g. nats://127.0.0.1:14222
//   NATS_NKEY_SEED_FILE   file holding the ministry's seed
//                         (titrepro nats-credentials ministry --seed)
//   TITREPRO_DESCRIPTORS  URL or file of the descriptor set, e.g.
//                         http://127.0.0.1:8080/.well-known/titrepro/events.binpb
//   STATE_FILE            where applied events are kept (default applied-events.json)
//   DRAIN=1               stop once the consumer has nothing more to deliver
//                         (default: run until interrupted)
import { readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { AckPolicy, DeliverPolicy, connect, nkeyAuthenticator } from 'nats';

const require = createRequire(import.meta.url);
const protobuf = require('protobufjs');
require('protobufjs/ext/descriptor'); // adds protobuf.Root.fromDescriptor

// What titrepro's bus grants the ministry identity: one durable consumer on
// the certification stream, and replies under its own inbox prefix only.
const STREAM = 'TITREPRO_CERTIFICATION';
const DURABLE = 'ministry';
const INBOX_PREFIX = '_INBOX_ministry';

const natsURL = process.env.NATS_URL ?? 'nats://127.0.0.1:14222';
const seedFile = process.env.NATS_NKEY_SEED_FILE;
const descriptors = process.env.TITREPRO_DESCRIPTORS ?? 'http://127.0.0.1:8080/.well-known/titrepro/events.binpb';
const stateFile = process.env.STATE_FILE ?? 'applied-events.json';
const drain = process.env.DRAIN === '1';

if (!seedFile) {
  console.error('NATS_NKEY_SEED_FILE is required: titrepro nats-credentials ministry --seed > ministry.nk');
  process.exit(2);
}

// The descriptor set: a serialised google.protobuf.FileDescriptorSet of
// every event with its imports.
async function loadTypes(where) {
  let bytes;
  if (/^https?:\/\//.test(where)) {
    const resp = await fetch(where);
    if (!resp.ok) throw new Error(`GET ${where}: ${resp.status}`);
    bytes = new Uint8Array(await resp.arrayBuffer());
  } else {
    bytes = await readFile(where);
  }
  return protobuf.Root.fromDescriptor(bytes);
}

async function loadState() {
  try {
    return JSON.parse(await readFile(stateFile, 'utf8'));
  } catch (err) {
    if (err.code === 'ENOENT') return { applied: {}, titles: {}, ccps: {}, livrets: {} };
    throw err;
  }
}

// saveState replaces the file whole (write then rename), so that a crash
// leaves the state before or after an event, never half of it.
async function saveState(state) {
  await writeFile(stateFile + '.tmp', JSON.stringify(state, null, 2));
  await rename(stateFile + '.tmp', stateFile);
}

// apply records what a ministry system keeps of an event, by its business
// key (docs/events.md, "Ministry stream").
function apply(state, type, event) {
  switch (type) {
    case 'titrepro.certification.v1.TitleAwarded':
      state.titles[event.certificateNumber] = {
        candidateId: event.candidateId, titleId: event.titleId, titleVersion: event.titleVersion,
        titleLabel: event.titleLabel, sessionId: event.sessionId, byCapitalisation: !!event.byCapitalisation,
      };
      return `titre ${event.certificateNumber} ${event.titleId} to ${event.candidateId}`;
    case 'titrepro.certification.v1.CcpAwarded': {
      const key = [event.candidateId, event.titleId, event.titleVersion, event.ccpCode].join('/');
      state.ccps[key] = { ccpLabel: event.ccpLabel, sessionId: event.sessionId };
      return `CCP ${event.ccpCode} to ${event.candidateId}`;
    }
    case 'titrepro.certification.v1.LivretIssued':
      state.livrets[event.certificateNumber] = { candidateId: event.candidateId, ccpCodes: event.ccpCodes ?? [] };
      return `livret ${event.certificateNumber} to ${event.candidateId}`;
    case 'titrepro.certification.v1.CertificateWithdrawn': {
      // R59: the certificate stays known, withdrawn; the reason is a
      // category, the motivation never travels on the stream.
      const known = state.titles[event.certificateNumber] ?? state.livrets[event.certificateNumber];
      if (known) Object.assign(known, { status: 'WITHDRAWN', withdrawalId: event.withdrawalId, withdrawnOn: event.decidedOn });
      return `withdrawn ${event.certificateNumber} (${event.reason}, ${event.decisionReference})`;
    }
    case 'titrepro.certification.v1.AppealDecided':
      // R60: a withdrawal reformed puts its certificates back in force.
      for (const number of event.restoredCertificateNumbers ?? []) {
        const known = state.titles[number] ?? state.livrets[number];
        if (known) known.status = 'ISSUED';
      }
      return `appeal ${event.appealId} ${event.outcome}`;
    default:
      return 'recorded';
  }
}

const root = await loadTypes(descriptors);
const state = await loadState();
const nc = await connect({
  servers: natsURL,
  authenticator: nkeyAuthenticator(new TextEncoder().encode((await readFile(seedFile, 'utf8')).trim())),
  inboxPrefix: INBOX_PREFIX,
  name: 'ministry-consumer-node',
});

// The ministry may not read the account's JetStream information: no API check.
const jsm = await nc.jetstreamManager({ checkAPI: false });
const config = { durable_name: DURABLE, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All };
try {
  await jsm.consumers.add(STREAM, config);
} catch (err) {
  // The durable exists with another configuration: bind to it as it is.
  if (!/already exists/i.test(String(err.message))) throw err;
}
const js = nc.jetstream({ checkAPI: false });
const consumer = await js.consumers.get(STREAM, DURABLE);

let applied = 0;
let duplicates = 0;
for (;;) {
  const batch = await consumer.fetch({ max_messages: 100, expires: 2000 });
  let n = 0;
  for await (const msg of batch) {
    n++;
    const id = msg.headers?.get('ce-id');
    const type = msg.headers?.get('ce-type');
    if (!id || !type) {
      // Not a titrepro event: leave it to an operator, do not block the stream.
      console.log(`skipped seq ${msg.seq}: no ce-id or ce-type`);
      msg.term();
      continue;
    }
    if (state.applied[id]) {
      duplicates++;
      console.log(`already applied ${type} ${id}`);
      await msg.ackAck();
      continue;
    }
    const event = root.lookupType(type).toObject(root.lookupType(type).decode(msg.data), {
      longs: String, enums: String, defaults: false,
    });
    const what = apply(state, type, event);
    state.applied[id] = { type, subject: msg.subject, time: msg.headers.get('ce-time') };
    // The state (with the id) is saved before the ack: a crash in between
    // redelivers the event, which the id then skips.
    await saveState(state);
    applied++;
    console.log(`applied ${type} ${id}: ${what}`);
    await msg.ackAck();
  }
  if (n === 0 && drain) break;
}
console.log(`done: ${applied} applied, ${duplicates} already applied`);
await nc.drain();
