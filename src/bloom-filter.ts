/**
 * A Bloom filter over strings, of fixed size: memory does not grow with what is added. `add` says
 * whether the string was certainly not added before; a "maybe" is wrong at a rate set by the size.
 * Used in front of SQLite tables asked once per row, where nearly every answer is "never seen".
 *
 * Blocked: all the probes of a string fall in one 64-byte block (one cache line), so that a
 * look-up in a filter of megabytes costs one memory read instead of one per probe.
 */
const BLOCK_BITS = 512;

export class BloomFilter {
  readonly #blocks: Uint32Array;
  readonly #blockCount: number;
  readonly #probes: number;

  constructor(bitsLog2: number, probes: number) {
    this.#blockCount = 2 ** bitsLog2 / BLOCK_BITS;
    this.#blocks = new Uint32Array(2 ** (bitsLog2 - 5));
    this.#probes = probes;
  }

  /** Adds `text`; true when it was certainly not in the filter before. */
  add(text: string): boolean {
    const [first, second] = hashes(text);
    const base = (first % this.#blockCount) * (BLOCK_BITS / 32);
    let added = false;
    for (let probe = 0; probe < this.#probes; probe += 1) {
      const bit = probeBit(second, probe);
      const word = base + ((bit >>> 5) & (BLOCK_BITS / 32 - 1));
      const flag = 1 << (bit & 31);
      if ((this.#blocks[word]! & flag) === 0) {
        this.#blocks[word]! |= flag;
        added = true;
      }
    }
    return added;
  }

  /** False when `text` was certainly never added. */
  has(text: string): boolean {
    const [first, second] = hashes(text);
    const base = (first % this.#blockCount) * (BLOCK_BITS / 32);
    for (let probe = 0; probe < this.#probes; probe += 1) {
      const bit = probeBit(second, probe);
      if ((this.#blocks[base + ((bit >>> 5) & (BLOCK_BITS / 32 - 1))]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

const pair: [number, number] = [0, 0];

/** Two independent 32-bit hashes of `text`, unsigned; in a pair reused by the next call. */
function hashes(text: string): [number, number] {
  let first = 0x811c9dc5;
  let second = 0x9747b28c ^ text.length;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    first = Math.imul(first ^ code, 0x9e3779b1);
    first ^= first >>> 15;
    second = Math.imul(second + code, 0x85ebca77);
    second ^= second >>> 13;
  }
  pair[0] = mix(first);
  pair[1] = mix(second);
  return pair;
}

/** The bit of probe number `probe` in the block (its low 9 bits): independent of the other probes' bits. */
function probeBit(hash: number, probe: number): number {
  return mix((hash + Math.imul(probe, 0x9e3779b9)) | 0);
}

/** MurmurHash3's finalizer: spreads every input bit over the whole word (similar texts land far apart). */
function mix(hash: number): number {
  let mixed = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  mixed = Math.imul(mixed ^ (mixed >>> 13), 0xc2b2ae35);
  return (mixed ^ (mixed >>> 16)) >>> 0;
}
