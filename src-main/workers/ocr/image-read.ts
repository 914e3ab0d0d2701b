/**
 * An image drawing (PNG, JPEG, TIFF): its text by OCR and, with an `outDir`, its thumbnail
 * `thumb.png` there. PNG and JPEG thumbnails are drawn from the file (render/image-thumbnail.ts);
 * @napi-rs/canvas cannot decode TIFF, so a TIFF's thumbnail is drawn from the PNG the recognizer
 * returns of the image it read (its first page). A thumbnail that cannot be made is named in
 * `warnings`; the text still comes out.
 */
import fs from 'node:fs';
import path from 'node:path';
import { recognize, type OcrResult } from './ocr';
import { imageThumbnail } from '../render/image-thumbnail';

export interface ImageRead {
  ocr: OcrResult;
  /** With `outDir`: the thumbnail written there (`thumb.png`), or none when it failed. */
  thumbnails: string[] | null;
  warnings: string[];
}

export const THUMB_FILE = 'thumb.png';

const isTiff = (b: Uint8Array): boolean => (b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && b[3] === 0x2a);

export async function readImage(bytes: Uint8Array, outDir?: string): Promise<ImageRead> {
  const warnings: string[] = [];
  const thumbnails: string[] | null = outDir ? [] : null;
  const write = async (source: Uint8Array): Promise<void> => {
    if (!outDir || !thumbnails) return;
    try {
      fs.writeFileSync(path.join(outDir, THUMB_FILE), await imageThumbnail(source));
      thumbnails.push(THUMB_FILE);
    } catch (e) {
      warnings.push(`no thumbnail (${e instanceof Error ? e.message : String(e)})`);
    }
  };
  const tiff = isTiff(bytes);
  if (!tiff) await write(bytes);
  const ocr = await recognize(bytes, { withImage: tiff && outDir !== undefined });
  if (tiff && outDir) {
    if (ocr.image) await write(ocr.image);
    else warnings.push('no thumbnail (the TIFF could not be decoded for one)');
  }
  delete ocr.image;
  return { ocr, thumbnails, warnings };
}
