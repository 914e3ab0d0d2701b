/**
 * HATCH boundaries from an entity's raw groups. The DXF writes a hatch as counted lists (paths,
 * then each path's vertices or edges), and reuses codes 10/20, 72, 73 and 97 at different depths,
 * so the groups are read in order, by those counts, not looked up by code.
 *
 * Angles stay as the file has them (degrees). For arc and ellipse edges, `ccw: false` means the
 * file stores the clockwise edge by its complementary angles (360 − angle); readers that draw
 * them use `hatchEdgeAngles`.
 */

export interface Group {
  code: number;
  value: unknown;
}

export interface Point2 {
  x: number;
  y: number;
}

export type HatchEdge =
  | { type: 'line'; start: Point2; end: Point2 }
  | { type: 'arc'; center: Point2; radius: number; startAngle: number; endAngle: number; ccw: boolean }
  | { type: 'ellipse'; center: Point2; majorAxis: Point2; ratio: number; startAngle: number; endAngle: number; ccw: boolean }
  | { type: 'spline'; degree: number; knots: number[]; controlPoints: Point2[]; weights: number[] | null; fitPoints: Point2[] };

export type HatchPath =
  | { kind: 'polyline'; closed: boolean; vertices: Array<Point2 & { bulge: number }> }
  | { kind: 'edges'; edges: HatchEdge[] };

export interface HatchRead {
  pattern: string;
  solid: boolean;
  paths: HatchPath[];
  /** z of the extrusion direction (210/220/230); −1 mirrors the boundary's x (its OCS). */
  extrusionZ: number;
}

/** Reads groups one after another; `peek` and `take` never run past the end. */
class Reader {
  i = 0;
  constructor(private readonly groups: Group[]) {}
  peek(offset = 0): Group | undefined {
    return this.groups[this.i + offset];
  }
  take(): Group | undefined {
    return this.groups[this.i++];
  }
  done(): boolean {
    return this.i >= this.groups.length;
  }
  /** The value of the next group if it has this code (and moves past it); otherwise null. */
  opt(code: number): unknown {
    if (this.peek()?.code !== code) return null;
    return this.take()!.value;
  }
  num(code: number, fallback = 0): number {
    const v = this.opt(code);
    return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
  }
  point(xCode: number): Point2 | null {
    if (this.peek()?.code !== xCode || this.peek(1)?.code !== xCode + 10) return null;
    const x = Number(this.take()!.value);
    const y = Number(this.take()!.value);
    return { x, y };
  }
  /** Moves to the next group with this code (inclusive); false when there is none. */
  seek(code: number, stopAt: readonly number[] = []): boolean {
    while (!this.done()) {
      const c = this.peek()!.code;
      if (c === code) return true;
      if (stopAt.includes(c)) return false;
      this.i++;
    }
    return false;
  }
}

/** Sane upper bounds for counts a damaged file might state. */
const MAX_COUNT = 1_000_000;
const count = (v: number): number => (Number.isInteger(v) && v >= 0 ? Math.min(v, MAX_COUNT) : 0);

export function readHatch(groups: Group[]): HatchRead {
  const r = new Reader(groups);
  const start = groups.findIndex((g) => g.code === 100 && g.value === 'AcDbHatch');
  r.i = start < 0 ? 0 : start + 1;
  let pattern = '';
  let solid = false;
  let extrusionZ = 1;
  // Up to the path count: pattern name, solid flag, extrusion.
  while (!r.done() && r.peek()!.code !== 91) {
    const g = r.take()!;
    if (g.code === 2) pattern = String(g.value);
    else if (g.code === 70) solid = g.value === 1;
    else if (g.code === 230 && typeof g.value === 'number') extrusionZ = g.value;
  }
  const paths: HatchPath[] = [];
  const pathCount = count(r.num(91));
  for (let p = 0; p < pathCount && !r.done(); p++) {
    if (!r.seek(92, [75, 76, 98])) break;
    const flags = r.num(92);
    const path = flags & 2 ? readPolylinePath(r) : readEdgePath(r);
    paths.push(path);
    // The path's source boundary objects: 97 and as many 330 handles.
    if (r.peek()?.code === 97) {
      const n = count(r.num(97));
      for (let k = 0; k < n && r.peek()?.code === 330; k++) r.take();
    }
  }
  // Where the boundary count was wrong or missing, what is left (pattern definition, seed points) is no boundary.
  while (!r.done()) {
    const g = r.take()!;
    if (g.code === 2 && !pattern) pattern = String(g.value);
  }
  return { pattern, solid, paths, extrusionZ };
}

