import { afterAll, describe, expect, test } from '@jest/globals';
import { ImportError } from '../../src/errors.js';
import { loadMapping } from '../../src/mapping/index.js';
import { createWorkspace } from '../helpers/workspace.js';

const workspace = createWorkspace('lfi-mapping-');
afterAll(() => workspace.remove());

const DESIGN_EXAMPLE = {
  object: 'opportunity',
  namespace: 'hubspot-2026-q4',
  identity: ['Record ID'],
  fields: {
    $name: 'Deal Name',
    $stage: { column: 'Deal Stage', values: { appointmentscheduled: 'Prospecting', closedwon: 'Closed Won' } },
    amount: { column: 'Amount', type: 'number', decimal: ',' },
    closeDate: { column: 'Close Date', type: 'datetime', format: 'dd/MM/yyyy', timezone: 'Europe/Berlin' },
    tags: { column: 'Tags', split: ';' },
    source: { value: 'HubSpot import' },
  },
  relationships: {
    $account: { column: 'Company', lookup: { object: 'account', by: '$name' } },
    $owner: { column: 'Owner Email', lookup: { object: 'member', by: '$email' } },
  },
};

async function loadError(text: string, name: string): Promise<ImportError> {
  const path = workspace.write(name, text);
  const error = await loadMapping(path).catch((caught: unknown) => caught);
  if (!(error instanceof ImportError)) throw new Error(`expected an ImportError, got ${String(error)}`);
  return error;
}

describe('loadMapping()', () => {
  test('reads the mapping of the design document', async () => {
    const path = workspace.writeJson('design.json', DESIGN_EXAMPLE);
    await expect(loadMapping(path)).resolves.toEqual(DESIGN_EXAMPLE);
  });

  test('accepts a UTF-8 BOM and a $schema property', async () => {
    const path = workspace.write('bom.json', `\ufeff${JSON.stringify({ $schema: './schema/mapping.schema.json', ...DESIGN_EXAMPLE })}`);
    await expect(loadMapping(path)).resolves.toMatchObject({ namespace: 'hubspot-2026-q4' });
  });

  test('a missing file is file_not_found naming the path', async () => {
    const path = workspace.path('nope.json');
    await expect(loadMapping(path)).rejects.toMatchObject({ code: 'file_not_found', subject: path, message: expect.stringContaining(path) });
  });

  test('a folder is file_unreadable', async () => {
    await expect(loadMapping(workspace.dir)).rejects.toMatchObject({ code: 'file_unreadable' });
  });
});

describe('JSON syntax errors name file:line:column', () => {
  test.each<[string, string, number, number, string]>([
    ['trailing comma', '{\n  "object": "opportunity",\n  "fields": {},\n}', 4, 1, 'trailing comma'],
    ['missing comma', '{\n  "object": "opportunity"\n  "fields": {}\n}', 3, 3, "expected ',' or '}'"],
    ['missing value', '{\n  "object": }', 2, 13, 'expected a value'],
    ['single quotes', "{\n  'object': 1 }", 2, 3, 'double quotes'],
    ['unterminated string', '{\n  "object": "opp', 2, 13, 'unterminated string'],
    ['unexpected end', '{\n  "fields": {\n', 3, 1, 'unexpected end of file'],
    ['text after the value', '{}\n}', 2, 1, 'after the end'],
    ['CRLF line breaks', '{\r\n  "a": 1,\r\n  "b": 2,\r\n}', 4, 1, 'trailing comma'],
    ['comment', '{\n  // note\n  "a": 1 }', 2, 3, 'property name'],
    ['missing comma in a list', '{\n  "identity": ["a"\n    "b"]\n}', 3, 5, "expected ',' or ']' after an array element"],
    ['trailing comma in a list', '{\n  "identity": ["a",]\n}', 2, 20, "trailing comma before ']'"],
    ['missing comma before an unterminated key', '{\n  "object": 1\n  "fields', 3, 3, "expected ',' or '}'"],
    ['tab inside a string', '{\n  "object": "opp\tortunity"\n}', 2, 17, 'control character inside a string'],
    ['invalid escape after a valid one', '{\n  "object": "C:\\\\new\\qx"\n}', 2, 21, 'invalid escape sequence'],
  ])('%s', async (name, text, line, column, reason) => {
    const error = await loadError(text, `${name.replace(/\s/g, '-')}.json`);
    const path = workspace.path(`${name.replace(/\s/g, '-')}.json`);
    expect(error.code).toBe('mapping_syntax');
    expect(error.subject).toBe(`${path}:${line}:${column}`);
    expect(error.message).toContain(`${path}:${line}:${column}`);
    expect(error.message).toContain(reason);
  });
});

