/**
 * Applying a table's drawing mapping again (after it changed, or after files were read anew): each
 * record's values come from the stored readings of the files in its mapped attachment cell (for
 * each key, the first file in the cell that has a value). A cell is written when it is empty, when
 * it still holds what a reading last wrote into it (drawing-fills.ts), or with `overwrite`;
 * otherwise a person changed it and it is left alone. Cells already equal are only remembered.
 *
 * One change (one undo step, one SQLite transaction spanning the job): records are done in
 * batches, with progress after each and the job's signal checked between them; a cancel rolls
 * everything back.
 */
import type { DrawingReapplyResult } from '../../../src-shared/api/engine.dto';
import { readRecord } from '../../../src-shared/docs/table-doc';
import { EngineError } from '../../../src-shared/errors';
import type { AttachmentRef } from '../../../src-shared/schema/schema.types';
import { changeAsync, type BaseContext } from '../base/base-context';
import type { CellWrite } from '../ops/ops';
import { projectionTable } from '../projection/projection-names';
import { resolveMapping } from './drawing-mapping.service';
import { sameCell, storedValue, valueFromReadings, type NamedReading } from './drawing-values';
import { lastFills, recordFills, type Fill } from './drawing-fills';
import { ReadingCache } from './extraction-store';

/** Records per batch (one progress step). */
const BATCH = 500;

export interface ReapplyOptions {
  records?: readonly string[] | undefined;
  overwrite?: boolean;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export async function reapplyMapping(ctx: BaseContext, tableRef: string, opts: ReapplyOptions = {}): Promise<DrawingReapplyResult> {
  const table = ctx.session.table(tableRef);
  if (!table.drawingMapping) {
    throw new EngineError('INVALID_INPUT', `'${table.name}' has no drawing mapping yet; drop drawings on it or choose where their values go first.`);
  }
  const mapping = resolveMapping(table);
  if (!mapping.attachment) throw new EngineError('INVALID_INPUT', `The drawing mapping of '${table.name}' names no attachment field to read the drawings from.`);
  const attachment = mapping.attachment;
  const p = projectionTable(table.id);
  let targets: Array<{ id: string; shard: string }>;
  if (opts.records) {
    const find = ctx.session.db.prepare<[string], { id: string; shard: string }>(`SELECT id, shard FROM ${p} WHERE id = ?`);
    targets = [...new Set(opts.records)].map((id) => {
      const row = find.get(id);
      if (!row) throw new EngineError('NOT_FOUND', `No record ${id} in table '${table.name}'.`);
      return row;
    });
  } else {
    targets = ctx.session.db.prepare(`SELECT id, shard FROM ${p} ORDER BY rid`).all() as Array<{ id: string; shard: string }>;
  }
  const result: DrawingReapplyResult = { records: targets.length, updated: 0, cells: 0, skippedEdited: 0, missing: 0, unconverted: 0 };
  const readings = new ReadingCache(ctx);
  const fieldIds = table.fields.map((f) => f.id);
  const label = `Apply drawing mapping to ${targets.length === 1 ? 'a record' : `${targets.length} records`}`;
  await changeAsync(
    ctx,
    label,
    async (w, apply) => {
      for (let start = 0; start < targets.length; start += BATCH) {
        if (opts.signal?.aborted) throw new EngineError('CANCELLED', `Applying the drawing mapping was cancelled; nothing changed.`);
        const batch = targets.slice(start, start + BATCH);
        const fills = lastFills(ctx.session.db, table.id, batch.map((t) => t.id));
        const cells: CellWrite[] = [];
        const remembered: Fill[] = [];
        for (const t of batch) {
          const rec = readRecord(w.shardDoc(table.id, t.shard), t.id, fieldIds);
          if (!rec) continue;
          const refs = rec.values[attachment.id];
          const files: NamedReading[] = [];
          for (const ref of Array.isArray(refs) ? (refs as AttachmentRef[]) : []) {
            const x = typeof ref?.id === 'string' ? readings.ofAttachment(ref.id) : null;
            if (x) files.push({ x, name: ref.name });
          }
          if (files.length === 0) {
            result.missing++;
            continue;
          }
          let wrote = false;
          for (const { key, field } of mapping.values) {
            const v = storedValue(field, valueFromReadings(key, files, field));
            if (!v.ok) {
              result.unconverted++;
              continue;
            }
            if (v.value === null) continue;
            const current = rec.values[field.id] ?? null;
            const fill = { recordId: t.id, fieldId: field.id, value: v.value };
            if (sameCell(current, v.value)) {
              if (fills.get(`${t.id}.${field.id}`) !== JSON.stringify(v.value)) remembered.push(fill);
              continue;
            }
            const ours = current === null || fills.get(`${t.id}.${field.id}`) === JSON.stringify(current);
            if (!ours && !opts.overwrite) {
              result.skippedEdited++;
              continue;
            }
            cells.push({ recordId: t.id, fieldId: field.id, value: v.value });
            remembered.push(fill);
            wrote = true;
          }
          if (wrote) result.updated++;
        }
        if (cells.length > 0) apply({ op: 'setCells', tableId: table.id, cells });
        recordFills(ctx.session.db, table.id, remembered, w.now);
        result.cells += cells.length;
        w.flush();
        opts.onProgress?.(Math.min(start + BATCH, targets.length), targets.length);
        // Let the job's cancel (and progress events) through between batches.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    },
    { kind: 'local', actor: ctx.session.actor },
  );
  return result;
}
