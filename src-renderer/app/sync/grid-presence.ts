/**
 * Other people's selected cells in the grid: an outline in their colour and a small name tag.
 * The columns read a Map (record id + field id → people) through a ref, so a change of presence
 * repaints only the cells it touches (`refreshCells` on those rows and columns), never the columns.
 */
import { useEffect, useRef } from 'react';
import type { CellClassParams, ColDef, GridApi } from 'ag-grid-community';
import type { PresencePeer, RecordOut } from '../../../src-shared/api/engine.dto';
import { peerColor } from './sync-text';

export interface PeerMark {
  name: string;
  color: string;
}

/** Selected cells of others, by `recordId.fieldId`. */
export type PeerCells = ReadonlyMap<string, PeerMark[]>;

export const NO_PEER_CELLS: PeerCells = new Map();

const cellKey = (record: string, field: string): string => `${record}.${field}`;

/** Where the others (not this engine) have a cell selected in `table` (an id; a name also matches). */
export function peerCellsOf(peers: readonly PresencePeer[], table: { id: string; name: string } | null): PeerCells {
  if (!table) return NO_PEER_CELLS;
  const map = new Map<string, PeerMark[]>();
  for (const p of peers) {
    if (p.self || !p.cell || (p.table !== table.id && p.table !== table.name)) continue;
    const key = cellKey(p.cell.record, p.cell.field);
    map.set(key, [...(map.get(key) ?? []), { name: p.user.name, color: peerColor(p.user) }]);
  }
  return map.size ? map : NO_PEER_CELLS;
}

const NO_STYLE = {};
const marksAt = (cells: PeerCells, p: CellClassParams<RecordOut>): PeerMark[] | undefined =>
  p.data && p.colDef.colId ? cells.get(cellKey(p.data.id, p.colDef.colId)) : undefined;

/** A CSS string literal of a name (for the tag's `content`). */
const cssString = (s: string): string => `"${s.replace(/["\\\n\r]/g, ' ')}"`;

/** Column settings that outline and tag a cell someone else has selected. */
export function peerCellColumn(cells: React.RefObject<PeerCells>): Pick<ColDef<RecordOut>, 'cellClassRules' | 'cellStyle'> {
  return {
    cellClassRules: { 'peer-cell': (p) => marksAt(cells.current, p) !== undefined },
    cellStyle: (p) => {
      const marks = marksAt(cells.current, p);
      if (!marks) return NO_STYLE;
      const label = marks.length > 1 ? `${marks[0]!.name} +${marks.length - 1}` : marks[0]!.name;
      return { '--peer-color': marks[0]!.color, '--peer-name': cssString(label) };
    },
  };
}

/** Keeps `ref` on the latest cells and repaints the cells that gained or lost a mark. */
export function usePeerCellsRefresh(api: React.RefObject<GridApi<RecordOut> | null>, cells: PeerCells): React.RefObject<PeerCells> {
  const ref = useRef<PeerCells>(cells);
  useEffect(() => {
    const before = ref.current;
    ref.current = cells;
    const a = api.current;
    if (!a || before === cells) return;
    const touched = new Set([...before.keys(), ...cells.keys()]);
    const rows = new Set<string>();
    const columns = new Set<string>();
    for (const key of touched) {
      const at = key.lastIndexOf('.');
      rows.add(key.slice(0, at));
      columns.add(key.slice(at + 1));
    }
    const rowNodes = [...rows].map((id) => a.getRowNode(id)).filter((n) => n !== undefined);
    if (rowNodes.length) a.refreshCells({ rowNodes, columns: [...columns], force: true });
  }, [api, cells]);
  return ref;
}
