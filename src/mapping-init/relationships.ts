/**
 * Relationship guesses. Lightfield finds accounts by name or website and members by email or full
 * name, so a relationship is only guessed where the cells can be looked up: an account by a
 * company-like column (by website when it holds domains, since names repeat — two companies called
 * Globex), a member by a column of email addresses, or else of names.
 */
import type { RelationshipDefinition } from '../lightfield/types.js';
import type { LookupSpec } from '../mapping/types.js';
import { examples, isEmail, isWebsite, MOST, shareOf, type ColumnSample } from './column-sample.js';
import { confidenceOf, scoreName, type NameTarget } from './name-match.js';
import type { Confidence } from './types.js';
import { ACCOUNT_NAME_PHRASES, ACCOUNT_WEBSITE_PHRASES, BARE_WEBSITE_PHRASES, EMAIL_WORDS, OWNER_PHRASES, words } from './vocabulary.js';

export interface RelationshipGuess {
  column: ColumnSample;
  lookup: LookupSpec;
  confidence: Confidence;
  reason: string;
  /** Another column that would do, for the report. */
  alternative: string | undefined;
}

/** A guess, or why the best-named column was not used (undefined when no column is named like it). */
export type RelationshipOutcome = { guess: RelationshipGuess } | { refused: { column: string; reason: string } } | undefined;

interface Scored {
  column: ColumnSample;
  score: number;
  reason: string;
}

export function guessRelationship(
  key: string,
  definition: RelationshipDefinition,
  objectType: string,
  columns: readonly ColumnSample[],
): RelationshipOutcome {
  if (objectType === 'account') return guessAccount(key, definition, columns);
  if (objectType === 'member') return guessMember(key, definition, columns);
  return undefined;
}

function guessAccount(key: string, definition: RelationshipDefinition, columns: readonly ColumnSample[]): RelationshipOutcome {
  const own = ownNames(key, definition);
  const isAccount = key === '$account';
  const byName = best(columns, { label: definition.label, names: own, synonyms: isAccount ? ACCOUNT_NAME_PHRASES : [] }, (column) => shareOf(column, (cell) => isWebsite(cell) || isEmail(cell)) < 0.5);
  const websiteNames = isAccount ? [...ACCOUNT_WEBSITE_PHRASES, ...(byName === undefined ? BARE_WEBSITE_PHRASES : [])] : own.map((name) => `${name} website`);
  const byWebsite = best(columns, { label: `${definition.label} website`, names: websiteNames, synonyms: [] }, (column) => column.values.length > 0 && shareOf(column, isWebsite) >= MOST);
  // Names repeat (two companies called Globex), domains do not: the website wins unless it is emptier.
  if (byWebsite !== undefined && (byName === undefined || byWebsite.column.values.length >= byName.column.values.length)) {
    return {
      guess: {
        column: byWebsite.column,
        lookup: { object: 'account', by: '$website' },
        confidence: confidenceOf(byWebsite.score),
        reason: `${byWebsite.reason}; its cells are web addresses, which tell accounts apart better than names`,
        alternative: byName?.column.name,
      },
    };
  }
  if (byName === undefined) return undefined;
  return {
    guess: { column: byName.column, lookup: { object: 'account', by: '$name' }, confidence: confidenceOf(byName.score), reason: byName.reason, alternative: byWebsite?.column.name },
  };
}

function guessMember(key: string, definition: RelationshipDefinition, columns: readonly ColumnSample[]): RelationshipOutcome {
  const target: NameTarget = { label: definition.label, names: ownNames(key, definition), synonyms: key === '$owner' ? OWNER_PHRASES : [], ignoredWords: EMAIL_WORDS };
  const named = best(columns, target, () => true);
  if (named === undefined) return undefined;
  if (named.column.values.length === 0) {
    return { refused: { column: named.column.name, reason: `named like ${key} ("${definition.label}"), but empty in every sampled row` } };
  }
  if (shareOf(named.column, isEmail) >= MOST) {
    return {
      guess: { column: named.column, lookup: { object: 'member', by: '$email' }, confidence: confidenceOf(named.score), reason: named.reason, alternative: undefined },
    };
  }
  // Names can repeat where email addresses do not: a name two members share fails its rows as ambiguous.
  return {
    guess: {
      column: named.column,
      lookup: { object: 'member', by: '$name' },
      confidence: 'medium',
      reason: `${named.reason}; its cells are names, not email addresses (${examples(named.column)}): members are found by full name`,
      alternative: undefined,
    },
  };
}

/** The relationship's label and key in words form: `owner`, `created by`. */
function ownNames(key: string, definition: RelationshipDefinition): string[] {
  return [...new Set([words(definition.label).join(' '), words(key).join(' ')])];
}

/** The best-named column that passes `fits`; earlier columns win ties. */
function best(columns: readonly ColumnSample[], target: NameTarget, fits: (column: ColumnSample) => boolean): Scored | undefined {
  let found: Scored | undefined;
  for (const column of columns) {
    const named = scoreName(column, target);
    if (named === undefined || (found !== undefined && named.score <= found.score) || !fits(column)) continue;
    found = { column, ...named };
  }
  return found;
}
