// Runs the desktop app's built engine process (OUT/main/engine.js) under plain Node, with a small
// stand-in for the two pieces of Electron it touches: `process.parentPort` (an EventEmitter of
// { data, ports }) and MessagePortMain (a Node MessagePort whose 'message' events are wrapped as
// { data }). Everything else is real: the bundle, its worker file, SQLite, the files on disk.
// Prints one JSON line with what each call answered, then asks the engine to shut down.
import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';
import { MessageChannel } from 'node:worker_threads';

const [engineJs, csvFile, baseFile] = process.argv.slice(2);
const parent = new EventEmitter();
Object.defineProperty(process, 'parentPort', { value: parent });
await import(pathToFileURL(engineJs).href);

const { port1, port2 } = new MessageChannel();
const portMain = {
  postMessage: (m) => port1.postMessage(m),
  on: (event, cb) => port1.on(event, event === 'message' ? (data) => cb({ data }) : cb),
  start: () => port1.start(),
  close: () => port1.close(),
};
parent.emit('message', { data: { t: 'connect' }, ports: [portMain] });

let nextId = 0;
const pending = new Map();
const phases = new Set();
port2.on('message', (m) => {
  if (m.t === 'result') pending.get(m.id)?.(m.result);
  else if (m.t === 'event' && m.event === 'progress') phases.add(m.data.phase);
});
const call = (method, input) =>
  new Promise((resolve) => {
    const id = ++nextId;
    pending.set(id, resolve);
    port2.postMessage({ t: 'call', id, method, input });
  });

const created = await call('base.create', { path: baseFile });
const base = created.ok ? created.value.base : null;
const imported = await call('csv.import', { base, path: csvFile, table: 'Parts', job: 'bundle-import' });
const count = await call('records.count', { base, table: 'Parts', filter: { and: [{ field: 'Qty', op: '>=', value: 5000 }] } });
const unknown = await call('fs.readFile', { path: '/etc/passwd' });
process.stdout.write(`${JSON.stringify({ created: created.ok, imported, count, unknown, phases: [...phases] })}\n`);
port2.close();
parent.emit('message', { data: { t: 'shutdown' }, ports: [] });
