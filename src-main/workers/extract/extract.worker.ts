/**
 * The extraction worker (run by the extraction pool): reads one drawing file, DXF, PDF or image
 * (by OCR), and returns what it holds (file-extraction.ts). A file that is none of these, too
 * large, or unreadable fails with a reason naming it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EngineError } from '../../../src-shared/errors';
import { serveJobs } from '../serve';
import { extractParsedDxf } from '../dxf/dxf-extract';
import { readDxf } from '../dxf/dxf-read';
import { dxfPreviews } from '../dxf/dxf-preview';
import { extractPdf } from '../pdf/pdf-extract';
import { fromDxf, fromImage, fromPdf, type FileExtraction } from './file-extraction';
import { recognize } from '../ocr/ocr';
import { readImage } from '../ocr/image-read';
import { MAX_IMAGE_PIXELS, imagePixelSize } from '../ocr/image-size';

export interface ExtractJob {
  path: string;
  /**
   * A folder (existing, empty) for preview files (thumbnails, DXF geometry); listed in the
   * result's `previews`. Without it no previews are made.
   */
  outDir?: string;
  /** The file's name as people know it, for messages (the path may be a store's hash name). */
  name?: string;
}

/** Larger files are refused rather than read: a drawing of this size is not a drawing. */
export const MAX_FILE_BYTES = 512 * 1024 * 1024;

function decodeDxf(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

function kindOf(bytes: Uint8Array): 'pdf' | 'dxf' | 'image' | null {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 256));
  if (head.startsWith('%PDF-')) return 'pdf';
  if (/^\s*0\s*\r?\n\s*SECTION/.test(head)) return 'dxf';
  if (bytes[0] === 0x89 && head.startsWith('PNG', 1)) return 'image';
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image';
  if (head.startsWith('II*\0') || head.startsWith('MM\0*')) return 'image';
  return null;
}

async function extractFile(job: ExtractJob): Promise<FileExtraction> {
  const file = job.path;
  const name = job.name ?? path.basename(file);
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    throw new EngineError('FILE_NOT_FOUND', `${name}: no such file.`);
  }
  if (size > MAX_FILE_BYTES) throw new EngineError('EXTRACTION_FAILED', `${name}: ${Math.round(size / 1e6)} MB is more than a drawing may be (${MAX_FILE_BYTES / 1024 / 1024} MB).`);
  const bytes = new Uint8Array(fs.readFileSync(file));
  const kind = kindOf(bytes);
  if (kind === 'image') {
    const px = imagePixelSize(bytes);
    if (px && px.width * px.height > MAX_IMAGE_PIXELS) {
      throw new EngineError('EXTRACTION_FAILED', `${name}: ${px.width} × ${px.height} pixels is more than a picture may be (${MAX_IMAGE_PIXELS / 1e6} megapixels); scan it at a lower resolution.`);
    }
  }
  try {
    if (kind === 'dxf') {
      const parsed = readDxf(decodeDxf(bytes));
      const result = fromDxf(file, extractParsedDxf(parsed));
      return job.outDir ? { ...result, ...(await dxfPreviews(parsed, job.outDir)) } : result;
    }
    if (kind === 'pdf') return fromPdf(file, await extractPdf(bytes, { recognize, ...(job.outDir ? { outDir: job.outDir } : {}) }));
    if (kind === 'image') return fromImage(file, await readImage(bytes, job.outDir));
  } catch (e) {
    const what = kind === 'dxf' ? 'DXF' : kind === 'pdf' ? 'PDF' : 'image';
    throw new EngineError('EXTRACTION_FAILED', `${name}: the ${what} could not be read (${(e as Error).message}).`);
  }
  throw new EngineError('EXTRACTION_FAILED', `${name}: not a drawing this version reads (DXF, PDF, PNG, JPEG or TIFF).`);
}

serveJobs<ExtractJob, FileExtraction>(async (job) => ({ value: await extractFile(job) }));
