/**
 * One undo step for work made of several changes (a drop: the fields and mapping it suggests, then
 * a record per file as readings arrive). Services run with a context whose undo stack is an
 * UndoGroup, which collects what each change pushes; `commit` puts it all on the real stack as one
 * entry. Sound because the work holds the base's write lock throughout, so no other change of this
 * client (nor an undo) can fall between its changes.
 */
import type { BaseContext } from '../base/base-context';
import type { Op } from '../ops/ops';
import { UndoStack } from '../undo/undo-stack';

export class UndoGroup extends UndoStack {
  private readonly ops: Op[] = [];

  /** Collects a change's inverse ops; later changes are undone first. */
  override push(_label: string, ops: Op[]): void {
    this.ops.unshift(...ops);
  }

  /** A context like `ctx` whose changes are collected here. */
  static around(ctx: BaseContext): { group: UndoGroup; ctx: BaseContext } {
    const group = new UndoGroup();
    return { group, ctx: { ...ctx, undo: group } };
  }

  /** Puts the collected changes on `ctx`'s undo stack as one step (nothing when there were none). */
  commit(ctx: BaseContext, label: string): void {
    ctx.undo.push(label, this.ops.splice(0));
  }
}
