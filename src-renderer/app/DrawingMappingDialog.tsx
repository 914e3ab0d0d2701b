/**
 * Where values read from drawings go in a table: for each key (title block values, text,
 * dimensions, …) a field of the table that can take it, or none. Saving is one undo step. "Re-apply
 * to all records" fills the fields again from the readings the files already have; cells people
 * edited stay unless "overwrite" is ticked; it runs as a job with progress and a Cancel that
 * changes nothing.
 */
import { useEffect, useRef, useState } from 'react';
import type { EngineClient } from '../../src-shared/api/engine.contract';
import type { DrawingKey, DrawingMappingInfo, DrawingReapplyResult } from '../../src-shared/api/engine.dto';
import { getFieldType } from '../../src-shared/fields/field-registry';
import { ErrorLine, NoticeLine } from './Messages';

interface Props {
  client: EngineClient;
  base: string;
  /** Table id or name. */
  table: string;
  onClose: () => void;
}

/** Field id per key; '' is not mapped. */
type Choices = Partial<Record<DrawingKey, string>>;

function choicesOf(info: DrawingMappingInfo): Choices {
  const out: Choices = {};
  for (const e of info.mapping) out[e.key] = e.field;
  return out;
}

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/** The result of a re-apply in words. */
export function describeReapply(r: DrawingReapplyResult): string {
  const parts = [`Updated ${plural(r.updated, 'record', 'records')} (${plural(r.cells, 'cell', 'cells')}) of ${r.records.toLocaleString()}`];
  if (r.skippedEdited > 0) parts.push(`kept ${plural(r.skippedEdited, 'cell', 'cells')} people edited`);
  if (r.missing > 0) parts.push(`${plural(r.missing, 'record has', 'records have')} no drawing read`);
  if (r.unconverted > 0) parts.push(`${plural(r.unconverted, 'value does', 'values do')} not fit its field`);
  return parts.join('; ') + '.';
}

