/**
 * DXF text to plain text: `%%` control codes (⌀ ° ± and the old numeric ones), and MTEXT inline
 * formatting (fonts, heights, colours, underlines and the like dropped; paragraphs as line breaks;
 * stacked fractions as `a/b`; escaped characters kept).
 */

/** `%%c` ⌀, `%%d` °, `%%p` ±, `%%%` %, `%%u`/`%%o` (underline/overline toggles) dropped, `%%nnn` by number. */
export function decodeControlCodes(text: string): string {
  return text.replace(/%%(\d{3}|[cdpuo%])/gi, (_, code: string) => {
    switch (code.toLowerCase()) {
      case 'c':
        return '⌀';
      case 'd':
        return '°';
      case 'p':
        return '±';
      case '%':
        return '%';
      case 'u':
      case 'o':
        return '';
      default:
        return numberedCharacter(Number(code));
    }
  });
}

/** `%%nnn`: old AutoCAD's 127 °, 128 ±, 129 ⌀; otherwise the character with that code. */
function numberedCharacter(n: number): string {
  if (n === 127) return '°';
  if (n === 128) return '±';
  if (n === 129) return '⌀';
  return n >= 32 && n < 127 ? String.fromCharCode(n) : '';
}

/** `\U+00B0` escapes (DXF files from R2007 on write non-ASCII characters so in older code pages). */
function decodeUnicodeEscapes(text: string): string {
  return text.replace(/\\U\+([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The plain text of an MTEXT value (also fine for TEXT and ATTRIB values, which have no formatting). */
export function plainMText(raw: string): string {
  const s = decodeUnicodeEscapes(raw);
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '{' || c === '}') continue;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const code = s[i + 1];
    if (code === undefined) break;
    i++;
    switch (code) {
      case 'P':
        out += '\n';
        break;
      case '~':
        out += ' ';
        break;
      case '\\':
      case '{':
      case '}':
        out += code;
        break;
      case 'L':
      case 'l':
      case 'O':
      case 'o':
      case 'K':
      case 'k':
        break; // underline, overline, strike-through on/off
      case 'S': {
        // Stacked text up to ';': fractions `1/2`, `1#2` → `1/2`; tolerance stacks `+0.1^-0.2` → `+0.1 -0.2`.
        const end = s.indexOf(';', i + 1);
        const body = end < 0 ? s.slice(i + 1) : s.slice(i + 1, end);
        out += body.includes('^') ? body.replace(/\^ ?/, ' ').trim() : body.replace('#', '/');
        i = end < 0 ? s.length : end;
        break;
      }
      case 'f':
      case 'F':
      case 'H':
      case 'W':
      case 'Q':
      case 'T':
      case 'A':
      case 'C':
      case 'c': {
        // A setting up to ';'.
        const end = s.indexOf(';', i + 1);
        i = end < 0 ? s.length : end;
        break;
      }
      default:
        out += code;
    }
  }
  return decodeControlCodes(out);
}
