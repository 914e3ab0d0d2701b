/**
 * The entities dxf-parser drops and we read: HATCH boundaries (polyline paths with bulges, edge
 * paths with line, arc, ellipse and spline edges), LEADER and MULTILEADER; written here as DXF
 * text so each group is the one the test means.
 */
import { describe, expect, it } from 'vitest';
import { readDxf, type HatchEntity, type LeaderEntity, type MultiLeaderEntity } from './dxf-read';
import { extractDxf } from './dxf-extract';
import { hatchEdgeAngles } from './dxf-hatch';
import { dxfText, type DxfGroup } from './dxf-test-writer';

const splineEdge: DxfGroup[] = [
  [72, 4], [94, 3], [73, 0], [74, 0], [95, 8], [96, 4],
  [40, 0], [40, 0], [40, 0], [40, 0], [40, 1], [40, 1], [40, 1], [40, 1],
  [10, 0], [20, 0], [10, 1], [20, 2], [10, 2], [20, 2], [10, 3], [20, 0],
];

function hatch(extraPaths: DxfGroup[] = [], pathCount = 2, solid = false): DxfGroup[] {
  return [
    [0, 'HATCH'], [5, 'A1'], [100, 'AcDbEntity'], [8, 'HATCHES'], [62, 3], [100, 'AcDbHatch'],
    [10, 0], [20, 0], [30, 0], [210, 0], [220, 0], [230, 1], [2, solid ? 'SOLID' : 'ANSI31'], [70, solid ? 1 : 0], [71, 0], [91, pathCount],
    // A polyline path: a square whose second side bulges out as a half circle.
    [92, 2], [72, 1], [73, 1], [93, 4],
    [10, 0], [20, 0], [42, 0],
    [10, 10], [20, 0], [42, 1],
    [10, 10], [20, 10], [42, 0],
    [10, 0], [20, 10], [42, 0],
    [97, 0],
    // An edge path: a line, an arc, an ellipse and a spline.
    [92, 1], [93, 4],
    [72, 1], [10, 20], [20, 0], [11, 25], [21, 0],
    [72, 2], [10, 25], [20, 5], [40, 5], [50, 270], [51, 360], [73, 1],
    [72, 3], [10, 30], [20, 10], [11, 2], [21, 0], [40, 0.5], [50, 0], [51, 180], [73, 0],
    ...splineEdge,
    ...extraPaths,
    [75, 1], [76, 1], [52, 0], [41, 1], [77, 0], [78, 1], [53, 45], [43, 0], [44, 0], [45, -1], [46, 1], [79, 0], [98, 1], [10, 1], [20, 1],
  ];
}

const leader: DxfGroup[] = [
  [0, 'LEADER'], [5, 'B1'], [100, 'AcDbEntity'], [8, 'NOTES'], [100, 'AcDbLeader'], [3, 'Standard'], [71, 1], [72, 0], [73, 3], [74, 1], [75, 0],
  [40, 2.5], [41, 10], [76, 3], [10, 0], [20, 0], [30, 0], [10, 5], [20, 5], [30, 0], [10, 10], [20, 5], [30, 0], [210, 0], [220, 0], [230, 1],
];

const multileader: DxfGroup[] = [
  [0, 'MULTILEADER'], [5, 'C1'], [100, 'AcDbEntity'], [8, 'NOTES'], [100, 'AcDbMLeader'], [270, 2], [300, 'CONTEXT_DATA{'],
  [40, 1], [10, 20], [20, 10], [30, 0], [41, 2.5], [140, 1.5], [145, 0.5], [174, 1], [175, 1], [176, 0], [177, 0], [290, 1],
  [304, '{\\fArial|b1;PART}\\PNo. %%c7'], [11, 0], [21, 0], [31, 1], [340, '11'], [12, 20.5], [22, 11.25], [32, 0], [13, 1], [23, 0], [33, 0],
  [42, 0], [43, 0], [44, 0], [45, 1], [170, 1], [90, -1073741824], [171, 1], [172, 5], [297, 0],
  [302, 'LEADER{'], [290, 1], [291, 1], [10, 19], [20, 10], [30, 0], [11, 1], [21, 0], [31, 0], [90, 0], [40, 1],
  [304, 'LEADER_LINE{'], [10, 0], [20, 0], [30, 0], [10, 10], [20, 5], [30, 0], [91, 0], [305, '}'],
  [271, 0], [303, '}'], [272, 9], [273, 9], [301, '}'],
  [340, 'D8'], [90, 279552], [170, 1], [91, -1056964608], [341, '14'], [171, -2], [290, 1], [291, 1], [41, 1], [42, 1.5], [172, 2], [10, 1], [20, 1], [30, 1],
];

