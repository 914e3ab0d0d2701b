/**
 * The part of Airtable's formula language `filterByFormula` usually uses, parsed once and
 * evaluated per record over the record's values in formula form (text as text, numbers as numbers,
 * checkbox as true, selects as names, several names joined by ', ', empty as BLANK).
 *
 * Supported: `{Field name}` (and bare one-word names), 'strings' / "strings" with \ escapes,
 * numbers, TRUE/FALSE; operators = != <> < <= > >= & + - * / and parentheses; functions AND, OR,
 * NOT, IF, BLANK, TRUE, FALSE, FIND, SEARCH, LOWER, UPPER, LEN, TRIM, CONCATENATE, VALUE, T,
 * RECORD_ID. Anything else is refused with a message (INVALID_FILTER_BY_FORMULA), never guessed.
 *
 * Semantics as in Airtable where they are known: `=` between text is exact; BLANK equals '' and 0;
 * a number compared with numeric text compares as numbers; FIND returns 0 and SEARCH BLANK when
 * not found (both case-sensitive, 1-based); a record matches when the result is truthy (not BLANK,
 * '', 0 or FALSE).
 */
import { err, ok, type Result } from '../../../src-shared/errors';

export type FormulaValue = string | number | boolean | null;

type Node =
  | { kind: 'lit'; value: FormulaValue }
  | { kind: 'field'; name: string }
  | { kind: 'call'; name: string; args: Node[] }
  | { kind: 'unary'; op: '-'; arg: Node }
  | { kind: 'binary'; op: string; left: Node; right: Node };

type Token = { t: 'str'; v: string } | { t: 'num'; v: number } | { t: 'field'; v: string } | { t: 'ident'; v: string } | { t: 'op'; v: string };

const MAX_FORMULA_CHARS = 10_000;
const MAX_DEPTH = 64;

function tokenize(src: string): Result<Token[], string> {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '{') {
      const end = src.indexOf('}', i + 1);
      if (end < 0) return err('a field name in { } is not closed');
      out.push({ t: 'field', v: src.slice(i + 1, end) });
      i = end + 1;
    } else if (c === "'" || c === '"') {
      let s = '';
      let j = i + 1;
      for (; j < src.length && src[j] !== c; j++) {
        if (src[j] === '\\' && j + 1 < src.length) j++;
        s += src[j];
      }
      if (j >= src.length) return err('a text in quotes is not closed');
      out.push({ t: 'str', v: s });
      i = j + 1;
    } else if (/[0-9.]/.test(c)) {
      const m = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(i));
      if (!m) return err(`unexpected '${c}'`);
      out.push({ t: 'num', v: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      out.push({ t: 'ident', v: m[0] });
      i += m[0].length;
    } else {
      const two = src.slice(i, i + 2);
      if (['!=', '<>', '<=', '>='].includes(two)) {
        out.push({ t: 'op', v: two === '<>' ? '!=' : two });
        i += 2;
      } else if ('=<>&+-*/(),'.includes(c)) {
        out.push({ t: 'op', v: c });
        i++;
      } else {
        return err(`unexpected '${c}'`);
      }
    }
  }
  return ok(out);
}

