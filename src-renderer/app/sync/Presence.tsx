/** Who else is in a synced base: a row of avatars in its header, initials beside the tables they are in. */
import type { PresencePeer } from '../../../src-shared/api/engine.dto';
import { initials, peerColor } from './sync-text';

/** Other people (not this engine), one entry per person however many windows they have open. */
export function othersIn(peers: readonly PresencePeer[]): PresencePeer[] {
  const byUser = new Map<string, PresencePeer>();
  for (const p of peers) if (!p.self && !byUser.has(p.user.id)) byUser.set(p.user.id, p);
  return [...byUser.values()];
}

function Avatar({ peer, small = false }: { peer: PresencePeer; small?: boolean }): React.JSX.Element {
  return (
    <span className={small ? 'peer-initials' : 'peer-avatar'} style={{ background: peerColor(peer.user) }} title={peer.user.name} role="img" aria-label={peer.user.name}>
      <span aria-hidden="true">{initials(peer.user.name)}</span>
    </span>
  );
}

/** Everyone else in the base. */
export function PeerAvatars({ peers }: { peers: readonly PresencePeer[] }): React.JSX.Element | null {
  const others = othersIn(peers);
  if (others.length === 0) return null;
  return (
    <ul className="peer-avatars" aria-label="People in this base">
      {others.map((p) => (
        <li key={p.user.id}>
          <Avatar peer={p} />
        </li>
      ))}
    </ul>
  );
}

/** The others looking at a table (by id; a name also matches). */
export function PeersAtTable({ peers, table }: { peers: readonly PresencePeer[]; table: { id: string; name: string } }): React.JSX.Element | null {
  const here = othersIn(peers.filter((p) => p.table === table.id || p.table === table.name));
  if (here.length === 0) return null;
  return (
    <span className="peers-at-table" aria-label={`In ${table.name}: ${here.map((p) => p.user.name).join(', ')}`} role="group">
      {here.slice(0, 3).map((p) => (
        <Avatar key={p.user.id} peer={p} small />
      ))}
      {here.length > 3 && <span className="peer-more">+{here.length - 3}</span>}
    </span>
  );
}
