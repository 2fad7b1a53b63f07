/** Seeded randomness, so that a run with the same seed and the same request order gives the same IDs, delays and faults. */
import { createHash } from 'node:crypto';

/** A random number generator returning floats in [0, 1). */
export type Random = () => number;

/** mulberry32: tiny, fast and good enough for test traffic. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
const ID_LENGTH = 24;

/**
 * An ID such as `opp_k3…` that depends only on (seed, name): the same seeded org always has the same
 * definition, option and record IDs, whatever order they are built in.
 */
export function stableId(prefix: string, seed: number, name: string): string {
  const digest = createHash('sha256').update(`${seed}\u0000${prefix}\u0000${name}`).digest();
  let id = `${prefix}_`;
  for (let index = 0; index < ID_LENGTH; index++) {
    id += ID_ALPHABET[(digest[index] ?? 0) % ID_ALPHABET.length];
  }
  return id;
}
