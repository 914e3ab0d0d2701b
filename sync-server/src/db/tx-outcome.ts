/**
 * A transaction whose expected failures roll it back: `fn` returns an Outcome, and a failure
 * undoes everything `fn` wrote before it (db.tx only rolls back on a throw).
 */
import { err } from '../../../src-shared/errors';
import type { Failure, Outcome } from '../http/failures';
import type { Db, Queryable } from './db';

class RollBack extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

export async function txOutcome<T>(db: Db, fn: (q: Queryable) => Promise<Outcome<T>>): Promise<Outcome<T>> {
  try {
    return await db.tx(async (q) => {
      const out = await fn(q);
      if (!out.ok) throw new RollBack(out.error);
      return out;
    });
  } catch (e) {
    if (e instanceof RollBack) return err(e.failure);
    throw e;
  }
}
