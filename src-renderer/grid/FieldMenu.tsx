/** The menu of a column header (right-click): edit, insert, hide, sort, filter by, delete. */
import { useEffect, useRef } from 'react';

export type FieldAction = 'edit' | 'insertLeft' | 'insertRight' | 'hide' | 'sortAsc' | 'sortDesc' | 'filter' | 'delete';

const ITEMS: Array<[FieldAction, string]> = [
  ['edit', 'Edit field…'],
  ['insertLeft', 'Insert field left'],
  ['insertRight', 'Insert field right'],
  ['sortAsc', 'Sort ascending'],
  ['sortDesc', 'Sort descending'],
  ['filter', 'Filter by this field'],
  ['hide', 'Hide field'],
  ['delete', 'Delete field…'],
];

interface Props {
  x: number;
  y: number;
  fieldName: string;
  onAction(action: FieldAction): void;
  onClose(): void;
}

export function FieldMenu({ x, y, fieldName, onAction, onClose }: Props): React.JSX.Element {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLButtonElement>('button')?.focus();
    const away = (e: MouseEvent): void => {
      if (!ref.current?.contains(e.target as Node)) onClose();
    };
    window.addEventListener('mousedown', away);
    return () => window.removeEventListener('mousedown', away);
  }, [onClose]);
  return (
    <div
      ref={ref}
      className="menu"
      role="menu"
      aria-label={`Field ${fieldName}`}
      style={{ left: x, top: y }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
        if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
          e.preventDefault();
          const items = [...(ref.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])];
          const at = items.indexOf(document.activeElement as HTMLButtonElement);
          items[(at + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
        }
      }}
    >
      {ITEMS.map(([action, label]) => (
        <button key={action} type="button" role="menuitem" className={action === 'delete' ? 'danger' : ''} onClick={() => onAction(action)}>
          {label}
        </button>
      ))}
    </div>
  );
}
