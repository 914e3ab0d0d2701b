/**
 * The desktop shell: one app instance, its windows, native menus and dialogs, and the engine in a
 * utilityProcess with a MessagePort handed to each window. Deliberately thin: every behaviour of
 * the app lives in the engine and the renderer, which browser mode and the tests exercise without
 * Electron. What this file decides is security: pages come only from the app's own scheme, run
 * sandboxed with context isolation and no Node, and may not navigate or open windows elsewhere.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  BrowserWindow, Menu, MessageChannelMain, app, dialog, ipcMain, nativeTheme, net, protocol, screen, session, shell, utilityProcess,
  type IpcMainEvent, type IpcMainInvokeEvent, type OpenDialogOptions, type SaveDialogOptions, type UtilityProcess, type WebContents,
} from 'electron';
import {
  SHELL_IPC, baseOpenedSchema, dialogRequestSchema, type DialogRequest, type MenuCommand,
} from '../../src-shared/api/shell.contract';
import type { AttachmentPart } from '../../src-shared/api/engine.dto';
import type { EngineMethod } from '../../src-shared/api/engine.contract';
import { channelTransport } from '../../src-shared/api/engine.wire';
import type { ClientTransport } from '../../src-shared/api/engine.rpc';
import { parseAttachmentPath, type AttachmentLocation } from '../../src-shared/api/file-urls';
import type { Result } from '../../src-shared/errors';
import { menuTemplate } from './menu';
import { APP_CSP, APP_ENTRY, APP_HOST, APP_SCHEME, appFileFor, isAppUrl, isExternalLink } from './security';
import { MIN_SIZE, readJson, restoreState, writeJson, type WindowState } from './window-state';

const here = path.dirname(fileURLToPath(import.meta.url));
const RENDERER_DIR = path.join(here, '../renderer');
const PRELOAD = path.join(here, '../preload/index.cjs');
const ENGINE_ENTRY = path.join(here, 'engine.js');
const DEV_URL = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const MAX_RECENT = 12;
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

// Tests (and people keeping several profiles) give the app its own settings folder.
if (process.env.BASEPLATE_USER_DATA) app.setPath('userData', path.resolve(process.env.BASEPLATE_USER_DATA));

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

if (!app.requestSingleInstanceLock()) {
  // Another Baseplate is running; it receives our arguments (second-instance) and shows itself.
  app.quit();
} else {
  run();
}

function run(): void {
  const stateFile = (): string => path.join(app.getPath('userData'), 'window-state.json');
  const recentFile = (): string => path.join(app.getPath('userData'), 'recent-bases.json');
  let mainWindow: BrowserWindow | null = null;
  let engine: UtilityProcess | null = null;
  let quitting = false;

  // ---- the engine process ----
  const startEngine = (): UtilityProcess => {
    if (engine) return engine;
    // The engine keeps sign-ins to sync servers in the app's own data folder.
    const child = utilityProcess.fork(ENGINE_ENTRY, [], {
      serviceName: 'Baseplate engine',
      stdio: 'inherit',
      env: { ...process.env, BASEPLATE_DATA_DIR: app.getPath('userData') },
    });
    child.on('exit', (code) => {
      if (engine === child) engine = null;
      if (quitting) return;
      const reason = `the engine process stopped (exit code ${code}); reload the window (Ctrl+R or View → Reload) to start it again. Saved work is in the base file`;
      for (const w of BrowserWindow.getAllWindows()) w.webContents.send(SHELL_IPC.engineLost, reason);
    });
    engine = child;
    return child;
  };

  const stopEngine = async (): Promise<void> => {
    const child = engine;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.postMessage({ t: 'shutdown' });
    // Closing bases finishes their search-index work within 5 s; past that, stop it.
    const timer = setTimeout(() => child.kill(), 8000);
    await exited;
    clearTimeout(timer);
  };

  // ---- recent bases ----
  const readRecent = (): string[] => {
    const v = readJson(recentFile());
    return Array.isArray(v) ? v.filter((p): p is string => typeof p === 'string' && p.length > 0).slice(0, MAX_RECENT) : [];
  };
  const writeRecent = (list: string[]): void => {
    try {
      writeJson(recentFile(), list.slice(0, MAX_RECENT));
    } catch {
      // A recent list that cannot be saved is not worth interrupting anyone for.
    }
  };

  // ---- menus ----
  const send = (command: MenuCommand): void => {
    const w = BrowserWindow.getFocusedWindow() ?? mainWindow;
    if (!w) {
      createWindow(command);
      return;
    }
    w.webContents.send(SHELL_IPC.menu, command);
  };
  const buildMenu = (): void => {
    const template = menuTemplate({
      platform: process.platform,
      appName: app.name,
      recent: readRecent(),
      dev: !app.isPackaged,
      send,
      clearRecent: () => {
        writeRecent([]);
        app.clearRecentDocuments();
        buildMenu();
      },
      showAbout: () => {
        const w = BrowserWindow.getFocusedWindow();
        const options = {
          type: 'info' as const,
          message: `${app.name} ${app.getVersion()}`,
          detail: `A local-first database for engineering teams.\n\nElectron ${process.versions.electron} · Chromium ${process.versions.chrome} · Node ${process.versions.node}`,
        };
        void (w ? dialog.showMessageBox(w, options) : dialog.showMessageBox(options));
      },
      openDataFolder: () => void shell.openPath(app.getPath('userData')),
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  };

  // ---- windows ----
  const saveState = (w: BrowserWindow): void => {
    const b = w.getNormalBounds();
    const state: WindowState = { x: b.x, y: b.y, width: b.width, height: b.height, maximized: w.isMaximized() };
    try {
      writeJson(stateFile(), state);
    } catch {
      // The next start uses the default size; nothing else depends on it.
    }
  };

  function createWindow(initial?: MenuCommand): BrowserWindow {
    const state = restoreState(readJson(stateFile()), screen.getAllDisplays().map((d) => d.workArea));
    const w = new BrowserWindow({
      ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
      width: state.width,
      height: state.height,
      minWidth: MIN_SIZE.width,
      minHeight: MIN_SIZE.height,
      show: false,
      title: app.name,
      backgroundColor: nativeTheme.shouldUseDarkColors ? '#1e1f22' : '#ffffff',
      ...(process.platform === 'linux' ? { icon: path.join(here, '../../resources/icon.png') } : {}),
      webPreferences: {
        preload: PRELOAD,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        spellcheck: false,
      },
    });
    w.once('ready-to-show', () => {
      if (state.maximized) w.maximize();
      w.show();
    });
    if (initial) w.webContents.once('did-finish-load', () => w.webContents.send(SHELL_IPC.menu, initial));
    w.on('close', () => saveState(w));
    w.on('closed', () => {
      if (mainWindow === w) mainWindow = null;
    });
    void w.loadURL(DEV_URL ?? APP_ENTRY);
    mainWindow ??= w;
    return w;
  }

  const trusted = (event: IpcMainEvent | IpcMainInvokeEvent): boolean => {
    const url = event.senderFrame?.url ?? '';
    return event.senderFrame?.parent === null && isAppUrl(url, DEV_URL);
  };

  // ---- what every page may and may not do ----
  app.on('web-contents-created', (_event, contents: WebContents) => {
    const refuse = (e: { preventDefault(): void }, url: string): void => {
      if (!isAppUrl(url, DEV_URL)) e.preventDefault();
    };
    contents.on('will-navigate', (e) => refuse(e, e.url));
    contents.on('will-redirect', (e) => refuse(e, e.url));
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      // Links in URL and email cells open in the system's browser or mail program, never here.
      if (isExternalLink(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });

  const showDialog = async (w: BrowserWindow | null, request: DialogRequest): Promise<string | null> => {
    const bases = { name: 'Baseplate bases', extensions: ['base'] };
    const csv = { name: 'CSV files', extensions: ['csv', 'tsv', 'txt'] };
    const all = { name: 'All files', extensions: ['*'] };
    const open = async (options: OpenDialogOptions): Promise<string | null> => {
      const r = w ? await dialog.showOpenDialog(w, options) : await dialog.showOpenDialog(options);
      return r.canceled ? null : (r.filePaths[0] ?? null);
    };
    const save = async (options: SaveDialogOptions): Promise<string | null> => {
      const r = w ? await dialog.showSaveDialog(w, options) : await dialog.showSaveDialog(options);
      return r.canceled || !r.filePath ? null : r.filePath;
    };
    const documents = app.getPath('documents');
    switch (request.kind) {
      case 'openBase':
        return open({ title: 'Open Base', properties: ['openFile'], filters: [bases, all] });
      case 'newBase':
        return save({ title: 'New Base', buttonLabel: 'Create', defaultPath: path.join(documents, request.defaultName ?? 'Untitled.base'), filters: [bases] });
      case 'openCsv':
        return open({ title: 'Import CSV', properties: ['openFile'], filters: [csv, all] });
      case 'saveCsv':
        return save({ title: 'Export CSV', defaultPath: path.join(documents, request.defaultName ?? 'export.csv'), filters: [csv] });
    }
  };

  // The main process's own line to the engine, for the attachment files the app:// scheme serves.
  let mainEngine: { client: ClientTransport; child: UtilityProcess } | null = null;
  const engineCall = (method: EngineMethod, input: unknown): Promise<Result<unknown>> => {
    const child = startEngine();
    if (!mainEngine || mainEngine.child !== child) {
      const { port1, port2 } = new MessageChannelMain();
      child.postMessage({ t: 'connect' }, [port1]);
      let open = true;
      const listeners = new Set<(msg: unknown) => void>();
      const closers = new Set<(reason: string) => void>();
      port2.on('message', (e) => {
        for (const l of listeners) l(e.data);
      });
      port2.on('close', () => {
        open = false;
        for (const l of closers) l('the engine process stopped');
      });
      port2.start();
      const client = channelTransport({ isOpen: () => open, send: (msg) => port2.postMessage(msg), onMessage: (l) => listeners.add(l), onClose: (l) => closers.add(l) });
      mainEngine = { client, child };
    }
    return mainEngine.client.call(method, input);
  };
  const serveAttachment = async (loc: AttachmentLocation): Promise<Response> => {
    const found = await engineCall('attachment.part', loc);
    if (!found.ok) return new Response(found.error.message, { status: found.error.code === 'NOT_FOUND' || found.error.code === 'BASE_CLOSED' ? 404 : 400 });
    const part = found.value as AttachmentPart;
    const response = await net.fetch(pathToFileURL(part.file).toString()).catch(() => null);
    if (!response || !response.ok) return new Response('Not found', { status: 404 });
    return new Response(response.body, {
      status: 200,
      headers: {
        // Images as images (for <img>); anything else as bytes that can never run as a page.
        'Content-Type': /^image\/(?:png|jpeg|gif|webp)$/.test(part.type) ? part.type : 'application/octet-stream',
        'Content-Security-Policy': "default-src 'none'; sandbox",
        'X-Content-Type-Options': 'nosniff',
      },
    });
  };

  ipcMain.on(SHELL_IPC.enginePort, (event) => {
    if (!trusted(event)) return;
    const { port1, port2 } = new MessageChannelMain();
    startEngine().postMessage({ t: 'connect' }, [port1]);
    event.sender.postMessage(SHELL_IPC.enginePort, null, [port2]);
  });
  ipcMain.handle(SHELL_IPC.dialog, async (event, raw: unknown) => {
    if (!trusted(event)) return null;
    const request = dialogRequestSchema.safeParse(raw);
    if (!request.success) return null;
    return showDialog(BrowserWindow.fromWebContents(event.sender), request.data);
  });
  ipcMain.on(SHELL_IPC.baseOpened, (event, raw: unknown) => {
    if (!trusted(event)) return;
    const parsed = baseOpenedSchema.safeParse(raw);
    if (!parsed.success) return;
    const w = BrowserWindow.fromWebContents(event.sender);
    const p = parsed.data.path;
    w?.setTitle(p ? `${path.basename(p)} — ${app.name}` : app.name);
    if (process.platform === 'darwin') w?.setRepresentedFilename(p ?? '');
    if (!p) return;
    writeRecent([p, ...readRecent().filter((x) => x !== p)]);
    app.addRecentDocument(p);
    buildMenu();
  });

  /** A base named on the command line (or by the OS, e.g. a double-clicked .base file). */
  const baseArgument = (argv: readonly string[]): string | null => {
    const candidate = argv.slice(1).find((a) => !a.startsWith('-') && a.endsWith('.base'));
    if (!candidate) return null;
    // Linux desktop entries may hand over file:// URIs.
    try {
      return candidate.startsWith('file:') ? fileURLToPath(candidate) : path.resolve(candidate);
    } catch {
      return null;
    }
  };
  const openPath = (p: string): void => {
    const w = mainWindow ?? createWindow();
    if (w.webContents.isLoading()) w.webContents.once('did-finish-load', () => w.webContents.send(SHELL_IPC.menu, { command: 'base.openPath', path: p }));
    else w.webContents.send(SHELL_IPC.menu, { command: 'base.openPath', path: p });
  };

  app.on('second-instance', (_event, argv) => {
    const w = mainWindow ?? createWindow();
    if (w.isMinimized()) w.restore();
    w.focus();
    const p = baseArgument(argv);
    if (p) openPath(p);
  });
  // Before the app is ready, a file the OS hands over waits for the first window.
  let pendingOpen: string | null = null;
  app.on('open-file', (event, p) => {
    event.preventDefault();
    if (app.isReady() && mainWindow) openPath(p);
    else pendingOpen = p;
  });

  let stopped = false;
  app.on('before-quit', (event) => {
    if (stopped || !engine) return;
    // Let the engine close every base cleanly, then quit for real (a second Quit meanwhile waits too).
    event.preventDefault();
    if (quitting) return;
    quitting = true;
    void stopEngine().then(() => {
      stopped = true;
      app.quit();
    });
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });

  void app.whenReady().then(() => {
    // Pages ask for nothing: no camera, notifications, geolocation or anything else.
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    session.defaultSession.setPermissionCheckHandler(() => false);
    protocol.handle(APP_SCHEME, async (request) => {
      const attachment = new URL(request.url).host === APP_HOST ? parseAttachmentPath(new URL(request.url).pathname) : null;
      if (attachment) return serveAttachment(attachment);
      const file = appFileFor(request.url, RENDERER_DIR, path.join);
      if (!file) return new Response('Not found', { status: 404 });
      const response = await net.fetch(pathToFileURL(file).toString()).catch(() => null);
      if (!response || !response.ok) return new Response('Not found', { status: 404 });
      const headers = new Headers(response.headers);
      // Module scripts need their type (nosniff is on), whatever the file fetch reported.
      const type = CONTENT_TYPES[path.extname(file).toLowerCase()];
      if (type) headers.set('Content-Type', type);
      headers.set('Content-Security-Policy', APP_CSP);
      headers.set('X-Content-Type-Options', 'nosniff');
      return new Response(response.body, { status: 200, headers });
    });
    buildMenu();
    startEngine();
    const first = pendingOpen ?? baseArgument(process.argv);
    pendingOpen = null;
    createWindow();
    if (first) openPath(first);
  });
}
