/**
 * The native menus, as a template built from the platform, so plain-Node tests can check each
 * platform's conventions: macOS gets the app menu (About, Hide, Quit) and a Window menu; Windows
 * and Linux get Exit under File and About under Help. Commands go to the focused window.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../../src-shared/api/shell.contract';

export interface MenuContext {
  platform: NodeJS.Platform;
  appName: string;
  /** Recently opened bases, newest first. */
  recent: readonly string[];
  /** Development builds get Reload and the developer tools. */
  dev: boolean;
  send(command: MenuCommand): void;
  clearRecent(): void;
  showAbout(): void;
  openDataFolder(): void;
}

/** The longest recent list the menu shows. */
export const RECENT_IN_MENU = 10;

export function menuTemplate(ctx: MenuContext): MenuItemConstructorOptions[] {
  const mac = ctx.platform === 'darwin';
  // Access keys (Alt+F on Windows and Linux) are marked with '&'; macOS menus have none.
  const key = (label: string): string => (mac ? label.replace('&', '') : label);
  const cmd = (command: MenuCommand['command'] & string): MenuItemConstructorOptions['click'] => () => ctx.send({ command } as MenuCommand);

  const recentItems: MenuItemConstructorOptions[] =
    ctx.recent.length === 0
      ? [{ label: 'No Recent Bases', enabled: false }]
      : [
          ...ctx.recent.slice(0, RECENT_IN_MENU).map((path): MenuItemConstructorOptions => ({ label: path, click: () => ctx.send({ command: 'base.openPath', path }) })),
          { type: 'separator' },
          { label: 'Clear Recent', click: () => ctx.clearRecent() },
        ];

  const file: MenuItemConstructorOptions = {
    label: key('&File'),
    submenu: [
      { label: 'New Base…', accelerator: 'CmdOrCtrl+N', click: cmd('base.new') },
      { label: 'Open Base…', accelerator: 'CmdOrCtrl+O', click: cmd('base.open') },
      { label: 'Open Recent', submenu: recentItems },
      { type: 'separator' },
      { label: 'Import CSV…', accelerator: 'CmdOrCtrl+I', click: cmd('csv.import') },
      { label: 'Export CSV…', accelerator: 'CmdOrCtrl+Shift+E', click: cmd('csv.export') },
      { type: 'separator' },
      { label: 'Close Base', accelerator: 'CmdOrCtrl+Shift+W', click: cmd('base.close') },
      ...(mac ? [{ role: 'close' } as const] : [{ type: 'separator' } as const, { role: 'quit', label: 'E&xit' } as const]),
    ],
  };

  // Undo, redo and find keep their keys in the page (registerAccelerator: false): the page knows
  // whether they mean a text field's own undo or the base's. The menu items send the same command.
  const edit: MenuItemConstructorOptions = {
    label: key('&Edit'),
    submenu: [
      { label: 'Undo', accelerator: 'CmdOrCtrl+Z', registerAccelerator: false, click: cmd('edit.undo') },
      { label: 'Redo', accelerator: mac ? 'Shift+Cmd+Z' : 'Ctrl+Y', registerAccelerator: false, click: cmd('edit.redo') },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
      { type: 'separator' },
      { label: 'Find…', accelerator: 'CmdOrCtrl+F', registerAccelerator: false, click: cmd('view.search') },
    ],
  };

  const view: MenuItemConstructorOptions = {
    label: key('&View'),
    submenu: [
      ...(ctx.dev ? [{ role: 'reload' } as const, { role: 'toggleDevTools' } as const, { type: 'separator' } as const] : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };

  const help: MenuItemConstructorOptions = {
    role: 'help',
    label: key('&Help'),
    submenu: [
      { label: 'Open Data Folder', click: () => ctx.openDataFolder() },
      ...(mac ? [] : [{ type: 'separator' } as const, { label: `About ${ctx.appName}`, click: () => ctx.showAbout() }]),
    ],
  };

  if (!mac) return [file, edit, view, help];
  const appMenu: MenuItemConstructorOptions = {
    label: ctx.appName,
    submenu: [
      { label: `About ${ctx.appName}`, click: () => ctx.showAbout() },
      { type: 'separator' },
      { role: 'services' },
      { type: 'separator' },
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      { type: 'separator' },
      { role: 'quit' },
    ],
  };
  return [appMenu, file, edit, view, { role: 'windowMenu' }, help];
}
