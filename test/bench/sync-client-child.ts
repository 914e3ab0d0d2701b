/**
 * The sync benchmark's clients, in a process of their own so that their work is not the server's
 * (they still share the machine's cores). One JSON argument (`ClientConfig`); prints one
 * `BENCH_RESULT {json}` line. Every client is a real WebSocket speaking the y-websocket protocol;
 * to stay cheap, clients that only receive decode no more than a message's header and the first
 * struct's (client, clock) of an update — which names the update — and apply nothing.
 *
 *   fanout      N room sockets on one document; every 1000/rate ms the next client in turn sends
 *               one cell edit; each other client's arrival time minus the send time is a sample
 *   throughput  N room sockets on one document, every one a writer keeping `window` updates in
 *               flight: an update is done when the next client (i + 1) receives it, i.e. the server
 *               committed it (ours) and sent it to every peer; done updates per second
 *   load        a fresh client asks for every shard of the 100k table: one app socket with a sync
 *               step 1 per document (ours), or one room socket per document (stock); ms until
 *               every step 2 arrived. Then a second fresh client, while the first stays connected
 *               (the server has the documents in memory now)
 */
import WebSocket from 'ws';
import * as Y from 'yjs';
import { decodeMessage, encodeMessage, type Framing } from '../../src-shared/sync/protocol';
import { recordsMap } from '../../src-shared/docs/table-doc';
import { percentile, reportResult, log } from './bench-util';
import { EDIT_DOC, RECORDS, tokenOf, WORKSPACE } from './sync-data';

interface Target {
  server: 'ours' | 'stock';
  port: number;
}
export type ClientConfig =
  | (Target & { mode: 'fanout'; clients: number; rate: number; warmupS: number; seconds: number })
  | (Target & { mode: 'throughput'; clients: number; window: number; warmupS: number; seconds: number })
  | (Target & { mode: 'load'; docs: string[]; verify: boolean });

export interface FanoutResult {
  p50: number;
  p99: number;
  max: number;
  samples: number;
  updates: number;
  missing: number;
}
export interface ThroughputResult {
  updatesPerS: number;
  done: number;
  receivedMessages: number;
}
export interface LoadResult {
  coldMs: number;
  warmMs: number;
  bytes: number;
}

const EMPTY_STATE_VECTOR = new Uint8Array([0]);
const EMPTY_UPDATE = new Uint8Array([0, 0]);
const STEP1_EMPTY = encodeMessage(null, { type: 'sync-step1', stateVector: EMPTY_STATE_VECTOR });
const STEP2_EMPTY = encodeMessage(null, { type: 'sync-update', update: EMPTY_UPDATE, step2: true });
const SYNC = 0;
const SUB_STEP1 = 0;
const SUB_STEP2 = 1;
const SUB_UPDATE = 2;
/** Clients are numbered from 0; their Yjs client id is number + 1, below this. */
const MAX_CLIENTS = 1024;

function roomUrl(t: Target, doc: string, client: number): string {
  const base = `ws://127.0.0.1:${t.port}`;
  return t.server === 'ours' ? `${base}/sync/${WORKSPACE}/${encodeURIComponent(doc)}?token=${tokenOf(client)}` : `${base}/${encodeURIComponent(doc)}`;
}

function connect(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
  });
}

/** Sockets in batches, so that the server is not asked for hundreds of upgrades at once. */
async function connectAll(urls: string[]): Promise<WebSocket[]> {
  const out: WebSocket[] = [];
  for (let i = 0; i < urls.length; i += 50) out.push(...(await Promise.all(urls.slice(i, i + 50).map(connect))));
  return out;
}

/**
 * The name of a Yjs update (V1) carried by a room sync message starting at `at`: its first client's
 * first clock and client id, as one number. Reads only the varUints up to there.
 */
function updateKey(b: Uint8Array, at: number): number {
  let pos = at;
  const uint = (): number => {
    let n = 0;
    let mult = 1;
    for (;;) {
      const x = b[pos++];
      if (x === undefined) throw new Error('truncated update');
      n += (x & 0x7f) * mult;
      if (x < 0x80) return n;
      mult *= 128;
    }
  };
  uint(); // clients
  uint(); // structs of the first client
  const client = uint();
  const clock = uint();
  return clock * MAX_CLIENTS + client;
}
/**
 * The keys of every edit a received update carries: one for an update as an editor made it, several
 * when the server sent a batch of updates merged into one message (ours does, past one update).
 */
