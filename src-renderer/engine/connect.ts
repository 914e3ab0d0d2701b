/**
 * The renderer's one way to the engine: an EngineClient. In Electron the preload exposes it as
 * `window.baseplate`; in browser mode it runs over a WebSocket to the page's own server (the
 * session cookie set when the printed address was opened authenticates it).
 */
import type { EngineClient } from '../../src-shared/api/engine.contract';
import { createEngineClient } from '../../src-shared/api/engine.rpc';
import { socketTransport } from '../../src-shared/api/engine.wire';

declare global {
  interface Window {
    baseplate?: EngineClient;
  }
}

/** Window event fired when the connection to the engine is lost; `detail` says why. */
export const ENGINE_LOST = 'baseplate:engine-lost';

export function connectEngine(): Promise<EngineClient> {
  if (window.baseplate) return Promise.resolve(window.baseplate);
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/rpc`;
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.addEventListener('open', () => resolve(createEngineClient(socketTransport(socket))), { once: true });
    // Tell the app when the engine goes away (the server stopped): calls would only fail from now on.
    socket.addEventListener('close', (e) => window.dispatchEvent(new CustomEvent(ENGINE_LOST, { detail: `${e.code}${e.reason ? ` ${e.reason}` : ''}` })), { once: true });
    socket.addEventListener('error', () => reject(new Error('Could not reach the Baseplate engine. Is `baseplate serve` still running?')), { once: true });
  });
}
