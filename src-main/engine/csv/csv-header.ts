/**
 * Field names from a CSV header row: trimmed; an empty name becomes `Field N` (N = the column's
 * 1-based position, so it says which column it was); a repeated name (compared case-insensitively,
 * as people read them) gets ` (2)`, ` (3)`… — skipping any suffix that is already a name in the header.
 */
export function normalizeHeader(raw: readonly string[]): string[] {
  const names = raw.map((name, i) => {
    const trimmed = name.trim();
    return trimmed === '' ? `Field ${i + 1}` : trimmed;
  });
  const taken = new Set(names.map((name) => name.toLowerCase()));
  const seen = new Set<string>();
  return names.map((name) => {
    const key = name.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      return name;
    }
    let n = 2;
    while (taken.has(`${key} (${n})`)) n++;
    const unique = `${name} (${n})`;
    taken.add(unique.toLowerCase());
    seen.add(unique.toLowerCase());
    return unique;
  });
}
