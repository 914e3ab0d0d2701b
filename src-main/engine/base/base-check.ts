/**
 * `baseplate base check`: an integrity report. Checks SQLite's own integrity, the file's identity,
 * that every doc loads, and that each table's projection equals what its docs say, row by row.
 */
import type { CheckReport } from '../../../src-shared/api/engine.dto';
import { parseShardDocId, readRecord, recordIds } from '../../../src-shared/docs/table-doc';
import { SCHEMA_DOC_ID } from '../../../src-shared/docs/schema-doc';
import { BASE_APPLICATION_ID } from '../db/base-file';
import { fieldColumn, projectionTable, searchTable } from '../projection/projection-names';
import type { BaseSession } from './base-session';

const MAX_REPORTED = 50;

export function checkBase(session: BaseSession): CheckReport {
  const problems: string[] = [];
  const report = (p: string): void => {
    if (problems.length < MAX_REPORTED) problems.push(p);
    else if (problems.length === MAX_REPORTED) problems.push('… more problems not listed');
  };
  const db = session.db;
  const integrity = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
  for (const r of integrity) if (r.integrity_check !== 'ok') report(`SQLite integrity: ${r.integrity_check}`);
  if (db.pragma('application_id', { simple: true }) !== BASE_APPLICATION_ID) report('The file is not marked as a Baseplate base.');

  for (const docId of session.docs.storedDocIds()) {
    try {
      session.docs.encodeStored(docId);
    } catch (e) {
      report(`Document ${docId} does not load: ${(e as Error).message}`);
    }
    if (docId !== SCHEMA_DOC_ID && !parseShardDocId(docId)) report(`Unknown document ${docId}.`);
  }

  const tables: CheckReport['tables'] = [];
  const schema = session.schema();
  const projected = new Set(session.projector.projectedTableIds());
  for (const id of projected) if (!schema.tables.some((t) => t.id === id)) report(`Projection p_${id} belongs to no table.`);
  for (const table of schema.tables) {
    if (!projected.has(table.id)) {
      report(`Table '${table.name}' has no projection; run 'baseplate base rebuild'.`);
      continue;
    }
    const cols = table.fields.map((f) => fieldColumn(f.id));
    let rows: Map<string, Record<string, unknown>>;
    try {
      const all = db
        .prepare(`SELECT id, shard, n, created_at, search_text${cols.map((c) => ', ' + c).join('')} FROM ${projectionTable(table.id)}`)
        .raw()
        .all() as unknown[][];
      rows = new Map(all.map((r) => [String(r[0]), { shard: r[1], n: r[2], created: r[3], text: r[4], cells: r.slice(5) }]));
    } catch (e) {
      report(`Table '${table.name}': projection is unreadable (${(e as Error).message}); run 'baseplate base rebuild'.`);
      continue;
    }
    const fieldIds = table.fields.map((f) => f.id);
    let count = 0;
    for (const docId of session.shardDocIds(table.id)) {
      const wasLoaded = session.docs.isLoaded(docId);
      const doc = session.docs.get(docId);
      const { shardId } = parseShardDocId(docId)!;
      for (const rid of recordIds(doc)) {
        const rec = readRecord(doc, rid, fieldIds)!;
        count++;
        const row = rows.get(rid) as { shard: string; n: number; created: number; text: string | null; cells: unknown[] } | undefined;
        if (!row) {
          report(`Table '${table.name}': record ${rid} is missing from the projection.`);
          continue;
        }
        rows.delete(rid);
        const expected = session.projector.project(table, rec);
        if (
          row.shard !== shardId ||
          row.n !== rec.autonumber ||
          row.created !== rec.createdAt ||
          row.text !== (expected.text || null) ||
          JSON.stringify(row.cells) !== JSON.stringify(expected.row)
        ) {
          report(`Table '${table.name}': record ${rid} differs from its document.`);
        }
      }
      if (!wasLoaded) session.docs.evict(docId);
    }
    for (const rid of rows.keys()) report(`Table '${table.name}': projected record ${rid} has no document.`);
    // The search index must hold exactly the rows' texts; rows still in the backlog are not indexed yet.
    if (!session.projector.backlogTables().includes(table.id)) {
      const fts = searchTable(table.id);
      try {
        db.prepare(`INSERT INTO ${fts} (${fts}, rank) VALUES ('integrity-check', 1)`).run();
      } catch (e) {
        report(`Table '${table.name}': the search index does not match the records (${(e as Error).message}); run 'baseplate base rebuild'.`);
      }
    }
    tables.push({ id: table.id, name: table.name, records: count });
  }
  return { ok: problems.length === 0, problems, tables };
}
