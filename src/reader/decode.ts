/**
 * Text encodings: which one a file is in (a byte order mark wins over the option), and the
 * stream stages that hand csv-parse UTF-8 bytes whatever the file's encoding was.
 *
 * UTF-8 files go to the parser as they are (the fast path) through a validator that only
 * watches for invalid bytes; every other encoding is decoded with a streaming `TextDecoder`
 * and re-encoded as UTF-8, so the parser and the line counting see one encoding only.
 */
import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import { TextDecoder } from 'node:util';
import type { CsvEncoding } from './types.js';

/** Every encoding the reader accepts, in the order a help text would list them. */
export const CSV_ENCODINGS: readonly CsvEncoding[] = ['utf8', 'latin1', 'windows-1252', 'utf16le', 'utf16be'];

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;
const UTF16LE_BOM = [0xff, 0xfe] as const;
const UTF16BE_BOM = [0xfe, 0xff] as const;

export interface DetectedEncoding {
  /** The encoding the file is read with. */
  encoding: CsvEncoding;
  /** How many bytes of byte order mark the file starts with (skipped, never parsed). */
  bomLength: number;
}

/** The encoding of a file that starts with `start`: a UTF-8 or UTF-16 BOM wins over `requested`. */
export function detectEncoding(start: Uint8Array, requested: CsvEncoding): DetectedEncoding {
  if (startsWith(start, UTF8_BOM)) return { encoding: 'utf8', bomLength: UTF8_BOM.length };
  if (startsWith(start, UTF16LE_BOM)) return { encoding: 'utf16le', bomLength: UTF16LE_BOM.length };
  if (startsWith(start, UTF16BE_BOM)) return { encoding: 'utf16be', bomLength: UTF16BE_BOM.length };
  return { encoding: requested, bomLength: 0 };
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, index) => bytes[index] === byte);
}

/**
 * The WHATWG label `TextDecoder` knows the encoding by. `latin1` deliberately decodes as
 * windows-1252 (as browsers do): files called Latin-1 are nearly always Windows-1252, whose
 * 0x80–0x9F bytes (€, „, smart quotes) are unused control codes in strict ISO-8859-1.
 */
function decoderLabel(encoding: CsvEncoding): string {
  switch (encoding) {
    case 'utf8':
      return 'utf-8';
    case 'latin1':
    case 'windows-1252':
      return 'windows-1252';
    case 'utf16le':
      return 'utf-16le';
    case 'utf16be':
      return 'utf-16be';
  }
}

/** Decodes a whole buffer at once (the sniffing sample); a character cut at the end becomes U+FFFD. */
export function decodeText(bytes: Uint8Array, encoding: CsvEncoding): string {
  return new TextDecoder(decoderLabel(encoding)).decode(bytes);
}

/** Decodes a non-UTF-8 byte stream and passes it on as UTF-8 bytes. */
export class TranscodeToUtf8 extends Transform {
  readonly #decoder: TextDecoder;

  constructor(encoding: CsvEncoding) {
    super();
    this.#decoder = new TextDecoder(decoderLabel(encoding));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    // `stream: true` keeps a character split across two chunks (UTF-16 pairs) for the next one.
    const text = this.#decoder.decode(chunk, { stream: true });
    callback(null, text.length === 0 ? undefined : Buffer.from(text, 'utf8'));
  }

  override _flush(callback: TransformCallback): void {
    const text = this.#decoder.decode();
    callback(null, text.length === 0 ? undefined : Buffer.from(text, 'utf8'));
  }
}

/**
 * Passes UTF-8 bytes through unchanged and remembers whether any of them were invalid.
 *
 * The parser turns invalid bytes into U+FFFD; this flag is what lets the reader tell those from
 * a U+FFFD that the file really contains, and it costs one native `isUtf8` call per chunk.
 * A chunk is checked before the parser sees it, so the flag is already set when the records
 * built from that chunk come out.
 */
export class Utf8Validator extends Transform {
  #sawInvalidBytes = false;
  /** The start of a character cut at the end of the previous chunk. */
  #pending: Buffer = Buffer.alloc(0);

  /** Whether any invalid UTF-8 has gone through so far. */
  get sawInvalidBytes(): boolean {
    return this.#sawInvalidBytes;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!this.#sawInvalidBytes) this.#check(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    // A character still incomplete at the end of the file is invalid.
    if (this.#pending.length > 0) this.#sawInvalidBytes = true;
    callback();
  }

  #check(chunk: Buffer): void {
    const bytes = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const end = completeCharactersEnd(bytes);
    if (!isUtf8(bytes.subarray(0, end))) this.#sawInvalidBytes = true;
    this.#pending = end === bytes.length ? Buffer.alloc(0) : Buffer.from(bytes.subarray(end));
  }
}

/**
 * The length of `bytes` without a multi-byte character cut off at its end. Looks back at most
 * four bytes; anything malformed is left in for `isUtf8` to reject.
 */
export function completeCharactersEnd(bytes: Uint8Array): number {
  const length = bytes.length;
  for (let back = 1; back <= Math.min(4, length); back++) {
    const byte = bytes[length - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: keep looking for the lead byte
    if (byte < 0x80) return length;
    const expected = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
    return back < expected ? length - back : length;
  }
  return length;
}
