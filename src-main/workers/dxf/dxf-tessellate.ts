/**
 * Curves as polylines within a chord tolerance (the furthest a chord may stray from its curve, in
 * the curve's own units): arcs, ellipses, polyline bulges, B-splines; and simple polygons as
 * triangles (ear clipping) for solid fills. Points are flat arrays x0 y0 x1 y1 …
 */

/** At most this many chords per full turn, and at least this many. */
const MAX_PER_TURN = 1024;
const MIN_PER_TURN = 16;

/** How many chords an arc of this radius and sweep (radians) needs to stay within `tol`. */
export function arcSteps(radius: number, sweep: number, tol: number): number {
  const turn = Math.abs(sweep) / (2 * Math.PI);
  if (!(radius > 0) || !(turn > 0)) return 1;
  const step = tol >= radius ? Math.PI / 2 : 2 * Math.acos(1 - tol / radius);
  const n = Math.ceil(Math.abs(sweep) / step);
  return Math.max(1, Math.min(Math.ceil(MAX_PER_TURN * turn), Math.max(n, Math.ceil(MIN_PER_TURN * turn))));
}

/** Points of a circular arc from `start` over `sweep` radians (negative: clockwise), both ends included. */
export function arcPoints(cx: number, cy: number, r: number, start: number, sweep: number, tol: number, out: number[] = []): number[] {
  const n = arcSteps(r, sweep, tol);
  for (let i = 0; i <= n; i++) {
    const t = start + (sweep * i) / n;
    out.push(cx + r * Math.cos(t), cy + r * Math.sin(t));
  }
  return out;
}

/**
 * Points of an elliptic arc: centre, major axis end (relative to the centre), minor/major ratio,
 * parameters from `start` to `end` (radians, counter-clockwise; end < start wraps).
 */
export function ellipsePoints(cx: number, cy: number, mx: number, my: number, ratio: number, start: number, end: number, tol: number, out: number[] = []): number[] {
  const major = Math.hypot(mx, my);
  let sweep = end - start;
  if (sweep <= 0) sweep += 2 * Math.PI;
  if (sweep > 2 * Math.PI) sweep = 2 * Math.PI;
  // An ellipse is a circle of radius `major` squeezed across: equal parameter steps stray no further than on that circle.
  const n = arcSteps(major, sweep, tol);
  const nx = -my * ratio;
  const ny = mx * ratio;
  for (let i = 0; i <= n; i++) {
    const t = start + (sweep * i) / n;
    const c = Math.cos(t);
    const s = Math.sin(t);
    out.push(cx + mx * c + nx * s, cy + my * c + ny * s);
  }
  return out;
}

/**
 * The points after (x1, y1) on a polyline segment to (x2, y2) with this bulge (tan of a quarter of
 * the included angle; positive: counter-clockwise), (x2, y2) included.
 */
export function bulgePoints(x1: number, y1: number, x2: number, y2: number, bulge: number, tol: number, out: number[] = []): number[] {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const chord = Math.hypot(dx, dy);
  if (!bulge || chord === 0 || !Number.isFinite(bulge)) {
    out.push(x2, y2);
    return out;
  }
  const theta = 4 * Math.atan(bulge);
  const r = chord / (2 * Math.sin(theta / 2));
  const h = r * Math.cos(theta / 2);
  const cx = (x1 + x2) / 2 - (h * dy) / chord;
  const cy = (y1 + y2) / 2 + (h * dx) / chord;
  const start = Math.atan2(y1 - cy, x1 - cx);
  const n = arcSteps(Math.abs(r), theta, tol);
  const radius = Math.abs(r);
  for (let i = 1; i < n; i++) {
    const t = start + (theta * i) / n;
    out.push(cx + radius * Math.cos(t), cy + radius * Math.sin(t));
  }
  out.push(x2, y2);
  return out;
}

/** A polyline with bulges (vertex i's bulge bends the segment from i to i+1) as points. */
export function bulgedPolyline(vertices: ReadonlyArray<{ x: number; y: number; bulge?: number }>, closed: boolean, tol: number): number[] {
  const out: number[] = [];
  const n = vertices.length;
  if (n === 0) return out;
  out.push(vertices[0]!.x, vertices[0]!.y);
  const last = closed ? n : n - 1;
  for (let i = 0; i < last; i++) {
    const a = vertices[i]!;
    const b = vertices[(i + 1) % n]!;
    bulgePoints(a.x, a.y, b.x, b.y, a.bulge ?? 0, tol, out);
  }
  return out;
}

/**
 * A B-spline (NURBS when weights are given) as points: each knot span sampled, then split where
 * the chord strays more than `tol` from the curve.
 */
