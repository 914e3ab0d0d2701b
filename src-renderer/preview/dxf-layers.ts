/**
 * Layer visibility in the DXF viewer: which layers are hidden (those the drawing has off or
 * frozen, to begin with), and what that leaves drawn. A world batch shows when its layer does; a
 * block's batch when its own layer and the layer of the block's inserts both do; a text when its
 * layer does.
 */
import type { BlockGeometry, DrawingGeometry, LayerInfo, LineBatch } from '../../src-shared/drawing/geometry-codec';
import { INSTANCE_STRIDE } from '../../src-shared/drawing/geometry-codec';

export type Hidden = ReadonlySet<number>;

export function initialHidden(layers: readonly LayerInfo[]): Set<number> {
  return new Set(layers.flatMap((l, i) => (l.visible ? [] : [i])));
}

export function toggleLayer(hidden: Hidden, layer: number): Set<number> {
  const next = new Set(hidden);
  if (next.has(layer)) next.delete(layer);
  else next.add(layer);
  return next;
}

export function allLayers(layers: readonly LayerInfo[], visible: boolean): Set<number> {
  return visible ? new Set() : new Set(layers.map((_, i) => i));
}

export const batchShown = (hidden: Hidden, b: LineBatch): boolean => !hidden.has(b.layer);
export const blockBatchShown = (hidden: Hidden, block: BlockGeometry, b: LineBatch): boolean => !hidden.has(block.layer) && !hidden.has(b.layer);

/** What is drawn with these layers hidden: batches (world and block ones), block instances, visible layers. */
export function drawnCounts(g: DrawingGeometry, hidden: Hidden): { batches: number; instances: number; visibleLayers: number } {
  let batches = g.batches.filter((b) => batchShown(hidden, b)).length;
  let instances = 0;
  for (const block of g.blocks) {
    const shown = block.batches.filter((b) => blockBatchShown(hidden, block, b)).length;
    batches += shown;
    if (shown > 0) instances += block.instances.length / INSTANCE_STRIDE;
  }
  return { batches, instances, visibleLayers: g.layers.length - [...hidden].filter((i) => i >= 0 && i < g.layers.length).length };
}
