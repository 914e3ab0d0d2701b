/**
 * One undo step for work made of several changes (a drop: the fields and mapping it suggests, then
 * a record per file as readings arrive). Services run with a context whose undo stack is an
 * UndoGroup, which adds each change to the work's entry on the real stack (UndoStack.extend). The
 * work takes the base's write lock for each change only, so a person's edit can fall between two
 * of them; the work's changes after it then make a step of their own.
 */
import type { BaseContext } from '../base/base-context';
import type { Op } from '../ops/ops';
import { UndoStack } from '../undo/undo-stack';

export class UndoGroup extends UndoStack {
  /** Units of work (records added, files attached) in the entry being extended. */
  private units = 0;

  constructor(
    private readonly target: UndoStack,
    private readonly unit: string,
    private readonly label: (units: number) => string,
  ) {
    super();
  }

  /** A change's inverse ops, onto the work's entry, labelled by the units in that entry. */
  override push(label: string, ops: Op[]): void {
    if (!this.target.isTop(this)) this.units = 0;
    if (label === this.unit) this.units++;
    this.target.extend(this, this.label(this.units), ops);
  }

  /**
   * A context like `ctx` whose changes go onto the work's entry; changes pushed with label `unit`
   * are counted, and `label` names the entry by that count.
   */
  static around(ctx: BaseContext, unit: string, label: (units: number) => string): BaseContext {
    return { ...ctx, undo: new UndoGroup(ctx.undo, unit, label) };
  }
}
