import { describe, expect, it } from 'vitest';
import { LIGHT_THEME, contrast, cssHex, displayColour } from './drawing-colours';
import { FOREGROUND } from './geometry-codec';
import { LINE_SPACING, layoutText, textBox } from './text-layout';

const DARK = { foreground: 0xe6e8eb, background: 0x181a1f };

describe('drawing colours on a theme', () => {
  it('draws the foreground colour (ACI 7) black on light and light on dark', () => {
    expect(displayColour(FOREGROUND, LIGHT_THEME)).toBe(0x000000);
    expect(displayColour(FOREGROUND, DARK)).toBe(0xe6e8eb);
  });

  it('keeps colours that show and darkens those that would vanish into the background', () => {
    expect(displayColour(0xff0000, LIGHT_THEME)).toBe(0xff0000);
    expect(displayColour(0x0000ff, LIGHT_THEME)).toBe(0x0000ff);
    const yellow = displayColour(0xffff00, LIGHT_THEME);
    expect(yellow).not.toBe(0xffff00);
    expect(contrast(yellow, 0xffffff)).toBeGreaterThanOrEqual(1.8);
    // Still yellowish: red and green stay equal and above blue.
    expect((yellow >> 16) & 0xff).toBe((yellow >> 8) & 0xff);
    expect(contrast(displayColour(0x000080, DARK), DARK.background)).toBeGreaterThanOrEqual(1.8);
    expect(cssHex(0x00ff)).toBe('#0000ff');
  });
});

describe('text layout', () => {
  const measure = (line: string): number => line.length * 0.8;

  it('puts the anchor at the attachment point of the text’s box', () => {
    // Bottom left (TEXT's default): baseline at the anchor.
    expect(layoutText('AB', 7, measure)).toEqual([{ text: 'AB', x: 0, y: 0, width: 1.6 }]);
    // Top right: capitals hang from the anchor, the line ends at it.
    expect(layoutText('AB', 3, measure)).toEqual([{ text: 'AB', x: -1.6, y: -1, width: 1.6 }]);
    // Middle centre.
    expect(layoutText('AB', 5, measure)).toEqual([{ text: 'AB', x: -0.8, y: -0.5, width: 1.6 }]);
  });

  it('stacks lines downwards at MTEXT’s spacing, each aligned on its own', () => {
    const lines = layoutText('TITLE\nA', 1, measure);
    expect(lines.map((l) => [l.text, l.x, l.y])).toEqual([
      ['TITLE', 0, -1],
      ['A', 0, -1 - LINE_SPACING],
    ]);
    const bottom = layoutText('TITLE\nA', 9, measure);
    expect(bottom.at(-1)!.y).toBe(0);
    expect(bottom[0]!.x).toBe(-4);
    expect(textBox(lines)).toEqual({ minX: 0, maxX: 4, minY: -1 - LINE_SPACING - 0.25, maxY: 0 });
  });
});
