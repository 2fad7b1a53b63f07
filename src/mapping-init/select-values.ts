/**
 * `values` blocks for select fields: every distinct cell that is not already an option label (or
 * ID) is mapped to the option it most likely means: same letters (`closed_won`), same meaning
 * (`Contract Sent` → Negotiation, `Hot` → High), or similar spelling. A cell close to nothing
 * still gets an option, so that the mapping is valid, and is reported as a placeholder to fix.
 */
import { editDistance } from '../mapping/suggest.js';
import { OptionIndex } from '../mapping/convert-select.js';
import type { SelectOption } from '../lightfield/types.js';
import type { ColumnSample } from './column-sample.js';
import type { Confidence } from './types.js';
import { looseForm, mentions, OPTION_MEANINGS, words } from './vocabulary.js';

/** More distinct unknown cells than this, and the column is not a select (it is free text). */
export const MAX_UNKNOWN_CELLS = 50;

/** Separators multi-select cells are split on, in the order that breaks a tie. */
const SPLIT_CANDIDATES = [';', ',', '|'] as const;

export interface OptionGuess {
  cell: string;
  label: string;
  /** `low` with `placeholder` when no option is close. */
  confidence: Confidence;
  placeholder: boolean;
  /** Why, for the report: `same meaning ("won")`, `similar spelling`. */
  reason: string;
}

export interface SelectReading {
  /** Cell text → option label, for the mapping's `values`. */
  values: Record<string, string>;
  guesses: OptionGuess[];
  /** Distinct cells that are already labels or IDs. */
  labelled: number;
  /** The separator of a multi-select column, when its cells hold several values. */
  split: string | undefined;
}

/** Undefined when the column has too many unknown cells to be this select field. */
export function readSelect(sample: ColumnSample, fieldKey: string, options: readonly SelectOption[], multiple: boolean): SelectReading | undefined {
  const index = new OptionIndex(fieldKey, options);
  const split = multiple ? detectSplit(sample, index) : undefined;
  const items = new Set<string>();
  for (const cell of sample.counts.keys()) {
    for (const item of split === undefined ? [cell] : cell.split(split)) if (item.trim() !== '') items.add(item.trim());
  }
  const unknown = [...items].filter((item) => !index.match(item).ok);
  if (unknown.length > MAX_UNKNOWN_CELLS || (unknown.length > 0 && options.length === 0)) return undefined;
  const guesses = unknown.map((cell) => guessOption(cell, options));
  // Two options with the same label can only be told apart by ID.
  const target = (label: string): string => {
    const same = options.filter((option) => looseForm(option.label) === looseForm(label));
    return same.length > 1 ? (same[0]?.id ?? label) : label;
  };
  return {
    values: Object.fromEntries(guesses.map((guess) => [guess.cell, target(guess.label)])),
    guesses,
    labelled: items.size - unknown.length,
    split,
  };
}

export function guessOption(cell: string, options: readonly SelectOption[]): OptionGuess {
  const cellWords = words(cell);
  const cellLoose = looseForm(cell);
  const first = options[0];
  if (first === undefined) return { cell, label: '', confidence: 'low', placeholder: true, reason: 'the field has no options' };

  const sameLetters = options.find((option) => looseForm(option.label) === cellLoose && cellLoose !== '');
  if (sameLetters !== undefined) return { cell, label: sameLetters.label, confidence: 'high', placeholder: false, reason: 'same letters' };

  const cellMeanings = meaningsOf(cellWords, cellLoose);
  const byMeaning = options.filter((option) => meaningsOf(words(option.label), looseForm(option.label)).some((meaning) => cellMeanings.includes(meaning)));
  if (byMeaning.length === 1 && byMeaning[0] !== undefined) {
    const shared = cellMeanings.find((meaning) => meaningsOf(words(byMeaning[0]!.label), looseForm(byMeaning[0]!.label)).includes(meaning));
    return { cell, label: byMeaning[0].label, confidence: 'medium', placeholder: false, reason: `same meaning ("${shared ?? ''}")` };
  }

  let best = first;
  let bestScore = 0;
  for (const option of byMeaning.length > 1 ? byMeaning : options) {
    const score = similarity(cellWords, cellLoose, option.label);
    if (score > bestScore) {
      best = option;
      bestScore = score;
    }
  }
  if (bestScore >= 0.5) return { cell, label: best.label, confidence: bestScore >= 0.75 ? 'medium' : 'low', placeholder: false, reason: 'similar spelling' };
  return { cell, label: best.label, confidence: 'low', placeholder: true, reason: 'no close option' };
}

/** The meanings of {@link OPTION_MEANINGS} a text carries. */
function meaningsOf(textWords: readonly string[], textLoose: string): string[] {
  return Object.entries(OPTION_MEANINGS)
    .filter(([, meaningWords]) => meaningWords.some((word) => mentions(textWords, textLoose, word)))
    .map(([meaning]) => meaning);
}

/** 0–1: shared word stems (`Negotiations` ~ `Negotiation`), one name inside the other, or few edits apart. */
function similarity(cellWords: readonly string[], cellLoose: string, label: string): number {
  const labelWords = words(label);
  const labelLoose = looseForm(label);
  const stem = (word: string): string => word.slice(0, 5);
  const shared = labelWords.filter((word) => word.length >= 4 && cellWords.some((other) => other.length >= 4 && stem(other) === stem(word))).length;
  const byWords = labelWords.length === 0 ? 0 : shared / Math.max(labelWords.length, cellWords.length);
  const inside = labelLoose.length >= 4 && cellLoose.length >= 4 && (cellLoose.includes(labelLoose) || labelLoose.includes(cellLoose)) ? 0.7 : 0;
  const longest = Math.max(labelLoose.length, cellLoose.length);
  const bySpelling = longest === 0 ? 0 : 1 - editDistance(labelLoose, cellLoose) / longest;
  return Math.max(byWords, inside, bySpelling);
}

/** The separator that splits the cells into the most known options; undefined when no cell holds one. */
function detectSplit(sample: ColumnSample, index: OptionIndex): string | undefined {
  let best: string | undefined;
  let bestKnown = 0;
  for (const separator of SPLIT_CANDIDATES) {
    if (![...sample.counts.keys()].some((cell) => cell.includes(separator))) continue;
    let known = 0;
    for (const cell of sample.counts.keys()) known += cell.split(separator).filter((item) => index.match(item).ok).length;
    if (best === undefined || known > bestKnown) {
      best = separator;
      bestKnown = known;
    }
  }
  return best;
}
