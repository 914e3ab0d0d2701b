import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { describe, expect, it } from 'vitest';
import { stampPresence } from './presence-stamp';

describe('presence says who sent it', () => {
  it('writes the sender over the claimed user, leaves states without a user and removals alone', () => {
    const a = new awarenessProtocol.Awareness(new Y.Doc());
    a.setLocalState({ user: { id: 'usrAnn', name: 'Ann', color: '#123456' }, table: 'tbl1' });
    const b = new awarenessProtocol.Awareness(new Y.Doc());
    b.setLocalState({ cursor: 3 });
    const into = new awarenessProtocol.Awareness(new Y.Doc());
    awarenessProtocol.applyAwarenessUpdate(into, stampPresence(awarenessProtocol.encodeAwarenessUpdate(a, [a.clientID]), { id: 'usrBob', name: 'Bob' }), 'x');
    awarenessProtocol.applyAwarenessUpdate(into, stampPresence(awarenessProtocol.encodeAwarenessUpdate(b, [b.clientID]), { id: 'usrBob' }), 'x');
    expect(into.getStates().get(a.clientID)).toEqual({ user: { id: 'usrBob', name: 'Bob', color: '#123456' }, table: 'tbl1' });
    expect(into.getStates().get(b.clientID)).toEqual({ cursor: 3 });
    a.setLocalState(null);
    awarenessProtocol.applyAwarenessUpdate(into, stampPresence(awarenessProtocol.encodeAwarenessUpdate(a, [a.clientID]), { id: 'usrBob' }), 'x');
    expect(into.getStates().has(a.clientID)).toBe(false);
    for (const x of [a, b, into]) x.destroy();
  });

  it('refuses what is not an awareness update', () => {
    expect(() => stampPresence(new Uint8Array([1, 5]), { id: 'u' })).toThrow();
  });
});
