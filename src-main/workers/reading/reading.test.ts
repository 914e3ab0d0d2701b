/**
 * Engineering reading of drawing text. The inputs are the texts the corpus manifest lists for its
 * drawings (the Gripper and Adapterplatte PDFs, the candle holder's labels) and common variants.
 */
import { describe, expect, it } from 'vitest';
import { readDimensionText } from './dimension-text';
import { readSurfaceFinish, readThreads } from './callouts';
import { readTitleBlock, titleBlockFromAttributes, type PlacedText } from './title-block';
import { joinStacks } from './stacks';

describe('dimension text', () => {
  it('reads the Gripper drawing\'s dimensions: symmetric, deviation, limits, basic, counts', () => {
    expect(readDimensionText('Ø70.50 ±0.05')).toEqual({ text: 'Ø70.50 ±0.05', kind: 'diameter', value: 70.5, unit: 'mm', tolerance: { type: 'symmetric', upper: 0.05, lower: -0.05 }, count: 1 });
    expect(readDimensionText('4x Ø6.60 +0.40/-0.10')).toMatchObject({ kind: 'diameter', value: 6.6, count: 4, tolerance: { type: 'deviation', upper: 0.4, lower: -0.1 } });
    expect(readDimensionText('[Ø6.15]')).toMatchObject({ kind: 'diameter', value: 6.15, tolerance: { type: 'basic' } });
    expect(readDimensionText('35.36 +0.03/-0.03')).toMatchObject({ kind: 'linear', value: 35.36, tolerance: { type: 'deviation', upper: 0.03, lower: -0.03 } });
    expect(readDimensionText('16.00/15.50')).toMatchObject({ kind: 'linear', value: 15.75, tolerance: { type: 'limits', upper: 16, lower: 15.5 } });
    expect(readDimensionText('[7.00]')).toMatchObject({ value: 7, tolerance: { type: 'basic' } });
    expect(readDimensionText('R1.00 ±0.10')).toMatchObject({ kind: 'radius', value: 1, tolerance: { type: 'symmetric', upper: 0.1, lower: -0.1 } });
    expect(readDimensionText('[45°]')).toMatchObject({ kind: 'angular', value: 45, unit: 'deg', tolerance: { type: 'basic' } });
  });

  it('reads decimal commas and the candle holder\'s labels: fits, chamfers, references, angles', () => {
    expect(readDimensionText('200,00')).toMatchObject({ kind: 'linear', value: 200, tolerance: null });
    expect(readDimensionText('R10,00')).toMatchObject({ kind: 'radius', value: 10 });
    expect(readDimensionText('⌀42')).toMatchObject({ kind: 'diameter', value: 42, tolerance: null });
    expect(readDimensionText('⌀38H12')).toMatchObject({ kind: 'diameter', value: 38, tolerance: { type: 'fit', fit: 'H12' } });
    expect(readDimensionText('8 H7/g6')).toMatchObject({ value: 8, tolerance: { type: 'fit', fit: 'H7/g6' } });
    expect(readDimensionText('⌀21,5±0,1')).toMatchObject({ kind: 'diameter', value: 21.5, tolerance: { type: 'symmetric', upper: 0.1, lower: -0.1 } });
    expect(readDimensionText('(25,5)')).toMatchObject({ value: 25.5, tolerance: { type: 'reference' } });
    expect(readDimensionText('1x45°')).toMatchObject({ kind: 'chamfer', value: 1, angle: 45, count: 1 });
    expect(readDimensionText('45,0°')).toMatchObject({ kind: 'angular', value: 45, unit: 'deg' });
    expect(readDimensionText('0 +0,1')).toBeNull();
    expect(readDimensionText('12 0/-0.1')).toMatchObject({ tolerance: { type: 'deviation', upper: 0, lower: -0.1 } });
    expect(readDimensionText('SR5')).toMatchObject({ kind: 'sphericalRadius', value: 5 });
    expect(readDimensionText('2.5', 'in')).toMatchObject({ unit: 'in' });
  });

  it('is not fooled by labels, notes or threads', () => {
    for (const text of ['SCHNITT A-A', 'Stahl', 'M8', '1/4-20 UNC', 'Blatt 1 von 1', '', '1:2', '[Ø6.15] extra']) expect(readDimensionText(text), text).toBeNull();
  });
});

