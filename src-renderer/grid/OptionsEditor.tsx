/** Type options of a field: precision, currency symbol, date and time formats, rating scale, select choices. */
import { SELECT_COLORS, type FieldType, type SelectChoice } from '../../src-shared/schema/schema.types';

type Options = Record<string, unknown>;

interface Props {
  type: FieldType;
  options: Options;
  onChange(options: Options): void;
}

const DATE_FORMATS = [
  ['iso', '2026-03-01'],
  ['us', '3/1/2026'],
  ['european', '1/3/2026'],
  ['friendly', 'March 1, 2026'],
] as const;

export function OptionsEditor({ type, options, onChange }: Props): React.JSX.Element | null {
  const set = (key: string, value: unknown): void => onChange({ ...options, [key]: value });
  const parts: React.ReactNode[] = [];
  if ('precision' in options) {
    parts.push(
      <label key="precision">
        Decimal places
        <input aria-label="Decimal places" type="number" min={0} max={8} value={Number(options.precision)} onChange={(e) => set('precision', Number(e.target.value))} />
      </label>,
    );
  }
  if (type === 'currency') {
    parts.push(
      <label key="symbol">
        Currency symbol
        <input aria-label="Currency symbol" value={String(options.symbol ?? '')} maxLength={5} onChange={(e) => set('symbol', e.target.value)} />
      </label>,
    );
  }
  if ('dateFormat' in options) {
    parts.push(
      <label key="dateFormat">
        Date format
        <select aria-label="Date format" value={String(options.dateFormat)} onChange={(e) => set('dateFormat', e.target.value)}>
          {DATE_FORMATS.map(([v, example]) => (
            <option key={v} value={v}>
              {example}
            </option>
          ))}
        </select>
      </label>,
    );
  }
  if ('timeFormat' in options) {
    parts.push(
      <label key="timeFormat">
        Time format
        <select aria-label="Time format" value={String(options.timeFormat)} onChange={(e) => set('timeFormat', e.target.value)}>
          <option value="24h">24-hour</option>
          <option value="12h">12-hour</option>
        </select>
      </label>,
    );
  }
  if ('timeZone' in options) {
    parts.push(
      <label key="timeZone">
        Time zone
        <input aria-label="Time zone" value={String(options.timeZone)} onChange={(e) => set('timeZone', e.target.value)} placeholder="Europe/Berlin" />
      </label>,
    );
  }
  if (type === 'rating') {
    parts.push(
      <label key="max">
        Highest rating
        <input aria-label="Highest rating" type="number" min={1} max={10} value={Number(options.max)} onChange={(e) => set('max', Number(e.target.value))} />
      </label>,
    );
  }
  if (type === 'singleSelect' || type === 'multipleSelect') {
    const choices = (options.choices as SelectChoice[] | undefined) ?? [];
    const setChoices = (next: Array<Partial<SelectChoice>>): void => set('choices', next);
    parts.push(
      <fieldset key="choices" className="choices">
        <legend>Choices</legend>
        {choices.map((c, i) => (
          <div key={c.id ?? i} className="choice-row">
            <select aria-label={`Colour of choice ${i + 1}`} value={c.color} className={`chip chip-${c.color}`} onChange={(e) => setChoices(choices.map((x, j) => (j === i ? { ...x, color: e.target.value as SelectChoice['color'] } : x)))}>
              {SELECT_COLORS.map((color) => (
                <option key={color} value={color}>
                  {color}
                </option>
              ))}
            </select>
            <input aria-label={`Choice ${i + 1}`} value={c.name} onChange={(e) => setChoices(choices.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))} />
            <button type="button" className="icon" aria-label={`Remove choice ${c.name || i + 1}`} onClick={() => setChoices(choices.filter((_, j) => j !== i))}>
              ×
            </button>
          </div>
        ))}
        <button type="button" onClick={() => setChoices([...choices, { name: `Option ${choices.length + 1}`, color: SELECT_COLORS[choices.length % SELECT_COLORS.length]! }])}>
          + Choice
        </button>
      </fieldset>,
    );
  }
  return parts.length ? <div className="options-editor">{parts}</div> : null;
}
