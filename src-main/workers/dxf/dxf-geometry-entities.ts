/**
 * One entity of a DXF drawing into preview geometry: its lines and fills into the context's batch
 * set through the context's map, its text to the host. Inserts, dimensions and tables (which draw
 * blocks) are the builder's (dxf-geometry.ts).
 */
import { scaleOf, scaling, compose, type Affine, type BatchSet } from './dxf-batches';
import { hatchEdgeAngles, type HatchEdge } from './dxf-hatch';
import type { HatchEntity, LeaderEntity, MultiLeaderEntity } from './dxf-read';
import { decodeControlCodes, plainMText } from './dxf-text';
import type { TextItem } from '../../../src-shared/drawing/geometry-codec';
import { MAX_FILL_VERTICES, arcPoints, bulgedPolyline, ellipsePoints, insidePolygon, splinePoints, triangulate } from './dxf-tessellate';

export type Entity = Record<string, unknown> & { type: string; layer?: string; inPaperSpace?: boolean; visible?: boolean };

/** A text in the space it was drawn into (world, or a block's space). */
export type PlacedText = TextItem;

export interface DrawContext {
  /** From the entity's coordinates to the space drawn into (world relative to the origin, or a block's space). */
  m: Affine;
  sink: BatchSet;
  texts: PlacedText[];
  /** What layer 0 and BYBLOCK stand for here (the enclosing insert's layer and colour). */
  layer: string;
  colour: number;
  depth: number;
  /** Blocks being drawn, outermost first: a block inserting itself is not followed. */
  stack: Set<string>;
  /** Chord tolerance in the space drawn into. */
  tolerance: number;
  /** An instanced block insert, by definition key, with its map into the space drawn into. */
  instance: (key: string, t: Affine, depth: number) => void;
}

export interface DrawHost {
  /** Arrowheads without a size of their own, in world units. */
  arrowSize: number;
  placeText(ctx: DrawContext, text: string, x: number, y: number, height: number, rotationRad: number, attachment: number, layer: number, color: number): void;
}

interface P {
  x: number;
  y: number;
}

const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const pt = (v: unknown): P | null => {
  const p = v as { x?: unknown; y?: unknown } | null | undefined;
  return p && typeof p.x === 'number' && typeof p.y === 'number' && Number.isFinite(p.x) && Number.isFinite(p.y) ? { x: p.x, y: p.y } : null;
};
const groupValue = (e: Entity, code: number): unknown => (e.groups as Array<{ code: number; value: unknown }> | undefined)?.find((g) => g.code === code)?.value;
/** An entity in its object coordinate system with the extrusion (0, 0, −1): x mirrored. */
const ocs = (m: Affine, extrusionZ: unknown): Affine => (num(extrusionZ, 1) < 0 ? compose(m, scaling(-1, 1)) : m);

/** TEXT alignment (72 horizontal, 73/74 vertical) as an MTEXT attachment point (1 top left … 9 bottom right). */
export function textAttachment(h: number, v: number): number {
  if (h === 4) return 5;
  const column = h === 1 ? 2 : h === 2 ? 3 : 1;
  const row = v === 3 ? 0 : v === 2 ? 1 : 2;
  return row * 3 + column;
}

