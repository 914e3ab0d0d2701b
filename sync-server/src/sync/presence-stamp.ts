/**
 * Presence says who it is: each state of an awareness update a member sends that carries a `user`
 * object gets the socket's authenticated user id (and name, when the authenticator gives one)
 * written over whatever the client claimed, so no member can appear as another. States without a
 * `user` (a stock client's cursor-only presence) pass unchanged.
 *
 * y-protocols awareness update: varUint n, then n × (varUint clientID, varUint clock, varString JSON).
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export function stampPresence(update: Uint8Array, who: { id: string; name?: string | undefined }): Uint8Array {
  const d = decoding.createDecoder(update);
  const e = encoding.createEncoder();
  const n = decoding.readVarUint(d);
  encoding.writeVarUint(e, n);
  for (let i = 0; i < n; i++) {
    encoding.writeVarUint(e, decoding.readVarUint(d));
    encoding.writeVarUint(e, decoding.readVarUint(d));
    const state = JSON.parse(decoding.readVarString(d)) as unknown;
    encoding.writeVarString(e, JSON.stringify(stamp(state, who)));
  }
  return encoding.toUint8Array(e);
}

function stamp(state: unknown, who: { id: string; name?: string | undefined }): unknown {
  if (typeof state !== 'object' || state === null || Array.isArray(state)) return state;
  const user = (state as { user?: unknown }).user;
  if (typeof user !== 'object' || user === null || Array.isArray(user)) return state;
  return { ...state, user: { ...user, id: who.id, ...(who.name !== undefined ? { name: who.name } : {}) } };
}
