/**
 * `baseplate`: the command line over the engine. Thin: it parses arguments, calls the engine's
 * contract, and prints. Results go to stdout (JSON lines, CSV); errors to stderr as one line a
 * person can act on, with exit status 1 (2 for a usage mistake).
 */
import path from 'node:path';
import { EngineError, toErrorData } from '../../src-shared/errors';
import type { EngineMethod, MethodInput, MethodOutput } from '../../src-shared/api/engine.contract';
import { FIELD_TYPES } from '../../src-shared/schema/schema.types';
import { Engine } from '../engine/engine';
import { writeCsv } from '../engine/transfer/csv-export.service';
import { CsvWriter } from '../engine/csv/csv-writer';
import { parseArgs, one, required, int, json, usage, type ParsedArgs } from './cli-args';
import { startWebServer } from '../web/web-server';
import { rendererDir } from '../web/renderer-dir';
import os from 'node:os';
import { WorkerPool } from '../workers/pool';
import { workerUrl } from '../workers/start';
import type { ExtractJob } from '../workers/extract/extract.worker';
import type { FileExtraction } from '../workers/extract/file-extraction';
import { defaultDataDir } from '../engine/sync/data-dir';

const HELP = `baseplate — Baseplate's command line: bases, tables, records, CSV.

Usage:
  baseplate base create FILE              Create a new, empty base file
  baseplate base check FILE               Integrity report (exit 1 when anything is wrong)
  baseplate base rebuild FILE             Rebuild the query tables from the documents
  baseplate schema FILE                   Print tables, fields and views as JSON
  baseplate table create FILE NAME [--field NAME:TYPE]...
  baseplate field create FILE --table T NAME TYPE [--options JSON]
  baseplate import FILE CSV --table NAME  Import a CSV (creates the table, infers column types)
  baseplate insert FILE --table T --json FIELDS     Prints the new record's id
  baseplate update FILE --table T --id ID --json FIELDS
  baseplate delete FILE --table T --id ID
  baseplate query FILE --table T [--view V] [--filter JSON] [--sort FIELD[:desc]]...
                  [--search TEXT] [--limit N] [--offset N] [--count]
  baseplate export FILE --table T [--view V]        CSV to stdout
  baseplate serve [--port N]              Browser mode: serve the app on 127.0.0.1 and print its
                                          address (with this session's token); PORT is honoured,
                                          0 picks a free port. Stops on Ctrl-C.
  baseplate extract FILE... [--json]      Read DXF and PDF drawings: title block, dimensions,
                                          threads, tolerances, text (--json: one JSON object per
                                          file). The exit status is the number of files that failed.

FIELDS is a JSON object keyed by field name: '{"Name": "Bolt", "Qty": 4}'.
A filter is {"and"|"or": [conditions or groups]}, a condition {"field": NAME, "op": OP, "value": V},
OP one of = != < <= > >= contains notContains startsWith isEmpty isNotEmpty anyOf allOf
withinPastDays withinNextDays.
Field types: ${FIELD_TYPES.join(', ')}.
`;

class Cli {
  readonly engine = new Engine({ maintenanceMs: 0 });

  async call<M extends EngineMethod>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    const r = await this.engine.call(method, input);
    if (!r.ok) throw new EngineError(r.error.code, r.error.message, r.error.details);
    return r.value as MethodOutput<M>;
  }

  async open(file: string | undefined): Promise<string> {
    if (!file) throw usage('a base FILE is required');
    return (await this.call('base.open', { path: file })).base;
  }
}

const SPEC = {
  options: ['table', 'view', 'filter', 'sort', 'search', 'limit', 'offset', 'json', 'id', 'field', 'options', 'port'],
  flags: ['count', 'help'],
} as const;

function out(line: string): void {
  process.stdout.write(line + '\n');
}

function parseSort(text: string): { field: string; direction: 'asc' | 'desc' } {
  const m = /^(.*?)(?::(asc|desc))?$/i.exec(text)!;
  if (!m[1]) throw usage(`--sort needs a field name, got '${text}'`);
  return { field: m[1], direction: (m[2]?.toLowerCase() as 'asc' | 'desc' | undefined) ?? 'asc' };
}

function fieldsJson(args: ParsedArgs): Record<string, unknown> {
  const v = json(required(args, 'json'), '--json');
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw usage('--json must be an object keyed by field name');
  return v as Record<string, unknown>;
}

const EXTRACT_SPEC = { options: [], flags: ['json', 'help'] } as const;

