/**
 * The main window's size and position, kept between runs. Pure (plus one small JSON file), so
 * plain-Node tests cover it: a saved position is used only where it is still on a screen.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  /** Absent: let the system place the window. */
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_STATE: WindowState = { width: 1280, height: 800, maximized: false };
export const MIN_SIZE = { width: 720, height: 480 };
/** How much of the title bar must be on a screen for a saved position to be used. */
const VISIBLE = 120;

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < 100_000;

/**
 * The state to open with: the saved one where it fits the screens there are now (sizes clamped to
 * the largest work area), else the default size placed by the system.
 */
export function restoreState(saved: unknown, workAreas: readonly Rect[]): WindowState {
  if (typeof saved !== 'object' || saved === null || workAreas.length === 0) return { ...DEFAULT_STATE };
  const s = saved as Record<string, unknown>;
  if (!isInt(s.width) || !isInt(s.height)) return { ...DEFAULT_STATE };
  const maxW = Math.max(...workAreas.map((a) => a.width));
  const maxH = Math.max(...workAreas.map((a) => a.height));
  const width = Math.min(Math.max(s.width, MIN_SIZE.width), maxW);
  const height = Math.min(Math.max(s.height, MIN_SIZE.height), maxH);
  const maximized = s.maximized === true;
  if (!isInt(s.x) || !isInt(s.y)) return { width, height, maximized };
  const x = s.x;
  const y = s.y;
  // The top strip of the window (where it is dragged from) must be reachable on some screen.
  const onScreen = workAreas.some(
    (a) => x + width - VISIBLE >= a.x && x + VISIBLE <= a.x + a.width && y >= a.y && y + 40 <= a.y + a.height,
  );
  return onScreen ? { x, y, width, height, maximized } : { width, height, maximized };
}

/** A small JSON settings file; null when missing or damaged. */
export function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  } catch {
    return null;
  }
}

/** Writes a small JSON settings file whole or not at all (a temporary file renamed over the old one). */
export function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(value));
  fs.renameSync(tmp, file);
}