/** Draws the entity; false for a type this preview does not draw. */
export function drawEntity(e: Entity, ctx: DrawContext, layer: number, colour: number, host: DrawHost): boolean {
  const tol = ctx.tolerance / scaleOf(ctx.m);
  const sink = ctx.sink;
  const line = (m: Affine, points: number[], closed = false): void => sink.polyline(m, layer, colour, points, closed);
  switch (e.type) {
    case 'LINE': {
      const [a, b] = ((e.vertices as unknown[]) ?? []).map(pt);
      if (a && b) line(ctx.m, [a.x, a.y, b.x, b.y]);
      return true;
    }
    case 'POINT': {
      // A small cross, about a thousandth of the drawing across (the chord tolerance is 2e-5 of it).
      const p = pt(e.position);
      const r = 50 * tol;
      if (p) {
        line(ctx.m, [p.x - r, p.y, p.x + r, p.y]);
        line(ctx.m, [p.x, p.y - r, p.x, p.y + r]);
      }
      return true;
    }
    case 'CIRCLE': {
      const c = pt(e.center);
      const r = num(e.radius, 0);
      if (c && r > 0) line(ctx.m, arcPoints(c.x, c.y, r, 0, 2 * Math.PI, tol));
      return true;
    }
    case 'ARC': {
      const c = pt(e.center);
      const r = num(e.radius, 0);
      if (!c || !(r > 0)) return true;
      const start = num(e.startAngle, 0);
      let sweep = num(e.endAngle, 2 * Math.PI) - start;
      if (sweep <= 0) sweep += 2 * Math.PI;
      line(ocs(ctx.m, e.extrusionDirectionZ), arcPoints(c.x, c.y, r, start, sweep, tol));
      return true;
    }
    case 'ELLIPSE': {
      const c = pt(e.center);
      const major = pt(e.majorAxisEndPoint);
      if (c && major) line(ctx.m, ellipsePoints(c.x, c.y, major.x, major.y, num(e.axisRatio, 1), num(e.startAngle, 0), num(e.endAngle, 2 * Math.PI), tol));
      return true;
    }
    case 'LWPOLYLINE': {
      const vertices = ((e.vertices as Array<P & { bulge?: number }>) ?? []).filter((v) => pt(v));
      line(ocs(ctx.m, e.extrusionDirectionZ), bulgedPolyline(vertices, e.shape === true, tol));
      return true;
    }
    case 'POLYLINE':
      polyline(e, ctx, tol, line);
      return true;
    case 'SPLINE': {
      const control = ((e.controlPoints as unknown[]) ?? []).map(pt).filter((p): p is P => p !== null);
      const fit = ((e.fitPoints as unknown[]) ?? []).map(pt).filter((p): p is P => p !== null);
      if (control.length >= 2) line(ctx.m, splinePoints(num(e.degreeOfSplineCurve, 3), (e.knotValues as number[]) ?? [], control, null, tol));
      else if (fit.length >= 2) line(ctx.m, fit.flatMap((p) => [p.x, p.y]));
      return true;
    }
    case 'SOLID':
    case 'TRACE': {
      // Corners 1 2 3 4 enclose the quadrilateral 1 2 4 3 (a triangle when 4 is 3).
      const corners = e.type === 'SOLID' ? ((e.points as unknown[]) ?? []).map(pt) : [10, 11, 12, 13].map((c) => pt({ x: groupValue(e, c), y: groupValue(e, c + 10) }));
      const [p1, p2, p3, p4 = p3] = corners;
      if (!p1 || !p2 || !p3 || !p4) return true;
      const quad = [p1.x, p1.y, p2.x, p2.y, p4.x, p4.y, p3.x, p3.y];
      const m = ocs(ctx.m, e.type === 'SOLID' ? (e.extrusionDirection as { z?: unknown } | undefined)?.z : groupValue(e, 230));
      line(m, quad, true);
      sink.triangles(m, layer, colour, quad, [0, 1, 2, 0, 2, 3]);
      return true;
    }
    case '3DFACE': {
      const corners = ((e.vertices as unknown[]) ?? []).map(pt).filter((p): p is P => p !== null);
      if (corners.length >= 3) line(ctx.m, corners.flatMap((p) => [p.x, p.y]), true);
      return true;
    }
    case 'HATCH':
      hatch(e as unknown as HatchEntity, ctx, tol, layer, colour);
      return true;
    case 'LEADER': {
      const l = e as unknown as LeaderEntity;
      const points = l.vertices.flatMap((p) => [p.x, p.y]);
      line(ctx.m, points);
      if (l.arrowhead) arrowhead(ctx, layer, colour, points, host.arrowSize / scaleOf(ctx.m));
      return true;
    }
    case 'MULTILEADER':
    case 'MLEADER': {
      const ml = e as unknown as MultiLeaderEntity;
      const size = (ml.arrowSize > 0 ? ml.arrowSize : host.arrowSize) / (ml.arrowSize > 0 ? 1 : scaleOf(ctx.m));
      for (const leader of ml.leaders) {
        const points = leader.vertices.flatMap((p) => [p.x, p.y]);
        line(ctx.m, points);
        if (ml.arrowhead) arrowhead(ctx, layer, colour, points, size);
      }
      const at = ml.textPosition ?? ml.contentBase;
      if (ml.text && at) host.placeText(ctx, ml.text, at.x, at.y, ml.textHeight, ml.textRotation, ml.attachment, layer, colour);
      return true;
    }
    case 'TEXT': {
      const text = decodeControlCodes(plainMText(typeof e.text === 'string' ? e.text : ''));
      if (!text.trim()) return true;
      const h = Math.floor(num(e.halign, 0));
      const v = Math.floor(num(e.valign, 0));
      const start = pt(e.startPoint);
      const end = pt(e.endPoint);
      const p = (h === 0 && v === 0) || h === 3 || h === 5 ? start : (end ?? start);
      if (p) host.placeText(ctx, text, p.x, p.y, num(e.textHeight, 1), (num(e.rotation, 0) * Math.PI) / 180, textAttachment(h, v), layer, colour);
      return true;
    }
    case 'MTEXT': {
      const text = plainMText(typeof e.text === 'string' ? e.text : '');
      const p = pt(e.position);
      if (!text.trim() || !p) return true;
      const dir = pt(e.directionVector);
      const rot = dir && (dir.x !== 0 || dir.y !== 0) ? Math.atan2(dir.y, dir.x) : (num(e.rotation, 0) * Math.PI) / 180;
      host.placeText(ctx, text, p.x, p.y, num(e.height, 1), rot, Math.min(9, Math.max(1, Math.floor(num(e.attachmentPoint, 1)))), layer, colour);
      return true;
    }
    default:
      return false;
  }
}