async function run(argv: string[]): Promise<number> {
  if (argv[0] === 'extract') {
    const extractArgs = parseArgs(argv.slice(1), EXTRACT_SPEC);
    if (extractArgs.flags.has('help')) {
      process.stdout.write(HELP);
      return 0;
    }
    return extract(extractArgs.positionals, extractArgs);
  }
  const args = parseArgs(argv, SPEC);
  const [cmd, ...rest] = args.positionals;
  if (!cmd || args.flags.has('help') || cmd === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (cmd === 'serve') return serve(args);
  const cli = new Cli();
  try {
    return await dispatchCommand(cli, cmd, rest, args);
  } finally {
    cli.engine.close();
  }
}

/**
 * `baseplate extract FILE... [--json]`: each file read in a worker of the extraction pool (time
 * and memory limited), results printed in the files' order; a file that fails prints its error.
 */
async function extract(files: string[], args: ParsedArgs): Promise<number> {
  if (files.length === 0) throw usage('extract needs at least one FILE');
  const asJson = args.flags.has('json');
  const pool = new WorkerPool<ExtractJob, FileExtraction>({
    url: workerUrl('extract.worker', new URL('../workers/extract/extract.worker.ts', import.meta.url)),
    size: Math.max(1, Math.min(files.length, os.availableParallelism(), 4)),
    timeMs: 120_000,
    heapMb: 1024,
  });
  let failed = 0;
  try {
    // All queued at once (the pool runs as many as it may); each settles into a result or an error.
    const runs = files.map((file) =>
      pool.run({ path: path.resolve(file) }, { label: path.basename(file) }).then(
        (x) => ({ ok: true as const, x }),
        (e: unknown) => ({ ok: false as const, error: toErrorData(e) }),
      ),
    );
    for (const [i, run] of runs.entries()) {
      const file = files[i]!;
      const r = await run;
      if (r.ok) {
        const result = { ...r.x, file };
        out(asJson ? JSON.stringify(result) : summary(result));
      } else {
        failed++;
        if (asJson) out(JSON.stringify({ file, error: { code: r.error.code, message: r.error.message } }));
        else process.stderr.write(`baseplate: ${r.error.message}\n`);
      }
    }
  } finally {
    await pool.close();
  }
  return Math.min(failed, 125);
}

function summary(x: FileExtraction): string {
  const tb = x.titleBlock;
  const facts = [
    `${x.kind.toUpperCase()}${x.pages ? `, ${x.pages} page${x.pages === 1 ? '' : 's'}` : ''}${x.dxf?.version ? `, ${x.dxf.version}` : ''}`,
    tb.drawingNumber && `no. ${tb.drawingNumber}`,
    tb.title && `'${tb.title}'`,
    tb.revision && `rev. ${tb.revision}`,
    tb.material && `material ${tb.material}`,
    tb.scale && `scale ${tb.scale}`,
    `${x.dimensions.length} dimension${x.dimensions.length === 1 ? '' : 's'}`,
    x.threads.length > 0 && `threads ${x.threads.map((t) => (t.count > 1 ? `${t.count}× ${t.designation}` : t.designation)).join(', ')}`,
    x.gdt.length > 0 && `${x.gdt.length} tolerance frame${x.gdt.length === 1 ? '' : 's'}`,
    x.surfaceFinish.length > 0 && x.surfaceFinish.join(', '),
    x.tables.length > 0 && `${x.tables.length} table${x.tables.length === 1 ? '' : 's'}`,
  ].filter(Boolean);
  return `${x.file}: ${facts.join('; ')}`;
}

/** `baseplate serve`: browser mode until SIGINT/SIGTERM. */
async function serve(args: ParsedArgs): Promise<number> {
  const given = one(args, 'port') ?? process.env.PORT;
  const port = given === undefined || given === '' ? 0 : Number(given);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw usage(`the port must be a whole number from 0 to 65535, got '${given}'`);
  const engine = new Engine({ dataDir: defaultDataDir() });
  let server;
  try {
    server = await startWebServer({ engine, port, staticDir: rendererDir() });
  } catch (e) {
    engine.close();
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new EngineError('INVALID_INPUT', `Port ${port} is in use; choose another with --port or PORT (0 picks a free one).`);
    }
    throw e;
  }
  out(server.url);
  const running = server;
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await running.close();
  engine.close();
  return 0;
}

