/**
 * Error codes that cross process boundaries. Expected failures carry one of these codes and a
 * message a person can act on ("row 812, column 'Qty': 'twelve' is not a number"). Codes travel as
 * data because Electron keeps only `message` of a thrown error.
 */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'NOT_FOUND',
  'NAME_TAKEN',
  'AMBIGUOUS_NAME',
  'INVALID_VALUE',
  'READ_ONLY_FIELD',
  'FILE_NOT_FOUND',
  'FILE_EXISTS',
  'NOT_A_BASE',
  'NEWER_FORMAT',
  'BASE_CLOSED',
  'CSV_MALFORMED',
  'CSV_ENCODING',
  'CANCELLED',
  'NOTHING_TO_UNDO',
  'INTEGRITY',
  /** A file could not be read by its extraction worker (it failed, hung or ran out of memory). */
  'EXTRACTION_FAILED',
  /** The base is synced and this person's role there cannot change it (viewer, commenter). */
  'READ_ONLY',
  /** A sync server needs a (new) sign-in. */
  'NOT_SIGNED_IN',
  /** A sync server could not be reached. */
  'SERVER_UNREACHABLE',
  /** A sync server refused the request (its message says why). */
  'SERVER_REFUSED',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorData {
  code: ErrorCode;
  message: string;
  /** Machine-readable context, e.g. `{ row: 812, column: 'Qty' }`. Never record contents beyond what the message names. */
  details?: Record<string, unknown>;
}

/** An expected failure. Thrown inside a process; converted to `ErrorData` at every boundary. */
export class EngineError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'EngineError';
    this.code = code;
    this.details = details;
  }
  toData(): ErrorData {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

export type Result<T, E = ErrorData> = { ok: true; value: T } | { ok: false; error: E };
export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** Anything thrown, as data for a boundary. Bugs become INTERNAL with their message kept for the log. */
export function toErrorData(error: unknown): ErrorData {
  if (error instanceof EngineError) return error.toData();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: `Internal error: ${message}` };
}

/** Exhaustiveness check for `switch` over a union. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
