/**
 * Reading and writing decimal numbers as people type them. Pure string work: no Intl, no regex
 * compiled per call (these run per cell on large imports).
 *
 * Accepted: optional leading sign (+, -, U+2212), comma thousands separators in groups of three
 * (`1,234.5`; `1,2` is rejected rather than guessed as a European decimal), a decimal point, an
 * exponent (`1e3`), and accounting negatives in parentheses (`(12)` = -12).
 */
const PAREN_RE = /^\(([^()]*)\)$/;
const DECIMAL_RE = /^(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Reads a decimal, with `strip` removing a unit (a currency symbol, a % sign) after the sign is taken.
 * Returns a JavaScript numeric literal (e.g. `-1234.5`, `1e3`) or null when the text is not a number;
 * keeping the literal lets callers shift the decimal point exactly (see `shiftDecimal`).
 */
export function readDecimal(text: string, strip?: (s: string) => string | null): string | null {
  let s = text.trim();
  let negative = false;
  let paren = false;
  if (s.charCodeAt(0) === 40 /* ( */) {
    const m = PAREN_RE.exec(s);
    if (!m) return null;
    paren = true;
    negative = true;
    s = (m[1] ?? '').trim();
  }
  let sign = signOf(s);
  if (sign !== 0) {
    if (sign < 0) negative = !negative;
    s = s.slice(1).trimStart();
  }
  if (strip) {
    const rest = strip(s);
    if (rest === null) return null;
    s = rest.trim();
    if (sign === 0) {
      sign = signOf(s);
      if (sign !== 0) {
        if (sign < 0) negative = !negative;
        s = s.slice(1).trimStart();
      }
    }
  }
  if ((paren && sign !== 0) || !DECIMAL_RE.test(s)) return null;
  if (s.includes(',')) s = s.replaceAll(',', '');
  return negative ? `-${s}` : s;
}

/** 1 for a leading '+', -1 for '-' or U+2212 (minus sign), else 0. */
function signOf(s: string): number {
  const c = s.charCodeAt(0);
  return c === 43 ? 1 : c === 45 || c === 0x2212 ? -1 : 0;
}

/** A finite number from a literal, or null (`1e400` overflows). -0 becomes 0. */
export function finiteOrNull(literal: string): number | null {
  const n = Number(literal);
  return Number.isFinite(n) ? n + 0 : null;
}

/** `literal × 10^by` computed on the decimal text, so `12.3` shifted by -2 is exactly 0.123. */
export function shiftDecimal(literal: string, by: number): number {
  let e = literal.indexOf('e');
  if (e < 0) e = literal.indexOf('E');
  if (e < 0) return Number(`${literal}e${by}`) + 0;
  return Number(`${literal.slice(0, e)}e${Number(literal.slice(e + 1)) + by}`) + 0;
}

/** `value × 10^by` without binary noise (0.07 × 100 is 7, not 7.000000000000001). */
export function shiftNumber(value: number, by: number): number {
  return shiftDecimal(String(value), by);
}

/** Fixed decimals without grouping; never prints a negative zero. */
export function formatFixed(value: number, precision: number): string {
  const text = value.toFixed(precision);
  return text.charCodeAt(0) === 45 && Number(text) === 0 ? text.slice(1) : text;
}

/** Inserts comma thousands separators into a non-negative fixed-point string. */
export function groupThousands(fixed: string): string {
  if (fixed.includes('e')) return fixed;
  const dot = fixed.indexOf('.');
  const int = dot < 0 ? fixed : fixed.slice(0, dot);
  if (int.length <= 3) return fixed;
  let out = '';
  for (let i = 0; i < int.length; i++) {
    if (i > 0 && (int.length - i) % 3 === 0) out += ',';
    out += int[i];
  }
  return dot < 0 ? out : out + fixed.slice(dot);
}
