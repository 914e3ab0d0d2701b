/**
 * The desktop shell's extras (native dialogs, menu commands, paths of dropped files), present only
 * in Electron, where the preload exposes them. Browser mode gets null and falls back to typed paths.
 */
import type { DesktopBridge, MenuCommand, ShellBridge } from '../../src-shared/api/shell.contract';

declare global {
  interface Window {
    baseplateDesktop?: DesktopBridge;
  }
}

export function desktopShell(): ShellBridge | null {
  return window.baseplateDesktop?.shell ?? null;
}

/**
 * Commands for whatever is open (menus, dropped files), sent as a window event whose `detail` is an
 * AppCommand; the open base and its grid act on the ones that concern them.
 */
export const APP_COMMAND = 'baseplate:command';
export type AppCommand = MenuCommand | { command: 'csv.importPath'; path: string };

export function sendAppCommand(command: AppCommand): void {
  window.dispatchEvent(new CustomEvent<AppCommand>(APP_COMMAND, { detail: command }));
}

export function onAppCommand(listener: (command: AppCommand) => void): () => void {
  const handler = (e: Event): void => listener((e as CustomEvent<AppCommand>).detail);
  window.addEventListener(APP_COMMAND, handler);
  return () => window.removeEventListener(APP_COMMAND, handler);
}
