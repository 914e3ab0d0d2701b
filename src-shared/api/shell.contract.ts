/**
 * What the desktop shell (Electron's main process, through the preload) offers the page besides the
 * engine: native dialogs, menu commands, paths of dropped files. Browser mode has none of it and
 * the renderer falls back to typed paths. The preload exposes exactly `DesktopBridge`; the main
 * process validates every request with the schemas here.
 */
import { z } from 'zod';
import type { Result } from '../errors';
import type { EngineEventMap, EngineEventName } from './engine.contract';

/** IPC channel names between the preload and the main process. */
export const SHELL_IPC = {
  /** preload → main: send me a port to the engine; main → preload: the port (in `ports[0]`). */
  enginePort: 'baseplate:engine-port',
  /** main → preload: the engine process stopped; `reason` in words. */
  engineLost: 'baseplate:engine-lost',
  /** preload → main (invoke): show a native dialog; answers a path or null. */
  dialog: 'baseplate:dialog',
  /** main → preload: a menu command. */
  menu: 'baseplate:menu',
  /** preload → main: the page opened (or closed, path null) a base; for the title and recent list. */
  baseOpened: 'baseplate:base-opened',
} as const;

export const DIALOG_KINDS = ['openBase', 'newBase', 'openCsv', 'saveCsv'] as const;
export type DialogKind = (typeof DIALOG_KINDS)[number];

export const dialogRequestSchema = z.strictObject({
  kind: z.enum(DIALOG_KINDS),
  /** A file name (not a path) to suggest in a save dialog. */
  defaultName: z
    .string()
    .max(255)
    .regex(/^[^/\\\0]*$/, 'a file name, not a path')
    .optional(),
});
export type DialogRequest = z.infer<typeof dialogRequestSchema>;

export const baseOpenedSchema = z.strictObject({ path: z.string().min(1).max(4096).nullable() });

/** Commands the native menus send to the focused window. */
export const MENU_COMMANDS = ['base.new', 'base.open', 'base.close', 'csv.import', 'csv.export', 'edit.undo', 'edit.redo', 'view.search'] as const;
export type MenuCommandName = (typeof MENU_COMMANDS)[number];
export type MenuCommand = { command: MenuCommandName } | { command: 'base.openPath'; path: string };

export const menuCommandSchema = z.union([
  z.strictObject({ command: z.enum(MENU_COMMANDS) }),
  z.strictObject({ command: z.literal('base.openPath'), path: z.string().min(1).max(4096) }),
]);

/** The engine half of the bridge: the contract's calls (allow-listed in the preload) and events. */
export interface EngineBridge {
  call(method: string, input: unknown): Promise<Result<unknown>>;
  /** Subscribes to one of the engine's events (ENGINE_EVENTS); returns the unsubscribe function. */
  on<E extends EngineEventName>(event: E, listener: (e: EngineEventMap[E]) => void): () => void;
  /** Called once if the engine process stops; calls fail from then on. */
  onLost(listener: (reason: string) => void): () => void;
}

export interface ShellBridge {
  readonly platform: 'darwin' | 'win32' | 'linux';
  showDialog(request: DialogRequest): Promise<string | null>;
  /** The path on disk of a File the user dropped on the window ('' for one not from disk). */
  pathForFile(file: object): string;
  onMenuCommand(listener: (c: MenuCommand) => void): () => void;
  baseOpened(path: string | null): void;
}

/** `window.baseplateDesktop` in Electron; absent in browser mode. */
export interface DesktopBridge {
  engine: EngineBridge;
  shell: ShellBridge;
}
