/** Files Baseplate reads as drawings, by name: what a dropped folder contributes. */

export const DRAWING_EXTENSIONS = ['.dxf', '.pdf', '.png', '.jpg', '.jpeg', '.tif', '.tiff'] as const;

export function isDrawingFileName(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return dot > 0 && (DRAWING_EXTENSIONS as readonly string[]).includes(name.slice(dot).toLowerCase());
}
