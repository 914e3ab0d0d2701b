import { describe, expect, it } from 'vitest';
import { fitView, formatDistance, panBy, parseCssColour, resize, screenToWorld, visibleBox, wheelFactor, worldToScreen, zoomAt } from './dxf-view-math';

describe('the viewer’s view', () => {
  it('fits extents centred with a margin, by the tighter side', () => {
    const v = fitView({ minX: 0, minY: 0, maxX: 200, maxY: 100 }, 1000, 1000, 0);
    expect(v).toEqual({ cx: 100, cy: 50, scale: 5, width: 1000, height: 1000 });
    const m = fitView({ minX: 0, minY: 0, maxX: 100, maxY: 100 }, 1000, 500, 0.05);
    expect(m.scale).toBeCloseTo(4.5);
    const box = visibleBox(m);
    expect(box.minY).toBeCloseTo(50 - 250 / 4.5);
    // Nothing to fit, a point, a line: a view all the same.
    expect(fitView(null, 0, 0)).toEqual({ cx: 0, cy: 0, scale: 1, width: 1, height: 1 });
    expect(fitView({ minX: 5, minY: 5, maxX: 5, maxY: 5 }, 100, 100).cx).toBe(5);
    expect(fitView({ minX: 0, minY: 5, maxX: 10, maxY: 5 }, 100, 100, 0).scale).toBe(10);
  });

  it('converts between screen (y down) and drawing (y up) both ways', () => {
    const v = { cx: 10, cy: 20, scale: 2, width: 400, height: 300 };
    expect(screenToWorld(v, 200, 150)).toEqual([10, 20]);
    expect(screenToWorld(v, 0, 0)).toEqual([-90, 95]);
    for (const [x, y] of [
      [0, 0],
      [123.5, 77.25],
      [400, 300],
    ] as const) {
      const [wx, wy] = screenToWorld(v, x, y);
      const [sx, sy] = worldToScreen(v, wx, wy);
      expect(sx).toBeCloseTo(x, 9);
      expect(sy).toBeCloseTo(y, 9);
    }
  });

  it('zooms at the cursor: the point under it stays under it, within limits', () => {
    const v = { cx: 0, cy: 0, scale: 1, width: 800, height: 600 };
    const before = screenToWorld(v, 100, 450);
    const z = zoomAt(v, 100, 450, 2);
    expect(z.scale).toBe(2);
    const after = screenToWorld(z, 100, 450);
    expect(after[0]).toBeCloseTo(before[0], 9);
    expect(after[1]).toBeCloseTo(before[1], 9);
    expect(zoomAt(v, 0, 0, 1000, { min: 0.5, max: 10 }).scale).toBe(10);
    expect(zoomAt(v, 0, 0, 0.001, { min: 0.5, max: 10 }).scale).toBe(0.5);
    expect(wheelFactor(-100, 0)).toBeCloseTo(1.25);
    expect(wheelFactor(100, 0)).toBeCloseTo(0.8);
    expect(wheelFactor(3, 1)).toBeCloseTo(wheelFactor(99, 0));
  });

  it('pans with the pointer and keeps centre and scale on resize', () => {
    const v = { cx: 0, cy: 0, scale: 2, width: 800, height: 600 };
    const p = panBy(v, 20, 10);
    // Dragging right and down brings what was left and above into view.
    expect(p).toMatchObject({ cx: -10, cy: 5 });
    expect(resize(p, 100, 50)).toEqual({ ...p, width: 100, height: 50 });
  });

  it('formats distances in the drawing’s units at a precision that suits them', () => {
    expect(formatDistance(13.28812, 'meters')).toBe('13.288 m');
    expect(formatDistance(1250.44, 'millimeters')).toBe('1250.4 mm');
    expect(formatDistance(0.00421, 'meters')).toBe('0.00421 m');
    expect(formatDistance(2, null)).toBe('2.000 units');
    expect(formatDistance(0, 'inches')).toBe('0 in');
  });

  it('reads the CSS colours computed styles give', () => {
    expect(parseCssColour('#1d2129')).toBe(0x1d2129);
    expect(parseCssColour(' #fff ')).toBe(0xffffff);
    expect(parseCssColour('rgb(230, 232, 235)')).toBe(0xe6e8eb);
    expect(parseCssColour('rgba(0 128 255 / 0.5)')).toBe(0x0080ff);
    expect(parseCssColour('')).toBeNull();
    expect(parseCssColour('color-mix(in srgb, red, blue)')).toBeNull();
  });
});
