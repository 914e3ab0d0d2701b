/**
 * The three.js scene of a drawing's geometry: one LineSegments per world batch (and a Mesh for its
 * fills), one instanced LineSegments per block batch drawing every instance from one copy of the
 * block (the instances' affine maps are per-instance attributes read straight from the geometry
 * file's buffer), and one instanced quad mesh of glyphs per layer for texts. Everything is drawn
 * flat, without depth, in the geometry's coordinates.
 *
 * Colours are set as given (sRGB values straight to the screen): the shaders do no colour space
 * conversion, so a drawing's red is the screen's red.
 */
import * as THREE from 'three';
import { INSTANCE_STRIDE, TEXT_COLOR, TEXT_STRIDE, type DrawingGeometry, type LineBatch } from '../../src-shared/drawing/geometry-codec';
import { displayColour, type DrawingTheme } from '../../src-shared/drawing/drawing-colours';
import { batchShown, blockBatchShown, type Hidden } from './dxf-layers';
import type { GlyphRun } from './dxf-glyphs';

const LINE_VERTEX = /* glsl */ `
#ifdef INSTANCED
attribute vec2 iCol0;
attribute vec2 iCol1;
attribute vec2 iCol2;
#endif
void main() {
#ifdef INSTANCED
  vec2 p = iCol0 * position.x + iCol1 * position.y + iCol2;
#else
  vec2 p = position.xy;
#endif
  gl_Position = projectionMatrix * modelViewMatrix * vec4(p, 0.0, 1.0);
}`;

const LINE_FRAGMENT = /* glsl */ `
uniform vec3 uColor;
void main() {
  gl_FragColor = vec4(uColor, 1.0);
}`;

const TEXT_VERTEX = /* glsl */ `
attribute vec4 iAnchor;
attribute vec4 iBox;
attribute vec4 iUv;
attribute vec3 iColor;
uniform float uPixelsPerUnit;
uniform float uMinPixels;
varying vec2 vUv;
varying vec3 vColor;
void main() {
  float h = iAnchor.z;
  vec2 local = (iBox.xy + position.xy * iBox.zw) * h;
  float c = cos(iAnchor.w);
  float s = sin(iAnchor.w);
  vec2 p = iAnchor.xy + vec2(local.x * c - local.y * s, local.x * s + local.y * c);
  // Text too small to read is not drawn (its quad collapses to a point).
  if (h * uPixelsPerUnit < uMinPixels) p = iAnchor.xy;
  vUv = mix(iUv.xy, iUv.zw, position.xy);
  vColor = iColor;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(p, 0.0, 1.0);
}`;

const TEXT_FRAGMENT = /* glsl */ `
uniform sampler2D uAtlas;
varying vec2 vUv;
varying vec3 vColor;
void main() {
  float a = texture2D(uAtlas, vUv).a;
  if (a < 0.02) discard;
  gl_FragColor = vec4(vColor, a);
}`;

/** Texts whose capitals are smaller than this many pixels are not drawn. */
export const MIN_TEXT_PIXELS = 1.5;

const rgb = (hex: number): THREE.Vector3 => new THREE.Vector3(((hex >> 16) & 0xff) / 255, ((hex >> 8) & 0xff) / 255, (hex & 0xff) / 255);

interface Drawn {
  object: THREE.Object3D;
  material: THREE.ShaderMaterial;
  color: number;
  /** Whether it shows with these layers hidden. */
  shown: (hidden: Hidden) => boolean;
}

export interface SceneText {
  texture: THREE.Texture;
  runs: GlyphRun[];
}

export class DxfScene {
  readonly scene = new THREE.Scene();
  private readonly drawn: Drawn[] = [];
  private readonly texts: Array<{ mesh: THREE.Mesh; material: THREE.ShaderMaterial; colours: THREE.InstancedBufferAttribute; run: GlyphRun }> = [];
  private readonly geometries: THREE.BufferGeometry[] = [];
  private readonly textures: THREE.Texture[] = [];

  constructor(
    private readonly g: DrawingGeometry,
    private theme: DrawingTheme,
    text: SceneText | null,
  ) {
    for (const b of g.batches) this.addBatch(b, null, (hidden) => batchShown(hidden, b));
    for (const block of g.blocks) {
      // One buffer of instance maps for all of the block's batches: uploaded once, shared.
      const instances = new THREE.InstancedInterleavedBuffer(block.instances, INSTANCE_STRIDE, 1);
      for (const b of block.batches) this.addBatch(b, instances, (hidden) => blockBatchShown(hidden, block, b));
    }
    if (text) this.addTexts(text);
  }

  private lineMaterial(color: number, instanced: boolean): THREE.ShaderMaterial {
    return new THREE.ShaderMaterial({
      vertexShader: LINE_VERTEX,
      fragmentShader: LINE_FRAGMENT,
      uniforms: { uColor: { value: rgb(displayColour(color, this.theme)) } },
      defines: instanced ? { INSTANCED: '' } : {},
      depthTest: false,
      depthWrite: false,
      side: THREE.DoubleSide,
    });
  }

