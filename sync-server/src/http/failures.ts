/**
 * Expected failures of the HTTP API, as values: a stable `type` (Airtable-style upper-case names,
 * so existing Airtable clients read them) and a message a person can act on. Services return them
 * inside a `Result`; the router turns one into `{ error: { type, message } }` with its status.
 */
import type { Result } from '../../../src-shared/errors';

export const FAILURE_STATUS = {
  INVALID_REQUEST: 400,
  AUTHENTICATION_REQUIRED: 401,
  INVALID_CREDENTIALS: 401,
  INVALID_REFRESH_TOKEN: 401,
  INVALID_PERMISSIONS: 403,
  REGISTRATION_CLOSED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  REQUEST_TIMEOUT: 408,
  EMAIL_TAKEN: 409,
  ALREADY_MEMBER: 409,
  LAST_OWNER: 409,
  BASE_ID_TAKEN: 409,
  INVITATION_EXPIRED: 410,
  INVITATION_USED: 410,
  LENGTH_REQUIRED: 411,
  REQUEST_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_REQUESTS: 429,
  // Airtable's own types for its Web API (the /v0 routes), with Airtable's statuses.
  INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND: 403,
  MODEL_ID_NOT_FOUND: 404,
  TABLE_NOT_FOUND: 404,
  INVALID_REQUEST_UNKNOWN: 422,
  INVALID_VALUE_FOR_COLUMN: 422,
  UNKNOWN_FIELD_NAME: 422,
  INVALID_FILTER_BY_FORMULA: 422,
  INVALID_FIELD_TYPE: 422,
  INVALID_OFFSET_VALUE: 422,
  VIEW_NAME_NOT_FOUND: 422,
  INVALID_RECORDS: 422,
  DUPLICATE_OR_EMPTY_FIELD_NAME: 422,
  DUPLICATE_TABLE_NAME: 422,
  SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const satisfies Record<string, number>;

export type FailureType = keyof typeof FAILURE_STATUS;

export interface Failure {
  readonly failure: FailureType;
  readonly message: string;
  /** Seconds, sent as Retry-After (429, 503). */
  readonly retryAfter?: number;
}

export const fail = (failure: FailureType, message: string, retryAfter?: number): Failure =>
  retryAfter === undefined ? { failure, message } : { failure, message, retryAfter };

export function isFailure(value: unknown): value is Failure {
  return typeof value === 'object' && value !== null && typeof (value as { failure?: unknown }).failure === 'string' && (value as { failure: string }).failure in FAILURE_STATUS;
}

export type Outcome<T> = Result<T, Failure>;
