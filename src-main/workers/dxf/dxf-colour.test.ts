import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FOREGROUND } from '../../../src-shared/drawing/geometry-codec';
import { ACI_PALETTE, aciColour, colourSpecOf, resolveColour } from './dxf-colour';

describe('DXF colours', () => {
  it('generates the ACI palette dxf-parser tables (to within one step in a channel)', () => {
    const file = path.join(path.dirname(createRequire(import.meta.url).resolve('dxf-parser')), 'AutoCadColorIndex.js');
    const source = fs.readFileSync(file, 'utf8');
    const table = [...source.slice(source.indexOf('[')).matchAll(/\d+/g)].map((m) => Number(m[0]));
    expect(table).toHaveLength(256);
    for (let i = 1; i < 256; i++) {
      for (const shift of [16, 8, 0]) expect(Math.abs(((ACI_PALETTE[i]! >> shift) & 0xff) - ((table[i]! >> shift) & 0xff)), `ACI ${i}`).toBeLessThanOrEqual(1);
    }
  });

  it('draws ACI 7 (and white) as the foreground, other ACIs as their colour', () => {
    expect(aciColour(7)).toBe(FOREGROUND);
    expect(aciColour(255)).toBe(FOREGROUND);
    expect(aciColour(1)).toBe(0xff0000);
    expect(aciColour(-5)).toBe(0x0000ff);
    expect(aciColour(30)).toBe(0xff7f00);
  });

  it('reads an entity’s colour as BYLAYER, BYBLOCK, an ACI or a true colour, and resolves it', () => {
    expect(colourSpecOf({})).toEqual({ kind: 'bylayer' });
    expect(colourSpecOf({ colorIndex: 256 })).toEqual({ kind: 'bylayer' });
    expect(colourSpecOf({ colorIndex: 0, color: 0 })).toEqual({ kind: 'byblock' });
    expect(colourSpecOf({ colorIndex: 3, color: 0x00ff00 })).toEqual({ kind: 'rgb', value: 0x00ff00 });
    // dxf-parser keeps a true colour (420) in `color` beside the ACI it approximates.
    expect(colourSpecOf({ colorIndex: 3, color: 0x10e020 })).toEqual({ kind: 'rgb', value: 0x10e020 });
    expect(colourSpecOf({ color: 0x123456 })).toEqual({ kind: 'rgb', value: 0x123456 });
    expect(colourSpecOf({ trueColor: 0xffffff })).toEqual({ kind: 'rgb', value: FOREGROUND });
    expect(resolveColour({ kind: 'bylayer' }, 0xff0000, 0x00ff00)).toBe(0xff0000);
    expect(resolveColour({ kind: 'byblock' }, 0xff0000, 0x00ff00)).toBe(0x00ff00);
  });
});