const FUNCTIONS: Record<string, { min: number; max: number }> = {
  AND: { min: 1, max: 255 },
  OR: { min: 1, max: 255 },
  NOT: { min: 1, max: 1 },
  IF: { min: 2, max: 3 },
  BLANK: { min: 0, max: 0 },
  TRUE: { min: 0, max: 0 },
  FALSE: { min: 0, max: 0 },
  FIND: { min: 2, max: 3 },
  SEARCH: { min: 2, max: 3 },
  LOWER: { min: 1, max: 1 },
  UPPER: { min: 1, max: 1 },
  LEN: { min: 1, max: 1 },
  TRIM: { min: 1, max: 1 },
  CONCATENATE: { min: 1, max: 255 },
  VALUE: { min: 1, max: 1 },
  T: { min: 1, max: 1 },
  RECORD_ID: { min: 0, max: 0 },
};

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Node {
    const n = this.comparison(0);
    if (this.i < this.tokens.length) throw new SyntaxError(`unexpected ${describe(this.tokens[this.i]!)}`);
    return n;
  }

  private peekOp(...ops: string[]): string | null {
    const t = this.tokens[this.i];
    return t && t.t === 'op' && ops.includes(t.v) ? t.v : null;
  }

  private binary(depth: number, ops: string[], next: (d: number) => Node): Node {
    let left = next(depth);
    for (let op = this.peekOp(...ops); op; op = this.peekOp(...ops)) {
      this.i++;
      left = { kind: 'binary', op, left, right: next(depth) };
    }
    return left;
  }

  private comparison(d: number): Node {
    if (d > MAX_DEPTH) throw new SyntaxError('the formula nests too deeply');
    return this.binary(d, ['=', '!=', '<', '<=', '>', '>='], (x) => this.concat(x));
  }
  private concat(d: number): Node {
    return this.binary(d, ['&'], (x) => this.additive(x));
  }
  private additive(d: number): Node {
    return this.binary(d, ['+', '-'], (x) => this.multiplicative(x));
  }
  private multiplicative(d: number): Node {
    return this.binary(d, ['*', '/'], (x) => this.unary(x));
  }
  private unary(d: number): Node {
    if (this.peekOp('-')) {
      this.i++;
      return { kind: 'unary', op: '-', arg: this.unary(d + 1) };
    }
    return this.primary(d);
  }

  private primary(d: number): Node {
    const t = this.tokens[this.i++];
    if (!t) throw new SyntaxError('the formula ends too early');
    switch (t.t) {
      case 'str':
        return { kind: 'lit', value: t.v };
      case 'num':
        return { kind: 'lit', value: t.v };
      case 'field':
        return { kind: 'field', name: t.v };
      case 'op': {
        if (t.v !== '(') throw new SyntaxError(`unexpected ${describe(t)}`);
        const inner = this.comparison(d + 1);
        if (!this.peekOp(')')) throw new SyntaxError("a '(' is not closed");
        this.i++;
        return inner;
      }
      case 'ident': {
        const name = t.v.toUpperCase();
        if (!this.peekOp('(')) {
          if (name === 'TRUE' || name === 'FALSE') return { kind: 'lit', value: name === 'TRUE' };
          return { kind: 'field', name: t.v };
        }
        this.i++;
        const spec = FUNCTIONS[name];
        if (!spec) throw new SyntaxError(`the function ${t.v.slice(0, 40)}() is not supported`);
        const args: Node[] = [];
        if (!this.peekOp(')')) {
          for (;;) {
            args.push(this.comparison(d + 1));
            if (this.peekOp(',')) {
              this.i++;
              continue;
            }
            break;
          }
        }
        if (!this.peekOp(')')) throw new SyntaxError(`${name}( is not closed`);
        this.i++;
        if (args.length < spec.min || args.length > spec.max) throw new SyntaxError(`${name}() takes ${spec.min === spec.max ? spec.min : `${spec.min} to ${spec.max}`} arguments, not ${args.length}`);
        return { kind: 'call', name, args };
      }
      default: {
        const never: never = t;
        throw new Error(`Unhandled token ${JSON.stringify(never)}`);
      }
    }
  }
}

function describe(t: Token): string {
  return t.t === 'str' ? 'text' : t.t === 'num' ? `number ${t.v}` : t.t === 'field' ? `{${t.v}}` : `'${t.v}'`;
}

export interface Formula {
  /** Field names the formula refers to, as written. */
  fields: string[];
  /** Whether the record whose values `get` reads matches. */
  matches(get: (fieldName: string) => FormulaValue, recordId: string): boolean;
}

/** Parses a formula; `knownField` says whether a name is a field of the table. */
export function parseFormula(src: string, knownField: (name: string) => boolean): Result<Formula, string> {
  if (src.length > MAX_FORMULA_CHARS) return err(`the formula is longer than ${MAX_FORMULA_CHARS} characters`);
  const tokens = tokenize(src);
  if (!tokens.ok) return tokens;
  if (tokens.value.length === 0) return err('the formula is empty');
  let root: Node;
  try {
    root = new Parser(tokens.value).parse();
  } catch (e) {
    if (e instanceof SyntaxError) return err(e.message);
    throw e;
  }
  const fields = new Set<string>();
  const walk = (n: Node): void => {
    if (n.kind === 'field') fields.add(n.name);
    else if (n.kind === 'call') n.args.forEach(walk);
    else if (n.kind === 'unary') walk(n.arg);
    else if (n.kind === 'binary') {
      walk(n.left);
      walk(n.right);
    }
  };
  walk(root);
  const unknown = [...fields].filter((f) => !knownField(f));
  if (unknown.length > 0) return err(`Unknown field names: ${unknown.map((f) => f.slice(0, 60)).join(', ')}`);
  return ok({ fields: [...fields], matches: (get, recordId) => truthy(evaluate(root, get, recordId)) });
}

