/**
 * A Bloom filter over strings, of fixed size: memory does not grow with what is added. `add` says
 * whether the string was certainly not added before; a "maybe" is wrong at a rate set by the size.
 * Used in front of SQLite tables asked once per row, where nearly every answer is "never seen".
 */
export class BloomFilter {
  readonly #bits: Uint8Array;
  readonly #mask: number;
  readonly #probed: Uint32Array;

  constructor(bitsLog2: number, probes: number) {
    this.#bits = new Uint8Array(2 ** (bitsLog2 - 3));
    this.#mask = 2 ** bitsLog2 - 1;
    this.#probed = new Uint32Array(probes);
  }

  /** Adds `text`; true when it was certainly not in the filter before. */
  add(text: string): boolean {
    const bits = this.#probe(text);
    let added = false;
    for (const bit of bits) {
      const byte = bit >>> 3;
      const flag = 1 << (bit & 7);
      if ((this.#bits[byte]! & flag) === 0) {
        this.#bits[byte]! |= flag;
        added = true;
      }
    }
    return added;
  }

  /** False when `text` was certainly never added. */
  has(text: string): boolean {
    for (const bit of this.#probe(text)) if ((this.#bits[bit >>> 3]! & (1 << (bit & 7))) === 0) return false;
    return true;
  }

  /** The bits probed for `text` (in a buffer reused by the next call): double hashing of two 32-bit FNV-1a-style hashes. */
  #probe(text: string): Uint32Array {
    let first = 0x811c9dc5;
    let second = 0x01000193 ^ text.length;
    for (let index = 0; index < text.length; index += 1) {
      const code = text.charCodeAt(index);
      first = Math.imul(first ^ code, 0x01000193);
      second = Math.imul(second ^ code, 0x5bd1e995);
    }
    second = (second ^ (second >>> 15)) | 1;
    for (let probe = 0; probe < this.#probed.length; probe += 1) this.#probed[probe] = (first + Math.imul(probe, second)) & this.#mask;
    return this.#probed;
  }
}
