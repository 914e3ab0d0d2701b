/**
 * Undo and redo for one client: only the changes this client made through this engine (origin
 * `local` or `import`), never a collaborator's. Entries hold inverse operations (ops.ts); undoing
 * applies them as a new local change and keeps their inverse for redo. In memory: a reopened base
 * starts with empty stacks, like every desktop editor.
 */
import type { UndoState } from '../../../src-shared/api/engine.dto';
import { EngineError } from '../../../src-shared/errors';
import type { BaseSession } from '../base/base-session';
import { applyOps, type Op } from '../ops/ops';

interface Entry {
  label: string;
  ops: Op[];
  /** Whose entry it is, for `extend`. */
  key?: object;
}

export const UNDO_LIMIT = 200;

export function isNoop(op: Op): boolean {
  switch (op.op) {
    case 'setCells':
      return op.cells.length === 0;
    case 'createRecords':
      return op.records.length === 0;
    case 'deleteRecords':
      return op.ids.length === 0;
    default:
      return false;
  }
}

export class UndoStack {
  private readonly undos: Entry[] = [];
  private readonly redos: Entry[] = [];

  /** Records a change; `ops` are its inverse, in the order to apply them. */
  push(label: string, ops: Op[]): void {
    const useful = ops.filter((o) => !isNoop(o));
    if (useful.length === 0) return;
    this.undos.push({ label, ops: useful });
    if (this.undos.length > UNDO_LIMIT) this.undos.shift();
    this.redos.length = 0;
  }

  /**
   * Records a change of long work (a drop) as part of that work's one entry: added to the newest
   * entry when it is `key`'s, else a new entry for `key`. So the work undoes as one step, except
   * where the person changed something else meanwhile (or undid part of it): then what came after
   * is a step of its own, and undo never jumps over their change.
   */
  /** Whether the newest entry is `key`'s (so `extend` would add to it). */
  isTop(key: object): boolean {
    return this.undos.at(-1)?.key === key;
  }

  extend(key: object, label: string, ops: Op[]): void {
    const useful = ops.filter((o) => !isNoop(o));
    const top = this.undos.at(-1);
    if (top?.key === key) {
      top.ops.unshift(...useful);
      top.label = label;
      if (useful.length > 0) this.redos.length = 0;
      return;
    }
    if (useful.length === 0) return;
    this.undos.push({ label, ops: useful, key });
    if (this.undos.length > UNDO_LIMIT) this.undos.shift();
    this.redos.length = 0;
  }

  undo(session: BaseSession): UndoState {
    return this.move(session, this.undos, this.redos, 'undo');
  }

  redo(session: BaseSession): UndoState {
    return this.move(session, this.redos, this.undos, 'redo');
  }

  private move(session: BaseSession, from: Entry[], to: Entry[], what: 'undo' | 'redo'): UndoState {
    const entry = from.pop();
    if (!entry) throw new EngineError('NOTHING_TO_UNDO', what === 'undo' ? 'Nothing to undo.' : 'Nothing to redo.');
    try {
      const inverse = session.write({ kind: 'local', actor: session.actor }, (w) => applyOps(session, w, entry.ops));
      to.push({ label: entry.label, ops: inverse.filter((o) => !isNoop(o)) });
    } catch (e) {
      // The entry no longer applies (e.g. a collaborator deleted its table); it is dropped.
      if (e instanceof EngineError) throw new EngineError(e.code, `Can't ${what} '${entry.label}': ${e.message}`);
      throw e;
    }
    return this.state();
  }

  state(): UndoState {
    return {
      canUndo: this.undos.length > 0,
      canRedo: this.redos.length > 0,
      undoLabel: this.undos.at(-1)?.label ?? null,
      redoLabel: this.redos.at(-1)?.label ?? null,
    };
  }
}
