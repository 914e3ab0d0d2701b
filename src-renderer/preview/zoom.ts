/** Zoom of a page or picture: fitted to the view, or a scale picked from steps. */

export type Zoom = { mode: 'width' } | { mode: 'page' } | { mode: 'scale'; scale: number };

export const ZOOM_STEPS = [0.1, 0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4, 5, 6, 8, 10, 12, 16] as const;

/** The next step up (1) or down (−1) from the scale shown now. */
export function nextZoom(scale: number, dir: 1 | -1): Zoom {
  const steps = ZOOM_STEPS as readonly number[];
  const next = dir > 0 ? steps.find((s) => s > scale * 1.001) : [...steps].reverse().find((s) => s < scale * 0.999);
  return { mode: 'scale', scale: next ?? (dir > 0 ? steps.at(-1)! : steps[0]!) };
}
