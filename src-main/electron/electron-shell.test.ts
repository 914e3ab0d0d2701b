/**
 * The desktop shell's decisions, in plain Node: which URLs are the app's, which links may open
 * outside it, which renderer files a URL may read, where a window reopens, and each platform's
 * menu conventions.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../../src-shared/api/shell.contract';
import { makeTempDir } from '../engine/testing/temp-dir';
import { menuTemplate, RECENT_IN_MENU } from './menu';
import { APP_CSP, appFileFor, isAppUrl, isExternalLink } from './security';
import { DEFAULT_STATE, MIN_SIZE, readJson, restoreState, writeJson } from './window-state';

describe('app URLs and links', () => {
  it('accepts only the app scheme and, in development, the dev server origin', () => {
    expect(isAppUrl('app://baseplate/index.html')).toBe(true);
    expect(isAppUrl('app://baseplate/assets/x.js?v=1')).toBe(true);
    expect(isAppUrl('app://evil/index.html')).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
    expect(isAppUrl('https://example.com/')).toBe(false);
    expect(isAppUrl('http://localhost:5173/', 'http://localhost:5173')).toBe(true);
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
    expect(isAppUrl('http://localhost:5173/')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });

  it('opens http(s) and mailto links outside, and nothing else', () => {
    expect(isExternalLink('https://example.com/part/42')).toBe(true);
    expect(isExternalLink('http://example.com')).toBe(true);
    expect(isExternalLink('mailto:someone@example.com')).toBe(true);
    expect(isExternalLink('mailto:nobody')).toBe(false);
    expect(isExternalLink('https://user:pw@example.com/')).toBe(false);
    for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', 'app://baseplate/index.html', 'smb://host/share', 'data:text/html,hi', '']) {
      expect(isExternalLink(bad)).toBe(false);
    }
  });

  it('maps app URLs to files inside the renderer folder only', () => {
    const root = path.join(path.sep, 'app', 'out', 'renderer');
    expect(appFileFor('app://baseplate/index.html', root, path.join)).toBe(path.join(root, 'index.html'));
    expect(appFileFor('app://baseplate/assets/index-1.js', root, path.join)).toBe(path.join(root, 'assets', 'index-1.js'));
    expect(appFileFor('app://baseplate/', root, path.join)).toBe(path.join(root, 'index.html'));
    expect(appFileFor('app://baseplate/tables/parts', root, path.join)).toBe(path.join(root, 'index.html'));
    // The URL parser resolves dot segments, encoded or not, inside the app's own root.
    expect(appFileFor('app://baseplate/%2e%2e/%2e%2e/secret.txt', root, path.join)).toBe(path.join(root, 'secret.txt'));
    expect(appFileFor('app://baseplate/..%5c..%5csecret.txt', root, path.join)).toBeNull();
    expect(appFileFor('app://baseplate/assets/%00.js', root, path.join)).toBeNull();
    expect(appFileFor('app://baseplate/C:/Windows/win.ini', root, path.join)).toBeNull();
    expect(appFileFor('app://other/index.html', root, path.join)).toBeNull();
    expect(appFileFor('app://baseplate/%E0%A4%A', root, path.join)).toBeNull();
  });

  it('has a CSP without remote sources, inline scripts or eval', () => {
    expect(APP_CSP).toContain("script-src 'self'");
    expect(APP_CSP).toContain("object-src 'none'");
    expect(APP_CSP).not.toMatch(/unsafe-eval|https?:|\*/);
    expect(APP_CSP).not.toMatch(/script-src[^;]*unsafe-inline/);
  });
});

describe('window state', () => {
  const screens = [{ x: 0, y: 0, width: 1920, height: 1040 }];

  it('restores a saved position that is still on a screen, and clamps sizes', () => {
    expect(restoreState({ x: 100, y: 50, width: 1400, height: 900, maximized: true }, screens)).toEqual({ x: 100, y: 50, width: 1400, height: 900, maximized: true });
    expect(restoreState({ x: 0, y: 0, width: 5000, height: 100 }, screens)).toEqual({ x: 0, y: 0, width: 1920, height: MIN_SIZE.height, maximized: false });
  });

  it('lets the system place a window saved on a screen that is gone', () => {
    expect(restoreState({ x: 2500, y: 100, width: 1200, height: 800 }, screens)).toEqual({ width: 1200, height: 800, maximized: false });
    expect(restoreState({ x: 100, y: -500, width: 1200, height: 800 }, screens)).toEqual({ width: 1200, height: 800, maximized: false });
    // A second screen to the left (negative coordinates) is a screen.
    const two = [...screens, { x: -1280, y: 0, width: 1280, height: 1000 }];
    expect(restoreState({ x: -1200, y: 10, width: 1000, height: 700 }, two)).toMatchObject({ x: -1200, y: 10 });
  });

  it('falls back to the default for anything that is not a saved state', () => {
    for (const bad of [null, 'x', 42, {}, { width: 'wide', height: 800 }, { width: 1.5, height: 800 }, { width: 1e9, height: 800 }]) {
      expect(restoreState(bad, screens)).toEqual(DEFAULT_STATE);
    }
    expect(restoreState({ width: 1000, height: 700 }, [])).toEqual(DEFAULT_STATE);
  });

  it('writes the state file whole and reads it back; a damaged file reads as nothing', () => {
    const tmp = makeTempDir();
    try {
      const file = tmp.file('deep/window-state.json');
      writeJson(file, { x: 1, y: 2, width: 1000, height: 700, maximized: false });
      expect(readJson(file)).toEqual({ x: 1, y: 2, width: 1000, height: 700, maximized: false });
      writeJson(file, { width: 900, height: 600, maximized: true });
      expect(readJson(file)).toEqual({ width: 900, height: 600, maximized: true });
      fs.writeFileSync(file, '{"width": 9');
      expect(readJson(file)).toBeNull();
      expect(readJson(tmp.file('missing.json'))).toBeNull();
    } finally {
      tmp.cleanup();
    }
  });
});