async function dispatchCommand(cli: Cli, cmd: string, rest: string[], args: ParsedArgs): Promise<number> {
  switch (cmd) {
    case 'base': {
      const [sub, file] = rest;
      if (sub === 'create') {
        if (!file) throw usage('base create needs a FILE');
        const info = await cli.call('base.create', { path: file });
        out(JSON.stringify({ created: info.path, baseId: info.baseId }));
        return 0;
      }
      const base = await cli.open(file);
      if (sub === 'check') {
        const report = await cli.call('base.check', { base });
        out(JSON.stringify(report));
        return report.ok ? 0 : 1;
      }
      if (sub === 'rebuild') {
        out(JSON.stringify(await cli.call('base.rebuild', { base })));
        return 0;
      }
      throw usage(`unknown command 'base ${sub ?? ''}'`);
    }
    case 'schema': {
      const base = await cli.open(rest[0]);
      out(JSON.stringify(await cli.call('schema.get', { base }), null, 2));
      return 0;
    }
    case 'table': {
      const [sub, file, name] = rest;
      if (sub !== 'create') throw usage(`unknown command 'table ${sub ?? ''}'`);
      if (!name) throw usage('table create needs FILE and NAME');
      const base = await cli.open(file);
      const fields = (args.options.get('field') ?? []).map((spec) => {
        const i = spec.lastIndexOf(':');
        if (i <= 0) throw usage(`--field must be NAME:TYPE, got '${spec}'`);
        return { name: spec.slice(0, i), type: spec.slice(i + 1) as (typeof FIELD_TYPES)[number] };
      });
      const t = await cli.call('table.create', { base, name, ...(fields.length ? { fields } : {}) });
      out(JSON.stringify({ id: t.id, name: t.name }));
      return 0;
    }
    case 'field': {
      const [sub, file, name, type] = rest;
      if (sub !== 'create' || !name || !type) throw usage('field create needs FILE NAME TYPE and --table');
      const base = await cli.open(file);
      const options = one(args, 'options');
      const f = await cli.call('field.create', {
        base, table: required(args, 'table'), name, type: type as (typeof FIELD_TYPES)[number],
        ...(options !== undefined ? { options: json(options, '--options') } : {}),
      });
      out(JSON.stringify({ id: f.id, name: f.name, type: f.type }));
      return 0;
    }
    case 'import': {
      const [file, csv] = rest;
      if (!csv) throw usage('import needs FILE and CSV');
      const base = await cli.open(file);
      const r = await cli.call('csv.import', { base, path: path.resolve(csv), table: required(args, 'table') });
      out(JSON.stringify({ table: r.table.name, imported: r.imported, ms: r.ms }));
      return 0;
    }
    case 'insert': {
      const base = await cli.open(rest[0]);
      const { ids } = await cli.call('records.create', { base, table: required(args, 'table'), records: [fieldsJson(args)] });
      out(ids[0]!);
      return 0;
    }
    case 'update': {
      const base = await cli.open(rest[0]);
      await cli.call('records.update', { base, table: required(args, 'table'), updates: [{ id: required(args, 'id'), fields: fieldsJson(args) }] });
      return 0;
    }
    case 'delete': {
      const base = await cli.open(rest[0]);
      await cli.call('records.delete', { base, table: required(args, 'table'), ids: [required(args, 'id')] });
      return 0;
    }
    case 'query':
      return query(cli, rest, args);
    case 'export': {
      const base = await cli.open(rest[0]);
      const view = one(args, 'view');
      const writer = new CsvWriter(process.stdout);
      await writeCsv(cli.engine.context(base), { table: required(args, 'table'), ...(view ? { view } : {}) }, writer);
      await writer.flush();
      return 0;
    }
    default:
      throw usage(`unknown command '${cmd}'`);
  }
}

async function query(cli: Cli, rest: string[], args: ParsedArgs): Promise<number> {
  const base = await cli.open(rest[0]);
  const table = required(args, 'table');
  const view = one(args, 'view');
  const filterText = one(args, 'filter');
  const search = one(args, 'search');
  const sorts = args.options.get('sort')?.map(parseSort);
  const source = {
    base, table,
    ...(view ? { view } : {}),
    ...(filterText !== undefined ? { filter: json(filterText, '--filter') as MethodInput<'records.count'>['filter'] } : {}),
    ...(sorts ? { sorts } : {}),
    ...(search ? { search } : {}),
  };
  if (args.flags.has('count')) {
    out(JSON.stringify(await cli.call('records.count', source)));
    return 0;
  }
  const limit = int(args, 'limit');
  let offset = int(args, 'offset') ?? 0;
  // Without --limit, every matching record is printed, a page at a time.
  let remaining = limit ?? Number.POSITIVE_INFINITY;
  while (remaining > 0) {
    const page = await cli.call('records.query', { ...source, offset, limit: Math.min(remaining, 1000), keys: 'name' });
    for (const r of page.records) out(JSON.stringify({ id: r.id, fields: r.fields }));
    if (page.records.length === 0) break;
    offset += page.records.length;
    remaining -= page.records.length;
    if (offset >= page.total) break;
  }
  return 0;
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const data = toErrorData(e);
    process.stderr.write(`baseplate: ${data.message}\n`);
    process.exitCode = data.details?.usage ? 2 : 1;
  },
);
