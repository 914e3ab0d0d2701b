/**
 * Reads a DXF file with dxf-parser, extended with handlers for what it drops: ATTRIB (the
 * attribute values of block inserts) and the SEQEND that closes them, ACAD_TABLE (as cells), and
 * HATCH (boundaries, pattern, solid flag), LEADER and MULTILEADER (leader lines, MTEXT content), and
 * every other entity type of the DXF reference as raw group codes, so each is at least counted,
 * put on its layer and kept for the readers that need it (tolerances…).
 */
import DxfParser from 'dxf-parser';
import type { IDxf } from 'dxf-parser';
import { readHatch, type Group, type HatchRead } from './dxf-hatch';
import { readLeader, readMultiLeader, type LeaderRead, type MultiLeaderRead } from './dxf-leader';

interface Scanner {
  next(): Group;
  isEOF(): boolean;
}

/** What our handlers return: the entity's type, common properties and its raw groups. */
export interface RawEntity {
  type: string;
  layer?: string;
  handle?: string;
  inPaperSpace?: boolean;
  /** ACI colour (62) of the entity itself: 256 BYLAYER (also when absent), 0 BYBLOCK. */
  colorIndex?: number;
  /** True colour (420) as 0xRRGGBB, when the entity has one. */
  trueColor?: number;
  groups: Group[];
}

export interface HatchEntity extends RawEntity, HatchRead {
  type: 'HATCH';
}

export interface LeaderEntity extends RawEntity, LeaderRead {
  type: 'LEADER';
}

export interface MultiLeaderEntity extends RawEntity, MultiLeaderRead {
  type: 'MULTILEADER' | 'MLEADER';
}

export interface AttribEntity extends RawEntity {
  type: 'ATTRIB';
  tag: string;
  text: string;
  position: { x: number; y: number } | null;
}

export interface TableEntity extends RawEntity {
  type: 'ACAD_TABLE';
  block: string | null;
  rows: number;
  columns: number;
  cells: string[];
}

/**
 * Reads an entity's groups up to the next entity, with the properties every entity has. Colour is
 * taken from the common part only (before the entity's own subclass marker), since the codes 62
 * and 420 mean other colours further on (table cells, leader lines).
 */
function readRaw(type: string, scanner: Scanner): RawEntity {
  const entity: RawEntity = { type, groups: [] };
  let common = true;
  let g = scanner.next();
  while (!scanner.isEOF() && g.code !== 0) {
    if (g.code === 8) entity.layer = String(g.value);
    else if (g.code === 5) entity.handle = String(g.value);
    else if (g.code === 67) entity.inPaperSpace = g.value === 1;
    else if (g.code === 100 && g.value !== 'AcDbEntity') common = false;
    else if (common && g.code === 62 && typeof g.value === 'number') entity.colorIndex = g.value;
    else if (common && g.code === 420 && typeof g.value === 'number') entity.trueColor = g.value & 0xffffff;
    entity.groups.push(g);
    g = scanner.next();
  }
  return entity;
}

const first = (e: RawEntity, code: number): unknown => e.groups.find((g) => g.code === code)?.value;

function rawHandler(type: string): new () => { ForEntityName: string; parseEntity(scanner: Scanner, curr: Group): RawEntity } {
  return class {
    ForEntityName = type;
    parseEntity(scanner: Scanner): RawEntity {
      return readRaw(type, scanner);
    }
  };
}

class AttribHandler {
  ForEntityName = 'ATTRIB';
  parseEntity(scanner: Scanner): AttribEntity {
    const raw = readRaw('ATTRIB', scanner);
    const x = first(raw, 10);
    const y = first(raw, 20);
    return {
      ...raw,
      type: 'ATTRIB',
      tag: String(first(raw, 2) ?? ''),
      text: String(first(raw, 1) ?? ''),
      position: typeof x === 'number' && typeof y === 'number' ? { x, y } : null,
    };
  }
}

/**
 * ACAD_TABLE: after the AcDbTable marker, 91 rows and 92 columns; then each cell starts at a 171,
 * its text in group 1 (continued in 2 and 3) or, failing that, its value string in 302.
 */
