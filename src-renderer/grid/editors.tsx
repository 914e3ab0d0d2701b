/**
 * Editors that fit each field type: in the grid, a date-and-time picker in the field's time zone
 * and a choice list for multiple selects (AG Grid custom editors); in the record panel, one input
 * per type (`FieldInput`): checkbox, choices, stars, date and time pickers, numbers and text read as
 * the field reads typed text, long text and JSON in a text area.
 */
import { useEffect, useState } from 'react';
import type { CustomCellEditorProps } from 'ag-grid-react';
import type { RecordOut } from '../../src-shared/api/engine.dto';
import { getFieldType } from '../../src-shared/fields/field-registry';
import { instantFromWallInput, wallTimeInput } from '../../src-shared/fields/date-time-text.util';
import type { AttachmentRef, CellValue, FieldSchema } from '../../src-shared/schema/schema.types';
import { choicesOf, displayText } from './field-display';
import { AttachmentTiles } from '../preview/Attachments';

function zoneOf(field: FieldSchema): string {
  return (field.options as { timeZone?: string }).timeZone ?? 'UTC';
}

type GridEditorProps = CustomCellEditorProps<RecordOut, CellValue> & { field: FieldSchema };

/** A date and time picker showing and reading wall time in the field's time zone. */
export function DateTimeCellEditor({ value, onValueChange, field }: GridEditorProps): React.JSX.Element {
  const zone = zoneOf(field);
  const [text, setText] = useState(() => wallTimeInput(value, zone));
  return (
    <div className="cell-popup">
      <input
        type="datetime-local"
        step={1}
        autoFocus
        aria-label={`${field.name}, in ${zone}`}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value === '') onValueChange(null);
          else {
            const iso = instantFromWallInput(e.target.value, zone);
            if (iso) onValueChange(iso);
          }
        }}
      />
      <small className="muted">{zone}</small>
    </div>
  );
}

