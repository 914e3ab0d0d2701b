/**
 * Dimension text that a PDF writes in pieces, put back together: a tolerance stack (`35.36` with
 * `+`/`0.03` above and `-`/`0.03` below, to its right), limits written one above the other
 * (`16.00` over `15.50`), and a count before the value (`4x` `6.60`). Pieces belong together when
 * they share a rotation and sit where the layout of such a dimension puts them, in the rotated
 * frame of their text.
 */
import type { PlacedText } from './title-block';

const NUMBER_RE = /^[⌀Ø∅R]?\s*\d+(?:[.,]\d+)?$/;
const COUNT_RE = /^\d+\s*[xX×]$/;

interface Local<T extends PlacedText = PlacedText> {
  item: T;
  /** Along the baseline and across it, in the text's own frame. */
  u: number;
  v: number;
  text: string;
}

function local<T extends PlacedText>(item: T): Local<T> {
  const r = (item.rotation * Math.PI) / 180;
  return { item, u: item.x * Math.cos(r) + item.y * Math.sin(r), v: -item.x * Math.sin(r) + item.y * Math.cos(r), text: item.str.trim() };
}

const endOf = (t: Local): number => t.u + (t.item.width ?? t.text.length * t.item.size * 0.55);

/** The items with stacked pieces joined into one item each (at the main value's place, with its other properties). */
export function joinStacks<T extends PlacedText>(items: readonly T[]): T[] {
  const used = new Set<T>();
  const out: T[] = [];
  const byRotation = new Map<number, Array<Local<T>>>();
  for (const item of items) {
    const key = Math.round(item.rotation);
    const list = byRotation.get(key) ?? [];
    list.push(local(item));
    byRotation.set(key, list);
  }
  for (const group of byRotation.values()) {
    const numbers = group.filter((t) => NUMBER_RE.test(t.text)).sort((a, b) => b.v - a.v || a.u - b.u);
    const joined = new Map<T, string>();
    const claim = (main: Local<T>, text: string, parts: T[]): void => {
      for (const p of parts) used.add(p);
      used.add(main.item);
      joined.set(main.item, text);
    };
    // Tolerance stacks first: + and − signs right after a value, each with its number beside it.
    for (const n of numbers) {
      if (used.has(n.item)) continue;
      const size = n.item.size;
      const near = group.filter((t) => !used.has(t.item) && t !== n && t.u >= endOf(n) - size && t.u <= endOf(n) + 4 * size && Math.abs(t.v - n.v) <= size * 1.2);
      const plus = near.find((t) => t.text === '+');
      const minus = near.find((t) => /^[-−–]$/.test(t.text));
      const beside = (sign: Local<T>): Local<T> | undefined =>
        near.filter((t) => t !== sign && /^\d+(?:[.,]\d+)?$/.test(t.text) && t.u > sign.u && Math.abs(t.v - sign.v) < size * 0.5).sort((a, b) => a.u - b.u)[0];
      const upper = plus && beside(plus);
      const lower = minus && beside(minus);
      if (plus && minus && upper && lower && upper !== lower) claim(n, `${n.text} +${upper.text}/-${lower.text}`, [plus.item, minus.item, upper.item, lower.item]);
    }
    // Limits: two values one right above the other (a line apart), aligned at their start.
    for (const n of numbers) {
      if (used.has(n.item)) continue;
      const size = n.item.size;
      const below = numbers.find((t) => !used.has(t.item) && t !== n && Math.abs(t.u - n.u) < size * 0.3 && n.v - t.v > size * 0.8 && n.v - t.v < size * 1.15);
      if (below) claim(n, `${n.text}/${below.text}`, [below.item]);
    }
    // A count right before a value on its line.
    for (const n of numbers) {
      const size = n.item.size;
      const count = group.find((t) => !used.has(t.item) && COUNT_RE.test(t.text) && Math.abs(t.v - n.v) < size * 0.5 && n.u > t.u && n.u - endOf(t) < 2 * size);
      if (!count || (used.has(n.item) && !joined.has(n.item))) continue;
      claim(n, `${count.text} ${joined.get(n.item) ?? n.text}`, [count.item]);
    }
    for (const [item, text] of joined) out.push({ ...item, str: text });
  }
  return [...out, ...items.filter((t) => !used.has(t))];
}