export function DrawingMappingDialog({ client, base, table, onClose }: Props): React.JSX.Element {
  const [info, setInfo] = useState<DrawingMappingInfo | null>(null);
  const [choices, setChoices] = useState<Choices>({});
  const [overwrite, setOverwrite] = useState(false);
  const [busy, setBusy] = useState<'load' | 'save' | 'reapply' | null>('load');
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const job = useRef<string | null>(null);

  useEffect(() => {
    let live = true;
    client['drawings.mapping.get']({ base, table }).then(
      (i) => {
        if (!live) return;
        setInfo(i);
        setChoices(choicesOf(i));
        setBusy(null);
      },
      (e: Error) => {
        if (!live) return;
        setError(e.message);
        setBusy(null);
      },
    );
    return () => {
      live = false;
    };
  }, [client, base, table]);

  useEffect(
    () =>
      client.onDidProgress((e) => {
        if (e.job === job.current) setProgress({ done: e.done, total: e.total });
      }),
    [client],
  );

  const saved = info ? choicesOf(info) : {};
  const dirty = info !== null && (info.keys.some((k) => (choices[k.key] ?? '') !== (saved[k.key] ?? '')) || !info.saved);

  const save = async (): Promise<void> => {
    if (!info) return;
    setBusy('save');
    setError(null);
    setNotice(null);
    try {
      const mapping = info.keys.flatMap((k) => (choices[k.key] ? [{ key: k.key, field: choices[k.key]! }] : []));
      const next = await client['drawings.mapping.set']({ base, table, mapping });
      setInfo(next);
      setChoices(choicesOf(next));
      setNotice('Mapping saved. Drops use it from now on.');
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(null);
    }
  };

  const reapply = async (): Promise<void> => {
    job.current = `reapply-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    setBusy('reapply');
    setProgress(null);
    setError(null);
    setNotice(null);
    try {
      const r = await client['drawings.reapply']({ base, table, overwrite, job: job.current });
      setNotice(describeReapply(r));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      job.current = null;
      setBusy(null);
    }
  };

  const usedBy = (fieldId: string, except: DrawingKey): string | null => {
    const other = info?.keys.find((k) => k.key !== except && choices[k.key] === fieldId);
    return other ? other.label : null;
  };
  const pct = progress && progress.total > 0 ? Math.min(100, Math.round((progress.done / progress.total) * 100)) : 0;

  return (
    <div className="dialog-backdrop" role="presentation" onKeyDown={(e) => e.key === 'Escape' && busy !== 'reapply' && onClose()}>
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="drawing-mapping-title" data-testid="drawing-mapping-dialog" style={{ width: 'min(620px, 92vw)' }}>
        <h2 id="drawing-mapping-title">Fields from drawings</h2>
        <p className="muted">Choose which field each value read from a drawing goes into. Drops fill these fields; values people typed are never replaced.</p>
        {info && !info.saved && <p className="muted">Not saved yet: the first drop would create the missing fields (Drawing No, Title, Revision, Material, Scale) and save this.</p>}
        {busy === 'load' && <p className="muted" role="status">Loading…</p>}
        {info && (
          <div className="preview-wrap mapping-wrap">
            <table className="preview mapping-table" style={{ width: '100%' }}>
              <thead>
                <tr>
                  <th scope="col">Read from the drawing</th>
                  <th scope="col">Goes into field</th>
                </tr>
              </thead>
              <tbody>
                {info.keys.map((k, i) => {
                  const fields = info.fields.filter((f) => k.fieldTypes.includes(f.type));
                  const id = `drawing-key-${k.key}`;
                  return (
                    <tr key={k.key}>
                      <th scope="row">
                        <label htmlFor={id}>{k.label}</label>
                      </th>
                      <td>
                        <select
                          id={id}
                          value={choices[k.key] ?? ''}
                          disabled={busy !== null}
                          autoFocus={i === 0}
                          onChange={(e) => setChoices({ ...choices, [k.key]: e.target.value })}
                        >
                          <option value="">Not mapped</option>
                          {fields.map((f) => {
                            const other = usedBy(f.id, k.key);
                            return (
                              <option key={f.id} value={f.id} disabled={other !== null}>
                                {f.name} ({getFieldType(f.type).label}){other ? ` — used by ${other}` : ''}
                              </option>
                            );
                          })}
                        </select>
                        {fields.length === 0 && <span className="muted"> no {k.fieldTypes.map((t) => getFieldType(t).label.toLowerCase()).join(' / ')} field</span>}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        <div className="row">
          <label className="skip">
            <input type="checkbox" checked={overwrite} disabled={busy !== null} onChange={(e) => setOverwrite(e.target.checked)} />
            Overwrite cells people edited
          </label>
          <button type="button" disabled={!info || busy !== null || dirty} title={dirty ? 'Save the mapping first' : undefined} onClick={() => void reapply()}>
            Re-apply to all records
          </button>
        </div>
        {info && dirty && busy === null && <p className="muted">Save the mapping to re-apply it.</p>}
        {busy === 'reapply' && (
          <div className="progress" aria-label="Re-apply progress">
            <progress max={100} value={pct} />
            <span>{progress ? `${progress.done.toLocaleString()} of ${progress.total.toLocaleString()} records` : 'Starting…'}</span>
          </div>
        )}
        <NoticeLine message={notice} />
        <ErrorLine message={error} />
        <div className="buttons end">
          {busy === 'reapply' ? (
            <button type="button" onClick={() => job.current && void client['job.cancel']({ job: job.current })}>
              Cancel re-apply
            </button>
          ) : (
            <>
              <button type="button" onClick={onClose}>
                Close
              </button>
              <button type="button" className="primary" disabled={!info || busy !== null} onClick={() => void save()}>
                Save
              </button>
            </>
          )}
        </div>
      </div>
    </div>
  );
}
