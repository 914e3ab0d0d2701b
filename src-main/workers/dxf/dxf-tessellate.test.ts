import { describe, expect, it } from 'vitest';
import { arcSteps, bulgedPolyline, insidePolygon, splinePoints, triangulate } from './dxf-tessellate';

const triangleArea = (points: number[], idx: number[]): number => {
  let a = 0;
  for (let i = 0; i < idx.length; i += 3) {
    const [p, q, r] = [idx[i]!, idx[i + 1]!, idx[i + 2]!];
    a += Math.abs((points[2 * q]! - points[2 * p]!) * (points[2 * r + 1]! - points[2 * p + 1]!) - (points[2 * r]! - points[2 * p]!) * (points[2 * q + 1]! - points[2 * p + 1]!)) / 2;
  }
  return a;
};

describe('tessellation', () => {
  it('uses more chords for larger arcs and finer tolerances, within bounds', () => {
    expect(arcSteps(10, 2 * Math.PI, 0.01)).toBeGreaterThan(arcSteps(10, 2 * Math.PI, 0.1));
    expect(arcSteps(100, 2 * Math.PI, 0.01)).toBeGreaterThan(arcSteps(10, 2 * Math.PI, 0.01));
    expect(arcSteps(1e-6, 2 * Math.PI, 1)).toBe(16);
    expect(arcSteps(1e9, 2 * Math.PI, 1e-9)).toBe(1024);
    expect(arcSteps(10, Math.PI / 2, 0.1)).toBeLessThan(arcSteps(10, 2 * Math.PI, 0.1));
  });

  it('closes a bulged polyline back to its first vertex', () => {
    const pts = bulgedPolyline([{ x: 0, y: 0, bulge: 1 }, { x: 2, y: 0 }], true, 0.001);
    expect(pts.slice(-2)).toEqual([0, 0]);
    // Counter-clockwise from (0, 0) to (2, 0): below the chord.
    expect(Math.min(...pts.filter((_, i) => i % 2 === 1))).toBeLessThan(-0.99);
  });

  it('triangulates a concave polygon into triangles covering exactly its area', () => {
    // An L shape, clockwise, with a repeated point and a collinear one.
    const l = [0, 0, 0, 3, 1, 3, 1, 1, 1, 1, 2, 1, 3, 1, 3, 0];
    const idx = triangulate(l);
    expect(idx.length % 3).toBe(0);
    expect(triangleArea(l, idx)).toBeCloseTo(5, 9);
    expect(triangulate([0, 0, 1, 1])).toEqual([]);
  });

  it('evaluates a rational spline (a quarter circle as NURBS) on the circle', () => {
    const w = Math.SQRT1_2;
    const pts = splinePoints(2, [0, 0, 0, 1, 1, 1], [{ x: 1, y: 0 }, { x: 1, y: 1 }, { x: 0, y: 1 }], [1, w, 1], 1e-4);
    for (let i = 0; i < pts.length; i += 2) expect(Math.hypot(pts[i]!, pts[i + 1]!)).toBeCloseTo(1, 6);
    expect(insidePolygon(0.5, 0.5, [0, 0, 1, 0, 1, 1, 0, 1])).toBe(true);
    expect(insidePolygon(1.5, 0.5, [0, 0, 1, 0, 1, 1, 0, 1])).toBe(false);
  });
});