function polyline(e: Entity, ctx: DrawContext, tol: number, line: (m: Affine, points: number[], closed?: boolean) => void): void {
  type V = P & { bulge?: number; splineControlPoint?: boolean; polyfaceMeshVertex?: boolean; threeDPolylineMesh?: boolean; faceA?: number; faceB?: number; faceC?: number; faceD?: number };
  const vertices = ((e.vertices as V[]) ?? []).filter((v) => v && typeof v === 'object');
  if (e.isPolyfaceMesh === true) {
    // Position vertices (flags 64 + 128), then face records (128) naming up to four of them, 1-based; a negative index hides the edge from it.
    const positions = vertices.filter((v) => v.polyfaceMeshVertex && v.threeDPolylineMesh && pt(v));
    for (const face of vertices.filter((v) => v.polyfaceMeshVertex && !v.threeDPolylineMesh)) {
      const refs = [face.faceA, face.faceB, face.faceC, face.faceD].filter((r): r is number => typeof r === 'number' && r !== 0);
      for (let k = 0; k < refs.length; k++) {
        const from = refs[k]!;
        const to = refs[(k + 1) % refs.length]!;
        const a = positions[Math.abs(from) - 1];
        const b = positions[Math.abs(to) - 1];
        if (from > 0 && a && b) line(ctx.m, [a.x, a.y, b.x, b.y]);
      }
    }
    return;
  }
  const drawn = vertices.filter((v) => !v.splineControlPoint && pt(v));
  const flat = e.is3dPolyline !== true && e.is3dPolygonMesh !== true;
  line(flat ? ocs(ctx.m, (e.extrusionDirection as { z?: unknown } | undefined)?.z) : ctx.m, bulgedPolyline(drawn, e.shape === true, tol));
}

