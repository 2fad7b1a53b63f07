/**
 * `lightfield-import mapping init <csv>`: the I/O around the pure suggestion in src/mapping-init —
 * read a sample of the CSV, fetch the definitions, check that the suggested mapping compiles, write it.
 */
import { writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, extname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImportError } from '../errors.js';
import { LightfieldClient } from '../lightfield/client.js';
import { compileMapping, parseMapping, type MappingFile } from '../mapping/index.js';
import { suggestMapping, type InitReport } from '../mapping-init/index.js';
import { fetchDefinitions } from '../pipeline/setup.js';
import { isBlankRecord, openCsv, type CsvEncoding, type CsvSource } from '../reader/index.js';
import type { MappingInitArguments } from './commands.js';
import { printMappingInit } from './print-mapping-init.js';

/** Rows read to guess from: enough to see every stage label and date style of a usual export, quick to read. */
export const DEFAULT_SAMPLE_ROWS = 1000;
export const DEFAULT_MAPPING_PATH = 'mapping.json';

const SCHEMA_PATH = fileURLToPath(new URL('../../schema/mapping.schema.json', import.meta.url));

export interface MappingInitOptions {
  csvPath: string;
  /** Where to write the mapping. @default 'mapping.json' */
  outPath?: string;
  /** Overwrite an existing `outPath`. @default false */
  force?: boolean;
  /** Data rows read for the guesses. @default 1000 */
  sampleRows?: number;
  /** @default detected */
  delimiter?: string;
  /** @default utf8, or windows-1252 when the sample is not valid UTF-8 */
  encoding?: CsvEncoding;
  /** @default process.env.LIGHTFIELD_API_KEY */
  apiKey?: string;
  /** @default process.env.LIGHTFIELD_BASE_URL ?? https://api.lightfield.app */
  baseUrl?: string;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

export interface MappingInitResult {
  /** The mapping file written. */
  path: string;
  mapping: MappingFile;
  report: InitReport;
  /** How the CSV was read; `plan` and `import` need the same `--encoding` when it is not utf8. */
  delimiter: string;
  encoding: CsvEncoding;
  /** True when the encoding was switched to windows-1252 because the file is not UTF-8. */
  encodingGuessed: boolean;
}

/** The command line's side: flags in, the report printed, exit 0 once the mapping is written. */
export async function runMappingInitCommand(args: MappingInitArguments, signal: AbortSignal): Promise<number> {
  const result = await runMappingInit({
    csvPath: args.csv,
    outPath: args.out,
    force: args.force,
    ...(args.limit !== undefined ? { sampleRows: args.limit } : {}),
    ...(args.delimiter !== undefined ? { delimiter: args.delimiter === 'tab' ? '\t' : args.delimiter } : {}),
    ...(args.encoding !== undefined ? { encoding: args.encoding as CsvEncoding } : {}),
    ...(args.apiKey !== undefined ? { apiKey: args.apiKey } : {}),
    ...(args.baseUrl !== undefined ? { baseUrl: args.baseUrl } : {}),
    signal,
  });
  printMappingInit(result, args.csv, args.json);
  return 0;
}

/** Throws {@link ImportError} (exit 2) for an existing output file, an unreadable CSV, a bad key. */
export async function runMappingInit(options: MappingInitOptions): Promise<MappingInitResult> {
  const outPath = options.outPath ?? DEFAULT_MAPPING_PATH;
  if (options.force !== true && existsSync(outPath)) {
    throw new ImportError('usage', `${outPath} already exists: pass --force to overwrite it, or -o to write another file`, { subject: outPath });
  }
  const sampleRows = options.sampleRows ?? DEFAULT_SAMPLE_ROWS;
  if (!Number.isInteger(sampleRows) || sampleRows <= 0) {
    throw new ImportError('usage', `Expected the number of rows to sample to be a positive whole number, got ${String(options.sampleRows)}`);
  }
  const client = new LightfieldClient({
    ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
    ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}),
    ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
  });

  let sample = await readSample(options, options.encoding, sampleRows);
  const encodingGuessed = options.encoding === undefined && sample.encoding === 'utf8' && !sample.validUtf8;
  if (encodingGuessed) sample = await readSample(options, 'windows-1252', sampleRows);

  const definitions = await fetchDefinitions(client, 'opportunity', options.signal);
  const { mapping, report } = suggestMapping({
    header: sample.header,
    rows: sample.rows,
    definitions,
    namespace: namespaceOf(options.csvPath),
    delimiter: sample.delimiter,
  });
  const written: MappingFile = { $schema: schemaReference(outPath), ...mapping };
  const text = `${JSON.stringify(written, null, 2)}\n`;
  await checkValid(text, definitions, sample.header, outPath, options.csvPath);
  try {
    await writeFile(outPath, text, { flag: options.force === true ? 'w' : 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw new ImportError('usage', `${outPath} already exists: pass --force to overwrite it, or -o to write another file`, { subject: outPath, cause: error });
    }
    throw new ImportError('output_unwritable', `Cannot write the mapping file ${outPath}: ${code ?? String(error)}`, { subject: outPath, cause: error });
  }
  return { path: outPath, mapping: written, report, delimiter: sample.delimiter, encoding: sample.encoding, encodingGuessed };
}

interface Sample {
  header: string[];
  rows: string[][];
  delimiter: string;
  encoding: CsvEncoding;
  /** False when the header or a sampled row has bytes that are not UTF-8. */
  validUtf8: boolean;
}

async function readSample(options: MappingInitOptions, encoding: CsvEncoding | undefined, limit: number): Promise<Sample> {
  const source: CsvSource = await openCsv({
    path: options.csvPath,
    ...(options.delimiter !== undefined ? { delimiter: options.delimiter } : {}),
    ...(encoding !== undefined ? { encoding } : {}),
  });
  const rows: string[][] = [];
  let validUtf8 = !source.header.some((name) => name.includes('\uFFFD'));
  try {
    for await (const record of source.records) {
      if (record.error?.code === 'bad_encoding') validUtf8 = false;
      // Not data, here as in the import.
      if (isBlankRecord(record)) continue;
      rows.push(record.cells);
      if (rows.length >= limit) break;
    }
  } finally {
    await source.close();
  }
  return { header: source.header.map((name) => name.trim()), rows, delimiter: source.delimiter, encoding: source.encoding, validUtf8 };
}

/**
 * The written mapping must work with `plan` as it is: schema and definitions are checked here, and a
 * failure is a bug of the suggestion (exit 70), never the user's to fix.
 */
async function checkValid(text: string, definitions: Parameters<typeof compileMapping>[1], header: readonly string[], outPath: string, csvPath: string): Promise<void> {
  try {
    const parsed = await parseMapping(text, outPath);
    compileMapping(parsed, definitions, header, { mapping: outPath, csv: csvPath });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`mapping init suggested a mapping that does not compile (${reason})`, { cause: error });
  }
}

/** `exports/HubSpot Deals 2026.csv` → `hubspot-deals-2026`. */
function namespaceOf(csvPath: string): string {
  const name = basename(csvPath, extname(csvPath))
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return name === '' ? 'default' : name.slice(0, 200);
}

/** The schema as seen from the mapping's folder, so that editors find it. */
function schemaReference(outPath: string): string {
  const path = relative(dirname(resolve(outPath)), SCHEMA_PATH).split(sep).join('/');
  return path.startsWith('.') || path.startsWith('/') ? path : `./${path}`;
}
