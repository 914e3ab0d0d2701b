/**
 * Edit a field: name, type and description. Changing the type shows what the conversion will do
 * (how many cells convert, how many cannot and are emptied; undo brings them back) before it is saved.
 */
import { useEffect, useState } from 'react';
import type { EngineClient } from '../../src-shared/api/engine.contract';
import type { FieldChangeReport } from '../../src-shared/api/engine.dto';
import { getFieldType } from '../../src-shared/fields/field-registry';
import { FIELD_TYPES, type FieldSchema, type FieldType } from '../../src-shared/schema/schema.types';
import { OptionsEditor } from './OptionsEditor';
import { ErrorLine } from '../app/Messages';

interface Props {
  engine: EngineClient;
  base: string;
  tableId: string;
  field: FieldSchema;
  onDone(message: string | null): void;
}

export function FieldDialog({ engine, base, tableId, field, onDone }: Props): React.JSX.Element {
  const [name, setName] = useState(field.name);
  const [type, setType] = useState<FieldType>(field.type);
  const [description, setDescription] = useState(field.description ?? '');
  // The field's options while its type stays; the new type's defaults once it changes.
  const [options, setOptions] = useState<Record<string, unknown>>(field.options as unknown as Record<string, unknown>);
  const optionsChanged = JSON.stringify(options) !== JSON.stringify(field.options);
  const [preview, setPreview] = useState<Omit<FieldChangeReport, 'field'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setPreview(null);
    if (type === field.type) return;
    let live = true;
    engine['field.previewChange']({ base, table: tableId, field: field.id, type, options }).then(
      (p) => live && setPreview(p),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
    // Options edits do not re-run the preview (it reads them once the type is chosen).
  }, [engine, base, tableId, field.id, field.type, type]);

  const save = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const r = await engine['field.update']({
        base,
        table: tableId,
        field: field.id,
        ...(name.trim() !== field.name ? { name: name.trim() } : {}),
        ...(type !== field.type ? { type } : {}),
        ...(type !== field.type || optionsChanged ? { options } : {}),
        ...(description !== (field.description ?? '') ? { description } : {}),
      });
      onDone(type !== field.type ? `Converted ${r.converted} ${r.converted === 1 ? 'cell' : 'cells'}${r.failed ? `; ${r.failed} could not be converted and were emptied (Ctrl+Z brings them back)` : ''}.` : null);
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };

  return (
    <div className="dialog-backdrop" role="presentation" onKeyDown={(e) => e.key === 'Escape' && onDone(null)}>
      <form
        className="dialog field-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="field-dialog-title"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <h2 id="field-dialog-title">Edit field</h2>
        <label>
          Name
          <input aria-label="Name" value={name} onChange={(e) => setName(e.target.value)} autoFocus />
        </label>
        <label>
          Type
          <select
            aria-label="Type"
            value={type}
            onChange={(e) => {
              const next = e.target.value as FieldType;
              setType(next);
              setOptions(next === field.type ? (field.options as unknown as Record<string, unknown>) : (getFieldType(next).defaultOptions() as unknown as Record<string, unknown>));
            }}
          >
            {FIELD_TYPES.map((t) => (
              <option key={t} value={t}>
                {getFieldType(t).label}
              </option>
            ))}
          </select>
        </label>
        {type !== field.type && (
          <p className="muted" role="status">
            {preview
              ? `${preview.converted} ${preview.converted === 1 ? 'cell converts' : 'cells convert'}${preview.failed ? `; ${preview.failed} cannot and will be emptied (undo brings them back), e.g. “${preview.failures[0]?.value ?? ''}”` : ''}.`
              : 'Checking how the cells convert…'}
          </p>
        )}
        <OptionsEditor type={type} options={options} onChange={setOptions} />
        <label>
          Description
          <textarea aria-label="Description" value={description} onChange={(e) => setDescription(e.target.value)} rows={3} />
        </label>
        <ErrorLine message={error} />
        <div className="buttons end">
          <button type="button" onClick={() => onDone(null)}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || !name.trim()}>
            Save
          </button>
        </div>
      </form>
    </div>
  );
}
