/** A small, strict argument parser: positionals, `--flag`, `--opt value` / `--opt=value`, repeatable options. */
import { EngineError } from '../../src-shared/errors';

export interface ParsedArgs {
  positionals: string[];
  options: Map<string, string[]>;
  flags: Set<string>;
}

export interface ArgSpec {
  /** Options taking a value. */
  options: readonly string[];
  /** Options without a value. */
  flags: readonly string[];
}

export function parseArgs(argv: readonly string[], spec: ArgSpec): ParsedArgs {
  const out: ParsedArgs = { positionals: [], options: new Map(), flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--') || a === '-') {
      out.positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (spec.flags.includes(name)) {
      if (eq >= 0) throw usage(`--${name} takes no value`);
      out.flags.add(name);
      continue;
    }
    if (!spec.options.includes(name)) throw usage(`unknown option --${name}`);
    let value: string;
    if (eq >= 0) value = a.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined) throw usage(`--${name} needs a value`);
      value = next;
      i++;
    }
    const list = out.options.get(name) ?? [];
    list.push(value);
    out.options.set(name, list);
  }
  return out;
}

export function usage(message: string): EngineError {
  return new EngineError('INVALID_INPUT', `${message} (see 'baseplate --help')`, { usage: true });
}

export function one(args: ParsedArgs, name: string): string | undefined {
  const v = args.options.get(name);
  if (v && v.length > 1) throw usage(`--${name} given more than once`);
  return v?.[0];
}

export function required(args: ParsedArgs, name: string): string {
  const v = one(args, name);
  if (v === undefined) throw usage(`--${name} is required`);
  return v;
}

export function int(args: ParsedArgs, name: string): number | undefined {
  const v = one(args, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw usage(`--${name} must be a whole number, got '${v}'`);
  return Number(v);
}

export function json(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new EngineError('INVALID_INPUT', `${what} is not valid JSON: ${(e as Error).message}`);
  }
}
