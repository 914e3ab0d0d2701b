/**
 * Headers on every response of the sync server. The API answers JSON only, so the content policy
 * allows nothing at all; no Access-Control-Allow-* headers are ever sent, so browsers on other
 * origins cannot read responses (CORS is off: the desktop app and API clients are not browsers).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Resource-Policy': 'same-origin',
  // Responses carry tokens and member lists: no cache may keep them.
  'Cache-Control': 'no-store',
};
