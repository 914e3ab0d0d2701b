/**
 * Where a search matches inside an attachment: the lines of its reading's text that the search's
 * words occur in, by the same rule as record search (search-match.ts: FTS5's tokenizer, every word
 * a prefix phrase), each with its PDF page where the reading records it (`textPages`). A record
 * found by words spread over several lines has no line with them all; then the lines with any of
 * them are given.
 */
import type { AttachmentFindResult, AttachmentMatch } from '../../../src-shared/api/engine.dto';
import { EngineError } from '../../../src-shared/errors';
import { isId } from '../../../src-shared/ids';
import type { BaseContext } from '../base/base-context';
import { searchMatches } from '../query/search-match';
import { EXTRACTOR, type StoredReading } from './extraction-store';

export function findInAttachment(ctx: BaseContext, id: string, search: string, limit: number): AttachmentFindResult {
  if (!isId(id, 'att')) throw new EngineError('INVALID_INPUT', `'${id}' is not an attachment id.`);
  const db = ctx.session.readDb;
  const att = db.prepare('SELECT sha256 FROM attachments WHERE id = ?').get(id) as { sha256: string } | undefined;
  if (!att) throw new EngineError('NOT_FOUND', `No attachment ${id} in this base.`);
  // Any version's reading will do: its text is what the record's search text was made of.
  const row = db.prepare('SELECT result FROM extractions WHERE sha256 = ? AND extractor = ?').get(att.sha256, EXTRACTOR) as { result: string } | undefined;
  if (!row) return { id, read: false, matches: [], more: false };
  const x = JSON.parse(row.result) as Partial<StoredReading>;
  const lines = Array.isArray(x.text) ? x.text : [];
  const pages = Array.isArray(x.textPages) ? x.textPages : null;
  const words = search.split(/\s+/).filter((w) => w !== '');
  // OCR'd words by line, for marking matches in a picture.
  const ocrWords = new Map<number, Array<{ text: string; box: { x0: number; y0: number; x1: number; y1: number } }>>();
  for (const w of Array.isArray(x.ocr?.words) ? x.ocr.words : []) {
    if (typeof w?.line !== 'number' || typeof w.text !== 'string' || !w.box) continue;
    let list = ocrWords.get(w.line);
    if (!list) ocrWords.set(w.line, (list = []));
    list.push({ text: w.text, box: w.box });
  }
  const at = (i: number): AttachmentMatch => {
    const page = pages?.[i];
    const match: AttachmentMatch = typeof page === 'number' && Number.isInteger(page) && page > 0 ? { text: lines[i]!, line: i, page } : { text: lines[i]!, line: i };
    const boxes = (ocrWords.get(i) ?? []).filter((w) => words.some((q) => searchMatches(w.text, q))).map((w) => ({ x0: w.box.x0, y0: w.box.y0, x1: w.box.x1, y1: w.box.y1 }));
    if (boxes.length > 0) match.boxes = boxes;
    return match;
  };
  const collect = (hit: (line: string) => boolean): AttachmentFindResult => {
    const matches: AttachmentMatch[] = [];
    for (let i = 0; i < lines.length; i++) {
      if (typeof lines[i] !== 'string' || !hit(lines[i]!)) continue;
      if (matches.length === limit) return { id, read: true, matches, more: true };
      matches.push(at(i));
    }
    return { id, read: true, matches, more: false };
  };
  const all = collect((line) => searchMatches(line, search));
  if (all.matches.length > 0 || words.length < 2) return all;
  return collect((line) => words.some((w) => searchMatches(line, w)));
}
