/**
 * The shared test corpus (../shared/corpus beside the project): public drawings with facts
 * established by hand in its manifest.json. Tests read the files there and never copy them.
 * Missing outside CI, the tests that need it say so and skip; in CI it must be there.
 */
import fs from 'node:fs';
import path from 'node:path';

export const CORPUS_DIR = path.resolve(import.meta.dirname, '../../../../shared/corpus');

export interface CorpusFile {
  file: string;
  format: string;
  sha256: string;
  expected: Record<string, unknown>;
}

export function corpusAvailable(): boolean {
  const there = fs.existsSync(path.join(CORPUS_DIR, 'manifest.json'));
  if (!there && process.env.CI) throw new Error(`CI needs the test corpus at ${CORPUS_DIR}`);
  if (!there) process.stderr.write(`[corpus] SKIPPED: no test corpus at ${CORPUS_DIR}\n`);
  return there;
}

export function corpusFiles(): CorpusFile[] {
  return (JSON.parse(fs.readFileSync(path.join(CORPUS_DIR, 'manifest.json'), 'utf8')) as { files: CorpusFile[] }).files;
}

export const corpusPath = (file: string): string => path.join(CORPUS_DIR, file);
