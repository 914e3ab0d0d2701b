import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ftsMatchExpression } from './query-compiler';
import { queryPhrases, searchMatches, searchTokens } from './search-match';

describe('search matching without the index', () => {
  it('tokenizes like unicode61 with remove_diacritics: letters and digits, lower case, no accents', () => {
    expect(searchTokens('M6x1.25 Déjà-vu  ÜBER_straße')).toEqual(['m6x1', '25', 'deja', 'vu', 'uber', 'straße']);
    expect(searchTokens('ΟΔΟΣ Йод ǧ ø नमस्ते')).toEqual(['οδοσ', 'йод', 'g', 'ø', 'नमस', 'त']);
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

  it('tokenizes every character of the Latin, Greek, Cyrillic and combining-mark blocks as FTS5 does', () => {
    const vocab = new Database(':memory:');
    try {
      vocab.exec("CREATE VIRTUAL TABLE t USING fts5(body, tokenize='unicode61 remove_diacritics 2'); CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')");
      const ins = vocab.prepare('INSERT INTO t (rowid, body) VALUES (?, ?)');
      const ranges: Array<[number, number]> = [[0x20, 0x24f], [0x250, 0x2ff], [0x300, 0x36f], [0x370, 0x52f], [0x1e00, 0x1fff], [0xfb00, 0xfb06]];
      const texts = new Map<number, string>();
      for (const [from, to] of ranges) {
        for (let c = from; c <= to; c++) {
          // Unassigned code points are left out: FTS5 and JS know different Unicode versions.
          if (/\p{Cn}/u.test(String.fromCodePoint(c))) continue;
          const text = `x${String.fromCodePoint(c)}y ${String.fromCodePoint(c)}`;
          texts.set(c, text);
          ins.run(c, text);
        }
      }
      const fts = new Map<number, string[]>();
      for (const r of vocab.prepare('SELECT doc, term FROM v ORDER BY doc, offset').all() as Array<{ doc: number; term: string }>) {
        if (!fts.has(r.doc)) fts.set(r.doc, []);
        fts.get(r.doc)!.push(r.term);
      }
      const differ: string[] = [];
      for (const [c, text] of texts) {
        if (JSON.stringify(searchTokens(text)) !== JSON.stringify(fts.get(c) ?? [])) differ.push(`U+${c.toString(16)} ${JSON.stringify(searchTokens(text))} vs ${JSON.stringify(fts.get(c))}`);
      }
      expect(differ).toEqual([]);
      expect(texts.size).toBeGreaterThan(1500);
    } finally {
      vocab.close();
    }
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
    const pieces = [
      'bolt', 'Bolt', 'BOLZEN', 'déjà', 'deja', 'de\u0301ja\u0300', 'm6', 'M6x1.25', '42', '1042', '4.2', 'flange-nut', 'Straße', 'ÜBER', 'é', '½', '-', '/', '"q"', "it's",
      'Йод', 'иод', 'ΟΔΟΣ', 'οδος', 'άέή', 'αεη', 'がか', 'かか', '한국어', 'नमस्ते', 'ภาษาไทย', 'ḱ', 'İstanbul', 'ığdır', 'x\u20d7y', 'ﬁ', '²', 'Ⅻ', 'Ø', 'æon', '٣٤',
    ];
    const texts: string[] = [];
    const insert = db.prepare('INSERT INTO t (rowid, body) VALUES (?, ?)');
    for (let i = 1; i <= 300; i++) {
      const words = Array.from({ length: 1 + rnd(6) }, () => pieces[rnd(pieces.length)]!);
      texts.push(words.join(rnd(2) ? ' ' : '\n'));
      insert.run(i, texts[i - 1]);
    }
    const prefixes = [
      'bol', 'bolt', 'deja', 'DÉJ', 'm6', 'm6x1.2', 'm6x1.25', '42', '4.2', '104', 'flange-n', 'strass', 'straß', 'uber', 'über', '"bolt', "it's", 'é', '½', 'bolt m6', 'q',
      'йо', 'ио', 'οδοσ', 'οδος', 'ΟΔΟΣ', 'ά', 'α', 'が', 'か', '한', 'नम', 'त', 'ภา', 'k', 'istan', 'ığ', 'ig', 'x', 'y', 'ﬁ', 'fi', '²', 'ⅻ', 'ø', 'o', 'æ', '٣',
    ];
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
    expect(compared).toBeGreaterThan(14000);
  });
});
