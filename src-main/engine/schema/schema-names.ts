/** Name rules shared by tables, fields and views: unique within their container, ignoring case. */
import { EngineError } from '../../../src-shared/errors';

export function assertNameFree(what: string, name: string, existing: ReadonlyArray<{ id: string; name: string }>, exceptId?: string): void {
  const clash = existing.find((x) => x.id !== exceptId && x.name.toLowerCase() === name.toLowerCase());
  if (clash) throw new EngineError('NAME_TAKEN', `${what} '${name}' already exists; choose another name.`);
}

/** `base`, or `base 2`, `base 3`… whichever is free. */
export function freeName(base: string, existing: ReadonlyArray<{ name: string }>): string {
  const taken = new Set(existing.map((x) => x.name.toLowerCase()));
  if (!taken.has(base.toLowerCase())) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base} ${i}`.toLowerCase())) return `${base} ${i}`;
}
