/**
 * The desktop app's engine as built (electron-vite, into a folder of its own under out/): the
 * bundle finds its SQL migrations and its import worker beside it, answers the wire protocol on a
 * port, imports a CSV big enough to go through the worker, refuses methods outside the contract,
 * and shuts down leaving a base that reopens. Electron itself cannot run here, so a small harness
 * stands in for `process.parentPort` (engine-bundle-harness.mjs); everything else is real.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDesktop } from '../build-desktop';
import { Engine } from '../../src-main/engine/engine';
import { makeTempDir } from '../../src-main/engine/testing/temp-dir';
import { call } from '../bench/bench-util';
import { drawingDxf } from '../bench/dxf-gen';
import { corpusAvailable, corpusPath } from '../../src-main/workers/testing/corpus';
import { Worker } from 'node:worker_threads';

/** Runs one job in a built worker file (the serve.ts protocol) and gives its reply. */
function runBuiltWorker(script: string, file: string, outDir?: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(script);
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`${script} did not answer for ${file}`));
    }, 60_000);
    worker.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    worker.on('message', (m: { type: string }) => {
      if (m.type === 'ready') worker.postMessage({ type: 'job', id: 1, input: { path: file, ...(outDir ? { outDir } : {}) } });
      else {
        clearTimeout(timer);
        void worker.terminate();
        resolve(m);
      }
    });
  });
}

const root = path.resolve(import.meta.dirname, '../..');

describe('desktop engine bundle', () => {
  const out = path.join(root, 'out', `test-desktop-${process.pid}`);
  const tmp = makeTempDir();
  afterAll(() => {
    fs.rmSync(out, { recursive: true, force: true });
    tmp.cleanup();
  });

  it('builds, serves calls over a port, imports through its worker, and shuts down cleanly', async () => {
    await buildDesktop(out);
    for (const f of ['main/main.js', 'main/engine.js', 'main/import.worker.js', 'main/extract.worker.js', 'main/migrations/meta/_journal.json', 'preload/index.cjs', 'renderer/index.html']) {
      expect(fs.existsSync(path.join(out, f)), f).toBe(true);
    }
    // The sandboxed preload can load nothing but 'electron'.
    const preload = fs.readFileSync(path.join(out, 'preload/index.cjs'), 'utf8');
    expect([...new Set([...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]))]).toEqual(['electron']);

    // The built extraction worker reads each kind of drawing (the build must keep its dependencies loadable).
    const drawing = tmp.file('built.dxf');
    fs.writeFileSync(drawing, drawingDxf(7));
    const kinds = [drawing, ...(corpusAvailable() ? [corpusPath('pdf/Gripper.PDF'), corpusPath('img/Candle_holder.jpg')] : [])];
    for (const [i, file] of kinds.entries()) {
      // With a folder for previews: thumbnails drawn with @napi-rs/canvas, and a DXF's geometry.
      const previews = tmp.file(`previews-${i}`);
      fs.mkdirSync(previews);
      const reply = (await runBuiltWorker(path.join(out, 'main/extract.worker.js'), file, previews)) as { value: { previews?: { thumbnails: string[]; geometry?: string } } };
      expect(reply, file).toMatchObject({ type: 'done', value: { file } });
      const made = reply.value.previews!;
      expect(made.thumbnails.length, file).toBeGreaterThan(0);
      for (const name of [...made.thumbnails, ...(made.geometry ? [made.geometry] : [])]) expect(fs.statSync(path.join(previews, name)).size, name).toBeGreaterThan(100);
      if (file.endsWith('.dxf')) expect(made.geometry).toBe('geometry.bin');
    }
    const dxfReply = (await runBuiltWorker(path.join(out, 'main/extract.worker.js'), drawing)) as { value: { titleBlock: { drawingNumber: string } } };
    expect(dxfReply.value.titleBlock.drawingNumber).toBe('BP-10007');

    const rows = 6000; // over the bulk threshold, so the import runs in the worker thread
    const csv = ['Part,Qty', ...Array.from({ length: rows }, (_, i) => `P-${i},${i}`)].join('\n');
    fs.writeFileSync(tmp.file('parts.csv'), csv);
    const file = tmp.file('bundle.base');
    const stdout = execFileSync(process.execPath, [path.join(import.meta.dirname, 'engine-bundle-harness.mjs'), path.join(out, 'main/engine.js'), tmp.file('parts.csv'), file], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as {
      created: boolean;
      imported: { ok: boolean; value?: { imported: number } };
      count: { ok: boolean; value?: { count: number } };
      unknown: { ok: boolean; error?: { code: string } };
      phases: string[];
    };
    expect(result.created).toBe(true);
    expect(result.imported).toMatchObject({ ok: true, value: { imported: rows } });
    expect(result.count).toEqual({ ok: true, value: { count: 1000 } });
    expect(result.unknown).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(result.phases.length).toBeGreaterThan(0);

    // Shut down cleanly: the base reopens in this process with everything in it.
    const engine = new Engine();
    try {
      const { base } = await call<{ base: string }>(engine, 'base.open', { path: file });
      expect(await call(engine, 'records.count', { base, table: 'Parts' })).toEqual({ count: rows });
      expect(await call(engine, 'base.check', { base })).toMatchObject({ ok: true });
    } finally {
      engine.close();
    }
  }, 120_000);
});
