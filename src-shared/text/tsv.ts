/**
 * Tab-separated text as spreadsheets put it on the clipboard (Excel, Google Sheets, LibreOffice):
 * rows end with \n or \r\n, cells are separated by tabs, and a cell holding a tab, a line break or
 * a leading quote is quoted with "…" and inner quotes doubled.
 */

/** Parses clipboard text into rows of cells. A single trailing line break does not add a row. */
export function parseTsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let atCellStart = true;
  while (i < text.length) {
    const ch = text[i]!;
    if (atCellStart && ch === '"') {
      // Quoted cell: up to the closing quote; "" is a quote.
      let j = i + 1;
      let value = '';
      let closed = false;
      while (j < text.length) {
        if (text[j] === '"') {
          if (text[j + 1] === '"') {
            value += '"';
            j += 2;
            continue;
          }
          closed = true;
          j++;
          break;
        }
        value += text[j];
        j++;
      }
      const next = text[j];
      if (closed && (next === undefined || next === '\t' || next === '\n' || next === '\r')) {
        cell = value;
        i = j;
        atCellStart = false;
        continue;
      }
      // Not a well-formed quoted cell: the quote is text.
    }
    atCellStart = false;
    if (ch === '\t') {
      row.push(cell);
      cell = '';
      atCellStart = true;
    } else if (ch === '\n' || ch === '\r') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      atCellStart = true;
      if (ch === '\r' && text[i + 1] === '\n') i++;
    } else {
      cell += ch;
    }
    i++;
  }
  if (!atCellStart || cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** Formats rows of cells as clipboard text, quoting where needed. */
export function formatTsv(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.map((c) => (/[\t\n\r]/.test(c) || c.startsWith('"') ? `"${c.replace(/"/g, '""')}"` : c)).join('\t')).join('\n');
}
