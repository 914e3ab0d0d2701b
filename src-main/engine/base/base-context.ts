/**
 * What every service gets for one open base, and `change`: the one way services modify it.
 * `change` runs a write, applies operations through `apply` (collecting their inverses), and puts
 * the inverse on this client's undo stack.
 */
import type { TxOrigin } from '../../../src-shared/docs/origin';
import type { BaseSession, Writer } from './base-session';
import { applyOp, type Op } from '../ops/ops';
import type { UndoStack } from '../undo/undo-stack';

export interface BaseContext {
  handle: string;
  session: BaseSession;
  undo: UndoStack;
  /** Serializes writes: a streaming import holds it across awaits. */
  lock: WriteLock;
}

/** A promise-chain mutex. */
export class WriteLock {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => T | Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

export type Apply = (op: Op) => void;

export function change<T>(ctx: BaseContext, label: string, fn: (w: Writer, apply: Apply) => T, origin?: TxOrigin): T {
  const o: TxOrigin = origin ?? { kind: 'local', actor: ctx.session.actor };
  const inverse: Op[] = [];
  const result = ctx.session.write(o, (w) => fn(w, (op) => inverse.push(applyOp(ctx.session, w, op))));
  if (o.kind === 'local' || o.kind === 'import') ctx.undo.push(label, inverse.reverse());
  return result;
}

/** `change` for work that awaits (imports). The caller holds the base's write lock. */
export async function changeAsync<T>(ctx: BaseContext, label: string, fn: (w: Writer, apply: Apply) => Promise<T>, origin: TxOrigin): Promise<T> {
  const inverse: Op[] = [];
  const result = await ctx.session.writeAsync(origin, (w) => fn(w, (op) => inverse.push(applyOp(ctx.session, w, op))));
  if (origin.kind === 'local' || origin.kind === 'import') ctx.undo.push(label, inverse.reverse());
  return result;
}
