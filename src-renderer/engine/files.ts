/**
 * Files between the page and the engine: URLs of an attachment's bytes and previews (served on the
 * page's own origin: browser mode's server with the session token, the desktop app's app://
 * scheme), and, in browser mode, uploads of files dropped on the page (the desktop app passes
 * their paths instead).
 */
import { attachmentPath } from '../../src-shared/api/file-urls';
import { sessionToken } from './connect';
import { desktopShell } from './desktop';

export function attachmentUrl(base: string, id: string, part: string): string {
  const path = attachmentPath({ base, id, part });
  if (desktopShell()) return path;
  const token = sessionToken();
  return token ? `${path}?token=${encodeURIComponent(token)}` : path;
}

export interface Upload {
  id: string;
  path: string;
  size: number;
}

/** Sends a dropped file to browser mode's server; where it landed. Progress as a fraction. */
export function uploadFile(file: File, opts: { onProgress?: (fraction: number) => void; signal?: AbortSignal } = {}): Promise<Upload> {
  const token = sessionToken() ?? '';
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/uploads?token=${encodeURIComponent(token)}&name=${encodeURIComponent(file.name)}`);
    xhr.upload.onprogress = (e) => e.lengthComputable && opts.onProgress?.(e.loaded / e.total);
    xhr.onload = () => {
      let body: { error?: { message?: string } } & Partial<Upload> = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        // A plain-text refusal.
      }
      if (xhr.status === 201 && body.path && body.id) resolve({ id: body.id, path: body.path, size: body.size ?? file.size });
      else reject(new Error(body.error?.message ?? `${file.name} could not be sent to Baseplate (${xhr.status} ${xhr.responseText.trim() || xhr.statusText}).`));
    };
    xhr.onerror = () => reject(new Error(`${file.name} could not be sent to Baseplate: the connection failed.`));
    xhr.onabort = () => reject(new DOMException('Cancelled', 'AbortError'));
    opts.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

/** Removes an upload once the engine has copied it (best effort: the server removes all on exit). */
export function discardUpload(upload: Upload): void {
  void fetch(`/uploads/${upload.id}?token=${encodeURIComponent(sessionToken() ?? '')}`, { method: 'DELETE' }).catch(() => undefined);
}
