/**
 * A scanned A4 page at 300 dpi (PNG) for tests that need OCR to take a while: lines of text that
 * include the time, so no earlier test read the same bytes (readings are kept per file content).
 */
import { createCanvas } from '@napi-rs/canvas';

export function freshScanPng(label: string): Buffer {
  const canvas = createCanvas(2480, 3508);
  const g = canvas.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, 2480, 3508);
  g.fillStyle = '#000';
  g.font = '64px sans-serif';
  for (let i = 0; i < 30; i++) g.fillText(`${label} ${Date.now()} LINE ${i} M8x1.25`, 120, 200 + i * 100);
  return canvas.toBuffer('image/png');
}
