/**
 * The files a drop means: files as given, folders walked for the drawings in them (DXF, PDF, PNG,
 * JPEG, TIFF; hidden entries and symbolic links to folders skipped), in path order. A file given
 * by name is kept whatever it is, so it fails alone with its reason rather than vanishing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EngineError } from '../../../src-shared/errors';
import { isDrawingFileName } from '../../../src-shared/drawing/drawing-files';

/** Files for `paths` (folders expanded), at most `max`; more is an error saying how many. */
export async function expandDrawingPaths(paths: readonly string[], max: number): Promise<string[]> {
  const out: string[] = [];
  const push = (file: string): void => {
    out.push(file);
    if (out.length > max) throw new EngineError('INVALID_INPUT', `More than ${max} files were dropped at once; add them in parts.`);
  };
  const walk = async (dir: string): Promise<void> => {
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch (e) {
      throw new EngineError('INVALID_INPUT', `The folder ${dir} could not be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile() && isDrawingFileName(e.name)) push(full);
    }
  };
  for (const p of paths) {
    const stat = await fs.promises.stat(p).catch(() => null);
    if (stat?.isDirectory()) await walk(p);
    else push(p);
  }
  return out;
}
