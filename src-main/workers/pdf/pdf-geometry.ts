/**
 * The straight lines a PDF page draws, from its pdf.js operator list: each path's straight pieces
 * (lines, rectangle sides, closing lines) in PDF user space (the space text items are in), through
 * the current transform (`cm`, form XObjects, transparency groups), with their line width and
 * whether they are dashed. Stroked paths give all their straight pieces; a filled path gives only
 * its thin rectangles, as their centre line (tables are often ruled that way). Curves, clipping
 * paths and annotations give none. This is what ruled tables and boxed dimensions are read from.
 */
import type { PDFPageProxy } from './pdf-document';
import type { Segment } from '../reading/segments';

/** A page with more straight pieces than this keeps the first ones (a dense hatching, a scan traced to vectors). */
export const MAX_SEGMENTS = 200_000;

/** A filled rectangle at most this thick (points) is a rule drawn as a fill. */
const THIN_FILL = 3;

type Matrix = [number, number, number, number, number, number];

const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

/** `m` applied first, then `ctm` (a PDF `cm`). */
function multiply(ctm: Matrix, m: readonly number[]): Matrix {
  const [a, b, c, d, e, f] = m as Matrix;
  return [
    ctm[0] * a + ctm[2] * b,
    ctm[1] * a + ctm[3] * b,
    ctm[0] * c + ctm[2] * d,
    ctm[1] * c + ctm[3] * d,
    ctm[0] * e + ctm[2] * f + ctm[4],
    ctm[1] * e + ctm[3] * f + ctm[5],
  ];
}

interface State {
  ctm: Matrix;
  lineWidth: number;
  dashed: boolean;
}

/** pdf.js `DrawOPS`: the codes inside a constructPath's path data. */
const MOVE = 0;
const LINE = 1;
const CURVE = 2;
const QUAD = 3;
const CLOSE = 4;

/** The straight pieces of one path, in its own coordinates, and whether each subpath is a closed 4-sided axis-aligned box. */
function pathPieces(data: ArrayLike<number>): { lines: number[][]; rects: number[][] } {
  const lines: number[][] = [];
  const rects: number[][] = [];
  let sx = 0;
  let sy = 0;
  let cx = 0;
  let cy = 0;
  let sub: number[] = [];
  let curved = false;
  const endSub = (closed: boolean): void => {
    // A closed subpath of 4 corners with axis-parallel sides is a rectangle: [x0, y0, x1, y1].
    if (closed && !curved && sub.length >= 8 && sub.length <= 10) {
      const xs = [sub[0]!, sub[2]!, sub[4]!, sub[6]!];
      const ys = [sub[1]!, sub[3]!, sub[5]!, sub[7]!];
      const axis = [0, 1, 2, 3].every((i) => {
        const j = (i + 1) % 4;
        return Math.abs(xs[i]! - xs[j]!) < 1e-3 || Math.abs(ys[i]! - ys[j]!) < 1e-3;
      });
      if (axis) rects.push([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)]);
    }
    sub = [];
    curved = false;
  };
  for (let i = 0; i < data.length; ) {
    const op = data[i++];
    if (op === MOVE) {
      endSub(false);
      sx = cx = data[i++]!;
      sy = cy = data[i++]!;
      sub.push(cx, cy);
    } else if (op === LINE) {
      const x = data[i++]!;
      const y = data[i++]!;
      lines.push([cx, cy, x, y]);
      cx = x;
      cy = y;
      sub.push(x, y);
    } else if (op === CURVE) {
      cx = data[i + 4]!;
      cy = data[i + 5]!;
      i += 6;
      curved = true;
    } else if (op === QUAD) {
      cx = data[i + 2]!;
      cy = data[i + 3]!;
      i += 4;
      curved = true;
    } else if (op === CLOSE) {
      if (cx !== sx || cy !== sy) lines.push([cx, cy, sx, sy]);
      endSub(true);
      cx = sx;
      cy = sy;
      sub.push(cx, cy);
    } else break; // Unknown data: the rest of this path cannot be read.
  }
  return { lines, rects };
}

