/** Types of electron-dev.mjs for the TypeScript tests that use it. */
/** The installed Electron binary, or null (nothing is downloaded). */
export function electronBinary(): string | null;
/** Builds the app into out/ and compiles better-sqlite3 for Electron (once per version). */
export function buildDesktop(): Promise<{ root: string; version: string; binding: string }>;