function readPolylinePath(r: Reader): HatchPath {
  const hasBulge = r.num(72) !== 0;
  const closed = r.num(73, 1) !== 0;
  const n = count(r.num(93));
  const vertices: Array<Point2 & { bulge: number }> = [];
  for (let k = 0; k < n; k++) {
    const p = r.point(10);
    if (!p) break;
    // 42 is written for every vertex when the path has bulges; tolerate files that skip zeros.
    const bulge = hasBulge || r.peek()?.code === 42 ? r.num(42) : 0;
    vertices.push({ ...p, bulge });
  }
  return { kind: 'polyline', closed, vertices };
}

const ORIGIN: Point2 = { x: 0, y: 0 };

function readEdgePath(r: Reader): HatchPath {
  const n = count(r.num(93));
  const edges: HatchEdge[] = [];
  for (let k = 0; k < n; k++) {
    if (r.peek()?.code !== 72) break;
    const type = r.num(72);
    const last = k === n - 1;
    if (type === 4) {
      edges.push(readSplineEdge(r, last));
      continue;
    }
    // Line, arc and ellipse edges use none of 72 (next edge), 97 or 92 (end of path).
    const g: Record<number, number> = {};
    while (!r.done() && ![72, 97, 92, 75].includes(r.peek()!.code)) {
      const { code, value } = r.take()!;
      if (typeof value === 'number' && !(code in g)) g[code] = value;
    }
    const at = (xCode: number): Point2 => (xCode in g && xCode + 10 in g ? { x: g[xCode]!, y: g[xCode + 10]! } : ORIGIN);
    if (type === 1) edges.push({ type: 'line', start: at(10), end: at(11) });
    else if (type === 2) edges.push({ type: 'arc', center: at(10), radius: g[40] ?? 0, startAngle: g[50] ?? 0, endAngle: g[51] ?? 360, ccw: (g[73] ?? 1) !== 0 });
    else if (type === 3) edges.push({ type: 'ellipse', center: at(10), majorAxis: at(11), ratio: g[40] ?? 1, startAngle: g[50] ?? 0, endAngle: g[51] ?? 360, ccw: (g[73] ?? 1) !== 0 });
  }
  return { kind: 'edges', edges };
}

/**
 * A spline edge: 94 degree, 73 rational, 74 periodic, 95 knot count, 96 control point count, the
 * knots (40), the control points (10/20, each followed by a 42 weight when rational), then from
 * R2010 on 97 fit point count, the fit points (11/21) and end tangents (12/22, 13/23). The 97 of
 * the fit data and the 97 that closes the path look alike: on the last edge of a path it is fit
 * data only when fit points or tangents follow, or another 97 does.
 */
function readSplineEdge(r: Reader, lastOfPath: boolean): HatchEdge {
  const degree = r.num(94, 3);
  const rational = r.num(73) !== 0;
  r.opt(74);
  const knotCount = count(r.num(95));
  const controlCount = count(r.num(96));
  const knots: number[] = [];
  for (let k = 0; k < knotCount && r.peek()?.code === 40; k++) knots.push(Number(r.take()!.value));
  const controlPoints: Point2[] = [];
  const weights: number[] = [];
  for (let k = 0; k < controlCount; k++) {
    const p = r.point(10);
    if (!p) break;
    controlPoints.push(p);
    if (r.peek()?.code === 42) weights.push(r.num(42, 1));
    else if (rational) weights.push(1);
  }
  const fitPoints: Point2[] = [];
  if (r.peek()?.code === 97) {
    const next = r.peek(1)?.code;
    const isFitData = !lastOfPath || next === 11 || next === 12 || next === 13 || next === 97;
    if (isFitData) {
      const n = count(r.num(97));
      for (let k = 0; k < n; k++) {
        const p = r.point(11);
        if (!p) break;
        fitPoints.push(p);
      }
      r.point(12);
      r.point(13);
    }
  }
  return { type: 'spline', degree, knots, controlPoints, weights: rational || weights.length > 0 ? weights : null, fitPoints };
}

/**
 * An arc or ellipse edge's angles as a counter-clockwise sweep, in degrees: the file stores a
 * clockwise edge by complementary angles, so it becomes (360 − end) → (360 − start), drawn
 * counter-clockwise over the same points.
 */
export function hatchEdgeAngles(edge: { startAngle: number; endAngle: number; ccw: boolean }): { start: number; end: number } {
  const [start, end] = edge.ccw ? [edge.startAngle, edge.endAngle] : [360 - edge.endAngle, 360 - edge.startAngle];
  let sweep = end - start;
  // A full turn written as 0 → 360 stays whole; otherwise the sweep is within one turn.
  if (Math.abs(sweep) >= 360) sweep = 360;
  else if (sweep <= 0) sweep += 360;
  return { start, end: start + sweep };
}
