/**
 * Drawings that arrive by sync: their bytes come from the server, but their reading (text for
 * search, thumbnails, the DXF viewer's geometry) is made on each machine, as for a drop. Read
 * once per content: bytes already read here (by a drop or an earlier sync) are not read again.
 */
import fs from 'node:fs';
import { isDrawingFileName } from '../../../src-shared/drawing/drawing-files';
import type { BaseContext } from '../base/base-context';
import { BlobStore } from '../attachments/blob-store';
import type { Locked, ReadDrawing } from './drawings.service';
import { storedReading, storeReading } from './extraction-store';

export async function readSyncedDrawing(ctx: BaseContext, sha256: string, name: string, read: ReadDrawing, lock: Locked, signal?: AbortSignal): Promise<boolean> {
  if (!isDrawingFileName(name) || ctx.session.isClosed || storedReading(ctx, sha256)) return false;
  const store = BlobStore.beside(ctx.session.file);
  const scratch = await store.derivedScratch();
  try {
    const x = await read(store.pathOf(sha256), name, scratch, signal);
    await store.adoptDerived(scratch, sha256);
    // The records holding these bytes take the reading's text into their search text.
    return await lock(() => {
      if (ctx.session.isClosed) return false;
      storeReading(ctx, sha256, x);
      return true;
    });
  } finally {
    await fs.promises.rm(scratch, { recursive: true, force: true }).catch(() => undefined);
  }
}
