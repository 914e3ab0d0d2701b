/**
 * The Content-Security-Policy of every page of the app, desktop or browser mode: its own code only,
 * no remote scripts, styles, fonts or frames. Hosts differ only in where the page may connect
 * (browser mode adds its engine socket's ws:// origins).
 */
export function appCsp(connect: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "worker-src 'self' blob:",
    ["connect-src 'self'", ...connect].join(' '),
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}
