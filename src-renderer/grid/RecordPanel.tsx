/**
 * A record expanded: every field as a form, each edited as its type (see editors.tsx) and saved as
 * it changes, and its history (who changed what, when).
 */
import { useCallback, useEffect, useState } from 'react';
import type { EngineClient } from '../../src-shared/api/engine.contract';
import type { HistoryEntry, RecordOut, TableSchema } from '../../src-shared/api/engine.dto';
import { getFieldType } from '../../src-shared/fields/field-registry';
import type { CellValue } from '../../src-shared/schema/schema.types';
import { FieldInput } from './editors';
import { ErrorLine } from '../app/Messages';

interface Props {
  engine: EngineClient;
  base: string;
  table: TableSchema;
  recordId: string;
  onClose(): void;
}

const SEVERAL_CONTROLS = new Set<string>(['multipleSelect', 'rating', 'attachment']);

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function RecordPanel({ engine, base, table, recordId, onClose }: Props): React.JSX.Element {
  const [record, setRecord] = useState<RecordOut | null>(null);
  const [history, setHistory] = useState<HistoryEntry[]>([]);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const [r, h] = await Promise.all([
        engine['records.get']({ base, table: table.id, id: recordId, keys: 'id' }),
        engine['records.history']({ base, table: table.id, id: recordId, limit: 100 }),
      ]);
      setRecord(r);
      setHistory(h);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [engine, base, table.id, recordId]);

  useEffect(() => {
    void load();
    return engine.onDidChange((e) => {
      if (e.base === base && e.tables.includes(table.id)) void load();
    });
  }, [engine, base, table.id, load]);

  const save = async (fieldId: string, value: unknown): Promise<boolean> => {
    try {
      await engine['records.update']({ base, table: table.id, updates: [{ id: recordId, fields: { [fieldId]: value } }] });
      setError(null);
      return true;
    } catch (e) {
      setError((e as Error).message);
      return false;
    }
  };

  return (
    <aside className="record-panel" aria-label="Record" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <header>
        <h3>{record ? text(record.fields[table.fields[0]?.id ?? '']) || 'Untitled record' : 'Record'}</h3>
        <button type="button" className="icon" aria-label="Close the record" onClick={onClose}>
          ×
        </button>
      </header>
      <ErrorLine message={error} />
      {record && (
        <form className="record-form" onSubmit={(e) => e.preventDefault()}>
          {table.fields.map((f) => {
            const def = getFieldType(f.type);
            const value = record.fields[f.id] as CellValue | undefined;
            // A label activates its first control when clicked: not wanted around several (stars, choices).
            const Wrapper = SEVERAL_CONTROLS.has(f.type) ? 'div' : 'label';
            return (
              <Wrapper key={f.id} className="record-field">
                <span>
                  {f.name} <small>{def.label}</small>
                </span>
                <FieldInput field={f} value={value} onCommit={(v) => save(f.id, v)} onInvalid={setError} />
              </Wrapper>
            );
          })}
        </form>
      )}
      <section className="history" aria-label="History">
        <h4>History</h4>
        <ol>
          {history.map((h, i) => (
            <li key={i}>
              <b>{h.actor}</b>{' '}
              {h.kind === 'create' ? 'created the record' : h.kind === 'delete' ? 'deleted the record' : (
                <>
                  changed <b>{h.fieldName ?? 'a field'}</b> from “{text(h.oldValue)}” to “{text(h.newValue)}”
                </>
              )}
              <time dateTime={h.at}> · {new Date(h.at).toLocaleString()}</time>
            </li>
          ))}
        </ol>
        {history.length === 0 && <p className="muted">No changes recorded yet.</p>}
      </section>
    </aside>
  );
}