class TableHandler {
  ForEntityName = 'ACAD_TABLE';
  parseEntity(scanner: Scanner): TableEntity {
    const raw = readRaw('ACAD_TABLE', scanner);
    let rows = 0;
    let columns = 0;
    let block: string | null = null;
    const cells: string[] = [];
    let inTable = false;
    let cell: { text: string | null; value: string | null } | null = null;
    const close = (): void => {
      if (cell) cells.push(cell.text ?? cell.value ?? '');
    };
    for (const g of raw.groups) {
      if (g.code === 100 && g.value === 'AcDbTable') inTable = true;
      else if (!inTable && g.code === 2) block = String(g.value);
      else if (inTable && cell === null && g.code === 91) rows = Number(g.value);
      else if (inTable && cell === null && g.code === 92) columns = Number(g.value);
      else if (inTable && g.code === 171) {
        close();
        cell = { text: null, value: null };
      } else if (cell && g.code === 1) cell.text = String(g.value);
      else if (cell && (g.code === 2 || g.code === 3) && cell.text !== null) cell.text += String(g.value);
      else if (cell && g.code === 302 && cell.value === null) cell.value = String(g.value);
    }
    close();
    return { ...raw, type: 'ACAD_TABLE', block, rows, columns, cells };
  }
}

class HatchHandler {
  ForEntityName = 'HATCH';
  parseEntity(scanner: Scanner): HatchEntity {
    const raw = readRaw('HATCH', scanner);
    return { ...raw, ...readHatch(raw.groups), type: 'HATCH' };
  }
}

class LeaderHandler {
  ForEntityName = 'LEADER';
  parseEntity(scanner: Scanner): LeaderEntity {
    const raw = readRaw('LEADER', scanner);
    return { ...raw, ...readLeader(raw.groups), type: 'LEADER' };
  }
}

function multiLeaderHandler(type: 'MULTILEADER' | 'MLEADER'): new () => { ForEntityName: string; parseEntity(scanner: Scanner): MultiLeaderEntity } {
  return class {
    ForEntityName = type;
    parseEntity(scanner: Scanner): MultiLeaderEntity {
      const raw = readRaw(type, scanner);
      return { ...raw, ...readMultiLeader(raw.groups), type };
    }
  };
}

/** Entity types of the DXF reference that dxf-parser has no handler for (read as raw groups unless a handler below reads them further). */
const RAW_TYPES = [
  '3DSOLID', 'ACAD_PROXY_ENTITY', 'ARC_DIMENSION', 'BODY', 'HATCH', 'HELIX', 'IMAGE', 'LARGE_RADIAL_DIMENSION',
  'LEADER', 'LIGHT', 'MESH', 'MLINE', 'MLEADER', 'MULTILEADER', 'MPOLYGON', 'OLE2FRAME', 'OLEFRAME', 'POINTCLOUD',
  'RAY', 'REGION', 'SECTION', 'SHAPE', 'SURFACE', 'EXTRUDEDSURFACE', 'LOFTEDSURFACE', 'NURBSURFACE', 'PLANESURFACE',
  'REVOLVEDSURFACE', 'SWEPTSURFACE', 'TOLERANCE', 'TRACE', 'UNDERLAY', 'PDFUNDERLAY', 'DWFUNDERLAY', 'DGNUNDERLAY',
  'VIEWPORT', 'WIPEOUT', 'XLINE', 'SEQEND', 'GEOPOSITIONMARKER', 'CAMERA',
];

/** The parsed file: dxf-parser's model with our entities among its own. */
export function readDxf(text: string): IDxf {
  const parser = new DxfParser();
  for (const type of RAW_TYPES) parser.registerEntityHandler(rawHandler(type) as never);
  parser.registerEntityHandler(AttribHandler as never);
  parser.registerEntityHandler(TableHandler as never);
  parser.registerEntityHandler(HatchHandler as never);
  parser.registerEntityHandler(LeaderHandler as never);
  parser.registerEntityHandler(multiLeaderHandler('MULTILEADER') as never);
  parser.registerEntityHandler(multiLeaderHandler('MLEADER') as never);
  const dxf = parser.parse(text);
  if (!dxf) throw new Error('not a DXF file');
  return dxf;
}