describe('reading what dxf-parser drops', () => {
  it('reads a hatch: pattern, solid flag, a polyline path with bulges and an edge path of every edge type', () => {
    const dxf = readDxf(dxfText({ entities: hatch() }));
    const h = dxf.entities[0] as unknown as HatchEntity;
    expect(h).toMatchObject({ type: 'HATCH', layer: 'HATCHES', colorIndex: 3, pattern: 'ANSI31', solid: false, extrusionZ: 1 });
    expect(h.paths).toHaveLength(2);
    expect(h.paths[0]).toEqual({
      kind: 'polyline',
      closed: true,
      vertices: [
        { x: 0, y: 0, bulge: 0 },
        { x: 10, y: 0, bulge: 1 },
        { x: 10, y: 10, bulge: 0 },
        { x: 0, y: 10, bulge: 0 },
      ],
    });
    const edges = h.paths[1]!.kind === 'edges' ? h.paths[1]!.edges : [];
    expect(edges.map((e) => e.type)).toEqual(['line', 'arc', 'ellipse', 'spline']);
    expect(edges[0]).toEqual({ type: 'line', start: { x: 20, y: 0 }, end: { x: 25, y: 0 } });
    expect(edges[1]).toEqual({ type: 'arc', center: { x: 25, y: 5 }, radius: 5, startAngle: 270, endAngle: 360, ccw: true });
    expect(edges[2]).toEqual({ type: 'ellipse', center: { x: 30, y: 10 }, majorAxis: { x: 2, y: 0 }, ratio: 0.5, startAngle: 0, endAngle: 180, ccw: false });
    expect(edges[3]).toMatchObject({ type: 'spline', degree: 3, knots: [0, 0, 0, 0, 1, 1, 1, 1], weights: null, fitPoints: [] });
    expect((edges[3] as { controlPoints: unknown[] }).controlPoints).toEqual([
      { x: 0, y: 0 },
      { x: 1, y: 2 },
      { x: 2, y: 2 },
      { x: 3, y: 0 },
    ]);
  });

  it('tells a spline edge’s fit data from the path’s source boundary count that looks like it', () => {
    const third: DxfGroup[] = [[92, 2], [72, 0], [73, 1], [93, 3], [10, 0], [20, 0], [10, 1], [20, 0], [10, 1], [20, 1], [97, 0]];
    const read = (afterSpline: DxfGroup[]): HatchEntity => readDxf(dxfText({ entities: hatch([...afterSpline, ...third], 3, true) })).entities[0] as unknown as HatchEntity;
    const fitOf = (h: HatchEntity): unknown => (h.paths[1]!.kind === 'edges' ? (h.paths[1]!.edges[3] as { fitPoints: unknown }).fitPoints : null);
    // The path's own 97 with a handle: no fit data.
    const plain = read([[97, 1], [330, 'ABC']]);
    // R2010 fit data with no points (97 0), then the path's 97.
    const empty = read([[97, 0], [97, 1], [330, 'ABC']]);
    // Fit points and end tangents, then the path's 97.
    const fitted = read([[97, 2], [11, 0], [21, 0], [11, 3], [21, 0], [12, 1], [22, 0], [13, 1], [23, 0], [97, 0]]);
    for (const h of [plain, empty, fitted]) {
      expect(h).toMatchObject({ solid: true, pattern: 'SOLID' });
      expect(h.paths.map((p) => p.kind)).toEqual(['polyline', 'edges', 'polyline']);
      expect(h.paths[2]).toMatchObject({ kind: 'polyline', vertices: [{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 1, y: 1 }] });
    }
    expect(fitOf(plain)).toEqual([]);
    expect(fitOf(empty)).toEqual([]);
    expect(fitOf(fitted)).toEqual([
      { x: 0, y: 0 },
      { x: 3, y: 0 },
    ]);
  });

  it('draws clockwise hatch arcs over the same points as the file means them', () => {
    expect(hatchEdgeAngles({ startAngle: 270, endAngle: 360, ccw: true })).toEqual({ start: 270, end: 360 });
    // Clockwise from 90° to 0°, stored as 360 − 90 = 270 and 360 − 0 = 360.
    expect(hatchEdgeAngles({ startAngle: 270, endAngle: 360, ccw: false })).toEqual({ start: 0, end: 90 });
    expect(hatchEdgeAngles({ startAngle: 0, endAngle: 360, ccw: true })).toEqual({ start: 0, end: 360 });
  });

  it('reads a leader’s vertices and arrowhead flag, and a multileader’s lines, text and where its text goes', () => {
    const dxf = readDxf(dxfText({ entities: [...leader, ...multileader] }));
    const l = dxf.entities[0] as unknown as LeaderEntity;
    expect(l).toMatchObject({ type: 'LEADER', layer: 'NOTES', arrowhead: true, spline: false });
    expect(l.vertices).toEqual([
      { x: 0, y: 0 },
      { x: 5, y: 5 },
      { x: 10, y: 5 },
    ]);
    const m = dxf.entities[1] as unknown as MultiLeaderEntity;
    expect(m).toMatchObject({ type: 'MULTILEADER', layer: 'NOTES', text: 'PART\nNo. ⌀7', textPosition: { x: 20.5, y: 11.25 }, textHeight: 2.5, attachment: 1, arrowSize: 1.5 });
    expect(m.contentBase).toEqual({ x: 20, y: 10 });
    // From the arrowhead through the line's vertices to the landing, then the dogleg (1 along +x).
    expect(m.leaders).toEqual([
      {
        vertices: [
          { x: 0, y: 0 },
          { x: 10, y: 5 },
          { x: 19, y: 10 },
          { x: 20, y: 10 },
        ],
      },
    ]);
  });

  it('puts multileader text into the extraction’s text in reading order, and counts the new entities', () => {
    const entities: DxfGroup[] = [
      ...hatch(),
      ...leader,
      ...multileader,
      [0, 'TEXT'], [8, '0'], [10, 0], [20, 30], [30, 0], [40, 2.5], [1, 'ABOVE'],
      [0, 'TEXT'], [8, '0'], [10, 0], [20, -30], [30, 0], [40, 2.5], [1, 'BELOW'],
    ];
    const x = extractDxf(dxfText({ layers: [{ name: '0', color: 7 }, { name: 'NOTES', color: 1 }, { name: 'HATCHES', color: 3 }], entities }));
    expect(x.text).toEqual(['ABOVE', 'PART\nNo. ⌀7', 'BELOW']);
    expect(x.dxf.entityCounts).toEqual({ HATCH: 1, LEADER: 1, MULTILEADER: 1, TEXT: 2 });
    expect(x.dxf.layers).toEqual([
      { name: '0', entityCount: 2 },
      { name: 'NOTES', entityCount: 2 },
      { name: 'HATCHES', entityCount: 1 },
    ]);
  });
});
