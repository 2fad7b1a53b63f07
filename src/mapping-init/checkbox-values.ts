/**
 * `trueValues` / `falseValues` for a checkbox column whose cells are not yes/no texts: each
 * distinct cell must clearly say yes or no, from general words (`ja`, `checked`) or words tied to
 * the field's label (`existingbusiness` is a renewal, `newbusiness` is not).
 */
import { DEFAULT_FALSE_VALUES, DEFAULT_TRUE_VALUES } from '../mapping/convert.js';
import type { ColumnSample } from './column-sample.js';
import { CHECKBOX_NO_WORDS, CHECKBOX_YES_WORDS, looseForm, mentions, NO_WORDS, words, YES_WORDS } from './vocabulary.js';

/** Label words that say nothing about what true means. */
const LABEL_FILLER = new Set(['is', 'has', 'the', 'a', 'an', 'ist', 'hat']);

export type CheckboxReading =
  | { ok: true; trueValues: string[] | undefined; falseValues: string[] | undefined }
  | { ok: false; unclear: string[] };

export function readCheckbox(sample: ColumnSample, label: string): CheckboxReading {
  const cells = [...sample.counts.keys()];
  const defaults = new Set([...DEFAULT_TRUE_VALUES, ...DEFAULT_FALSE_VALUES]);
  if (cells.every((cell) => defaults.has(cell.toLowerCase()))) return { ok: true, trueValues: undefined, falseValues: undefined };

  const labelWords = words(label).filter((word) => !LABEL_FILLER.has(word));
  const yesWords = [...YES_WORDS, ...DEFAULT_TRUE_VALUES, ...labelWords, ...labelWords.flatMap((word) => CHECKBOX_YES_WORDS[word] ?? [])];
  const noWords = [...NO_WORDS, ...DEFAULT_FALSE_VALUES, ...labelWords.flatMap((word) => CHECKBOX_NO_WORDS[word] ?? [])];
  const trueValues: string[] = [];
  const falseValues: string[] = [];
  const unclear: string[] = [];
  for (const cell of cells) {
    const cellWords = words(cell);
    const cellLoose = looseForm(cell);
    const yes = yesWords.some((word) => mentions(cellWords, cellLoose, word));
    const no = noWords.some((word) => mentions(cellWords, cellLoose, word));
    if (yes && !no) trueValues.push(cell);
    else if (no && !yes) falseValues.push(cell);
    else unclear.push(cell);
  }
  if (unclear.length > 0) return { ok: false, unclear };
  return {
    ok: true,
    trueValues: trueValues.length > 0 ? trueValues : undefined,
    falseValues: falseValues.length > 0 ? falseValues : undefined,
  };
}
