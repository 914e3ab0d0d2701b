/**
 * Text-like field types: singleLineText, longText, url, email, phone. All are stored as strings and
 * projected as TEXT.
 *
 * Contracts:
 * - singleLineText keeps the text as typed except that line breaks (CRLF, CR, LF) become spaces.
 * - longText keeps the text as typed with line breaks normalized to LF.
 * - url, email and phone are trimmed and validated loosely; the value is stored as typed, except
 *   that an email's domain is lower-cased.
 * - Numbers and booleans sent through the API are taken as their text ("reasonable JSON input").
 */
import type { FieldOptions } from '../schema/schema.types';
import type { FieldTypeDef, Normalized } from './field-type';
import { empty, invalid, isBlank, quote, valid } from './field-result.util';
import { emptyOptionsSchema, parseOptions } from './field-options.schema';
import { TEXT_OPS } from './filter-ops.util';

type TextType = 'singleLineText' | 'longText' | 'url' | 'email' | 'phone';

const LINE_BREAK_RE = /\r\n|[\r\n]/g;
const CRLF_RE = /\r\n?/g;

const LABEL = '[^\\s/?#:@.]+';
const PORT_PATH = '(?::\\d{1,5})?(?:[/?#]\\S*)?';
/** With a scheme any dotted host, localhost or an IPv6 literal; bare, the last label must start with a letter (or be an IPv4). */
const URL_RE = new RegExp(
  `^(?:(?:https?|ftp)://(?:[^\\s/?#@]+@)?(?:localhost|\\[[0-9a-f:.]+\\]|${LABEL}(?:\\.${LABEL})+)${PORT_PATH}` +
    `|(?:localhost|\\d{1,3}(?:\\.\\d{1,3}){3}|(?:${LABEL}\\.)+[a-z\\u00a1-\\uffff][^\\s/?#:@.]*)${PORT_PATH})$`,
  'i',
);
const MAILTO_RE = /^mailto:[^\s@]+@[^\s@]+$/i;
const EMAIL_SPECIALS = '\\s@"(),:;<>[\\]\\\\';
const EMAIL_RE = new RegExp(`^([^${EMAIL_SPECIALS}]+)@((?:[^${EMAIL_SPECIALS}.]+\\.)+[^${EMAIL_SPECIALS}.\\d][^${EMAIL_SPECIALS}.]*)$`);
const PHONE_RE = /^\+?[\d\s().\-/]+(?:\s*(?:ext\.?|x|#)\s*\d+)?$/i;

/** API input as text: strings, and numbers/booleans as their text; null for anything else. */
function textOf(input: unknown): string | null {
  if (typeof input === 'string') return input;
  if (typeof input === 'number') return Number.isFinite(input) ? String(input) : null;
  if (typeof input === 'boolean') return String(input);
  return null;
}

function readSingleLine(text: string): Normalized {
  const line = text.includes('\n') || text.includes('\r') ? text.replace(LINE_BREAK_RE, ' ') : text;
  return valid(line);
}

function readLongText(text: string): Normalized {
  return valid(text.includes('\r') ? text.replace(CRLF_RE, '\n') : text);
}

function readUrl(text: string): Normalized {
  const s = text.trim();
  if (s === '') return empty();
  return URL_RE.test(s) || MAILTO_RE.test(s) ? valid(s) : invalid(`${quote(s)} is not a valid URL`);
}

function readEmail(text: string): Normalized {
  const s = text.trim();
  if (s === '') return empty();
  const m = s.length <= 254 ? EMAIL_RE.exec(s) : null;
  const local = m?.[1] ?? '';
  if (!m || local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    return invalid(`${quote(s)} is not a valid email address`);
  }
  return valid(`${local}@${(m[2] ?? '').toLowerCase()}`);
}

function readPhone(text: string): Normalized {
  const s = text.trim();
  if (s === '') return empty();
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
  }
  return s.length <= 60 && digits >= 3 && PHONE_RE.test(s) ? valid(s) : invalid(`${quote(s)} is not a phone number`);
}

function textDef<T extends TextType>(type: T, label: string, read: (text: string) => Normalized): FieldTypeDef<T> {
  const format = (value: unknown): string => (typeof value === 'string' ? value : '');
  return {
    type,
    label,
    computed: false,
    defaultOptions: () => ({}) as FieldOptions<T>,
    normalizeOptions(input) {
      const result = parseOptions(emptyOptionsSchema, input);
      return result.ok ? { ok: true, value: {} as FieldOptions<T> } : result;
    },
    normalize(input) {
      if (isBlank(input)) return empty();
      const text = textOf(input);
      return text === null ? invalid(`${quote(input)} is not text`) : read(text);
    },
    parse: (text) => (text === '' ? empty() : read(text)),
    format,
    sqlType: 'TEXT',
    toSql: (value) => (typeof value === 'string' && value !== '' ? value : null),
    fromSql: (value) => (typeof value === 'string' && value !== '' ? value : null),
    searchText: format,
    filterOps: TEXT_OPS,
  };
}

export const singleLineTextField = textDef('singleLineText', 'Single line text', readSingleLine);
export const longTextField = textDef('longText', 'Long text', readLongText);
export const urlField = textDef('url', 'URL', readUrl);
export const emailField = textDef('email', 'Email', readEmail);
export const phoneField = textDef('phone', 'Phone number', readPhone);
