/**
 * What the desktop windows may load and open. Pure functions, so plain-Node tests cover them; the
 * main process applies them to every web contents it creates.
 */

import { appCsp } from '../../src-shared/security/csp';

/** The app's own pages are served from this privileged scheme (never file://). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'baseplate';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/** The Content-Security-Policy of every app page: its own code only, no remote anything. */
export const APP_CSP = appCsp();

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * Whether a URL is one of the app's own pages: the app scheme, or during development the dev
 * server's exact origin (electron-vite's ELECTRON_RENDERER_URL).
 */
export function isAppUrl(url: string, devServer?: string): boolean {
  const u = parse(url);
  if (!u) return false;
  if (u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST) return true;
  if (devServer) {
    const d = parse(devServer);
    return d !== null && u.origin === d.origin;
  }
  return false;
}

/**
 * Links a user clicks in a cell (URL and email fields) open in the system's browser or mail program,
 * never inside the app: only these schemes, and only with a host (or an address for mailto).
 */
export function isExternalLink(url: string): boolean {
  const u = parse(url);
  if (!u) return false;
  if (u.protocol === 'http:' || u.protocol === 'https:') return u.hostname.length > 0 && u.username === '' && u.password === '';
  if (u.protocol === 'mailto:') return u.pathname.includes('@');
  return false;
}

/**
 * The file an app URL names inside the built renderer folder, or null for anything outside it.
 * Paths without an extension are the app's own routes and get index.html.
 */
export function appFileFor(url: string, root: string, join: (...parts: string[]) => string): string | null {
  const u = parse(url);
  if (!u || u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  const parts = pathname.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..' || p.includes('\\') || p.includes('\0') || /^[a-zA-Z]:$/.test(p))) return null;
  if (parts.length === 0 || !/\.[a-z0-9]+$/i.test(parts[parts.length - 1]!)) return join(root, 'index.html');
  return join(root, ...parts);
}