describe('keys given twice', () => {
  test('a key given twice in an object inside a list names both places and the list element', async () => {
    const text = '{\n  "object": "opportunity",\n  "fields": {},\n  "identity": [{ "a": 1, "a": 2 }]\n}';
    const error = await loadError(text, 'duplicate-in-list.json');
    const path = workspace.path('duplicate-in-list.json');
    expect(error.code).toBe('mapping_syntax');
    expect(error.subject).toBe(`${path}:4:26`);
    expect(error.message).toContain(`${path}:4:26: the key "a" is given twice in identity[0] (first at ${path}:4:18)`);
  });
});

describe('schema errors name the JSON path and what was expected', () => {
  const withField = (field: unknown): string =>
    JSON.stringify({ object: 'opportunity', fields: { $name: 'Deal Name', amount: field } }, null, 2);

  test.each<[string, string, string, string]>([
    ['bad decimal', withField({ column: 'Amount', decimal: ';' }), 'fields.amount.decimal', 'expected one of ".", ","'],
    ['misspelt property', withField({ colum: 'Amount' }), 'fields.amount.colum', 'unknown property "colum" (did you mean "column"?)'],
    ['wrong value type', withField(5), 'fields.amount', 'expected a string or an object, got number 5'],
    ['bad type', withField({ column: 'Amount', type: 'money' }), 'fields.amount.type', 'expected one of'],
    ['bad trim', withField({ column: 'Amount', trim: 'yes' }), 'fields.amount.trim', 'expected true or false'],
    ['alias to a number', withField({ column: 'Amount', values: { a: 1 } }), 'fields.amount.values.a', 'expected a string'],
    ['other object', JSON.stringify({ object: 'task', fields: {} }), 'object', 'expected one of "opportunity", "account", "contact", "note", got "task"'],
    ['missing fields', JSON.stringify({ object: 'opportunity' }), 'fields', 'is required but missing'],
    ['unknown top-level key', JSON.stringify({ object: 'opportunity', fields: {}, field: {} }), 'field', 'unknown property "field"'],
    ['empty identity', JSON.stringify({ object: 'opportunity', fields: {}, identity: [] }), 'identity', 'expected at least 1'],
    ['identity not a list', JSON.stringify({ object: 'opportunity', fields: {}, identity: 'Record ID' }), 'identity', 'expected a list'],
    [
      'lookup by a number',
      JSON.stringify({ object: 'opportunity', fields: {}, relationships: { $account: { column: 'Company', lookup: { object: 'account', by: 5 } } } }),
      'relationships.$account.lookup.by',
      'expected one of "$name", "$website", "$email", "import"',
    ],
    [
      'lookup without by',
      JSON.stringify({ object: 'opportunity', fields: {}, relationships: { $account: { column: 'Company', lookup: { object: 'account' } } } }),
      'relationships.$account.lookup.by',
      'is required but missing',
    ],
  ])('%s', async (name, text, path, expected) => {
    const error = await loadError(text, `schema-${name.replace(/\s/g, '-')}.json`);
    expect(error.code).toBe('mapping_schema');
    expect(error.message).toContain(`${path}: ${expected}`);
  });

  test('the message also gives the line and column of the offending value', async () => {
    const error = await loadError(withField({ column: 'Amount', decimal: ';' }), 'schema-located.json');
    // `"decimal": ";"` is on line 7 of the pretty-printed file, its value at column 18.
    expect(error.subject).toBe(`${workspace.path('schema-located.json')}:7:18`);
  });

  test('a problem in a list gives the line and column of that element', async () => {
    const text = '{\n  "object": "opportunity",\n  "fields": {},\n  "identity": ["Record ID", 5]\n}';
    const error = await loadError(text, 'schema-list-element.json');
    expect(error.subject).toBe(`${workspace.path('schema-list-element.json')}:4:29`);
    expect(error.message).toContain('identity[1]: expected a string');
  });

  test('several problems are listed together', async () => {
    const text = JSON.stringify({ object: 'opportunity', fields: { a: { column: 'A', decimal: ';' }, b: { column: 'B', trim: 1 } } });
    const error = await loadError(text, 'schema-several.json');
    expect(error.message).toContain('fields.a.decimal');
    expect(error.message).toContain('fields.b.trim');
  });
});
