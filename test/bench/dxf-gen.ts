/**
 * Writes DXF drawings for benchmarks and tests: a title block as a block with attributes (drawing
 * number, title, revision, material, scale), an outline, dimensions with tolerances, a thread
 * note and a feature control frame. Deterministic from a seed; a few hundred lines of DXF each.
 */
import fs from 'node:fs';

type Group = [number, string | number];

function section(name: string, groups: Group[]): Group[] {
  return [[0, 'SECTION'], [2, name], ...groups, [0, 'ENDSEC']];
}

export function drawingDxf(n: number): string {
  const no = `BP-${String(10_000 + n)}`;
  const w = 100 + (n % 7) * 10;
  const h = 60 + (n % 5) * 10;
  const lines: Group[] = [];
  for (let i = 0; i < 40; i++) lines.push([0, 'LINE'], [8, 'OUTLINE'], [10, (i * 7) % w], [20, (i * 3) % h], [30, 0], [11, (i * 11) % w], [21, (i * 5) % h], [31, 0]);
  const groups: Group[] = [
    ...section('HEADER', [[9, '$ACADVER'], [1, 'AC1015'], [9, '$INSUNITS'], [70, 4], [9, '$DIMDEC'], [70, 2]]),
    ...section('BLOCKS', [
      [0, 'BLOCK'], [8, '0'], [2, 'TITLEBLOCK'], [70, 2], [10, 0], [20, 0], [30, 0],
      [0, 'TEXT'], [8, '0'], [10, 0], [20, 12], [40, 2], [1, 'DRAWING NO.'],
      [0, 'TEXT'], [8, '0'], [10, 0], [20, 6], [40, 2], [1, 'TITLE'],
      [0, 'ENDBLK'], [8, '0'],
    ]),
    ...section('ENTITIES', [
      ...lines,
      [0, 'INSERT'], [8, 'TITLE'], [66, 1], [2, 'TITLEBLOCK'], [10, w + 20], [20, 0], [30, 0],
      [0, 'ATTRIB'], [8, 'TITLE'], [10, w + 40], [20, 12], [40, 3.5], [1, no], [2, 'DWG_NO'], [70, 0],
      [0, 'ATTRIB'], [8, 'TITLE'], [10, w + 40], [20, 6], [40, 3.5], [1, `Bracket ${n}`], [2, 'TITLE'], [70, 0],
      [0, 'ATTRIB'], [8, 'TITLE'], [10, w + 40], [20, 0], [40, 3.5], [1, String.fromCharCode(65 + (n % 4))], [2, 'REV'], [70, 0],
      [0, 'ATTRIB'], [8, 'TITLE'], [10, w + 80], [20, 6], [40, 3.5], [1, n % 2 ? 'S235JR' : '1.4301'], [2, 'MATERIAL'], [70, 0],
      [0, 'ATTRIB'], [8, 'TITLE'], [10, w + 80], [20, 0], [40, 3.5], [1, '1:2'], [2, 'SCALE'], [70, 0],
      [0, 'SEQEND'], [8, 'TITLE'],
      [0, 'MTEXT'], [8, 'NOTES'], [10, 5], [20, h + 10], [30, 0], [40, 2.5], [1, `${2 + (n % 3)} x M${6 + 2 * (n % 3)}x1.25-6H THRU\\PRa 3,2`],
      [0, 'DIMENSION'], [8, 'DIMS'], [2, '*D1'], [10, 0], [20, -10], [30, 0], [70, 0], [42, w], [1, '<> ±0.1'],
      [0, 'DIMENSION'], [8, 'DIMS'], [2, '*D2'], [10, -10], [20, 0], [30, 0], [70, 1], [42, h], [1, '<> +0.2/-0.1'],
      [0, 'TOLERANCE'], [8, 'GDT'], [3, 'Standard'], [10, 20], [20, 20], [30, 0], [1, '{\\Fgdt;j}%%v{\\Fgdt;n}0.05{\\Fgdt;m}%%vA%%vB'],
    ]),
  ];
  return groups.map(([c, v]) => `${c}\n${v}`).join('\n') + '\n0\nEOF\n';
}

/** Writes `count` drawings into `dir`; their paths. */
export function writeDrawings(dir: string, count: number): string[] {
  return Array.from({ length: count }, (_, n) => {
    const file = `${dir}/drawing-${String(n).padStart(3, '0')}.dxf`;
    fs.writeFileSync(file, drawingDxf(n));
    return file;
  });
}
