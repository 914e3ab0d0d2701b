import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ftsMatchExpression } from './query-compiler';
import { queryPhrases, searchMatches, searchTokens } from './search-match';

describe('search matching without the index', () => {
  it('tokenizes like unicode61 with remove_diacritics: letters and digits, lower case, no accents', () => {
    expect(searchTokens('M6x1.25 Déjà-vu  ÜBER_straße')).toEqual(['m6x1', '25', 'deja', 'vu', 'uber', 'straße']);
    expect(queryPhrases(' - "bolt  m6x1.2 ')).toEqual([['bolt'], ['m6x1', '2']]);
  });

  it('every word must match; its last token as a prefix, earlier tokens exactly and in sequence', () => {
    expect(searchMatches('Hex bolt M6x1.25', 'bol m6x1.2')).toBe(true);
    expect(searchMatches('Hex bolt M6x1.25', 'm6x1.3')).toBe(false);
    expect(searchMatches('Hex bolt M6x1.25', 'm6 x1')).toBe(false);
    expect(searchMatches('1042 pieces', '42')).toBe(false);
    expect(searchMatches('Déjà vu', 'deja')).toBe(true);
    expect(searchMatches(null, 'x')).toBe(false);
    expect(searchMatches('anything', ' - ')).toBe(false);
  });

  // The rule must agree with FTS5 itself: random texts and queries, both ways.
  const db = new Database(':memory:');
  afterAll(() => db.close());
  it('agrees with an FTS5 index on random texts and queries', () => {
    db.exec("CREATE VIRTUAL TABLE t USING fts5(body, tokenize='unicode61 remove_diacritics 2')");
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pieces = ['bolt', 'Bolt', 'BOLZEN', 'déjà', 'deja', 'm6', 'M6x1.25', '42', '1042', '4.2', 'flange-nut', 'Straße', 'ÜBER', 'é', '½', '-', '/', '"q"', "it's"];
    const texts: string[] = [];
    const insert = db.prepare('INSERT INTO t (rowid, body) VALUES (?, ?)');
    for (let i = 1; i <= 300; i++) {
      const words = Array.from({ length: 1 + rnd(6) }, () => pieces[rnd(pieces.length)]!);
      texts.push(words.join(rnd(2) ? ' ' : '\n'));
      insert.run(i, texts[i - 1]);
    }
    const prefixes = ['bol', 'bolt', 'deja', 'DÉJ', 'm6', 'm6x1.2', 'm6x1.25', '42', '4.2', '104', 'flange-n', 'strass', 'straß', 'uber', 'über', '"bolt', "it's", 'é', '½', 'bolt m6', 'q'];
    let compared = 0;
    for (const q of prefixes) {
      const match = ftsMatchExpression(q);
      if (match === null) continue;
      const fts = new Set((db.prepare('SELECT rowid AS r FROM t WHERE t MATCH ?').all(match) as Array<{ r: number }>).map((x) => x.r));
      texts.forEach((text, i) => {
        expect(searchMatches(text, q), `${JSON.stringify(q)} on ${JSON.stringify(text)}`).toBe(fts.has(i + 1));
        compared++;
      });
    }
    expect(compared).toBeGreaterThan(5000);
  });
});