function updateKeys(b: Uint8Array, at: number): number[] {
  if (b[at] === 1 && b[at + 1] === 1) return [updateKey(b, at)];
  const keys: number[] = [];
  for (const s of Y.decodeUpdate(b.subarray(at)).structs) {
    if (s instanceof Y.Item) keys.push(s.id.clock * MAX_CLIENTS + s.id.client);
  }
  return keys;
}
/** Where the update starts in a room message `[0, 2, varUint length, update…]`. */
function updateStart(b: Uint8Array): number {
  let pos = 2;
  while ((b[pos++] ?? 0) >= 0x80);
  return pos;
}

/** One editing client: cell overrides on 1,000 records of the document, as the engine writes them. */
class Editor {
  private readonly doc = new Y.Doc();
  private last: Uint8Array | null = null;
  private n = 0;

  constructor(readonly client: number) {
    this.doc.clientID = client + 1;
    this.doc.on('update', (u: Uint8Array) => (this.last = u));
  }

  /** The next edit: its room message and its key (see updateKey). */
  next(): { message: Uint8Array; key: number } {
    const n = this.n++;
    this.doc.getMap('cells').set(`rec${String(n % 1000).padStart(14, '0')}.fld${String(n % 20).padStart(14, '0')}`, { v: n, t: Date.now() });
    const update = this.last;
    if (!update) throw new Error('no update');
    return { message: encodeMessage(null, { type: 'sync-update', update, step2: false }), key: updateKey(update, 0) };
  }
}

/** Opens `clients` room sockets on EDIT_DOC and completes the handshake on each. */
async function openRoomClients(t: Target, clients: number, onUpdate: (receiver: number, data: Buffer) => void): Promise<WebSocket[]> {
  const sockets = await connectAll(Array.from({ length: clients }, (_, i) => roomUrl(t, EDIT_DOC, i)));
  let synced = 0;
  let resolveSynced = (): void => undefined;
  const allSynced = new Promise<void>((resolve) => (resolveSynced = resolve));
  sockets.forEach((ws, i) => {
    let gotStep2 = false;
    ws.on('message', (data: Buffer) => {
      if (data[0] !== SYNC) return; // presence: nothing to do
      const sub = data[1];
      if (sub === SUB_UPDATE) onUpdate(i, data);
      else if (sub === SUB_STEP1) ws.send(STEP2_EMPTY);
      else if (sub === SUB_STEP2 && !gotStep2) {
        gotStep2 = true;
        if (++synced === clients) resolveSynced();
      }
    });
    ws.on('close', (code) => {
      if (!closing) log(`client ${i}: socket closed by the server (${code})`);
    });
    ws.send(STEP1_EMPTY);
  });
  await withTimeout(allSynced, 30_000, 'the clients’ sync handshakes');
  return sockets;
}

let closing = false;
function closeAll(sockets: WebSocket[]): void {
  closing = true;
  for (const ws of sockets) ws.terminate();
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)))]).finally(() => clearTimeout(timer));
}
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

async function fanout(c: Extract<ClientConfig, { mode: 'fanout' }>): Promise<FanoutResult> {
  const total = Math.round(c.rate * (c.warmupS + c.seconds));
  const warmup = Math.round(c.rate * c.warmupS);
  /** key → [send time, sender, update index] */
  const sent = new Map<number, [number, number, number]>();
  const samples = new Float64Array(total * c.clients);
  let nSamples = 0;
  let arrivals = 0;
  const sockets = await openRoomClients(c, c.clients, (receiver, data) => {
    const now = performance.now();
    for (const key of updateKeys(data, updateStart(data))) {
      const s = sent.get(key);
      if (!s || s[1] === receiver) continue; // the stock server echoes an update to its sender too
      arrivals++;
      if (s[2] >= warmup) samples[nSamples++] = now - s[0];
    }
  });
  const editors = new Map<number, Editor>();
  const start = performance.now() + 100;
  for (let k = 0; k < total; k++) {
    await sleep(start + (k * 1000) / c.rate - performance.now());
    const from = k % c.clients;
    let editor = editors.get(from);
    if (!editor) editors.set(from, (editor = new Editor(from)));
    const { message, key } = editor.next();
    sent.set(key, [performance.now(), from, k]);
    sockets[from]!.send(message);
  }
  const expected = total * (c.clients - 1);
  const until = performance.now() + 10_000;
  while (arrivals < expected && performance.now() < until) await sleep(20);
  closeAll(sockets);
  const values = Array.from(samples.subarray(0, nSamples));
  if (values.length === 0) throw new Error('no update arrived');
  return { p50: percentile(values, 50), p99: percentile(values, 99), max: Math.max(...values), samples: values.length, updates: total - warmup, missing: expected - arrivals };
}

