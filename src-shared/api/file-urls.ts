/**
 * Where the page finds an attachment's bytes and previews: `/files/<base>/<attachment>/<part>` on
 * its own origin (browser mode's server, or the desktop app's `app://` scheme), parts as in the
 * engine's `attachment.part` (`file`, `thumb-N`, `geometry`).
 */

export const ATTACHMENT_PART_RE = /^(?:file|geometry|thumb-\d{1,4})$/;

export interface AttachmentLocation {
  base: string;
  id: string;
  part: string;
}

export function attachmentPath(loc: AttachmentLocation): string {
  return `/files/${encodeURIComponent(loc.base)}/${encodeURIComponent(loc.id)}/${encodeURIComponent(loc.part)}`;
}

/** The location a `/files/…` path names; null for any other path or a malformed one. */
export function parseAttachmentPath(pathname: string): AttachmentLocation | null {
  const parts = pathname.split('/');
  if (parts.length !== 5 || parts[0] !== '' || parts[1] !== 'files') return null;
  try {
    const [base, id, part] = parts.slice(2).map((p) => decodeURIComponent(p));
    if (!base || !id || !part || !ATTACHMENT_PART_RE.test(part)) return null;
    return { base, id, part };
  } catch {
    return null;
  }
}
