import { describe, expect, it } from 'vitest';
import { idSequence, isId, newId } from './ids';

describe('ids', () => {
  it('makes valid, distinct random ids', () => {
    const ids = Array.from({ length: 10_000 }, () => newId('rec'));
    expect(ids.every((id) => isId(id, 'rec'))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('makes sequences of valid ids that follow each other in sort order, each sequence with its own stem', () => {
    const next = idSequence('rec');
    const ids = Array.from({ length: 70_000 }, () => next());
    expect(ids.every((id) => isId(id, 'rec'))).toBe(true);
    expect(ids.every((id, i) => i === 0 || ids[i - 1]! < id)).toBe(true);
    expect(new Set(ids.map((id) => id.slice(0, 12))).size).toBe(1);
    expect(ids[0]!.slice(12)).toBe('00000');
    expect(ids[62]!.slice(12)).toBe('00010');
    const other = idSequence('rec')();
    expect(other.slice(0, 12)).not.toBe(ids[0]!.slice(0, 12));
  });

  it('takes a new stem when a stem’s counter runs out', () => {
    const next = idSequence('rec', 3);
    const ids = Array.from({ length: 7 }, () => next());
    expect(new Set(ids).size).toBe(7);
    expect(new Set(ids.map((id) => id.slice(0, 12))).size).toBe(3);
    expect(ids.map((id) => id.slice(12))).toEqual(['00000', '00001', '00002', '00000', '00001', '00002', '00000']);
  });
});
