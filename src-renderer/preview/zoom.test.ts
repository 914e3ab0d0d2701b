import { describe, expect, it } from 'vitest';
import { nextZoom } from './zoom';

describe('zoom steps', () => {
  it('go to the next step from any scale, and stop at the ends', () => {
    expect(nextZoom(1, 1)).toEqual({ mode: 'scale', scale: 1.1 });
    expect(nextZoom(1, -1)).toEqual({ mode: 'scale', scale: 0.9 });
    expect(nextZoom(0.8137, 1)).toEqual({ mode: 'scale', scale: 0.9 });
    expect(nextZoom(0.8137, -1)).toEqual({ mode: 'scale', scale: 0.75 });
    expect(nextZoom(16, 1)).toEqual({ mode: 'scale', scale: 16 });
    expect(nextZoom(0.1, -1)).toEqual({ mode: 'scale', scale: 0.1 });
  });
});