/** The straight lines `page` draws, in PDF user space. */
export async function pageSegments(page: PDFPageProxy, OPS: Record<string, number>): Promise<Segment[]> {
  const list = await page.getOperatorList();
  const out: Segment[] = [];
  const stack: State[] = [];
  let state: State = { ctm: IDENTITY, lineWidth: 1, dashed: false };
  const strokeOps = new Set([OPS.stroke, OPS.closeStroke, OPS.fillStroke, OPS.eoFillStroke, OPS.closeFillStroke, OPS.closeEOFillStroke]);
  const fillOps = new Set([OPS.fill, OPS.eoFill]);
  const push = (): void => void stack.push(state);
  const pop = (): void => {
    state = stack.pop() ?? state;
  };
  let annotation = 0;
  const { fnArray, argsArray } = list;
  for (let i = 0; i < fnArray.length && out.length < MAX_SEGMENTS; i++) {
    const fn = fnArray[i];
    const args = argsArray[i] as unknown[] | null;
    switch (fn) {
      case OPS.save:
        push();
        break;
      case OPS.restore:
        pop();
        break;
      case OPS.transform:
        state = { ...state, ctm: multiply(state.ctm, args as number[]) };
        break;
      case OPS.paintFormXObjectBegin:
      case OPS.beginGroup: {
        push();
        const matrix = fn === OPS.beginGroup ? (args?.[0] as { matrix?: number[] } | undefined)?.matrix : (args?.[0] as number[] | null);
        if (matrix && matrix.length === 6) state = { ...state, ctm: multiply(state.ctm, matrix) };
        break;
      }
      case OPS.paintFormXObjectEnd:
      case OPS.endGroup:
        pop();
        break;
      case OPS.beginAnnotation:
        annotation++;
        break;
      case OPS.endAnnotation:
        annotation = Math.max(0, annotation - 1);
        break;
      case OPS.setLineWidth:
        state = { ...state, lineWidth: Number(args?.[0]) || 0 };
        break;
      case OPS.setDash:
        state = { ...state, dashed: Array.isArray(args?.[0]) && (args[0] as number[]).some((d) => d > 0) };
        break;
      case OPS.setGState:
        for (const [key, value] of (args?.[0] ?? []) as Array<[string, unknown]>) {
          if (key === 'LW' && typeof value === 'number') state = { ...state, lineWidth: value };
          if (key === 'D' && Array.isArray(value)) state = { ...state, dashed: Array.isArray(value[0]) && (value[0] as number[]).some((d) => d > 0) };
        }
        break;
      case OPS.constructPath: {
        if (annotation > 0) break;
        const paint = args?.[0] as number;
        const data = (args?.[1] as Array<ArrayLike<number> | null> | undefined)?.[0];
        if (!data || !(strokeOps.has(paint) || fillOps.has(paint))) break;
        const { lines, rects } = pathPieces(data);
        const m = state.ctm;
        const scale = Math.sqrt(Math.abs(m[0] * m[3] - m[1] * m[2]));
        const at = (x: number, y: number): [number, number] => [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
        if (strokeOps.has(paint)) {
          const width = state.lineWidth * scale;
          for (const [x0, y0, x1, y1] of lines) {
            const [ax, ay] = at(x0!, y0!);
            const [bx, by] = at(x1!, y1!);
            out.push({ x0: ax, y0: ay, x1: bx, y1: by, width, dashed: state.dashed });
          }
        } else {
          for (const [x0, y0, x1, y1] of rects) {
            const w = x1! - x0!;
            const h = y1! - y0!;
            if (Math.min(w, h) * scale > THIN_FILL) continue;
            const [ax, ay] = w >= h ? at(x0!, (y0! + y1!) / 2) : at((x0! + x1!) / 2, y0!);
            const [bx, by] = w >= h ? at(x1!, (y0! + y1!) / 2) : at((x0! + x1!) / 2, y1!);
            out.push({ x0: ax, y0: ay, x1: bx, y1: by, width: Math.min(w, h) * scale, dashed: false });
          }
        }
        break;
      }
      default:
        break;
    }
  }
  return out;
}
