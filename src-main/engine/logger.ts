/**
 * The engine process's one logger (pino). Modules take a child: `logger.child({ module: 'x' })`.
 * Never log record contents, file contents or tokens. Logs go to stderr so stdout stays the CLI's
 * and browser mode's output; level from BASEPLATE_LOG (default 'warn', 'silent' in tests).
 */
import pino from 'pino';

const level = process.env.BASEPLATE_LOG ?? (process.env.VITEST ? 'silent' : 'warn');

export const logger = pino({ level, base: undefined }, pino.destination(2));
