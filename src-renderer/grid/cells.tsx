/**
 * How each field type shows and edits in the grid: text formatted by the field registry (currency,
 * percent, dates in the field's format), select chips in their colours, a checkbox that toggles on
 * click, rating stars, links for URLs and e-mail addresses, attachment chips; editors fitting the
 * type (number, date, date and time in the field's zone, select from the choices, ticked choices
 * for multiple selects, long text in a popup).
 */
import type { ColDef, ICellRendererParams } from 'ag-grid-community';
import type { RecordOut } from '../../src-shared/api/engine.dto';
import type { AttachmentRef, CellValue, FieldSchema } from '../../src-shared/schema/schema.types';
import { choicesOf, displayText } from './field-display';
import { DateTimeCellEditor, MultiSelectCellEditor } from './editors';
import { AttachmentChips } from '../preview/Attachments';

export { displayText };

type Col = ColDef<RecordOut>;


function Chip({ name, color }: { name: string; color: string }): React.JSX.Element {
  return <span className={`chip chip-${color}`}>{name}</span>;
}

/** A regex for the starts of words matching the search's words (as the search matches them), or null. */
export function searchPattern(search: string): RegExp | null {
  const words = search
    .split(/\s+/)
    .flatMap((w) => w.match(/[\p{L}\p{N}]+/gu) ?? [])
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return words.length ? new RegExp(`(?<![\\p{L}\\p{N}])(${words.join('|')})`, 'giu') : null;
}

/** Text with the search's matches marked. */
export function Highlighted({ text, pattern }: { text: string; pattern: RegExp | null }): React.JSX.Element {
  if (!pattern || !text) return <>{text}</>;
  const parts: React.ReactNode[] = [];
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    const at = m.index;
    if (at > last) parts.push(text.slice(last, at));
    parts.push(<mark key={at}>{m[0]}</mark>);
    last = at + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <>{parts}</>;
}

/**
 * Column settings for a field: renderer, editor, alignment. `toggle` flips a checkbox cell;
 * `pattern` marks search matches in text cells.
 */
export function columnFor(field: FieldSchema, toggle: (id: string, fieldId: string, value: boolean) => void, pattern: RegExp | null = null): Partial<Col> {
  const valueFormatter = (p: { value: unknown }): string => displayText(field, p.value as CellValue | null);
  const marked = pattern
    ? { cellRenderer: (p: ICellRendererParams<RecordOut>) => <Highlighted text={displayText(field, p.value as CellValue | null)} pattern={pattern} /> }
    : {};
  switch (field.type) {
    case 'checkbox':
      return {
        editable: false,
        cellRenderer: (p: ICellRendererParams<RecordOut>) =>
          p.data ? (
            <input
              type="checkbox"
              className="cell-checkbox"
              aria-label={field.name}
              checked={p.value === true}
              onChange={(e) => toggle(p.data!.id, field.id, e.target.checked)}
            />
          ) : null,
      };
    case 'singleSelect': {
      const choices = choicesOf(field);
      return {
        cellRenderer: (p: ICellRendererParams<RecordOut>) => {
          const c = choices.find((x) => x.name === p.value);
          return p.value ? <Chip name={String(p.value)} color={c?.color ?? 'gray'} /> : null;
        },
        cellEditor: 'agSelectCellEditor',
        cellEditorParams: { values: ['', ...choices.map((c) => c.name)] },
      };
    }
    case 'multipleSelect': {
      const choices = choicesOf(field);
      return {
        cellRenderer: (p: ICellRendererParams<RecordOut>) =>
          Array.isArray(p.value) ? (
            <span className="chips">
              {(p.value as string[]).map((n) => (
                <Chip key={n} name={n} color={choices.find((x) => x.name === n)?.color ?? 'gray'} />
              ))}
            </span>
          ) : null,
        valueFormatter,
        cellEditor: MultiSelectCellEditor,
        cellEditorPopup: true,
        cellEditorParams: { field },
      };
    }
    case 'rating': {
      const max = (field.options as { max?: number }).max ?? 5;
      return {
        cellRenderer: (p: ICellRendererParams<RecordOut>) =>
          p.data ? (
            <span className="stars" aria-label={`${Number(p.value ?? 0)} of ${max}`}>
              {'★'.repeat(Number(p.value ?? 0))}
              <span className="stars-off">{'★'.repeat(Math.max(0, max - Number(p.value ?? 0)))}</span>
            </span>
          ) : null,
        cellEditor: 'agNumberCellEditor',
        cellEditorParams: { min: 0, max, precision: 0 },
      };
    }
    case 'url':
      return {
        cellRenderer: (p: ICellRendererParams<RecordOut>) =>
          typeof p.value === 'string' && /^https?:\/\//i.test(p.value) ? (
            <a href={p.value} target="_blank" rel="noopener noreferrer">
              <Highlighted text={p.value} pattern={pattern} />
            </a>
          ) : (
            (p.value as string | undefined) ?? null
          ),
      };
    case 'email':
      return {
        cellRenderer: (p: ICellRendererParams<RecordOut>) =>
          typeof p.value === 'string' ? (
            <a href={`mailto:${p.value}`}>
              <Highlighted text={p.value} pattern={pattern} />
            </a>
          ) : null,
      };
    case 'attachment':
      return {
        editable: false,
        cellRenderer: (p: ICellRendererParams<RecordOut>) => (Array.isArray(p.value) ? <AttachmentChips value={p.value as AttachmentRef[]} /> : null),
      };
    case 'number':
    case 'currency':
    case 'percent':
    case 'duration':
      return { valueFormatter, ...marked, cellEditor: field.type === 'number' ? 'agNumberCellEditor' : 'agTextCellEditor', type: 'rightAligned' };
    case 'date':
      return { valueFormatter, ...marked, cellEditor: 'agDateStringCellEditor' };
    case 'dateTime':
      return { valueFormatter, ...marked, cellEditor: DateTimeCellEditor, cellEditorPopup: true, cellEditorParams: { field } };
    case 'longText':
      return { valueFormatter, ...marked, cellEditor: 'agLargeTextCellEditor', cellEditorPopup: true };
    default:
      return { valueFormatter, ...marked, ...(field.type === 'autonumber' ? { type: 'rightAligned' } : {}) };
  }
}
