/**
 * Request bodies: JSON only, size-limited while streaming (a client cannot make the server buffer
 * more than the limit), then validated with a zod schema whose first problem becomes the message.
 */
import type http from 'node:http';
import type { z } from 'zod';
import { err, ok } from '../../../src-shared/errors';
import { fail, type Failure, type Outcome } from './failures';

/** Default limit: the account and workspace bodies are a few hundred bytes. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;

export async function readJson(req: http.IncomingMessage, limit: number): Promise<Outcome<unknown>> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const declared = Number(req.headers['content-length'] ?? NaN);
  const tooLarge = fail('REQUEST_TOO_LARGE', `The request body is larger than ${limit} bytes.`);
  if (Number.isFinite(declared) && declared > limit) return discard(req, tooLarge);
  if (type !== 'application/json') {
    if (declared === 0 || (!req.headers['content-length'] && !req.headers['transfer-encoding'])) return ok(undefined);
    return discard(req, fail('UNSUPPORTED_MEDIA_TYPE', 'Send the body as JSON with Content-Type: application/json.'));
  }
  const text = await new Promise<string | null>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData).off('end', onEnd).off('error', reject);
      req.resume();
      resolve(null);
    };
    const onEnd = (): void => resolve(Buffer.concat(chunks).toString('utf8'));
    req.on('data', onData).on('end', onEnd).on('error', reject);
  });
  if (text === null) return err(tooLarge);
  if (text.trim() === '') return ok(undefined);
  try {
    return ok(JSON.parse(text) as unknown);
  } catch {
    return err(fail('INVALID_REQUEST', 'The request body is not valid JSON.'));
  }
}

/** Reads and validates a body; an absent body is validated as `{}` so optional-only bodies may be left out. */
export async function parseBody<S extends z.ZodType>(req: http.IncomingMessage, schema: S, limit = DEFAULT_BODY_LIMIT): Promise<Outcome<z.output<S>>> {
  const raw = await readJson(req, limit);
  if (!raw.ok) return raw;
  return validate(schema, raw.value === undefined ? {} : raw.value, 'body');
}

export function validate<S extends z.ZodType>(schema: S, value: unknown, what: string): Outcome<z.output<S>> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return ok(parsed.data);
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${what}.${issue.path.join('.')}` : what;
  return err(fail('INVALID_REQUEST', `${where}: ${issue?.message ?? 'invalid'}`));
}

/** Answers without reading the body; what the client still sends is discarded, never buffered. */
function discard(req: http.IncomingMessage, failure: Failure): Outcome<never> {
  req.resume();
  return err(failure);
}
