/** Finding text in a PDF's pages: which text items hold the query, in page and item order. */

export interface PdfHit {
  /** 0-based page. */
  page: number;
  /** Index among the page's text items (those with a string), as the text layer numbers them. */
  item: number;
}

/** Folded for matching: case and the spacing between words do not matter. */
export function foldForFind(s: string): string {
  return s.toLocaleLowerCase().replace(/\s+/g, ' ').trim();
}

export function findHits(pages: readonly (readonly string[])[], query: string): PdfHit[] {
  const q = foldForFind(query);
  if (!q) return [];
  const hits: PdfHit[] = [];
  pages.forEach((items, page) => items.forEach((s, item) => foldForFind(s).includes(q) && hits.push({ page, item })));
  return hits;
}

/**
 * What to look for when a preview opens from a search: the whole search if the text holds it,
 * else its longest word that it holds, else nothing.
 */
export function findFromSearch(pages: readonly (readonly string[])[], search: string): string {
  if (!search.trim()) return '';
  if (findHits(pages, search).length) return search.trim();
  const words = search.split(/\s+/).filter(Boolean).sort((a, b) => b.length - a.length);
  return words.find((w) => findHits(pages, w).length > 0) ?? '';
}
