/**
 * `bp_search_match(text, search)`: the full-text index's matching rule, evaluated on a row's stored
 * search text. Used for rows not indexed yet (the search backlog right after a bulk import), so a
 * search finds the same rows before and after the index is built.
 *
 * The rule is FTS5's own unicode61 tokenizer with remove_diacritics 2, read off this SQLite build:
 * the first time non-ASCII text is matched, every character of the Basic Multilingual Plane is
 * tokenized once by an in-memory FTS5 table, giving for each whether it is a separator, dropped
 * (a diacritic inside a token) or part of a token, and its folded form. Tokens are then built from
 * that table, so a search finds the same rows before and after the index exists. The MATCH
 * expression built by `ftsMatchExpression` is mirrored too: every query word must occur as a
 * phrase, its last token as a prefix.
 */
import type Database from 'better-sqlite3';
import { openSqlite } from '../db/sqlite';

const ASCII = /^[\x00-\x7f]*$/;
const ASCII_TOKEN = /[a-z0-9]+/g;
const TOKEN_CHAR = /[\p{L}\p{N}\p{Co}]/u;

/** Per BMP code point: null = separator, '' = dropped inside a token, else its folded form. */
let table: Array<string | null> | null = null;

function tokenizerTable(): Array<string | null> {
  if (table) return table;
  const db = openSqlite(':memory:');
  try {
    db.exec("CREATE VIRTUAL TABLE t USING fts5(body, tokenize='unicode61 remove_diacritics 2'); CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')");
    const insert = db.prepare('INSERT INTO t (rowid, body) VALUES (?, ?)');
    db.transaction(() => {
      for (let c = 0x80; c <= 0xffff; c++) if (c < 0xd800 || c > 0xdfff) insert.run(c, `a${String.fromCharCode(c)}b`);
    })();
    const terms = new Map<number, string[]>();
    for (const r of db.prepare('SELECT doc, term FROM v ORDER BY doc, offset').iterate() as IterableIterator<{ doc: number; term: string }>) {
      let list = terms.get(r.doc);
      if (!list) terms.set(r.doc, (list = []));
      list.push(r.term);
    }
    const t: Array<string | null> = new Array(0x10000).fill(null);
    for (let c = 0; c < 0x80; c++) t[c] = /[A-Za-z0-9]/.test(String.fromCharCode(c)) ? String.fromCharCode(c).toLowerCase() : null;
    for (const [c, list] of terms) {
      // "a<c>b" gives one token "a…b" (c belongs to it, folded to …) or "a", "b" (c separates).
      if (list.length === 1 && list[0]!.startsWith('a') && list[0]!.endsWith('b')) t[c] = list[0]!.slice(1, -1);
    }
    table = t;
    return t;
  } finally {
    db.close();
  }
}

export function searchTokens(text: string): string[] {
  if (ASCII.test(text)) return text.toLowerCase().match(ASCII_TOKEN) ?? [];
  const t = tokenizerTable();
  const tokens: string[] = [];
  let current = '';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    // Outside the BMP (emoji, rare CJK): letters and digits are token characters, lower-cased.
    const folded = c <= 0xffff ? t[c]! : TOKEN_CHAR.test(ch) ? ch.toLowerCase() : null;
    if (folded === null) {
      if (current) tokens.push(current);
      current = '';
    } else {
      current += folded;
    }
  }
  if (current) tokens.push(current);
  return tokens;
}

/** Query words as token phrases; words without tokens are dropped, as the MATCH expression drops them. */
export function queryPhrases(search: string): string[][] {
  return search
    .split(/\s+/)
    .map(searchTokens)
    .filter((p) => p.length > 0);
}

function hasPhrase(tokens: readonly string[], phrase: readonly string[]): boolean {
  const last = phrase.length - 1;
  outer: for (let i = 0; i + last < tokens.length; i++) {
    for (let j = 0; j < last; j++) if (tokens[i + j] !== phrase[j]) continue outer;
    if (tokens[i + last]!.startsWith(phrase[last]!)) return true;
  }
  return false;
}

export function searchMatches(text: string | null, search: string): boolean {
  if (!text) return false;
  const phrases = queryPhrases(search);
  if (phrases.length === 0) return false;
  const tokens = searchTokens(text);
  return phrases.every((p) => hasPhrase(tokens, p));
}

/** Registers `bp_search_match` on a connection that runs compiled queries. */
export function registerSearchFunctions(db: Database.Database): void {
  let lastSearch = '';
  let lastPhrases: string[][] = [];
  db.function('bp_search_match', { deterministic: true }, (text: unknown, search: unknown) => {
    if (typeof text !== 'string' || typeof search !== 'string') return 0;
    if (search !== lastSearch) {
      lastSearch = search;
      lastPhrases = queryPhrases(search);
    }
    if (lastPhrases.length === 0) return 0;
    const tokens = searchTokens(text);
    return lastPhrases.every((p) => hasPhrase(tokens, p)) ? 1 : 0;
  });
}
