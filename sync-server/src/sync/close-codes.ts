/**
 * WebSocket close codes the sync server uses (the table is in README.md). 4xxx codes mirror the
 * HTTP status with the same meaning; the reason text says what to do.
 */
export const CloseCode = {
  /** The server is shutting down; reconnect (to another process) later. */
  goingAway: 1001,
  /** A message or a single update was larger than the limit (also sent by ws for maxPayload). */
  tooBig: 1009,
  /** An update could not be stored; it was not applied. Reconnect: the sync handshake resends it. */
  storeFailed: 1011,
  /** A malformed message, an unknown message type or an invalid document name. */
  badMessage: 4400,
  /** The token is no longer valid (with `recheckTokenMs`: signed out, revoked or expired). */
  unauthorized: 4401,
  /** The user is no longer a member of the workspace. */
  forbidden: 4403,
  /** The client did not read what the server sent (send buffer over the limit). */
  tooSlow: 4408,
  /** One app connection opened more documents than allowed. */
  tooManyDocs: 4413,
  /** More messages than the per-connection rate allows. */
  rateLimited: 4429,
} as const;

export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];
