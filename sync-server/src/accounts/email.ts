/** Email addresses are compared normalized: trimmed and lower-cased (one account per mailbox in practice). */
import { z } from 'zod';

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export const EmailSchema = z
  .string()
  .max(254, { error: 'an email address has at most 254 characters' })
  .transform(normalizeEmail)
  .pipe(z.email({ error: 'not an email address' }));