  private addBatch(b: LineBatch, instances: THREE.InstancedInterleavedBuffer | null, shown: (hidden: Hidden) => boolean): void {
    const make = (positions: Float32Array, kind: 'lines' | 'fills'): void => {
      if (positions.length === 0) return;
      const geometry = instances ? new THREE.InstancedBufferGeometry() : new THREE.BufferGeometry();
      geometry.setAttribute('position', new THREE.BufferAttribute(positions, 2));
      if (instances) {
        geometry.setAttribute('iCol0', new THREE.InterleavedBufferAttribute(instances, 2, 0));
        geometry.setAttribute('iCol1', new THREE.InterleavedBufferAttribute(instances, 2, 2));
        geometry.setAttribute('iCol2', new THREE.InterleavedBufferAttribute(instances, 2, 4));
        (geometry as THREE.InstancedBufferGeometry).instanceCount = instances.count;
      }
      // Never culled: the bounding sphere three would compute reads 2-component positions as 3.
      geometry.boundingSphere = new THREE.Sphere(new THREE.Vector3(), Infinity);
      const material = this.lineMaterial(b.color, instances !== null);
      const object = kind === 'lines' ? new THREE.LineSegments(geometry, material) : new THREE.Mesh(geometry, material);
      object.frustumCulled = false;
      object.renderOrder = kind === 'fills' ? 0 : 1;
      object.matrixAutoUpdate = false;
      this.scene.add(object);
      this.geometries.push(geometry);
      this.drawn.push({ object, material, color: b.color, shown });
    };
    make(b.triangles, 'fills');
    make(b.segments, 'lines');
  }

  private addTexts(text: SceneText): void {
    this.textures.push(text.texture);
    const quad = new Float32Array([0, 0, 1, 0, 1, 1, 0, 1]);
    for (const run of text.runs) {
      const geometry = new THREE.InstancedBufferGeometry();
      geometry.setAttribute('position', new THREE.BufferAttribute(quad, 2));
      geometry.setIndex([0, 1, 2, 0, 2, 3]);
      geometry.setAttribute('iAnchor', new THREE.InstancedBufferAttribute(run.anchors, 4));
      geometry.setAttribute('iBox', new THREE.InstancedBufferAttribute(run.boxes, 4));
      geometry.setAttribute('iUv', new THREE.InstancedBufferAttribute(run.uvs, 4));
      const colours = new THREE.InstancedBufferAttribute(new Float32Array(run.count * 3), 3);
      geometry.setAttribute('iColor', colours);
      geometry.instanceCount = run.count;
      geometry.boundingSphere = new THREE.Sphere(new THREE.Vector3(), Infinity);
      const material = new THREE.ShaderMaterial({
        vertexShader: TEXT_VERTEX,
        fragmentShader: TEXT_FRAGMENT,
        uniforms: { uAtlas: { value: text.texture }, uPixelsPerUnit: { value: 1 }, uMinPixels: { value: MIN_TEXT_PIXELS } },
        transparent: true,
        depthTest: false,
        depthWrite: false,
        side: THREE.DoubleSide,
      });
      const mesh = new THREE.Mesh(geometry, material);
      mesh.frustumCulled = false;
      mesh.renderOrder = 2;
      mesh.matrixAutoUpdate = false;
      this.scene.add(mesh);
      this.geometries.push(geometry);
      this.texts.push({ mesh, material, colours, run });
    }
    this.colourTexts();
  }

  private colourTexts(): void {
    const d = this.g.texts.data;
    for (const { colours, run } of this.texts) {
      const out = colours.array as Float32Array;
      const cache = new Map<number, THREE.Vector3>();
      for (let i = 0; i < run.count; i++) {
        const c = d[run.texts[i]! * TEXT_STRIDE + TEXT_COLOR]!;
        let v = cache.get(c);
        if (!v) cache.set(c, (v = rgb(displayColour(c, this.theme))));
        out[3 * i] = v.x;
        out[3 * i + 1] = v.y;
        out[3 * i + 2] = v.z;
      }
      colours.needsUpdate = true;
    }
  }

  setTheme(theme: DrawingTheme): void {
    this.theme = theme;
    for (const d of this.drawn) (d.material.uniforms.uColor!.value as THREE.Vector3).copy(rgb(displayColour(d.color, theme)));
    this.colourTexts();
  }

  setHidden(hidden: Hidden): void {
    for (const d of this.drawn) d.object.visible = d.shown(hidden);
    for (const t of this.texts) t.mesh.visible = !hidden.has(t.run.layer);
  }

  /** Pixels per drawing unit (texts too small to read are left out). */
  setScale(pixelsPerUnit: number): void {
    for (const t of this.texts) t.material.uniforms.uPixelsPerUnit!.value = pixelsPerUnit;
  }

  /** Draw objects in the scene: line and fill batches, text runs. */
  get objectCount(): number {
    return this.drawn.length + this.texts.length;
  }

  dispose(): void {
    for (const g of this.geometries) g.dispose();
    for (const d of this.drawn) d.material.dispose();
    for (const t of this.texts) t.material.dispose();
    for (const t of this.textures) t.dispose();
    this.scene.clear();
    this.geometries.length = 0;
    this.drawn.length = 0;
    this.texts.length = 0;
  }
}
