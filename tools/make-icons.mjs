#!/usr/bin/env node
// Draws Baseplate's icon and writes it in every format packaging needs:
//   build/icon.png (1024), build/icon.ico (16–256), build/icon.icns (128–1024), resources/icon.png (512).
// The mark: a blue plate with a 3×3 grid of cells, the top row darker (a table's header).
// Run `node tools/make-icons.mjs` after changing the drawing; the outputs are checked in.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}
function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Coverage of a rounded rectangle at a point, antialiased by 4×4 supersampling. */
function roundRect(x, y, r) {
  const inside = (px, py) => {
    const dx = Math.max(r.x + r.rad - px, 0, px - (r.x + r.w - r.rad));
    const dy = Math.max(r.y + r.rad - py, 0, py - (r.y + r.h - r.rad));
    return px >= r.x && px <= r.x + r.w && py >= r.y && py <= r.y + r.h && dx * dx + dy * dy <= r.rad * r.rad;
  };
  let n = 0;
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) if (inside(x + (i + 0.5) / 4, y + (j + 0.5) / 4)) n++;
  return n / 16;
}

function draw(size) {
  const s = size / 1024;
  const px = Buffer.alloc(size * size * 4);
  const plate = { x: 100 * s, y: 100 * s, w: 824 * s, h: 824 * s, rad: 180 * s };
  const cells = [];
  const gap = 36 * s;
  const cell = (824 * s - 2 * 120 * s - 2 * gap) / 3;
  for (let row = 0; row < 3; row++) {
    for (let col = 0; col < 3; col++) {
      cells.push({ rect: { x: 220 * s + col * (cell + gap), y: 220 * s + row * (cell + gap), w: cell, h: cell, rad: 28 * s }, header: row === 0 });
    }
  }
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const a = roundRect(x, y, plate);
      if (a === 0) continue;
      // Plate: a vertical gradient of blue.
      const t = y / size;
      let rgb = [Math.round(37 + 20 * t), Math.round(99 - 20 * t), Math.round(235 - 40 * t)];
      for (const c of cells) {
        const k = roundRect(x, y, c.rect);
        if (k > 0) {
          const fill = c.header ? [191, 219, 254] : [255, 255, 255];
          rgb = rgb.map((v, i) => Math.round(v * (1 - k) + fill[i] * k));
        }
      }
      const o = (y * size + x) * 4;
      px[o] = rgb[0];
      px[o + 1] = rgb[1];
      px[o + 2] = rgb[2];
      px[o + 3] = Math.round(a * 255);
    }
  }
  return png(size, px);
}

function ico(images) {
  const head = Buffer.alloc(6 + 16 * images.length);
  head.writeUInt16LE(0, 0);
  head.writeUInt16LE(1, 2);
  head.writeUInt16LE(images.length, 4);
  let offset = head.length;
  images.forEach(({ size, data }, i) => {
    const e = 6 + 16 * i;
    head[e] = size >= 256 ? 0 : size;
    head[e + 1] = size >= 256 ? 0 : size;
    head.writeUInt16LE(1, e + 4); // planes
    head.writeUInt16LE(32, e + 6); // bits per pixel
    head.writeUInt32LE(data.length, e + 8);
    head.writeUInt32LE(offset, e + 12);
    offset += data.length;
  });
  return Buffer.concat([head, ...images.map((i) => i.data)]);
}

function icns(entries) {
  const parts = entries.map(({ type, data }) => {
    const h = Buffer.alloc(8);
    h.write(type, 0, 'latin1');
    h.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([h, data]);
  });
  const total = 8 + parts.reduce((n, p) => n + p.length, 0);
  const h = Buffer.alloc(8);
  h.write('icns', 0, 'latin1');
  h.writeUInt32BE(total, 4);
  return Buffer.concat([h, ...parts]);
}

const sizes = new Map();
const at = (n) => {
  if (!sizes.has(n)) sizes.set(n, draw(n));
  return sizes.get(n);
};
const write = (rel, data) => {
  fs.writeFileSync(path.join(root, rel), data);
  console.log(`${rel}  ${data.length} bytes`);
};
write('build/icon.png', at(1024));
write('resources/icon.png', at(512));
write('build/icon.ico', ico([16, 24, 32, 48, 64, 128, 256].map((size) => ({ size, data: at(size) }))));
write('build/icon.icns', icns([
  { type: 'ic07', data: at(128) },
  { type: 'ic08', data: at(256) },
  { type: 'ic09', data: at(512) },
  { type: 'ic10', data: at(1024) },
]));
