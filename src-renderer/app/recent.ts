/** Recently opened bases (paths), newest first, kept in this browser profile. */
const KEY = 'baseplate.recent';
const MAX = 12;

export function recentBases(): string[] {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, MAX) : [];
  } catch {
    return [];
  }
}

export function rememberBase(path: string): void {
  localStorage.setItem(KEY, JSON.stringify([path, ...recentBases().filter((p) => p !== path)].slice(0, MAX)));
}

export function forgetBase(path: string): void {
  localStorage.setItem(KEY, JSON.stringify(recentBases().filter((p) => p !== path)));
}
