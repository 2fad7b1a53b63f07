/**
 * How well a column's name fits a field or relationship: the same name as its label or key, a
 * usual other name for it (vocabulary.ts), a name that contains one, or a near spelling. Exports
 * put the object before their column names (`Deal - Title`, `Opportunity ID`), so each name is
 * also tried without those words, at a small discount.
 */
import { editDistance } from '../mapping/suggest.js';
import type { ColumnSample } from './column-sample.js';
import type { Confidence } from './types.js';
import { OBJECT_WORDS } from './vocabulary.js';

export interface NameTarget {
  /** Shown in the reason: the field's label. */
  label: string;
  /** Phrases that are this target's own names (its label and key, in words form). */
  names: readonly string[];
  /** Usual other names, in words form. */
  synonyms: readonly string[];
  /** Words to ignore in column names (`email` in `Owner Email` for a member relationship). */
  ignoredWords?: ReadonlySet<string>;
}

export interface NameScore {
  /** 0–1. */
  score: number;
  reason: string;
}

/** The discount for each word dropped to make a name fit. */
const DROPPED_WORDS_DISCOUNT = 0.05;

export function scoreName(column: ColumnSample, target: NameTarget): NameScore | undefined {
  let best: NameScore | undefined;
  const consider = (score: number, reason: string): void => {
    if (best === undefined || score > best.score) best = { score, reason };
  };
  for (const { phrase, discount } of columnPhrases(column.words, target.ignoredWords)) {
    if (target.names.includes(phrase)) consider(1 - discount, `same name as "${target.label}"`);
    else if (target.synonyms.includes(phrase)) consider(0.9 - discount, `a usual name for "${target.label}"`);
    else {
      // Only phrases of several words may sit inside a name: "name" inside "Account Name" says nothing.
      const inside = [...target.names, ...target.synonyms].find((known) => known.includes(' ') && ` ${phrase} `.includes(` ${known} `));
      if (inside !== undefined) consider(0.7 - discount, `contains "${inside}"`);
    }
  }
  for (const name of target.names) {
    const loose = name.replace(/ /g, '');
    const allowed = Math.max(1, Math.floor(loose.length / 6));
    if (loose.length >= 5 && column.loose !== loose && editDistance(column.loose, loose, allowed) <= allowed) {
      consider(0.6, `spelled like "${target.label}"`);
    }
  }
  return best;
}

export function confidenceOf(score: number): Confidence {
  return score >= 0.85 ? 'high' : score >= 0.65 ? 'medium' : 'low';
}

/** The name as written, without the object's words, and without ignored words, each with its discount. */
function columnPhrases(columnWords: readonly string[], ignored: ReadonlySet<string> | undefined): Array<{ phrase: string; discount: number }> {
  const withoutObject = columnWords.filter((word, index) => !(OBJECT_WORDS.has(word) && index < columnWords.length - 1));
  const variants: Array<{ words: readonly string[]; dropped: number }> = [
    { words: columnWords, dropped: 0 },
    { words: withoutObject, dropped: columnWords.length - withoutObject.length },
  ];
  if (ignored !== undefined) {
    for (const variant of [...variants]) {
      const kept = variant.words.filter((word) => !ignored.has(word));
      if (kept.length > 0) variants.push({ words: kept, dropped: variant.dropped + variant.words.length - kept.length });
    }
  }
  return variants
    .filter((variant) => variant.words.length > 0)
    .map((variant) => ({ phrase: variant.words.join(' '), discount: Math.min(variant.dropped, 2) * DROPPED_WORDS_DISCOUNT }));
}