describe('menus', () => {
  const build = (platform: NodeJS.Platform, recent: string[] = []) => {
    const sent: MenuCommand[] = [];
    const calls: string[] = [];
    const template = menuTemplate({
      platform,
      appName: 'Baseplate',
      recent,
      dev: false,
      send: (c) => sent.push(c),
      clearRecent: () => calls.push('clear'),
      showAbout: () => calls.push('about'),
      openDataFolder: () => calls.push('data'),
    });
    return { template, sent, calls };
  };
  const labels = (items: MenuItemConstructorOptions[]): string[] => items.map((i) => i.label ?? i.role ?? i.type ?? '?');
  const sub = (item: MenuItemConstructorOptions | undefined): MenuItemConstructorOptions[] => (item?.submenu ?? []) as MenuItemConstructorOptions[];
  const find = (items: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions | undefined => items.find((i) => i.label === label);
  const click = (item: MenuItemConstructorOptions | undefined): void => (item?.click as unknown as () => void)();

  it('follows macOS conventions: app menu first, Window menu, no Exit, no access keys', () => {
    const { template, calls } = build('darwin');
    expect(labels(template)).toEqual(['Baseplate', 'File', 'Edit', 'View', 'windowMenu', 'Help']);
    const appItems = sub(template[0]);
    expect(appItems.map((i) => i.role).filter(Boolean)).toEqual(['services', 'hide', 'hideOthers', 'unhide', 'quit']);
    click(find(appItems, 'About Baseplate'));
    expect(calls).toEqual(['about']);
    expect(sub(template[1]).some((i) => i.role === 'quit')).toBe(false);
    expect(find(sub(template[2]), 'Redo')?.accelerator).toBe('Shift+Cmd+Z');
  });

  it('follows Windows and Linux conventions: Exit under File, About under Help, access keys', () => {
    for (const platform of ['win32', 'linux'] as const) {
      const { template, calls } = build(platform);
      expect(labels(template)).toEqual(['&File', '&Edit', '&View', '&Help']);
      const fileItems = sub(template[0]);
      expect(fileItems.at(-1)).toMatchObject({ role: 'quit', label: 'E&xit' });
      expect(find(sub(template[1]), 'Redo')?.accelerator).toBe('Ctrl+Y');
      click(find(sub(template[3]), 'About Baseplate'));
      expect(calls).toEqual(['about']);
    }
  });

  it('sends File and Edit commands to the window; undo, redo and find keep their keys in the page', () => {
    const { template, sent } = build('linux');
    const fileItems = sub(template[0]);
    for (const label of ['New Base…', 'Open Base…', 'Import CSV…', 'Export CSV…', 'Close Base']) click(find(fileItems, label));
    const editItems = sub(template[1]);
    for (const label of ['Undo', 'Redo', 'Find…']) {
      expect(find(editItems, label)?.registerAccelerator).toBe(false);
      click(find(editItems, label));
    }
    expect(sent.map((c) => c.command)).toEqual(['base.new', 'base.open', 'csv.import', 'csv.export', 'base.close', 'edit.undo', 'edit.redo', 'view.search']);
    expect(editItems.map((i) => i.role).filter(Boolean)).toEqual(['cut', 'copy', 'paste', 'selectAll']);
  });

  it('lists recent bases, newest first, and clears them', () => {
    const none = build('linux');
    expect(sub(find(sub(none.template[0]), 'Open Recent'))).toEqual([{ label: 'No Recent Bases', enabled: false }]);
    const recent = Array.from({ length: 15 }, (_, i) => `/bases/b${i}.base`);
    const { template, sent, calls } = build('linux', recent);
    const items = sub(find(sub(template[0]), 'Open Recent'));
    expect(items.filter((i) => i.label?.endsWith('.base')).map((i) => i.label)).toEqual(recent.slice(0, RECENT_IN_MENU));
    click(items[1]);
    expect(sent).toEqual([{ command: 'base.openPath', path: '/bases/b1.base' }]);
    click(find(items, 'Clear Recent'));
    expect(calls).toEqual(['clear']);
  });
});
