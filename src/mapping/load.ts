/**
 * Reads the mapping file: the only part of the mapping that touches the file system. Syntax and
 * schema errors name `file:line:column` and the JSON path, so that a hand-edited mapping can be
 * fixed from the message alone.
 */
import { readFile } from 'node:fs/promises';
import { Ajv, type ValidateFunction } from 'ajv';
import { ImportError } from '../errors.js';
import { describeSchemaErrors, dottedPath } from './schema-errors.js';
import { lineAndColumn, scanJson, type DuplicateKey } from './json-text.js';
import type { MappingFile } from './types.js';

/** Where the schema ships: `schema/` at the package root, two levels up from both src/mapping and dist/mapping. */
const SCHEMA_URL = new URL('../../schema/mapping.schema.json', import.meta.url);

let validatorPromise: Promise<ValidateFunction> | undefined;

/** The schema validator, compiled once per process. */
function mappingValidator(): Promise<ValidateFunction> {
  validatorPromise ??= readFile(SCHEMA_URL, 'utf8').then((text) => {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
    return ajv.compile(JSON.parse(text) as object);
  });
  return validatorPromise;
}

/** Reads, parses and schema-checks a mapping file. Throws {@link ImportError}. */
export async function loadMapping(path: string): Promise<MappingFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new ImportError('file_not_found', `${path}: mapping file not found`, { subject: path, cause: error });
    }
    throw new ImportError('file_unreadable', `${path}: cannot read the mapping file (${code ?? String(error)})`, {
      subject: path,
      cause: error,
    });
  }
  return parseMapping(text, path);
}

/**
 * Parses and schema-checks mapping text; `source` names it in messages (usually the file path).
 * Throws {@link ImportError} `mapping_syntax` or `mapping_schema`.
 */
export async function parseMapping(text: string, source: string): Promise<MappingFile> {
  const withoutBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let document: unknown;
  try {
    document = JSON.parse(withoutBom);
  } catch (error) {
    throw syntaxError(withoutBom, source, error);
  }
  const scan = scanJson(withoutBom);
  if (scan.ok && scan.duplicates.length > 0) throw duplicateKeys(withoutBom, source, scan.duplicates);
  const validate = await mappingValidator();
  if (validate(document)) return document as MappingFile;

  const problems = describeSchemaErrors(validate.errors ?? [], document);
  const locate = (pointer: string): string => {
    if (!scan.ok) return source;
    // A missing property has no location of its own: point at the object that lacks it.
    let current = pointer;
    for (;;) {
      const offset = scan.locations.get(current);
      if (offset !== undefined) {
        const { line, column } = lineAndColumn(withoutBom, offset);
        return `${source}:${line}:${column}`;
      }
      if (current === '') return source;
      current = current.slice(0, current.lastIndexOf('/'));
    }
  };
  const lines = problems.map((problem) => `${locate(problem.pointer)}: ${problem.path}: ${problem.message}`);
  const first = problems[0];
  const subject = first === undefined ? source : locate(first.pointer);
  const message =
    lines.length === 1
      ? `invalid mapping: ${lines[0] ?? ''}`
      : `invalid mapping (${lines.length} problems):\n  ${lines.join('\n  ')}`;
  throw new ImportError('mapping_schema', message, { subject });
}

/** JSON keeps the last of two equal keys: say so rather than ignore one of the user's lines. */
function duplicateKeys(text: string, source: string, duplicates: readonly DuplicateKey[]): ImportError {
  const place = (offset: number): string => {
    const { line, column } = lineAndColumn(text, offset);
    return `${source}:${line}:${column}`;
  };
  const lines = duplicates.map((duplicate) => {
    const within = duplicate.objectPointer === '' ? 'at the top level' : `in ${dottedPath(duplicate.objectPointer)}`;
    return (
      `${place(duplicate.secondOffset)}: the key ${JSON.stringify(duplicate.key)} is given twice ${within} ` +
      `(first at ${place(duplicate.firstOffset)}); JSON keeps only the last, so remove the one you do not mean`
    );
  });
  const first = duplicates[0]!;
  const message = lines.length === 1 ? lines[0]! : `the mapping gives ${lines.length} keys twice:\n  ${lines.join('\n  ')}`;
  return new ImportError('mapping_syntax', message, { subject: place(first.secondOffset) });
}

function syntaxError(text: string, source: string, cause: unknown): ImportError {
  const scan = scanJson(text);
  let offset: number;
  let reason: string;
  if (!scan.ok) {
    offset = scan.offset;
    reason = scan.reason;
  } else {
    // The scanner and JSON.parse disagree (should not happen): fall back to the engine's own words.
    const engineMessage = cause instanceof Error ? cause.message : String(cause);
    const position = /position (\d+)/.exec(engineMessage)?.[1];
    offset = position === undefined ? text.length : Number(position);
    reason = engineMessage;
  }
  const { line, column } = lineAndColumn(text, offset);
  const subject = `${source}:${line}:${column}`;
  return new ImportError('mapping_syntax', `${subject}: the mapping is not valid JSON: ${reason}`, { subject, cause });
}
