/**
 * DXF extraction against the shared corpus: every fact its manifest states about a DXF file
 * (version, layers in table order, model-space entity counts overall and per layer, named blocks,
 * dimension texts, MTEXT as plain text, MINSERT grids with attribute values, table cells) is
 * checked here, file by file.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractDxf } from './dxf-extract';
import { corpusAvailable, corpusFiles, corpusPath } from '../testing/corpus';

const files = corpusAvailable() ? corpusFiles().filter((f) => f.file.endsWith('.dxf')) : [];

describe.runIf(files.length > 0)('DXF extraction on the corpus', () => {
  it('has the DXF files the manifest lists, unchanged', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const f of files) expect(crypto.createHash('sha256').update(fs.readFileSync(corpusPath(f.file))).digest('hex'), f.file).toBe(f.sha256);
  });

  for (const f of files) {
    it(`reads ${f.file} as its manifest says`, () => {
      const x = extractDxf(fs.readFileSync(corpusPath(f.file), 'utf8'));
      const e = f.expected as {
        header?: Record<string, unknown>;
        layers_in_table_order?: string[];
        modelspace_top_level_entity_counts?: Record<string, number>;
        entities_per_layer?: Record<string, number>;
        named_block_definitions?: string[];
        dimensions?: Array<{ type: string; block_text: string | null; decoded?: string }>;
        dimension_display_texts?: string[];
        MTEXT_plain?: string[];
        INSERT?: { block: string; layer: string; virtual_instances: number; row_spacing: number; column_spacing: number };
        ATTRIB_values?: Array<{ tag: string; text: string }>;
        ACAD_TABLE?: { rows: number; columns: number; cells: string[][] };
      };
      if (e.header?.$ACADVER) expect(x.dxf.version).toBe(e.header.$ACADVER);
      if (e.header?.$INSUNITS === 6) expect(x.dxf.units).toBe('meters');
      if (e.layers_in_table_order) expect(x.dxf.layers.map((l) => l.name)).toEqual(e.layers_in_table_order);
      if (e.modelspace_top_level_entity_counts) expect(x.dxf.entityCounts).toEqual(e.modelspace_top_level_entity_counts);
      if (e.entities_per_layer) {
        const counts = Object.fromEntries(x.dxf.layers.filter((l) => l.entityCount > 0).map((l) => [l.name, l.entityCount]));
        expect(counts).toEqual(e.entities_per_layer);
      }
      if (e.named_block_definitions) expect(x.dxf.blocks).toEqual(e.named_block_definitions);
      if (e.dimensions) {
        expect(x.dimensions.map((d) => d.kind)).toEqual(e.dimensions.map((d) => d.type));
        // Old %% codes decoded: %%129 is ⌀, %%127 is °.
        expect(x.dimensions.map((d) => d.text)).toEqual(['R1.0000', '⌀2.0000', '90°', '', '2.0000']);
        expect(x.dimensions.map((d) => d.value)).toEqual([1, 2, 90, null, 2]);
      }
      if (e.dimension_display_texts) expect(x.dimensions.map((d) => d.text)).toEqual(e.dimension_display_texts);
      if (e.MTEXT_plain) expect([...x.text].sort()).toEqual([...e.MTEXT_plain].sort());
      if (e.INSERT) {
        expect(x.dxf.inserts).toHaveLength(e.INSERT.virtual_instances);
        expect(new Set(x.dxf.inserts.map((i) => `${i.position.x},${i.position.y}`)).size).toBe(e.INSERT.virtual_instances);
        const last = x.dxf.inserts.at(-1)!;
        expect(last).toMatchObject({ block: e.INSERT.block, layer: e.INSERT.layer, position: { x: 4 * e.INSERT.column_spacing, y: 4 * e.INSERT.row_spacing } });
      }
      if (e.ATTRIB_values) {
        for (const insert of x.dxf.inserts) expect(insert.attributes).toEqual(Object.fromEntries(e.ATTRIB_values.map((a) => [a.tag, a.text])));
      }
      if (e.ACAD_TABLE) expect(x.tables).toEqual([{ rows: e.ACAD_TABLE.cells }]);
    });
  }

  it('reads an attribute value of a block insert in a newer file too, and blocks named with $', () => {
    const x = extractDxf(fs.readFileSync(corpusPath('dxf/uncommon.dxf'), 'utf8'));
    expect(x.dxf.inserts).toEqual([expect.objectContaining({ block: 'DATE_BLOCK', attributes: { DATE: '21/04/2020' } })]);
    expect(x.text).toContain('21/04/2020');
    expect(x.dimensions.filter((d) => d.kind === 'angular').map((d) => d.text)).toEqual(['90°', '126°', '36°']);
  });
});
