/** What crash-child.ts and crash.test.ts agree on: table shapes and record contents. */

/** Records in the edit table; edit i sets Counter of the record whose Slot is i % EDIT_SLOTS. */
export const EDIT_SLOTS = 200;

/** Payload of the record with Seq i in the create table: long enough to fill pages, checkable. */
export function payload(i: number): string {
  return `${i}:${'x'.repeat(400)}:${i}`;
}

/**
 * The Counter value of the record at `slot` after edits 1..n committed: the last edit j ≤ n with
 * j % EDIT_SLOTS === slot, or 0 (its initial value) when there was none.
 */
export function expectedCounter(slot: number, n: number): number {
  const j = n - ((((n - slot) % EDIT_SLOTS) + EDIT_SLOTS) % EDIT_SLOTS);
  return j >= 1 ? j : 0;
}