async function throughput(c: Extract<ClientConfig, { mode: 'throughput' }>): Promise<ThroughputResult> {
  const editors = Array.from({ length: c.clients }, (_, i) => new Editor(i));
  let running = true;
  let measuring = false;
  let done = 0;
  let receivedMessages = 0;
  const sendNext = (w: number): void => {
    const { message } = editors[w]!.next();
    sockets[w]!.send(message);
  };
  const sockets: WebSocket[] = await openRoomClients(c, c.clients, (receiver, data) => {
    receivedMessages++;
    for (const key of updateKeys(data, updateStart(data))) {
      const writer = (key % MAX_CLIENTS) - 1;
      if ((writer + 1) % c.clients !== receiver) continue; // not this writer's observer
      if (measuring) done++;
      if (running) sendNext(writer);
    }
  });
  for (let w = 0; w < c.clients; w++) for (let i = 0; i < c.window; i++) sendNext(w);
  await sleep(c.warmupS * 1000);
  measuring = true;
  const t0 = performance.now();
  await sleep(c.seconds * 1000);
  measuring = false;
  const seconds = (performance.now() - t0) / 1000;
  running = false;
  await sleep(200);
  closeAll(sockets);
  return { updatesPerS: done / seconds, done, receivedMessages };
}

/** A fresh client receiving every document in `docs`: ms from opening its socket(s) to the last step 2. */
async function loadOnce(t: Target, docs: string[], verify: boolean): Promise<{ ms: number; bytes: number; sockets: WebSocket[] }> {
  const got = new Map<string, Uint8Array>();
  let resolveAll = (): void => undefined;
  const all = new Promise<void>((resolve) => (resolveAll = resolve));
  const framing: Framing = t.server === 'ours' ? 'app' : 'room';
  const onMessage = (ws: WebSocket, roomDoc: string | null, data: Buffer): void => {
    const d = decodeMessage(data, framing);
    if (!d.ok) throw new Error(`the server sent ${d.reason}`);
    const doc = d.doc ?? roomDoc ?? '';
    const m = d.message;
    if (m.type === 'sync-step1') ws.send(roomDoc === null ? encodeMessage(doc, { type: 'sync-update', update: EMPTY_UPDATE, step2: true }) : STEP2_EMPTY);
    else if (m.type === 'sync-update' && m.step2 && !got.has(doc)) {
      got.set(doc, m.update);
      if (got.size === docs.length) resolveAll();
    }
  };
  const started = performance.now();
  let sockets: WebSocket[];
  if (t.server === 'ours') {
    const ws = await connect(`ws://127.0.0.1:${t.port}/sync/${WORKSPACE}?token=${tokenOf(0)}`);
    ws.on('message', (data: Buffer) => onMessage(ws, null, data));
    for (const doc of docs) ws.send(encodeMessage(doc, { type: 'sync-step1', stateVector: EMPTY_STATE_VECTOR }));
    sockets = [ws];
  } else {
    sockets = await Promise.all(
      docs.map(async (doc) => {
        const ws = await connect(roomUrl(t, doc, 0));
        ws.on('message', (data: Buffer) => onMessage(ws, doc, data));
        ws.send(STEP1_EMPTY);
        return ws;
      }),
    );
  }
  await withTimeout(all, 120_000, 'the documents');
  const ms = performance.now() - started;
  let bytes = 0;
  for (const u of got.values()) bytes += u.byteLength;
  if (verify) {
    let records = 0;
    for (const u of got.values()) {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, u);
      records += recordsMap(doc).size;
      doc.destroy();
    }
    if (records !== RECORDS) throw new Error(`the client received ${records} records, not ${RECORDS}`);
  }
  return { ms, bytes, sockets };
}

async function load(c: Extract<ClientConfig, { mode: 'load' }>): Promise<LoadResult> {
  const cold = await loadOnce(c, c.docs, c.verify);
  const warm = await loadOnce(c, c.docs, false);
  closeAll([...cold.sockets, ...warm.sockets]);
  return { coldMs: cold.ms, warmMs: warm.ms, bytes: cold.bytes };
}

const config = JSON.parse(process.argv[2] ?? '{}') as ClientConfig;
setTimeout(() => {
  process.stderr.write('[bench] sync client: over its time limit\n');
  process.exit(1);
}, 5 * 60_000).unref();
switch (config.mode) {
  case 'fanout':
    reportResult(await fanout(config));
    break;
  case 'throughput':
    reportResult(await throughput(config));
    break;
  case 'load':
    reportResult(await load(config));
    break;
  default: {
    const never: never = config;
    throw new Error(`Unknown mode ${JSON.stringify(never)}`);
  }
}
process.exit(0);
