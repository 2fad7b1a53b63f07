/**
 * Reads the mapping file: the only part of the mapping that touches the file system. Syntax and
 * schema errors name `file:line:column` and the JSON path, so that a hand-edited mapping can be
 * fixed from the message alone.
 */
import { readFile } from 'node:fs/promises';
import { Ajv, type ValidateFunction } from 'ajv';
import { findNodeAtLocation, parse, parseTree, printParseErrorCode, visit, type Node, type ParseError } from 'jsonc-parser';
import { ImportError } from '../errors.js';
import { describeSchemaErrors, dottedPath, escapeSegment, unescapeSegment } from './schema-errors.js';
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
  const duplicates = duplicateKeysError(withoutBom, source);
  if (duplicates !== undefined) throw duplicates;
  const validate = await mappingValidator();
  if (validate(document)) return document as MappingFile;

  const problems = describeSchemaErrors(validate.errors ?? [], document);
  const tree = parseTree(withoutBom);
  const locate = (pointer: string): string => {
    const { line, column } = lineAndColumn(withoutBom, offsetOf(tree, pointer));
    return `${source}:${line}:${column}`;
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
function duplicateKeysError(text: string, source: string): ImportError | undefined {
  const place = (offset: number): string => {
    const { line, column } = lineAndColumn(text, offset);
    return `${source}:${line}:${column}`;
  };
  const lines: string[] = [];
  let subject: string | undefined;
  const keysOfOpenObjects: Map<string, number>[] = [];
  visit(text, {
    onObjectBegin: () => {
      keysOfOpenObjects.push(new Map());
    },
    onObjectEnd: () => {
      keysOfOpenObjects.pop();
    },
    onObjectProperty: (key, offset, _length, _line, _column, objectPath) => {
      const keys = keysOfOpenObjects.at(-1)!;
      const firstOffset = keys.get(key);
      if (firstOffset === undefined) {
        keys.set(key, offset);
        return;
      }
      const pointer = objectPath().map((segment) => `/${escapeSegment(String(segment))}`).join('');
      const within = pointer === '' ? 'at the top level' : `in ${dottedPath(pointer)}`;
      subject ??= place(offset);
      lines.push(
        `${place(offset)}: the key ${JSON.stringify(key)} is given twice ${within} ` +
          `(first at ${place(firstOffset)}); JSON keeps only the last, so remove the one you do not mean`,
      );
    },
  });
  if (subject === undefined) return undefined;
  const message = lines.length === 1 ? lines[0]! : `the mapping gives ${lines.length} keys twice:\n  ${lines.join('\n  ')}`;
  return new ImportError('mapping_syntax', message, { subject });
}

/** Where the value at `pointer` starts; a missing property has no place of its own, so the object that lacks it. */
function offsetOf(tree: Node | undefined, pointer: string): number {
  let node = tree;
  for (const segment of pointer.split('/').slice(1)) {
    const key = unescapeSegment(segment);
    const child = node && findNodeAtLocation(node, [node.type === 'array' ? Number(key) : key]);
    if (child === undefined) break;
    node = child;
  }
  return node?.offset ?? 0;
}

function syntaxError(text: string, source: string, cause: unknown): ImportError {
  const { offset, reason } = firstSyntaxError(text) ?? engineReport(text, cause);
  const { line, column } = lineAndColumn(text, offset);
  const subject = `${source}:${line}:${column}`;
  return new ImportError('mapping_syntax', `${subject}: the mapping is not valid JSON: ${reason}`, { subject, cause });
}

/** The first syntax error: where it is and what is wrong, in words. */
function firstSyntaxError(text: string): { offset: number; reason: string } | undefined {
  const errors = syntaxErrors(text);
  const offset = errors[0]?.offset;
  if (offset === undefined) return undefined;
  // A token in the wrong place is named before what is wrong inside it, as JSON.parse stops there first.
  const misplaced = errors.some((error) => error.offset === offset && !FAULTS_INSIDE_A_TOKEN.has(printParseErrorCode(error.error)));
  return misplaced ? { offset, reason: unexpectedToken(text, offset) } : faultInsideToken(text, offset);
}

/** jsonc-parser and JSON.parse disagree (should not happen): the engine's own words and position. */
function engineReport(text: string, cause: unknown): { offset: number; reason: string } {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const position = /position (\d+)/.exec(reason)?.[1];
  return { offset: position === undefined ? text.length : Number(position), reason };
}

/** Syntax errors as `JSON.parse` sees them (RFC 8259: no comments, no trailing commas), in file order. */
function syntaxErrors(text: string): ParseError[] {
  const errors: ParseError[] = [];
  parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  return errors;
}

/** jsonc-parser's codes for a fault inside a string or a number; the other codes say a token is out of place. */
const FAULTS_INSIDE_A_TOKEN = new Set([
  'InvalidNumberFormat',
  'UnexpectedEndOfNumber',
  'UnexpectedEndOfString',
  'InvalidCharacter',
  'InvalidEscapeCharacter',
  'InvalidUnicode',
]);

/** What is wrong inside the string or number at `offset`, and where: jsonc-parser reports only where the token starts. */
function faultInsideToken(text: string, offset: number): { offset: number; reason: string } {
  if (text[offset] !== '"') return { offset, reason: 'invalid number' };
  // The string up to its first character that JSON does not allow there.
  const allowedPart = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*/y;
  allowedPart.lastIndex = offset;
  const fault = offset + (allowedPart.exec(text)?.[0].length ?? 0);
  if (fault === text.length) return { offset, reason: 'unterminated string' };
  const reason = text[fault] === '\\' ? 'invalid escape sequence in a string' : 'line break or control character inside a string';
  return { offset: fault, reason };
}

/**
 * What to say of a token that does not belong where it is. What belonged there is what the parser
 * misses at the end of the text cut before it: unlike the error code, that tells a property name
 * from a value (after a comment or a single quote) and an object from an array (after a missing comma).
 */
function unexpectedToken(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const [missing] = syntaxErrors(before);
  if (missing === undefined) return 'unexpected text after the end of the JSON value';
  const code = printParseErrorCode(missing.error);
  const previous = before.trimEnd().at(-1);
  // Right after '{' or '[' the parser misses the closing bracket, though a property name or a value may come first.
  const justOpened = previous === '{' || previous === '[';
  const found = text[offset];
  const expected = (what: string): string =>
    found === undefined ? `unexpected end of file, expected ${what}` : `expected ${what}, found ${JSON.stringify(found)}`;
  if (code === 'PropertyNameExpected' || (code === 'CloseBraceExpected' && justOpened)) {
    if (found === '}') return "trailing comma before '}'";
    return expected(found === undefined ? "a property name or '}'" : 'a property name in double quotes');
  }
  if (code === 'ValueExpected' || (code === 'CloseBracketExpected' && justOpened)) {
    if (found === undefined) return 'unexpected end of file, expected a value';
    if (found === ']' && previous === ',') return "trailing comma before ']'";
    if (found === "'") return 'strings must use double quotes';
    if (found === '-') return 'invalid number';
    return `unexpected character ${JSON.stringify(found)}, expected a value`;
  }
  if (code === 'ColonExpected') return expected("':' after the property name");
  return expected(code === 'CloseBraceExpected' ? "',' or '}' after a property value" : "',' or ']' after an array element");
}

/** 1-based line and column of an offset; a CRLF counts as one line break. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: before.length - lineStart + 1 };
}
