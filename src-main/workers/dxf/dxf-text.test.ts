import { describe, expect, it } from 'vitest';
import { decodeControlCodes, plainMText } from './dxf-text';

describe('DXF text', () => {
  it('decodes %% control codes, old numeric ones included', () => {
    expect(decodeControlCodes('%%c12 %%p0.1 45%%d %%%')).toBe('⌀12 ±0.1 45° %');
    expect(decodeControlCodes('%%C8 H7 %%D %%P')).toBe('⌀8 H7 ° ±');
    expect(decodeControlCodes('%%1292.0000 90%%127 %%1280.05')).toBe('⌀2.0000 90° ±0.05');
    expect(decodeControlCodes('%%uUnderlined%%u')).toBe('Underlined');
    expect(decodeControlCodes('100%')).toBe('100%');
  });

  it('turns MTEXT formatting into plain text', () => {
    expect(plainMText('{\\fArial|b1|i0|c0|p34;TITLE}\\PSecond line')).toBe('TITLE\nSecond line');
    expect(plainMText('\\A1;4.30')).toBe('4.30');
    expect(plainMText('\\H2.5x;\\C1;Red \\Lunder\\l and \\Oover\\o')).toBe('Red under and over');
    expect(plainMText('M8x1.25 \\S+0.1^-0.2; and \\S1/2; and \\S3#4;')).toBe('M8x1.25 +0.1 -0.2 and 1/2 and 3/4');
    expect(plainMText('a\\~b \\\\ \\{braces\\}')).toBe('a b \\ {braces}');
    expect(plainMText('\\U+00D8 20 %%c5')).toBe('Ø 20 ⌀5');
    expect(plainMText('trailing \\')).toBe('trailing ');
  });
});
