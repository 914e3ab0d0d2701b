import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCsv } from './csv-reader';
import { type TempDir, makeTempDir } from './csv-test.util';

/** ~15 MB: 100k rows × 20 columns of numbers, dates, words and quoted text with commas and quotes. */
function writeBigCsv(file: string): number {
  const out = fs.openSync(file, 'w');
  const header = Array.from({ length: 20 }, (_, c) => `Column ${c + 1}`).join(',');
  let text = `${header}\r\n`;
  for (let r = 0; r < 100_000; r++) {
    const row: string[] = [];
    for (let c = 0; c < 20; c++) {
      switch (c % 5) {
        case 0:
          row.push(String(r * 31 + c));
          break;
        case 1:
          row.push(`"P${r % 977},x"`);
          break;
        case 2:
          row.push(`2024-${(r % 9) + 1}-${(r % 28) + 1}`);
          break;
        case 3:
          row.push(`${(r % 1000) / 8}`);
          break;
        default:
          row.push(r % 7 === 0 ? '"6"" p"' : 'st');
      }
    }
    text += `${row.join(',')}\r\n`;
    if (text.length > 1 << 20) {
      fs.writeSync(out, text);
      text = '';
    }
  }
  fs.writeSync(out, text);
  fs.closeSync(out);
  return fs.statSync(file).size;
}

describe('reading speed', () => {
  let tmp: TempDir;
  beforeEach(() => {
    tmp = makeTempDir();
  });
  afterEach(() => tmp.remove());

  // A guard against pathological slowdowns (quadratic buffering, per-char allocation), not a
  // benchmark: `npm run bench -- engine` measures speed. The bound is loose for loaded CI machines.
  it('reads a 15 MB file of 100k rows × 20 columns without pathological slowdown', async () => {
    const file = path.join(tmp.dir, 'big.csv');
    const size = writeBigCsv(file);
    expect(size).toBeGreaterThan(12_000_000);
    expect(size).toBeLessThan(18_000_000);

    const started = performance.now();
    const reader = await openCsv(file);
    let rows = 0;
    let cells = 0;
    for await (const batch of reader.batches()) {
      rows += batch.rows.length;
      cells += batch.rows[0]?.length ?? 0;
    }
    const elapsed = performance.now() - started;

    expect(rows).toBe(100_000);
    expect(cells).toBe(100 * 20);
    expect(elapsed).toBeLessThan(10_000);
  });
});
