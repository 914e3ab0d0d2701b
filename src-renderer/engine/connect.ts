/**
 * The renderer's one way to the engine: an EngineClient. In Electron it runs over the preload's
 * bridge (`window.baseplateDesktop.engine`, a MessagePort to the engine process); in browser mode
 * over a WebSocket to the page's own server, authenticated by the session token the printed address
 * carries.
 */
import type { EngineClient } from '../../src-shared/api/engine.contract';
import { createEngineClient } from '../../src-shared/api/engine.rpc';
import './desktop';
import { socketTransport } from '../../src-shared/api/engine.wire';


/** Window event fired when the connection to the engine is lost; `detail` says why. */
export const ENGINE_LOST = 'baseplate:engine-lost';

const TOKEN_KEY = 'baseplate.session';

/**
 * The session token from the address's fragment (`#token=…`, never sent to a server), kept for
 * this tab so a reload still works, and taken out of the address bar.
 */
export function sessionToken(): string | null {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromHash) {
    sessionStorage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, '', location.pathname + location.search);
    return fromHash;
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

export function connectEngine(): Promise<EngineClient> {
  const desktop = window.baseplateDesktop;
  if (desktop) {
    desktop.engine.onLost((reason) => window.dispatchEvent(new CustomEvent(ENGINE_LOST, { detail: reason })));
    return Promise.resolve(
      createEngineClient({
        call: (method, input) => desktop.engine.call(method, input),
        subscribe: (event, listener) => desktop.engine.on(event, listener),
      }),
    );
  }
  const token = sessionToken();
  if (!token) return Promise.reject(new Error("Open the address printed by 'npm start' or 'baseplate serve': it carries this session's key."));
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/rpc?token=${encodeURIComponent(token)}`;
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.addEventListener('open', () => resolve(createEngineClient(socketTransport(socket))), { once: true });
    // Tell the app when the engine goes away (the server stopped): calls would only fail from now on.
    socket.addEventListener('close', (e) => window.dispatchEvent(new CustomEvent(ENGINE_LOST, { detail: `${e.code}${e.reason ? ` ${e.reason}` : ''}` })), { once: true });
    socket.addEventListener(
      'error',
      () => reject(new Error("Could not reach the Baseplate engine: it has stopped, or this address belongs to an earlier session. Open the address 'npm start' or 'baseplate serve' printed last.")),
      { once: true },
    );
  });
}
