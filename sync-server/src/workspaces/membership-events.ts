/**
 * Fans membership changes out to listeners in this process. Every server process LISTENs on
 * MEMBERSHIP_CHANNEL, so a change made through any process on the same PostgreSQL reaches the
 * listeners of all of them (the sync module closes a removed member's sockets from here).
 *
 * Notifications sent while the listening connection was lost are missed; when the Db listens again
 * (`onListenRestored`), the changes recorded in the audit log since the last one heard (less a
 * margin, for transactions that committed out of id order) are re-read and announced with each
 * member's current role. Announcing a current role twice is harmless; missing a removal is not.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/db';
import { MEMBERSHIP_ACTIONS, MEMBERSHIP_CHANNEL, MembershipNotificationSchema, roleOf, type MembershipChange } from './membership.repo';

export type MembershipListener = (change: MembershipChange) => void;

/** Audit ids re-read before the last one heard: a change that committed after a later-numbered one. */
const CATCH_UP_MARGIN = 1000n;

export class MembershipEvents {
  private readonly listeners = new Set<MembershipListener>();
  private readonly stops: (() => Promise<void> | void)[] = [];
  private lastSeq = 0n;
  private catchingUp: Promise<void> = Promise.resolve();

  private constructor(
    private readonly db: Db,
    private readonly logger: Logger,
  ) {}

  static async start(db: Db, logger: Logger): Promise<MembershipEvents> {
    const events = new MembershipEvents(db, logger);
    // Listening first, then the high-water mark: a change in between is heard, not skipped.
    events.stops.push(await db.listen(MEMBERSHIP_CHANNEL, (payload) => events.onNotification(payload)));
    const rows = await db.query<{ seq: string | null }>('SELECT max(id)::text AS seq FROM audit_log');
    events.lastSeq = BigInt(rows[0]?.seq ?? '0');
    events.stops.push(db.onListenRestored(() => events.catchUp()));
    return events;
  }

  /** Returns the function that removes the listener. */
  on(listener: MembershipListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async stop(): Promise<void> {
    this.listeners.clear();
    for (const stop of this.stops.splice(0)) await stop();
    await this.catchingUp;
  }

  private onNotification(payload: string): void {
    let parsed;
    try {
      parsed = MembershipNotificationSchema.parse(JSON.parse(payload));
    } catch {
      this.logger.warn('ignored a malformed membership notification');
      return;
    }
    const seq = BigInt(parsed.seq);
    if (seq > this.lastSeq) this.lastSeq = seq;
    this.dispatch({ workspaceId: parsed.workspaceId, userId: parsed.userId, role: parsed.role });
  }

  /** Re-reads what may have been missed; runs one at a time. */
  private catchUp(): void {
    this.catchingUp = this.catchingUp.then(async () => {
      const from = this.lastSeq > CATCH_UP_MARGIN ? this.lastSeq - CATCH_UP_MARGIN : 0n;
      try {
        const rows = await this.db.query<{ workspace_id: string; target: string; seq: string }>(
          `SELECT workspace_id, target, max(id)::text AS seq FROM audit_log
           WHERE id > $1::bigint AND action = ANY($2::text[]) AND workspace_id IS NOT NULL AND target IS NOT NULL
           GROUP BY workspace_id, target`,
          [from.toString(), [...MEMBERSHIP_ACTIONS]],
        );
        for (const r of rows) {
          const seq = BigInt(r.seq);
          if (seq > this.lastSeq) this.lastSeq = seq;
          this.dispatch({ workspaceId: r.workspace_id, userId: r.target, role: await roleOf(this.db, r.workspace_id, r.target) });
        }
        this.logger.info({ changes: rows.length }, 'membership notifications resumed; re-announced recent changes');
      } catch (e) {
        this.logger.error({ err: e }, 'could not re-read membership changes after the listening connection came back');
      }
    });
  }

  private dispatch(change: MembershipChange): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch (e) {
        this.logger.error({ err: e }, 'a membership listener threw');
      }
    }
  }
}
