/**
 * An open base's sync state and presence, kept current from the engine's `sync` and `presence`
 * events; and the reporting of where this person is (table, selected cell) to the others.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { EngineClient } from '../../../src-shared/api/engine.contract';
import type { PresencePeer, SyncStatus } from '../../../src-shared/api/engine.dto';

/**
 * The base's sync status (null until known, or when the engine cannot say), and a setter for the
 * status an action answered with.
 */
export function useSyncStatus(engine: EngineClient, base: string): [SyncStatus | null, (s: SyncStatus) => void] {
  const [status, setStatus] = useState<SyncStatus | null>(null);
  useEffect(() => {
    let live = true;
    // An event newer than the first answer wins over it.
    let heard = false;
    const off = engine.onDidSync((s) => {
      if (s.base !== base) return;
      heard = true;
      setStatus(s);
    });
    engine['sync.status']({ base }).then(
      (list) => {
        if (live && !heard) setStatus(list.find((s) => s.base === base) ?? null);
      },
      () => undefined,
    );
    return () => {
      live = false;
      off();
    };
  }, [engine, base]);
  const set = useCallback((s: SyncStatus) => s.base === base && setStatus(s), [base]);
  // Another base shown in the same view: the last one's status is not this one's.
  return [status?.base === base ? status : null, set];
}

const NO_PEERS: PresencePeer[] = [];

/** The people in this base (this engine's own entry included, `self: true`) while it is synced. */
export function usePeers(engine: EngineClient, base: string, synced: boolean): PresencePeer[] {
  // Kept with the base they are in: another base shown in the same view starts with nobody.
  const [peers, setPeers] = useState<{ base: string; peers: PresencePeer[] }>({ base, peers: NO_PEERS });
  useEffect(() => {
    if (!synced) return;
    let live = true;
    let heard = false;
    const off = engine.onDidPresence((e) => {
      if (e.base !== base) return;
      heard = true;
      setPeers({ base, peers: e.peers });
    });
    engine['sync.peers']({ base }).then(
      (p) => {
        if (live && !heard) setPeers({ base, peers: p });
      },
      () => undefined,
    );
    return () => {
      live = false;
      off();
    };
  }, [engine, base, synced]);
  return synced && peers.base === base ? peers.peers : NO_PEERS;
}

export interface CellRef {
  record: string;
  field: string;
}

/**
 * Tells the others where this person is: the table shown (now, and when it changes) and the cell
 * selected (through the returned function), a moment after the last change. Only for synced bases;
 * failures are ignored (presence is a courtesy, never in the way).
 */
export function usePresenceReporter(engine: EngineClient, base: string, synced: boolean, table: string | null): (cell: CellRef | null) => void {
  const latest = useRef({ engine, base, synced, table });
  latest.current = { engine, base, synced, table };
  const cell = useRef<CellRef | null>(null);
  const timer = useRef<number | undefined>(undefined);

  const schedule = useCallback(() => {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => {
      const now = latest.current;
      if (!now.synced) return;
      now.engine['sync.presence']({ base: now.base, table: now.table, cell: cell.current }).catch(() => undefined);
    }, 100);
  }, []);

  // A table (or base) shown anew has no cell selected yet.
  useEffect(() => {
    cell.current = null;
    schedule();
  }, [base, table, synced, schedule]);

  useEffect(() => () => window.clearTimeout(timer.current), []);

  // Leaving the base (the view closes, or shows another base): nowhere in it. Not once the base is
  // no longer synced (stopped syncing): it has nobody to tell.
  useEffect(() => {
    if (!synced) return;
    return () => {
      const now = latest.current;
      if (now.base === base && !now.synced) return;
      engine['sync.presence']({ base, table: null, cell: null }).catch(() => undefined);
    };
  }, [engine, base, synced]);

  return useCallback(
    (c: CellRef | null) => {
      if (c?.record === cell.current?.record && c?.field === cell.current?.field) return;
      cell.current = c;
      schedule();
    },
    [schedule],
  );
}
