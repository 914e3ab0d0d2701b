import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { SqlValue } from '../../../src-shared/fields/field-type';
import { RowBatchBuilder, RowBatchReader, type RowBatch } from './row-batch';

const FIELDS = ['fldAAAAAAAAAAAAAA', 'fldBBBBBBBBBBBBBB', 'fldCCCCCCCCCCCCCC'];

function rowsOf(batch: RowBatch): Array<{ values: SqlValue[]; text: string | null }> {
  const reader = new RowBatchReader(batch);
  return Array.from({ length: batch.count }, (_, r) => {
    const values: SqlValue[] = new Array(FIELDS.length);
    reader.values(r, values, 0);
    return { values, text: reader.text(r) };
  });
}

describe('RowBatch', () => {
  it('gives back every row as written: strings (empty, unicode, lone surrogates), numbers, nulls', () => {
    const rows: Array<{ values: SqlValue[]; text: string | null }> = [
      { values: ['plain', 1.5, 0], text: 'plain\n1.5' },
      { values: ['', -0, 2 ** 53], text: '' },
      { values: [null, null, null], text: null },
      { values: ['ünïcødé 🙂 \ud800 lone', Number.MAX_VALUE, -7], text: 'x'.repeat(5000) },
      { values: ['x'.repeat(40_000), Number.MIN_VALUE, 1_700_000_000_000], text: 'long' },
    ];
    const b = new RowBatchBuilder(FIELDS, ['TEXT', 'REAL', 'INTEGER'], 123, 41, 10);
    for (const r of rows) b.add(r.values, r.text);
    expect(b.count).toBe(rows.length);
    const { batch } = b.finish();
    expect(batch).toMatchObject({ fieldIds: FIELDS, createdAt: 123, firstAutonumber: 41, count: rows.length });
    const back = rowsOf(batch);
    expect(back).toEqual(rows);
    expect(Object.is(back[1]!.values[1], -0)).toBe(true);
  });

  it('travels between threads by transfer, without copying its buffers', () => {
    const b = new RowBatchBuilder(FIELDS, ['TEXT', 'REAL', 'INTEGER'], 1, 1, 2);
    b.add(['a', 1, 2], 'a 1 2');
    b.add(['b', null, 3], null);
    const { batch, transfer } = b.finish();
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(batch, transfer);
    const received = receiveMessageOnPort(port2)!.message as RowBatch;
    port1.close();
    // Transferred buffers are detached on the sending side.
    for (const buf of transfer) expect(buf.byteLength).toBe(0);
    expect(rowsOf(received)).toEqual([
      { values: ['a', 1, 2], text: 'a 1 2' },
      { values: ['b', null, 3], text: null },
    ]);
  });

  it('refuses a value of the wrong storage class, a full batch, and a batch of the wrong shape', () => {
    const b = new RowBatchBuilder(FIELDS, ['TEXT', 'REAL', 'INTEGER'], 1, 1, 1);
    expect(() => b.add([1, 1, 1], null)).toThrow('into a TEXT column');
    expect(() => b.add(['a', 'b', 1], null)).toThrow('into a numeric column');
    b.add(['a', 1, 1], null);
    expect(() => b.add(['a', 1, 1], null)).toThrow('full');
    const { batch } = b.finish();
    // A refused row left nothing behind.
    expect(rowsOf(batch)).toEqual([{ values: ['a', 1, 1], text: null }]);
    expect(() => new RowBatchReader({ ...batch, columns: batch.columns.slice(1) })).toThrow('one column per field');
    expect(() => new RowBatchReader({ ...batch, count: 2 })).toThrow('row count');
  });
});
