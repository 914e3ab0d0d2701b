/**
 * The sync server process's one logger (pino, to stderr). Modules take a child:
 * `logger.child({ module: 'x' })`. Never log passwords, tokens, secrets, DATABASE_URL or document
 * contents; the redaction below is a second line of defence, not the first. Level from LOG_LEVEL
 * (validated by config.ts; default 'info', 'silent' under vitest).
 */
import pino from 'pino';

const level = process.env.LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info');

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const logger = pino(
  {
    level: (LOG_LEVELS as readonly string[]).includes(level) ? level : 'info',
    base: undefined,
    redact: {
      paths: ['password', '*.password', 'token', '*.token', 'accessToken', 'refreshToken', '*.authorization', 'tokenSecret', 'databaseUrl', '*.databaseUrl'],
      censor: '[redacted]',
    },
  },
  pino.destination(2),
);
