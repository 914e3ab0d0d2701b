/**
 * LEADER and MULTILEADER from their raw groups.
 *
 * LEADER: 71 arrowhead flag, 72 path type (1 = spline), 76 vertex count, the vertices (10/20).
 *
 * MULTILEADER (MLEADER before R2007): a CONTEXT_DATA{ … } section holding the content (its base
 * point 10/20, text height 41, arrowhead size 140, scale 40, the MTEXT string 304, its location
 * 12/22, direction 13/23, rotation 42 and alignment 171) and one LEADER{ … } per leader (its last
 * point 10/20, dogleg vector 11/21 and length 40) holding LEADER_LINE{ … } sections (the line's
 * vertices 10/20, from the arrowhead on). The same codes mean other things after the section, so
 * the groups are read in order, by section.
 */
import { plainMText } from './dxf-text';
import type { Group, Point2 } from './dxf-hatch';

export interface LeaderRead {
  vertices: Point2[];
  arrowhead: boolean;
  /** Path type 1: the vertices are a spline's fit points. */
  spline: boolean;
}

export function readLeader(groups: Group[]): LeaderRead {
  const start = groups.findIndex((g) => g.code === 100 && g.value === 'AcDbLeader');
  let arrowhead = true;
  let spline = false;
  const vertices: Point2[] = [];
  for (let i = start < 0 ? 0 : start + 1; i < groups.length; i++) {
    const g = groups[i]!;
    if (g.code === 71) arrowhead = g.value !== 0;
    else if (g.code === 72) spline = g.value === 1;
    else if (g.code === 10 && groups[i + 1]?.code === 20) {
      vertices.push({ x: Number(g.value), y: Number(groups[i + 1]!.value) });
      i++;
    } else if (g.code === 210 || g.code === 211 || g.code === 212 || g.code === 213) break;
  }
  return { vertices, arrowhead, spline };
}

export interface MultiLeaderLine {
  /** From the arrowhead to the landing, then the dogleg when there is one. */
  vertices: Point2[];
}

export interface MultiLeaderRead {
  leaders: MultiLeaderLine[];
  /** The MTEXT content as plain text (dxf-text.ts), or null when the content is a block or empty. */
  text: string | null;
  /** The MTEXT string as written. */
  rawText: string | null;
  /** Where the text sits: its location (12/22), by `attachment` (MTEXT's 1–9; top left, centre or right). */
  textPosition: Point2 | null;
  textHeight: number;
  /** Radians, counter-clockwise. */
  textRotation: number;
  attachment: number;
  /** The content's base point (where the landing meets the content). */
  contentBase: Point2 | null;
  arrowSize: number;
  arrowhead: boolean;
}

export function readMultiLeader(groups: Group[]): MultiLeaderRead {
  const out: MultiLeaderRead = { leaders: [], text: null, rawText: null, textPosition: null, textHeight: 0, textRotation: 0, attachment: 1, contentBase: null, arrowSize: 0, arrowhead: true };
  type State = 'top' | 'context' | 'leader' | 'line' | 'after';
  let state: State = 'top';
  let leader: { last: Point2 | null; dogleg: Point2 | null; doglegLength: number; lines: Point2[][] } | null = null;
  let line: Point2[] | null = null;
  let direction: Point2 | null = null;
  let rotation: number | null = null;
  const closeLeader = (): void => {
    if (!leader) return;
    for (const l of leader.lines.length ? leader.lines : [[]]) {
      const vertices = [...l];
      if (leader.last) vertices.push(leader.last);
      if (leader.last && leader.dogleg && leader.doglegLength > 0) {
        vertices.push({ x: leader.last.x + leader.dogleg.x * leader.doglegLength, y: leader.last.y + leader.dogleg.y * leader.doglegLength });
      }
      if (vertices.length >= 2) out.leaders.push({ vertices });
    }
    leader = null;
  };
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!;
    const v = g.value;
    const pointHere = (): Point2 | null => (groups[i + 1]?.code === g.code + 10 ? { x: Number(v), y: Number(groups[++i]!.value) } : null);
    if (state === 'top') {
      if (g.code === 300 && String(v).startsWith('CONTEXT_DATA')) state = 'context';
    } else if (state === 'context') {
      if (g.code === 302 && String(v).startsWith('LEADER')) {
        state = 'leader';
        leader = { last: null, dogleg: null, doglegLength: 0, lines: [] };
      } else if (g.code === 301) state = 'after';
      else if (g.code === 10) out.contentBase ??= pointHere();
      else if (g.code === 41) out.textHeight = Number(v) || 0;
      else if (g.code === 140) out.arrowSize = Number(v) || 0;
      else if (g.code === 304) out.rawText = String(v);
      else if (g.code === 12) out.textPosition = pointHere();
      else if (g.code === 13) direction = pointHere();
      else if (g.code === 42) rotation = Number(v) || 0;
      else if (g.code === 171) out.attachment = Math.min(3, Math.max(1, Number(v) || 1));
    } else if (state === 'leader') {
      if (g.code === 304 && String(v).startsWith('LEADER_LINE')) {
        state = 'line';
        line = [];
      } else if (g.code === 303) {
        closeLeader();
        state = 'context';
      } else if (g.code === 10) leader!.last = pointHere();
      else if (g.code === 11) leader!.dogleg = pointHere();
      else if (g.code === 40) leader!.doglegLength = Number(v) || 0;
    } else if (state === 'line') {
      if (g.code === 305) {
        if (line) leader!.lines.push(line);
        line = null;
        state = 'leader';
      } else if (g.code === 10) {
        const p = pointHere();
        if (p && line) line.push(p);
      }
    } else if (g.code === 42 && out.arrowSize === 0) out.arrowSize = Number(v) || 0;
  }
  closeLeader();
  if (out.rawText !== null) {
    const plain = plainMText(out.rawText).trim();
    out.text = plain || null;
  }
  out.textRotation = direction && (direction.x !== 0 || direction.y !== 0) ? Math.atan2(direction.y, direction.x) : (rotation ?? 0);
  return out;
}
