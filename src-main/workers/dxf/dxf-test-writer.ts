/**
 * For tests: DXF text from group codes, with a layer table and blocks, so tests can state
 * exactly the entities they read (see test/bench/dxf-gen.ts for whole drawings).
 */

export type DxfGroup = [number, string | number];

export interface DxfParts {
  header?: DxfGroup[];
  /** Layers of the LAYER table; a negative colour is a layer that is off. */
  layers?: Array<{ name: string; color: number; frozen?: boolean }>;
  blocks?: Array<{ name: string; base?: [number, number]; entities: DxfGroup[] }>;
  entities?: DxfGroup[];
}

export function dxfText(parts: DxfParts): string {
  const groups: DxfGroup[] = [];
  const section = (name: string, body: DxfGroup[]): void => {
    groups.push([0, 'SECTION'], [2, name]);
    for (const g of body) groups.push(g);
    groups.push([0, 'ENDSEC']);
  };
  if (parts.header) section('HEADER', parts.header);
  if (parts.layers) {
    const table: DxfGroup[] = [[0, 'TABLE'], [2, 'LAYER'], [70, parts.layers.length]];
    for (const l of parts.layers) table.push([0, 'LAYER'], [2, l.name], [70, l.frozen ? 1 : 0], [62, l.color], [6, 'CONTINUOUS']);
    table.push([0, 'ENDTAB']);
    section('TABLES', table);
  }
  if (parts.blocks) {
    const body: DxfGroup[] = [];
    for (const b of parts.blocks) {
      body.push([0, 'BLOCK'], [8, '0'], [2, b.name], [70, 0], [10, b.base?.[0] ?? 0], [20, b.base?.[1] ?? 0], [30, 0], [3, b.name]);
      body.push(...b.entities, [0, 'ENDBLK'], [8, '0']);
    }
    section('BLOCKS', body);
  }
  section('ENTITIES', parts.entities ?? []);
  groups.push([0, 'EOF']);
  return groups.map(([code, value]) => `${code}\n${value}`).join('\n') + '\n';
}

/** Entities, by what tests use most. */
export const line = (layer: string, x1: number, y1: number, x2: number, y2: number, extra: DxfGroup[] = []): DxfGroup[] => [
  [0, 'LINE'], [8, layer], ...extra, [10, x1], [20, y1], [30, 0], [11, x2], [21, y2], [31, 0],
];

export const circle = (layer: string, x: number, y: number, r: number, extra: DxfGroup[] = []): DxfGroup[] => [[0, 'CIRCLE'], [8, layer], ...extra, [10, x], [20, y], [30, 0], [40, r]];

export const text = (layer: string, x: number, y: number, height: number, value: string, extra: DxfGroup[] = []): DxfGroup[] => [
  [0, 'TEXT'], [8, layer], ...extra, [10, x], [20, y], [30, 0], [40, height], [1, value],
];

export const insert = (layer: string, block: string, x: number, y: number, extra: DxfGroup[] = []): DxfGroup[] => [
  [0, 'INSERT'], [8, layer], [2, block], [10, x], [20, y], [30, 0], ...extra,
];