export function splinePoints(degree: number, knots: readonly number[], control: ReadonlyArray<{ x: number; y: number }>, weights: readonly number[] | null, tol: number): number[] {
  const p = Math.max(1, Math.floor(degree));
  const n = control.length;
  if (n < 2) return n === 1 ? [control[0]!.x, control[0]!.y] : [];
  // A knot vector that does not fit (count must be n + p + 1): a clamped uniform one instead.
  let u = [...knots];
  if (u.length !== n + p + 1) {
    u = [];
    for (let i = 0; i <= n + p; i++) u.push(Math.min(Math.max(i - p, 0), n - p));
  }
  const w = weights && weights.length === n ? weights : null;
  const lo = u[p]!;
  const hi = u[n]!;
  if (!(hi > lo)) return control.flatMap((c) => [c.x, c.y]);
  const at = (t: number): [number, number] => deBoor(p, u, control, w, Math.min(Math.max(t, lo), hi));
  const out: number[] = [];
  const first = at(lo);
  out.push(first[0], first[1]);
  let budget = 65_536;
  const refine = (t0: number, a: [number, number], t1: number, b: [number, number], depth: number): void => {
    const tm = (t0 + t1) / 2;
    const m = at(tm);
    const dev = distanceToSegment(m[0], m[1], a[0], a[1], b[0], b[1]);
    if (depth < 12 && budget > 0 && dev > tol) {
      budget--;
      refine(t0, a, tm, m, depth + 1);
      refine(tm, m, t1, b, depth + 1);
    } else out.push(b[0], b[1]);
  };
  for (let s = p; s < n; s++) {
    const k0 = u[s]!;
    const k1 = u[s + 1]!;
    if (!(k1 > k0)) continue;
    // Four samples a span before refining, so an S-bend whose midpoint lies on the chord is not missed.
    let t0 = k0;
    let a = at(k0);
    for (let i = 1; i <= 4; i++) {
      const t1 = k0 + ((k1 - k0) * i) / 4;
      const b = at(t1);
      refine(t0, a, t1, b, 0);
      t0 = t1;
      a = b;
    }
  }
  return out;
}

function deBoor(p: number, u: readonly number[], control: ReadonlyArray<{ x: number; y: number }>, w: readonly number[] | null, t: number): [number, number] {
  const n = control.length;
  let k = p;
  while (k < n - 1 && t >= u[k + 1]!) k++;
  const dx: number[] = [];
  const dy: number[] = [];
  const dw: number[] = [];
  for (let j = 0; j <= p; j++) {
    const c = control[k - p + j]!;
    const wj = w ? w[k - p + j]! : 1;
    dx.push(c.x * wj);
    dy.push(c.y * wj);
    dw.push(wj);
  }
  for (let r = 1; r <= p; r++) {
    for (let j = p; j >= r; j--) {
      const i = k - p + j;
      const denom = u[i + p - r + 1]! - u[i]!;
      const alpha = denom === 0 ? 0 : (t - u[i]!) / denom;
      dx[j] = (1 - alpha) * dx[j - 1]! + alpha * dx[j]!;
      dy[j] = (1 - alpha) * dy[j - 1]! + alpha * dy[j]!;
      dw[j] = (1 - alpha) * dw[j - 1]! + alpha * dw[j]!;
    }
  }
  const wt = dw[p]! || 1;
  return [dx[p]! / wt, dy[p]! / wt];
}

function distanceToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const vx = bx - ax;
  const vy = by - ay;
  const len2 = vx * vx + vy * vy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * vx + (py - ay) * vy) / len2));
  return Math.hypot(px - (ax + t * vx), py - (ay + t * vy));
}

/** Polygons larger than this are outlined, not filled (ear clipping is quadratic). */
export const MAX_FILL_VERTICES = 4096;

/**
 * A simple polygon (no holes) as triangles, by ear clipping: indices into its points, three a
 * triangle. Repeated and collinear points are tolerated; a polygon that is not simple gives the
 * triangles found before clipping got stuck.
 */
export function triangulate(points: readonly number[]): number[] {
  let idx: number[] = [];
  const count = points.length / 2;
  for (let i = 0; i < count; i++) {
    const prev = idx.at(-1);
    if (prev === undefined || points[2 * prev] !== points[2 * i] || points[2 * prev + 1] !== points[2 * i + 1]) idx.push(i);
  }
  if (idx.length > 1 && points[2 * idx[0]!] === points[2 * idx.at(-1)!] && points[2 * idx[0]! + 1] === points[2 * idx.at(-1)! + 1]) idx.pop();
  if (idx.length < 3 || idx.length > MAX_FILL_VERTICES) return [];
  // Counter-clockwise order makes an ear a left turn.
  if (signedArea(points, idx) < 0) idx = idx.reverse();
  const x = (i: number): number => points[2 * i]!;
  const y = (i: number): number => points[2 * i + 1]!;
  const cross = (a: number, b: number, c: number): number => (x(b) - x(a)) * (y(c) - y(a)) - (y(b) - y(a)) * (x(c) - x(a));
  const out: number[] = [];
  let guard = 0;
  let i = 0;
  while (idx.length > 3 && guard < idx.length) {
    const n = idx.length;
    const a = idx[(i + n - 1) % n]!;
    const b = idx[i % n]!;
    const c = idx[(i + 1) % n]!;
    const turn = cross(a, b, c);
    let ear = turn > 0;
    if (ear) {
      for (const q of idx) {
        if (q === a || q === b || q === c) continue;
        if (cross(a, b, q) >= 0 && cross(b, c, q) >= 0 && cross(c, a, q) >= 0) {
          ear = false;
          break;
        }
      }
    }
    if (ear || turn === 0) {
      if (ear) out.push(a, b, c);
      idx.splice(i % n, 1);
      guard = 0;
      i = i % idx.length;
    } else {
      i = (i + 1) % n;
      guard++;
    }
  }
  if (idx.length === 3 && cross(idx[0]!, idx[1]!, idx[2]!) > 0) out.push(idx[0]!, idx[1]!, idx[2]!);
  return out;
}

function signedArea(points: readonly number[], idx: readonly number[]): number {
  let a = 0;
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    const j = idx[(k + 1) % idx.length]!;
    a += points[2 * i]! * points[2 * j + 1]! - points[2 * j]! * points[2 * i + 1]!;
  }
  return a / 2;
}

/** Whether point (px, py) is inside the polygon (even-odd rule). */
export function insidePolygon(px: number, py: number, points: readonly number[]): boolean {
  let inside = false;
  const n = points.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = points[2 * i]!;
    const yi = points[2 * i + 1]!;
    const xj = points[2 * j]!;
    const yj = points[2 * j + 1]!;
    if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