/** A closed filled arrowhead at the polyline's first point, pointing along its first segment. */
function arrowhead(ctx: DrawContext, layer: number, colour: number, points: number[], size: number): void {
  if (points.length < 4 || !(size > 0)) return;
  const [tx, ty] = [points[0]!, points[1]!];
  let k = 2;
  while (k + 1 < points.length && points[k] === tx && points[k + 1] === ty) k += 2;
  const dx = tx - points[k]!;
  const dy = ty - points[k + 1]!;
  const len = Math.hypot(dx, dy);
  if (!(len > 0)) return;
  const ux = dx / len;
  const uy = dy / len;
  const bx = tx - ux * size;
  const by = ty - uy * size;
  const w = size / 6;
  const tri = [tx, ty, bx - uy * w, by + ux * w, bx + uy * w, by - ux * w];
  ctx.sink.triangles(ctx.m, layer, colour, tri, [0, 1, 2]);
  ctx.sink.polyline(ctx.m, layer, colour, tri, true);
}

function edgePoints(edge: HatchEdge, tol: number): number[] {
  switch (edge.type) {
    case 'line':
      return [edge.start.x, edge.start.y, edge.end.x, edge.end.y];
    case 'arc': {
      const { start, end } = hatchEdgeAngles(edge);
      return arcPoints(edge.center.x, edge.center.y, edge.radius, (start * Math.PI) / 180, ((end - start) * Math.PI) / 180, tol);
    }
    case 'ellipse': {
      // Hatch ellipse edges give angles, not parameters: the parameter of angle a is atan2(sin a / ratio, cos a).
      const { start, end } = hatchEdgeAngles(edge);
      const param = (deg: number): number => {
        const a = (deg * Math.PI) / 180;
        return Math.atan2(Math.sin(a) / (edge.ratio || 1), Math.cos(a));
      };
      const full = end - start >= 360;
      const p0 = param(start);
      const p1 = full ? p0 + 2 * Math.PI : param(end);
      return ellipsePoints(edge.center.x, edge.center.y, edge.majorAxis.x, edge.majorAxis.y, edge.ratio, p0, p1, tol);
    }
    case 'spline':
      if (edge.controlPoints.length >= 2) return splinePoints(edge.degree, edge.knots, edge.controlPoints, edge.weights, tol);
      return edge.fitPoints.flatMap((p) => [p.x, p.y]);
    default: {
      const never: never = edge;
      return never;
    }
  }
}

/** A hatch's boundary paths as outlines; a solid hatch also filled, when its loops do not nest (holes are outlined only). */
function hatch(h: HatchEntity, ctx: DrawContext, tol: number, layer: number, colour: number): void {
  const m = ocs(ctx.m, h.extrusionZ);
  const loops: number[][] = [];
  for (const path of h.paths) {
    if (path.kind === 'polyline') {
      const points = bulgedPolyline(path.vertices, true, tol);
      ctx.sink.polyline(m, layer, colour, points);
      loops.push(points);
    } else {
      const loop: number[] = [];
      for (const edge of path.edges) {
        const points = edgePoints(edge, tol);
        ctx.sink.polyline(m, layer, colour, points);
        const skip = loop.length >= 2 && points[0] === loop.at(-2) && points[1] === loop.at(-1) ? 2 : 0;
        for (let i = skip; i < points.length; i++) loop.push(points[i]!);
      }
      loops.push(loop);
    }
  }
  if (!h.solid) return;
  const fillable = loops.filter((l) => l.length >= 6 && l.length / 2 <= MAX_FILL_VERTICES);
  const nested = fillable.some((l, i) => fillable.some((o, j) => i !== j && insidePolygon(l[0]!, l[1]!, o)));
  if (nested) return;
  for (const loop of fillable) ctx.sink.triangles(m, layer, colour, loop, triangulate(loop));
}
