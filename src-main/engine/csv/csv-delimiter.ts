/**
 * Delimiter detection: among `,` `;` tab `|`, the one that splits the first lines of the file into
 * the same number of fields (> 1) most consistently. Quoted values are skipped, so a comma inside a
 * quoted value of a semicolon file does not count.
 */
export const CSV_DELIMITERS = [',', ';', '\t', '|'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

/** How much decoded text detection looks at. */
export const DELIMITER_SAMPLE_CHARS = 64 * 1024;
const MAX_LINES = 100;

/**
 * @param text the start of the file, decoded (up to DELIMITER_SAMPLE_CHARS)
 * @param isWholeFile whether `text` is the whole file; if not, its last line may be cut and is ignored.
 */
export function detectDelimiter(text: string, isWholeFile = false): CsvDelimiter {
  let best: CsvDelimiter = ',';
  let bestScore = 0;
  let bestMode = 0;
  for (const delimiter of CSV_DELIMITERS) {
    const counts = countPerLine(text, delimiter.charCodeAt(0), isWholeFile);
    const { mode, share } = modeOf(counts);
    if (mode === 0) continue;
    // Most consistent wins; on a tie, the one splitting lines into more fields; then list order.
    if (share > bestScore || (share === bestScore && mode > bestMode)) {
      best = delimiter;
      bestScore = share;
      bestMode = mode;
    }
  }
  return best;
}

/** Delimiters outside quotes on each non-blank line (a quoted line break does not end a line). */
function countPerLine(text: string, delim: number, isWholeFile: boolean): number[] {
  const QUOTE = 34;
  const CR = 13;
  const LF = 10;
  const counts: number[] = [];
  let count = 0;
  let lineHasText = false;
  let inQuotes = false;
  let atFieldStart = true;
  for (let i = 0; i < text.length && counts.length < MAX_LINES; i++) {
    const c = text.charCodeAt(i);
    if (inQuotes) {
      if (c === QUOTE) {
        if (text.charCodeAt(i + 1) === QUOTE) i++;
        else inQuotes = false;
      }
      continue;
    }
    if (c === CR || c === LF) {
      if (lineHasText) counts.push(count);
      count = 0;
      lineHasText = false;
      atFieldStart = true;
      continue;
    }
    lineHasText = true;
    if (c === delim) {
      count++;
      atFieldStart = true;
    } else {
      if (c === QUOTE && atFieldStart) inQuotes = true;
      atFieldStart = false;
    }
  }
  if (lineHasText && isWholeFile && !inQuotes && counts.length < MAX_LINES) counts.push(count);
  return counts;
}

/** The most frequent count and the share of lines having it. */
function modeOf(counts: number[]): { mode: number; share: number } {
  if (counts.length === 0) return { mode: 0, share: 0 };
  const freq = new Map<number, number>();
  for (const c of counts) freq.set(c, (freq.get(c) ?? 0) + 1);
  let mode = 0;
  let top = 0;
  for (const [value, n] of freq) {
    if (n > top || (n === top && value > mode)) {
      mode = value;
      top = n;
    }
  }
  return { mode, share: top / counts.length };
}
