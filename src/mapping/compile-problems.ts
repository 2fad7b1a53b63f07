/**
 * Collects everything wrong with a mapping before any row is read, so that one run shows every
 * mistake of a hand-written mapping rather than one per attempt.
 */
import { ImportError, type ImportErrorCode } from '../errors.js';

export interface MappingProblem {
  code: ImportErrorCode;
  /** The mapping key or path the problem is about: `fields.amount`, `identity[0]`, `relationships.$account`. */
  path: string;
  message: string;
}

export class MappingProblems {
  readonly #problems: MappingProblem[] = [];

  add(code: ImportErrorCode, path: string, message: string): void {
    this.#problems.push({ code, path, message });
  }

  get size(): number {
    return this.#problems.length;
  }

  /** Throws the problems as one {@link ImportError} carrying the first one's code, if there are any. */
  throwIfAny(mappingFile: string): void {
    const [first] = this.#problems;
    if (first === undefined) return;
    const lines = this.#problems.map((problem) => `${problem.path}: ${problem.message}`);
    const message =
      lines.length === 1
        ? `${mappingFile}: ${lines[0] ?? ''}`
        : `${mappingFile}: ${lines.length} problems in the mapping:\n  - ${lines.join('\n  - ')}`;
    throw new ImportError(first.code, message, { subject: `${mappingFile}: ${first.path}` });
  }
}
