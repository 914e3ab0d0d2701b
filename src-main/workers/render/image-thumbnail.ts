/**
 * A thumbnail of an image file (PNG, JPEG; also GIF and WebP), as PNG with its longest side
 * `THUMBNAIL_SIZE` px at most (smaller images keep their size), drawn with @napi-rs/canvas. TIFF is
 * not among what @napi-rs/canvas decodes: a TIFF's thumbnail is made from the PNG the recognizer
 * hands back of it (ocr.ts, `withImage`).
 */
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { THUMBNAIL_SIZE } from './page-render';

/** The image's thumbnail as PNG; throws when the bytes are no image @napi-rs/canvas decodes. */
export async function imageThumbnail(bytes: Uint8Array): Promise<Buffer> {
  const image = await loadImage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const { width, height } = image;
  if (width < 1 || height < 1) throw new Error('the image has no pixels');
  const scale = Math.min(1, THUMBNAIL_SIZE / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const canvas = createCanvas(w, h);
  const ctx = canvas.getContext('2d');
  // White under transparent pixels, as a drawing on paper.
  ctx.fillStyle = 'white';
  ctx.fillRect(0, 0, w, h);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(image, 0, 0, w, h);
  return canvas.encode('png');
}
