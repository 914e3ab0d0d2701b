/**
 * `bp_search_match(text, search)`: the full-text index's matching rule, evaluated on a row's stored
 * search text. Used for rows not indexed yet (the search backlog right after a bulk import), so a
 * search finds the same rows before and after the index is built.
 *
 * The rule mirrors FTS5's unicode61 tokenizer with remove_diacritics and the MATCH expression built
 * by `ftsMatchExpression`: text and query split into tokens (runs of letters, digits and private-use
 * characters), folded to lower case without diacritics; every query word must occur as a phrase, its
 * last token as a prefix.
 */
import type Database from 'better-sqlite3';

const TOKEN = /[\p{L}\p{N}\p{Co}]+/gu;

export function searchTokens(text: string): string[] {
  const folded = text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  return folded.match(TOKEN) ?? [];
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
