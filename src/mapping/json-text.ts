/**
 * A small JSON scanner for the mapping file's error messages. `JSON.parse` does the parsing;
 * this only answers what it cannot: where the first syntax error is (Node 20's messages do not
 * always give a position), where each value starts, so that a schema error can name
 * `file:line:column` as well as the JSON path, and which keys an object repeats (`JSON.parse`
 * silently keeps the last).
 */

/** A key given twice in one object. */
export interface DuplicateKey {
  /** JSON pointer of the object that holds the key (`` for the root). */
  objectPointer: string;
  key: string;
  /** Offsets of the key's first and second occurrence. */
  firstOffset: number;
  secondOffset: number;
}

export type JsonScan =
  | {
      ok: true;
      /** Offset where each value starts, by JSON pointer (`/fields/amount/decimal`); `` is the root. */
      locations: Map<string, number>;
      /** Every key an object gives more than once, in file order. */
      duplicates: DuplicateKey[];
    }
  | { ok: false; offset: number; reason: string };

class JsonSyntaxError extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** Scans `text` as JSON (RFC 8259, as `JSON.parse` reads it). */
export function scanJson(text: string): JsonScan {
  const scanner = new Scanner(text);
  try {
    scanner.skipWhitespace();
    scanner.value('');
    scanner.skipWhitespace();
    if (scanner.position < text.length) scanner.fail('unexpected text after the end of the JSON value');
    return { ok: true, locations: scanner.locations, duplicates: scanner.duplicates };
  } catch (error) {
    if (error instanceof JsonSyntaxError) return { ok: false, offset: error.offset, reason: error.reason };
    throw error;
  }
}

/** 1-based line and column of an offset; a CRLF counts as one line break. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const clamped = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < clamped; index++) {
    if (text.charCodeAt(index) === 10) {
      line++;
      lineStart = index + 1;
    }
  }
  return { line, column: clamped - lineStart + 1 };
}

/** Escapes one key as a JSON pointer segment (RFC 6901), as ajv's `instancePath` does. */
export function pointerSegment(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

class Scanner {
  position = 0;
  readonly locations = new Map<string, number>();
  readonly duplicates: DuplicateKey[] = [];

  constructor(private readonly text: string) {}

  fail(reason: string, offset = this.position): never {
    throw new JsonSyntaxError(offset, reason);
  }

  skipWhitespace(): void {
    while (this.position < this.text.length) {
      const character = this.text[this.position];
      if (character !== ' ' && character !== '\t' && character !== '\n' && character !== '\r') return;
      this.position++;
    }
  }

  value(pointer: string): void {
    this.locations.set(pointer, this.position);
    const character = this.text[this.position];
    if (character === undefined) this.fail('unexpected end of file, expected a value');
    if (character === '{') return this.object(pointer);
    if (character === '[') return this.array(pointer);
    if (character === '"') {
      this.string();
      return;
    }
    if (character === '-' || (character >= '0' && character <= '9')) return this.number();
    for (const literal of ['true', 'false', 'null']) {
      if (this.text.startsWith(literal, this.position)) {
        this.position += literal.length;
        return;
      }
    }
    if (character === "'") this.fail('strings must use double quotes');
    this.fail(`unexpected character ${describe(character)}, expected a value`);
  }

  object(pointer: string): void {
    this.position++;
    this.skipWhitespace();
    if (this.text[this.position] === '}') {
      this.position++;
      return;
    }
    const keyOffsets = new Map<string, number>();
    for (;;) {
      this.skipWhitespace();
      const character = this.text[this.position];
      if (character === undefined) this.fail("unexpected end of file, expected a property name or '}'");
      if (character !== '"') {
        if (character === '}') this.fail("trailing comma before '}'");
        this.fail(`expected a property name in double quotes, found ${describe(character)}`);
      }
      const keyOffset = this.position;
      const key = this.string();
      const firstOffset = keyOffsets.get(key);
      if (firstOffset === undefined) keyOffsets.set(key, keyOffset);
      else this.duplicates.push({ objectPointer: pointer, key, firstOffset, secondOffset: keyOffset });
      this.skipWhitespace();
      if (this.text[this.position] !== ':') this.expected("':' after the property name");
      this.position++;
      this.skipWhitespace();
      this.value(`${pointer}/${pointerSegment(key)}`);
      this.skipWhitespace();
      const next = this.text[this.position];
      if (next === ',') {
        this.position++;
        continue;
      }
      if (next === '}') {
        this.position++;
        return;
      }
      this.expected("',' or '}' after a property value");
    }
  }

  array(pointer: string): void {
    this.position++;
    this.skipWhitespace();
    if (this.text[this.position] === ']') {
      this.position++;
      return;
    }
    for (let index = 0; ; index++) {
      this.skipWhitespace();
      if (this.text[this.position] === ']') this.fail("trailing comma before ']'");
      this.value(`${pointer}/${index}`);
      this.skipWhitespace();
      const next = this.text[this.position];
      if (next === ',') {
        this.position++;
        continue;
      }
      if (next === ']') {
        this.position++;
        return;
      }
      this.expected("',' or ']' after an array element");
    }
  }

  string(): string {
    const start = this.position;
    this.position++;
    let result = '';
    for (;;) {
      const character = this.text[this.position];
      if (character === undefined) this.fail('unterminated string', start);
      if (character === '"') {
        this.position++;
        return result;
      }
      if (character === '\\') {
        const escape = this.text[this.position + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (escape !== undefined && simple[escape] !== undefined) {
          result += simple[escape];
          this.position += 2;
          continue;
        }
        if (escape === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.position + 2, this.position + 6))) {
          result += String.fromCharCode(parseInt(this.text.slice(this.position + 2, this.position + 6), 16));
          this.position += 6;
          continue;
        }
        this.fail('invalid escape sequence in a string');
      }
      if (character.charCodeAt(0) < 0x20) this.fail('line break or control character inside a string');
      result += character;
      this.position++;
    }
  }

  number(): void {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.position, this.position + 400));
    if (match === null) this.fail('invalid number');
    this.position += match[0].length;
  }

  expected(what: string): never {
    const found = this.text[this.position];
    this.fail(found === undefined ? `unexpected end of file, expected ${what}` : `expected ${what}, found ${describe(found)}`);
  }
}

function describe(character: string): string {
  return JSON.stringify(character);
}
