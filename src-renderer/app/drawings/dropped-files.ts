/**
 * What a drop on a table holds, read while the drop event lasts: in the desktop app the paths of
 * the dropped files and folders (the engine walks folders); in a browser the files themselves,
 * folders walked here for the drawings in them, to be uploaded.
 */
import { isDrawingFileName } from '../../../src-shared/drawing/drawing-files';
import type { ShellBridge } from '../../../src-shared/api/shell.contract';

export type Dropped = { kind: 'paths'; paths: string[] } | { kind: 'files'; files: File[] };

/** Files the app's own drop handler takes (a base to open, a CSV to import), not drawings. */
export function isAppFileName(name: string): boolean {
  return /\.(base|csv|tsv|txt)$/i.test(name);
}

/** Whether a drag carries files at all (during dragover the names are not known yet). */
export function carriesFiles(dt: DataTransfer | null): boolean {
  return !!dt && Array.from(dt.types).includes('Files');
}

interface EntryLike {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
}
interface FileEntryLike extends EntryLike {
  file(ok: (f: File) => void, fail: (e: unknown) => void): void;
}
interface DirEntryLike extends EntryLike {
  createReader(): { readEntries(ok: (entries: EntryLike[]) => void, fail: (e: unknown) => void): void };
}

async function walk(dir: DirEntryLike, out: File[], max: number): Promise<void> {
  const reader = dir.createReader();
  const entries: EntryLike[] = [];
  // readEntries answers in batches until it answers none.
  for (;;) {
    const batch = await new Promise<EntryLike[]>((ok, fail) => reader.readEntries(ok, fail));
    if (batch.length === 0) break;
    entries.push(...batch);
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (out.length >= max) return;
    if (e.name.startsWith('.')) continue;
    if (e.isDirectory) await walk(e as DirEntryLike, out, max);
    else if (e.isFile && isDrawingFileName(e.name)) out.push(await new Promise<File>((ok, fail) => (e as FileEntryLike).file(ok, fail)));
  }
}

/**
 * Reads a drop. Must be called within the drop event (the browser empties the DataTransfer after
 * it); the folder walk it starts may finish later. Null when the drop holds only files the app's
 * own handler takes (bases, CSV files).
 */
export function readDrop(dt: DataTransfer, shell: ShellBridge | null, max = 10_000): Promise<Dropped> | null {
  const files = Array.from(dt.files);
  const entries = Array.from(dt.items, (item) => (item.kind === 'file' ? (item.webkitGetAsEntry?.() as EntryLike | null) : null));
  if (files.length === 0) return null;
  if (files.every((f, i) => !entries[i]?.isDirectory && isAppFileName(f.name))) return null;
  if (shell) {
    const paths = files.map((f) => shell.pathForFile(f)).filter((p) => p !== '');
    return Promise.resolve({ kind: 'paths', paths });
  }
  return (async () => {
    const out: File[] = [];
    for (const [i, file] of files.entries()) {
      if (out.length >= max) break;
      const entry = entries[i];
      if (entry?.isDirectory) await walk(entry as DirEntryLike, out, max);
      else out.push(file);
    }
    return { kind: 'files', files: out };
  })();
}