/** Choice chips to tick, in the field's order. */
function ChoiceSet({ field, names, onChange, label }: { field: FieldSchema; names: readonly string[]; onChange(names: string[]): void; label: string }): React.JSX.Element {
  const choices = choicesOf(field);
  const picked = new Set(names);
  return (
    <fieldset className="choice-set" aria-label={label}>
      {choices.map((c, i) => (
        <label key={c.id} className={`chip chip-${c.color}`}>
          <input
            type="checkbox"
            autoFocus={i === 0}
            checked={picked.has(c.name)}
            onChange={(e) => {
              const next = new Set(picked);
              if (e.target.checked) next.add(c.name);
              else next.delete(c.name);
              onChange(choices.filter((x) => next.has(x.name)).map((x) => x.name));
            }}
          />
          {c.name}
        </label>
      ))}
      {choices.length === 0 && <span className="muted">No options yet: add them in the field's settings.</span>}
    </fieldset>
  );
}

/** The options of a multiple select, ticked or not. */
export function MultiSelectCellEditor({ value, onValueChange, field }: GridEditorProps): React.JSX.Element {
  const [names, setNames] = useState<string[]>(() => (Array.isArray(value) ? (value as string[]) : []));
  return (
    <div className="cell-popup">
      <ChoiceSet
        field={field}
        names={names}
        label={field.name}
        onChange={(next) => {
          setNames(next);
          onValueChange(next.length === 0 ? null : next);
        }}
      />
    </div>
  );
}

interface FieldInputProps {
  field: FieldSchema;
  /** The value in its JSON form (what queries return). */
  value: CellValue | null | undefined;
  /** Saves a new value (JSON form): resolves true once saved, false when it was not. */
  onCommit(value: unknown): Promise<boolean>;
  /** A message when typed text cannot be read as the field's type. */
  onInvalid(message: string): void;
}

/**
 * A value shown at once as picked (checkbox, choices, stars, date), while the save goes to the
 * engine: back to what is saved when the save fails, and to whatever the record says next.
 */
function useOptimistic<T>(saved: T, onCommit: (value: unknown) => Promise<boolean>): [T, (next: T, sent?: unknown) => void] {
  const [shown, setShown] = useState(saved);
  useEffect(() => setShown(saved), [saved]);
  const pick = (next: T, sent: unknown = next): void => {
    setShown(next);
    void onCommit(sent).then((ok) => {
      if (!ok) setShown(saved);
    });
  };
  return [shown, pick];
}

/** One field of the record panel, edited as its type. */
export function FieldInput({ field, value, onCommit, onInvalid }: FieldInputProps): React.JSX.Element {
  const def = getFieldType(field.type);
  const label = field.name;
  if (def.computed) return <input aria-label={label} value={displayText(field, value)} readOnly />;
  switch (field.type) {
    case 'checkbox':
      return <CheckboxInput field={field} value={value} onCommit={onCommit} />;
    case 'singleSelect':
      return <SelectInput field={field} value={value} onCommit={onCommit} />;
    case 'multipleSelect':
      return <ChoicesInput field={field} value={value} onCommit={onCommit} />;
    case 'rating':
      return <RatingInput field={field} value={value} onCommit={onCommit} />;
    case 'date':
      return <DateInput field={field} value={value} onCommit={onCommit} />;
    case 'dateTime':
      return <DateTimeInput field={field} value={value} onCommit={onCommit} />;
    case 'attachment':
      return <AttachmentTiles value={Array.isArray(value) ? (value as AttachmentRef[]) : []} label={label} />;
    case 'longText':
    case 'json':
      return <TextInput field={field} value={value} onCommit={onCommit} onInvalid={onInvalid} multiline />;
    default:
      return <TextInput field={field} value={value} onCommit={onCommit} onInvalid={onInvalid} />;
  }
}

type PickerProps = Pick<FieldInputProps, 'field' | 'value' | 'onCommit'>;

function CheckboxInput({ field, value, onCommit }: PickerProps): React.JSX.Element {
  const [checked, pick] = useOptimistic(value === true, onCommit);
  return <input aria-label={field.name} type="checkbox" className="field-checkbox" checked={checked} onChange={(e) => pick(e.target.checked)} />;
}

function SelectInput({ field, value, onCommit }: PickerProps): React.JSX.Element {
  const [name, pick] = useOptimistic(typeof value === 'string' ? value : '', onCommit);
  return (
    <select aria-label={field.name} value={name} onChange={(e) => pick(e.target.value, e.target.value === '' ? null : e.target.value)}>
      <option value="">—</option>
      {choicesOf(field).map((c) => (
        <option key={c.id} value={c.name}>
          {c.name}
        </option>
      ))}
    </select>
  );
}

function ChoicesInput({ field, value, onCommit }: PickerProps): React.JSX.Element {
  const saved = Array.isArray(value) ? (value as string[]).join('\n') : '';
  const [names, pick] = useOptimistic(saved, onCommit);
  const list = names === '' ? [] : names.split('\n');
  return <ChoiceSet field={field} label={field.name} names={list} onChange={(next) => pick(next.join('\n'), next.length === 0 ? null : next)} />;
}

function RatingInput({ field, value, onCommit }: PickerProps): React.JSX.Element {
  const max = (field.options as { max?: number }).max ?? 5;
  const [n, pick] = useOptimistic(typeof value === 'number' ? value : 0, onCommit);
  return (
    <span className="stars-input" role="radiogroup" aria-label={field.name}>
      {Array.from({ length: max }, (_, i) => (
        <button
          key={i}
          type="button"
          role="radio"
          aria-checked={n === i + 1}
          aria-label={`${i + 1} of ${max}`}
          className={i < n ? 'star on' : 'star'}
          // The rating given, clicked again, clears it.
          onClick={() => pick(n === i + 1 ? 0 : i + 1, n === i + 1 ? null : i + 1)}
        >
          ★
        </button>
      ))}
    </span>
  );
}

function DateInput({ field, value, onCommit }: PickerProps): React.JSX.Element {
  const [date, pick] = useOptimistic(typeof value === 'string' ? value : '', onCommit);
  return <input aria-label={field.name} type="date" value={date} onChange={(e) => pick(e.target.value, e.target.value === '' ? null : e.target.value)} />;
}

function DateTimeInput({ field, value, onCommit }: Pick<FieldInputProps, 'field' | 'value' | 'onCommit'>): React.JSX.Element {
  const zone = zoneOf(field);
  const shown = wallTimeInput(value, zone);
  const [text, setText] = useState(shown);
  useEffect(() => setText(shown), [shown]);
  const commit = (): void => {
    if (text === shown) return;
    if (text === '') void onCommit(null);
    else {
      const iso = instantFromWallInput(text, zone);
      if (iso) void onCommit(iso);
    }
  };
  return (
    <span className="date-time-input">
      <input aria-label={field.name} type="datetime-local" step={1} value={text} onChange={(e) => setText(e.target.value)} onBlur={commit} onKeyDown={(e) => e.key === 'Enter' && commit()} />
      <small className="muted">{zone}</small>
    </span>
  );
}

/** Text read as the field reads typed text (numbers, currency, durations…), saved on Enter or leaving. */
function TextInput({ field, value, onCommit, onInvalid, multiline = false }: Omit<FieldInputProps, 'value'> & { value: CellValue | null | undefined; multiline?: boolean }): React.JSX.Element {
  const shown = field.type === 'json' ? (value === undefined || value === null ? '' : JSON.stringify(value, null, 2)) : displayText(field, value);
  const [text, setText] = useState(shown);
  useEffect(() => setText(shown), [shown]);
  const commit = (): void => {
    if (text === shown) return;
    if (field.type === 'json') {
      let json: unknown = null;
      try {
        if (text.trim() !== '') json = JSON.parse(text) as unknown;
      } catch {
        onInvalid(`${field.name}: that is not valid JSON`);
        return;
      }
      void onCommit(json);
      return;
    }
    const parsed = getFieldType(field.type).parse(text, field.options);
    if (!parsed.ok) onInvalid(`${field.name}: ${parsed.message}`);
    else void onCommit(parsed.value);
  };
  const link = field.type === 'url' && /^https?:\/\//i.test(shown) ? shown : field.type === 'email' && shown ? `mailto:${shown}` : null;
  const input = multiline ? (
    <textarea aria-label={field.name} rows={field.type === 'json' ? 5 : 3} value={text} onChange={(e) => setText(e.target.value)} onBlur={commit} />
  ) : (
    <input aria-label={field.name} value={text} onChange={(e) => setText(e.target.value)} onBlur={commit} onKeyDown={(e) => e.key === 'Enter' && commit()} />
  );
  return link ? (
    <span className="linked-input">
      {input}
      <a href={link} target="_blank" rel="noopener noreferrer" aria-label={`Open ${field.name}`}>
        ↗
      </a>
    </span>
  ) : (
    input
  );
}
