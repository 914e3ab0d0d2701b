/**
 * An image's pixel size read from its header (PNG, JPEG, TIFF), before anything decodes it:
 * decoding happens in native memory, outside a worker's heap limit, so a huge scan or a crafted
 * file is refused by its size rather than discovered by running out of memory.
 */

export interface PixelSize {
  width: number;
  height: number;
}

/** Larger images are refused: an A0 sheet at 400 dpi is about 150 megapixels. */
export const MAX_IMAGE_PIXELS = 200_000_000;

function png(b: Uint8Array): PixelSize | null {
  // Signature, then the IHDR chunk: length, "IHDR", width, height (big-endian).
  if (b.length < 24 || b[12] !== 0x49 || b[13] !== 0x48 || b[14] !== 0x44 || b[15] !== 0x52) return null;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { width: v.getUint32(16), height: v.getUint32(20) };
}

function jpeg(b: Uint8Array): PixelSize | null {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i++;
      continue;
    }
    // Markers without a length.
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    const length = v.getUint16(i + 2);
    // SOF0–SOF15 but DHT (C4), JPG (C8) and DAC (CC): precision, height, width.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: v.getUint16(i + 5), width: v.getUint16(i + 7) };
    }
    i += 2 + length;
  }
  return null;
}

function tiff(b: Uint8Array): PixelSize | null {
  if (b.length < 8) return null;
  const little = b[0] === 0x49;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const ifd = v.getUint32(4, little);
  if (ifd + 2 > b.length) return null;
  const n = v.getUint16(ifd, little);
  let width: number | null = null;
  let height: number | null = null;
  for (let k = 0; k < n; k++) {
    const at = ifd + 2 + k * 12;
    if (at + 12 > b.length) break;
    const tag = v.getUint16(at, little);
    const type = v.getUint16(at + 2, little);
    const value = type === 3 ? v.getUint16(at + 8, little) : v.getUint32(at + 8, little);
    if (tag === 256) width = value;
    else if (tag === 257) height = value;
  }
  return width !== null && height !== null ? { width, height } : null;
}

/** The size the header gives, or null when it cannot be read (the decoder then decides). */
export function imagePixelSize(bytes: Uint8Array): PixelSize | null {
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return png(bytes);
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return jpeg(bytes);
  if ((bytes[0] === 0x49 && bytes[1] === 0x49) || (bytes[0] === 0x4d && bytes[1] === 0x4d)) return tiff(bytes);
  return null;
}
