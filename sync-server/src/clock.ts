/** Milliseconds since the epoch. Injected wherever expiry is decided, so tests can move time. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