describe('thread callouts', () => {
  it('reads metric, unified and pipe threads with their counts', () => {
    expect(readThreads('4 x M8 Gewinde durchgehend')).toEqual([{ text: '4 x M8', designation: 'M8', count: 4 }]);
    expect(readThreads('M8x1.25-6H')).toEqual([{ text: 'M8x1.25-6H', designation: 'M8x1.25-6H', count: 1 }]);
    expect(readThreads('2X M10 x 1 - 6g THRU')).toEqual([{ text: '2X M10 x 1 - 6g', designation: 'M10x1-6g', count: 2 }]);
    expect(readThreads('1/4-20 UNC-2B, 3x #10-32 UNF')).toEqual([
      { text: '1/4-20 UNC-2B', designation: '1/4-20 UNC-2B', count: 1 },
      { text: '3x #10-32 UNF', designation: '#10-32 UNF', count: 3 },
    ]);
    expect(readThreads('G1/4 and 1/8-27 NPT')).toEqual([
      { text: 'G1/4', designation: 'G1/4', count: 1 },
      { text: '1/8-27 NPT', designation: '1/8-27 NPT', count: 1 },
    ]);
  });

  it('finds none in dimensions, part numbers or words', () => {
    for (const text of ['Ø70.50 ±0.05', 'UR10_29.20', 'MATERIAL', 'M8A-221', '200,00', 'SCALE 1:2', 'R5', 'R10,00', 'R1.00 ±0.10', 'G12 grid']) expect(readThreads(text), text).toEqual([]);
    expect(readThreads('R1/2 and Rp 3/4 and G1 A')).toEqual([
      { text: 'R1/2', designation: 'R1/2', count: 1 },
      { text: 'Rp 3/4', designation: 'Rp3/4', count: 1 },
      { text: 'G1 A', designation: 'G1A', count: 1 },
    ]);
  });
});

describe('surface finish', () => {
  it('reads roughness values', () => {
    expect(readSurfaceFinish('Ra 12')).toEqual(['Ra 12']);
    expect(readSurfaceFinish('all over Ra 3,2 except Rz16 and Ra0.8')).toEqual(['Ra 3.2', 'Rz 16', 'Ra 0.8']);
    expect(readSurfaceFinish('Radius 5, Rack')).toEqual([]);
  });
});

describe('title block', () => {
  const t = (str: string, x: number, y: number, size = 6): PlacedText => ({ str, x, y, size, rotation: 0 });

  it('reads labels with values beside them, below them or after a colon, and ISO 2768 anywhere', () => {
    const block = readTitleBlock([
      t('Zeichnungsnummer', 500, 100), t('4711-001', 500, 88, 12),
      t('Rev.', 620, 100), t('C', 620, 88, 12),
      t('Gezeichnet', 300, 60), t('M. Muster', 340, 60, 8),
      t('Datum', 300, 50), t('2024-03-01', 340, 50, 8),
      t('Allgemeintoleranzen ISO 2768-mK', 300, 30),
      t('Werkstoff', 400, 60), t('1.4301', 400, 50, 9),
    ]);
    expect(block).toEqual({
      drawingNumber: '4711-001', title: null, revision: 'C', scale: null, sheet: null, format: null, material: '1.4301',
      drawnBy: 'M. Muster', date: '2024-03-01', generalTolerance: 'ISO 2768-mK',
    });
  });

  it('takes fields from title block attributes where the layout gave none', () => {
    const empty = readTitleBlock([]);
    expect(titleBlockFromAttributes({ DWG_NO: 'A-100', TITLE: 'Bracket', REV: 'B', SCALE: '1:5', MATERIAL: 'S235', OTHER: 'x', DATE: ' ' }, { ...empty, title: 'Kept' })).toMatchObject({
      drawingNumber: 'A-100', title: 'Kept', revision: 'B', scale: '1:5', material: 'S235', date: null,
    });
  });
});

describe('stacked dimension text', () => {
  const at = (str: string, x: number, y: number, rotation = 0, size = 10): PlacedText => {
    // Place in the text's own frame (u along the baseline, v across), then rotate into the page.
    const r = (rotation * Math.PI) / 180;
    return { str, x: x * Math.cos(r) - y * Math.sin(r), y: x * Math.sin(r) + y * Math.cos(r), size, rotation, width: str.length * 5.5 };
  };

  for (const rotation of [0, 45, 90, -75]) {
    it(`joins a tolerance stack, limits and a count, at ${rotation}°`, () => {
      const items = [
        at('3x', 0, 100, rotation), at('12.50', 20, 100, rotation), at('+', 50, 104, rotation), at('0.20', 58, 104, rotation), at('-', 50, 96, rotation), at('0.10', 58, 96, rotation),
        at('16.00', 0, 50, rotation), at('15.50', 0, 40, rotation),
        at('25,00', 200, 50, rotation), at('39,90', 200, 34, rotation),
      ];
      const texts = joinStacks(items).map((t) => t.str).sort();
      expect(texts).toEqual(['16.00/15.50', '25,00', '39,90', '3x 12.50 +0.20/-0.10'].sort());
    });
  }
});
