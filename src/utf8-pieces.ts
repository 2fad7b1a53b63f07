/**
 * Text bound for a file, gathered as UTF-8 bytes and handed on in pieces of {@link PIECE_BYTES}:
 * one write per row would cost more than the row. Bytes, not a string: a string gathered from many
 * rows is a rope of all their parts, which the write then has to flatten and encode at once, at more
 * cost than copying each part in as it comes (and no string of thousands of rows stays on the heap
 * until it is written).
 */
const PIECE_BYTES = 64 * 1024;

export class Utf8Pieces {
  readonly #write: (piece: Buffer) => void;
  #bytes = Buffer.allocUnsafe(PIECE_BYTES);
  #used = 0;

  /** `write` gets each full piece; it may keep it (a stream does until it is on disk). */
  constructor(write: (piece: Buffer) => void) {
    this.#write = write;
  }

  add(text: string): void {
    // At most 3 UTF-8 bytes per UTF-16 unit.
    if (this.#used + 3 * text.length > PIECE_BYTES) {
      this.flush();
      // Longer than a piece (a row of huge cells): handed on by itself.
      if (3 * text.length > PIECE_BYTES) {
        this.#write(Buffer.from(text, 'utf8'));
        return;
      }
    }
    this.#used += this.#bytes.write(text, this.#used, 'utf8');
  }

  /** Hands on what is gathered, if anything. */
  flush(): void {
    if (this.#used > 0) this.#write(this.take());
  }

  /** The bytes gathered so far, to hand on by other means (the last write of a stream); the piece starts afresh. */
  take(): Buffer {
    const taken = this.#bytes.subarray(0, this.#used);
    this.#bytes = Buffer.allocUnsafe(PIECE_BYTES);
    this.#used = 0;
    return taken;
  }
}
