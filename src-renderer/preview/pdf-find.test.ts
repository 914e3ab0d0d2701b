import { describe, expect, it } from 'vitest';
import { findFromSearch, findHits } from './pdf-find';

const pages = [['DRAWING NO', 'UR10_29.20', 'Material  PLA'], ['Scale 1:1', 'material pla', '']];

describe('finding text in PDF pages', () => {
  it('lists hits in page and item order, ignoring case and spacing', () => {
    expect(findHits(pages, 'material pla')).toEqual([{ page: 0, item: 2 }, { page: 1, item: 1 }]);
    expect(findHits(pages, 'ur10')).toEqual([{ page: 0, item: 1 }]);
    expect(findHits(pages, '  ')).toEqual([]);
    expect(findHits(pages, 'steel')).toEqual([]);
  });

  it('opens at the whole search, else its longest word the text holds', () => {
    expect(findFromSearch(pages, 'material pla')).toBe('material pla');
    expect(findFromSearch(pages, 'pla gripper UR10_29')).toBe('UR10_29');
    expect(findFromSearch(pages, 'nothing here')).toBe('');
  });
});
