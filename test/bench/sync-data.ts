/**
 * The sync benchmark's data, the same in every process that builds it (seeded): a 100k-record,
 * 20-field table as the engine stores it — shard documents of 10,000 records (SHARD_CAPACITY),
 * each one update written packed by ShardWriter, as a bulk import writes them — plus the names the
 * clients and servers agree on.
 */
import { ShardWriter } from '../../src-shared/docs/shard-update';
import { Rng } from './csv-gen';

export const WORKSPACE = 'wsbench';
/** The document the fan-out and throughput clients edit (a shard of the table). */
export const EDIT_DOC = 'tblBench0000000000/shdEdit00000000000';
export const RECORDS = 100_000;
export const SHARD_RECORDS = 10_000;
const FIELDS = 20;

export const tokenOf = (client: number): string => `token-${client}`;
export const shardName = (i: number): string => `tblBench0000000000/shd${String(i).padStart(14, '0')}`;
export const shardNames = (): string[] => Array.from({ length: RECORDS / SHARD_RECORDS }, (_, i) => shardName(i));

const STATUS = ['Draft', 'In review', 'Approved', 'Released', 'Obsolete'];
const WORDS = ['bolt', 'flange', 'bracket', 'housing', 'shaft', 'bearing', 'gasket', 'valve', 'pump', 'motor', 'sensor', 'cable', 'steel', 'nylon', 'welded'];

/** The shard updates of the 100k table, in order: [docName, update]. */
export function buildShards(): Array<[string, Uint8Array]> {
  const rng = new Rng(20_240_601);
  const fieldIds = Array.from({ length: FIELDS }, (_, i) => `fld${String(i).padStart(14, '0')}`);
  const created = Date.UTC(2024, 0, 1);
  const out: Array<[string, Uint8Array]> = [];
  for (let s = 0; s < RECORDS / SHARD_RECORDS; s++) {
    const writer = new ShardWriter(1000 + s, fieldIds);
    const cells: Array<string | number | boolean | null> = new Array<string | number | boolean | null>(FIELDS);
    for (let r = 0; r < SHARD_RECORDS; r++) {
      const n = s * SHARD_RECORDS + r + 1;
      cells[0] = `${rng.pick(WORDS)} ${rng.pick(WORDS)} ${n}`;
      cells[1] = rng.next() < 0.3 ? null : `${rng.pick(WORDS)} ${rng.pick(WORDS)} ${rng.pick(WORDS)}, rev ${rng.int(9)}`;
      cells[2] = rng.int(10_000);
      for (let f = 3; f < 7; f++) cells[f] = Math.round(rng.next() * 100_000) / 100;
      for (let f = 7; f < 10; f++) cells[f] = rng.next() < 0.2 ? null : new Date(created + rng.int(3 * 365) * 86_400_000).toISOString().slice(0, 10);
      cells[10] = rng.pick(STATUS);
      cells[11] = rng.pick(WORDS);
      cells[12] = rng.pick(STATUS);
      cells[13] = rng.next() < 0.5;
      cells[14] = rng.next() < 0.5;
      cells[15] = `user${rng.int(500)}@example.com`;
      cells[16] = `owner${rng.int(50)}@example.com`;
      cells[17] = `P-${rng.int(1_000_000).toString(36).toUpperCase()}`;
      cells[18] = rng.next() < 0.3 ? null : `${rng.pick(WORDS)} note ${rng.int(1000)}`;
      cells[19] = `Vendor ${rng.int(400)}`;
      writer.add(`rec${String(n).padStart(14, '0')}`, created + n * 1000, n, cells);
    }
    out.push([shardName(s), writer.finish()]);
  }
  return out;
}
