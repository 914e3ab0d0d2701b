/**
 * The three.js scene of a drawing, built without a browser (three's objects need no WebGL until
 * drawn): a draw object per batch, block batches instanced from one shared buffer of instance
 * maps, texts as one glyph run per layer, colours for the theme, visibility by layer, and every
 * GPU resource disposed.
 */
import * as THREE from 'three';
import { describe, expect, it } from 'vitest';
import { FOREGROUND, TEXT_STRIDE, type DrawingGeometry } from '../../src-shared/drawing/geometry-codec';
import { glyphMetrics, layoutGlyphs, planAtlas, charactersOf } from './dxf-glyphs';
import { DxfScene } from './dxf-scene';

function drawing(): DrawingGeometry {
  const data = new Float32Array(2 * TEXT_STRIDE);
  data.set([0, 0, 2, 0, 0, FOREGROUND, 7], 0);
  data.set([5, 5, 1, 0, 1, 0xffff00, 7], TEXT_STRIDE);
  return {
    units: null,
    origin: { x: 0, y: 0 },
    extents: { min: { x: 0, y: 0 }, max: { x: 10, y: 10 } },
    layers: [
      { name: '0', color: FOREGROUND, entityCount: 2, visible: true },
      { name: 'YELLOW', color: 0xffff00, entityCount: 1, visible: true },
    ],
    batches: [{ layer: 0, color: FOREGROUND, segments: new Float32Array([0, 0, 10, 10]), triangles: new Float32Array([0, 0, 1, 0, 0, 1]) }],
    blocks: [
      {
        name: 'B',
        layer: 1,
        batches: [
          { layer: 0, color: 0xff0000, segments: new Float32Array([0, 0, 1, 0]), triangles: new Float32Array(0) },
          { layer: 1, color: 0xffff00, segments: new Float32Array([0, 0, 0, 1]), triangles: new Float32Array(0) },
        ],
        instances: new Float32Array([1, 0, 0, 1, 2, 2, 1, 0, 0, 1, 4, 4, 1, 0, 0, 1, 6, 6]),
      },
    ],
    texts: { strings: ['AB', 'C'], data },
    stats: { segments: 3, triangles: 1, instances: 3, texts: 2, flattenedInserts: 0, skipped: {}, truncated: false },
  };
}

const LIGHT = { foreground: 0x000000, background: 0xffffff };
const DARK = { foreground: 0xe6e8eb, background: 0x181a1f };

function sceneOf(g: DrawingGeometry): DxfScene {
  const advance = (): number => 24;
  const plan = planAtlas(charactersOf(g.texts.strings), advance);
  const runs = layoutGlyphs(g.texts, glyphMetrics(plan, advance), 0.3);
  return new DxfScene(g, LIGHT, { texture: new THREE.DataTexture(new Uint8Array(4), 1, 1), runs });
}

const uColor = (o: THREE.Object3D): number[] => {
  const v = ((o as THREE.Mesh).material as THREE.ShaderMaterial).uniforms.uColor!.value as THREE.Vector3;
  return [v.x, v.y, v.z].map((c) => Math.round(c * 255));
};

describe('the DXF scene', () => {
  it('draws each batch with one object, block batches instanced from one shared buffer of the file’s instance maps', () => {
    const g = drawing();
    const s = sceneOf(g);
    const objects = s.scene.children;
    // World: fills + lines; block: two line batches; texts: one run per layer.
    expect(objects.map((o) => o.type)).toEqual(['Mesh', 'LineSegments', 'LineSegments', 'LineSegments', 'Mesh', 'Mesh']);
    expect(s.objectCount).toBe(6);
    const [, worldLines, blockA, blockB] = objects as THREE.LineSegments[];
    expect(worldLines!.geometry.getAttribute('position').array).toBe(g.batches[0]!.segments);
    const a = blockA!.geometry as THREE.InstancedBufferGeometry;
    const b = blockB!.geometry as THREE.InstancedBufferGeometry;
    expect(a.instanceCount).toBe(3);
    const colA = a.getAttribute('iCol2') as THREE.InterleavedBufferAttribute;
    const colB = b.getAttribute('iCol0') as THREE.InterleavedBufferAttribute;
    expect(colA.data).toBe(colB.data);
    expect(colA.data.array).toBe(g.blocks[0]!.instances);
    expect(colA.offset).toBe(4);
  });

  it('colours for the theme: the foreground is the theme’s, yellow darkened on white, and recoloured when the theme changes', () => {
    const s = sceneOf(drawing());
    const [, worldLines, red, yellow] = s.scene.children;
    expect(uColor(worldLines!)).toEqual([0, 0, 0]);
    expect(uColor(red!)).toEqual([255, 0, 0]);
    expect(uColor(yellow!)).not.toEqual([255, 255, 0]);
    s.setTheme(DARK);
    expect(uColor(worldLines!)).toEqual([0xe6, 0xe8, 0xeb]);
    expect(uColor(yellow!)).toEqual([255, 255, 0]);
    const text = s.scene.children[4] as THREE.Mesh;
    const colours = (text.geometry as THREE.InstancedBufferGeometry).getAttribute('iColor');
    expect([colours.getX(0), colours.getY(0), colours.getZ(0)].map((c) => Math.round(c * 255))).toEqual([0xe6, 0xe8, 0xeb]);
  });

  it('hides a layer’s batches, texts, and every instance of blocks inserted on it', () => {
    const s = sceneOf(drawing());
    const visible = (): boolean[] => s.scene.children.map((o) => o.visible);
    s.setHidden(new Set([0]));
    expect(visible()).toEqual([false, false, false, true, false, true]);
    s.setHidden(new Set([1]));
    expect(visible()).toEqual([true, true, false, false, true, false]);
    s.setHidden(new Set());
    expect(visible().every(Boolean)).toBe(true);
  });

  it('disposes every geometry, material and texture', () => {
    const s = sceneOf(drawing());
    const disposed: string[] = [];
    const resources = new Set<THREE.EventDispatcher<{ dispose: object }>>();
    for (const o of s.scene.children) {
      const m = o as THREE.Mesh;
      resources.add(m.geometry as never);
      resources.add(m.material as never);
      const atlas = (m.material as THREE.ShaderMaterial).uniforms.uAtlas?.value as THREE.Texture | undefined;
      if (atlas) resources.add(atlas as never);
    }
    for (const r of resources) r.addEventListener('dispose', () => disposed.push(r.constructor.name));
    s.dispose();
    expect(disposed).toHaveLength(resources.size);
    expect(resources.size).toBe(6 + 6 + 1);
    expect(s.scene.children).toEqual([]);
  });
});
