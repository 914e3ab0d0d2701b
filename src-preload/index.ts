/**
 * The preload: the page's only way out of its sandbox. It exposes `window.baseplateDesktop`
 * (src-shared/api/shell.contract.ts) and nothing else: engine calls whose method is in the engine
 * contract (the allow-list is the contract itself), carried over a MessagePort straight to the
 * engine process, and a handful of shell requests to the main process, each with a fixed channel.
 * No ipcRenderer, no Node, no generic messaging reaches the page.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { isEngineMethod, unknownMethod } from '../src-shared/api/engine.rpc';
import { ENGINE_EVENTS } from '../src-shared/api/engine.contract';
import { channelTransport, type CallMessage } from '../src-shared/api/engine.wire';
import {
  SHELL_IPC, menuCommandSchema, type DesktopBridge, type DialogRequest, type MenuCommand,
} from '../src-shared/api/shell.contract';

let port: MessagePort | null = null;
let lost: string | null = null;
/** Calls made before the engine's port arrived, sent when it does. */
const queued: CallMessage[] = [];
const messageListeners = new Set<(msg: unknown) => void>();
const closeListeners = new Set<(reason: string) => void>();

ipcRenderer.on(SHELL_IPC.enginePort, (event) => {
  const next = event.ports[0];
  if (!next || port) return;
  port = next;
  port.onmessage = (e: MessageEvent) => {
    for (const l of messageListeners) l(e.data);
  };
  port.start();
  for (const msg of queued.splice(0)) port.postMessage(msg);
});
ipcRenderer.on(SHELL_IPC.engineLost, (_event, reason: unknown) => {
  if (lost !== null) return;
  lost = typeof reason === 'string' ? reason : 'the engine process stopped';
  port?.close();
  for (const l of closeListeners) l(lost);
});
ipcRenderer.send(SHELL_IPC.enginePort);

// Menu commands (and a base the OS asked to open) can arrive before the page listens: they wait.
const menuListeners = new Set<(c: MenuCommand) => void>();
const menuQueue: MenuCommand[] = [];
ipcRenderer.on(SHELL_IPC.menu, (_event, raw: unknown) => {
  const parsed = menuCommandSchema.safeParse(raw);
  if (!parsed.success) return;
  if (menuListeners.size === 0) menuQueue.push(parsed.data);
  else for (const l of menuListeners) l(parsed.data);
});

const transport = channelTransport({
  isOpen: () => lost === null,
  send: (msg) => (port ? port.postMessage(msg) : queued.push(msg)),
  onMessage: (l) => messageListeners.add(l),
  onClose: (l) => closeListeners.add(l),
});


const bridge: DesktopBridge = {
  engine: {
    call: (method, input) => (isEngineMethod(method) ? transport.call(method, input) : Promise.resolve(unknownMethod(method))),
    on: (event, listener) => (ENGINE_EVENTS.includes(event) ? transport.subscribe(event, listener) : () => undefined),
    onLost: (listener) => {
      const once = (reason: string): void => listener(reason);
      closeListeners.add(once);
      return () => closeListeners.delete(once);
    },
  },
  shell: {
    platform: process.platform === 'darwin' || process.platform === 'win32' ? process.platform : 'linux',
    showDialog: (request: DialogRequest) => ipcRenderer.invoke(SHELL_IPC.dialog, request) as Promise<string | null>,
    pathForFile: (file: object) => (file instanceof File ? webUtils.getPathForFile(file) : ''),
    onMenuCommand: (listener: (c: MenuCommand) => void) => {
      menuListeners.add(listener);
      for (const c of menuQueue.splice(0)) listener(c);
      return () => void menuListeners.delete(listener);
    },
    baseOpened: (path: string | null) => ipcRenderer.send(SHELL_IPC.baseOpened, { path }),
  },
};

contextBridge.exposeInMainWorld('baseplateDesktop', bridge);
