/**
 * Extraction worker for DXF files (run by the extraction pool): reads the file, decodes it (UTF-8,
 * or the Windows code page older files are written in) and extracts what dxf-extract.ts reads.
 */
import fs from 'node:fs';
import { EngineError } from '../../../src-shared/errors';
import { serveJobs } from '../serve';
import { extractDxf, type DxfExtraction } from './dxf-extract';

export interface DxfJob {
  path: string;
}

/** Larger files are refused rather than read: a drawing of this size is not a drawing. */
export const MAX_DXF_BYTES = 512 * 1024 * 1024;

export function decodeDxf(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

serveJobs<DxfJob, DxfExtraction>((job) => {
  const name = job.path.split(/[\\/]/).pop() ?? job.path;
  let size: number;
  try {
    size = fs.statSync(job.path).size;
  } catch {
    throw new EngineError('FILE_NOT_FOUND', `${name}: no such file.`);
  }
  if (size > MAX_DXF_BYTES) throw new EngineError('EXTRACTION_FAILED', `${name}: ${Math.round(size / 1e6)} MB is more than a DXF drawing may be (${MAX_DXF_BYTES / 1024 / 1024} MB).`);
  const text = decodeDxf(fs.readFileSync(job.path));
  if (!/^\s*0\s*\r?\n\s*SECTION/.test(text.slice(0, 200))) throw new EngineError('EXTRACTION_FAILED', `${name}: not a DXF file (a DXF file starts with a SECTION).`);
  try {
    return { value: extractDxf(text) };
  } catch (e) {
    throw new EngineError('EXTRACTION_FAILED', `${name}: the DXF could not be read (${(e as Error).message}).`);
  }
});