export function truthy(v: FormulaValue): boolean {
  return !(v === null || v === '' || v === 0 || v === false || (typeof v === 'number' && Number.isNaN(v)));
}

const text = (v: FormulaValue): string => (v === null ? '' : typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
function num(v: FormulaValue): number {
  if (v === null || v === '') return 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return typeof v === 'number' ? v : Number(v);
}
const numeric = (v: FormulaValue): boolean => typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)));

function compare(a: FormulaValue, b: FormulaValue): number {
  const aNum = typeof a === 'number' || typeof a === 'boolean';
  const bNum = typeof b === 'number' || typeof b === 'boolean';
  if ((aNum || a === null) && (bNum || b === null)) return num(a) - num(b);
  if ((aNum && numeric(b)) || (bNum && numeric(a))) return num(a) - num(b);
  const x = text(a);
  const y = text(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function evaluate(n: Node, get: (name: string) => FormulaValue, recordId: string): FormulaValue {
  const ev = (x: Node): FormulaValue => evaluate(x, get, recordId);
  switch (n.kind) {
    case 'lit':
      return n.value;
    case 'field':
      return get(n.name);
    case 'unary':
      return -num(ev(n.arg));
    case 'binary': {
      const a = ev(n.left);
      const b = ev(n.right);
      switch (n.op) {
        case '=':
          return compare(a, b) === 0;
        case '!=':
          return compare(a, b) !== 0;
        case '<':
          return compare(a, b) < 0;
        case '<=':
          return compare(a, b) <= 0;
        case '>':
          return compare(a, b) > 0;
        case '>=':
          return compare(a, b) >= 0;
        case '&':
          return text(a) + text(b);
        case '+':
          return num(a) + num(b);
        case '-':
          return num(a) - num(b);
        case '*':
          return num(a) * num(b);
        case '/':
          return num(b) === 0 ? null : num(a) / num(b);
        default:
          throw new Error(`Unhandled operator ${n.op}`);
      }
    }
    case 'call':
      return call(n.name, n.args, ev, recordId);
    default: {
      const never: never = n;
      throw new Error(`Unhandled node ${JSON.stringify(never)}`);
    }
  }
}

function call(name: string, args: Node[], ev: (n: Node) => FormulaValue, recordId: string): FormulaValue {
  const arg = (i: number): FormulaValue => ev(args[i]!);
  switch (name) {
    case 'AND':
      return args.every((a) => truthy(ev(a)));
    case 'OR':
      return args.some((a) => truthy(ev(a)));
    case 'NOT':
      return !truthy(arg(0));
    case 'IF':
      return truthy(arg(0)) ? arg(1) : args.length > 2 ? arg(2) : null;
    case 'BLANK':
      return null;
    case 'TRUE':
      return true;
    case 'FALSE':
      return false;
    case 'FIND':
    case 'SEARCH': {
      const needle = text(arg(0));
      const hay = text(arg(1));
      const start = args.length > 2 ? Math.max(0, num(arg(2)) - 1) : 0;
      const at = hay.indexOf(needle, start);
      return at >= 0 ? at + 1 : name === 'FIND' ? 0 : null;
    }
    case 'LOWER':
      return text(arg(0)).toLowerCase();
    case 'UPPER':
      return text(arg(0)).toUpperCase();
    case 'LEN':
      return text(arg(0)).length;
    case 'TRIM':
      return text(arg(0)).trim();
    case 'CONCATENATE':
      return args.map((a) => text(ev(a))).join('');
    case 'VALUE': {
      const v = Number(text(arg(0)).replace(/[^0-9.eE+-]/g, ''));
      return Number.isFinite(v) ? v : null;
    }
    case 'T': {
      const v = arg(0);
      return typeof v === 'string' ? v : '';
    }
    case 'RECORD_ID':
      return recordId;
    default:
      throw new Error(`Unhandled function ${name}`);
  }
}
