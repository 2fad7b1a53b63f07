/**
 * The identity column: the source CRM's record ID, named like one (`Record ID`, `Deal - ID`,
 * `potentialid`) and unique and filled in every sampled row. Without one the importer identifies
 * a row by all the cells it reads, so a guess that is wrong (a repeating "ID") would merge records:
 * a column that repeats or has gaps is never taken.
 */
import type { FieldDefinition } from '../lightfield/types.js';
import type { ColumnSample } from './column-sample.js';
import { ID_CORE_WORDS, ID_NAME_WORDS, LEGACY_WORDS, OBJECT_WORDS, words } from './vocabulary.js';

export interface IdentityOutcome {
  /** The identity column, when one is named like an ID and unique and filled in the sample. */
  column: ColumnSample | undefined;
  reason: string;
  /** The best-named ID column even when it repeats: still the source ID, worth keeping in a legacy-ID field. */
  sourceId: ColumnSample | undefined;
  /** ID-named columns that were not taken, and why. */
  rejected: Array<{ column: string; reason: string }>;
}

/** Single-word ID names: `id`, `dealid`, `potentialid`, `crmid`, `nr`. */
const ID_WORD = /^(?:[a-z]+)?(?:id|nr|no|number|nummer)$/;

export function guessIdentity(columns: readonly ColumnSample[]): IdentityOutcome {
  const named = columns
    .map((column) => ({ column, rank: idNameRank(column.words) }))
    .filter((entry): entry is { column: ColumnSample; rank: number } => entry.rank !== undefined)
    .sort((left, right) => left.rank - right.rank || left.column.index - right.column.index);
  const rejected: Array<{ column: string; reason: string }> = [];
  const sourceId = named[0]?.column;
  for (const { column } of named) {
    const filled = column.values.length;
    if (filled === column.rows && column.counts.size === filled && filled > 0) {
      return { column, reason: `named like an ID, and unique and filled in all ${filled} sampled rows`, sourceId: column, rejected };
    }
    const repeated = [...column.counts].find(([, count]) => count > 1)?.[0];
    rejected.push({
      column: column.name,
      reason:
        repeated === undefined
          ? `named like a record ID, but empty in ${column.rows - filled} of ${column.rows} sampled rows, so it cannot tell records apart`
          : `named like a record ID, but repeats ${JSON.stringify(repeated)}, so it cannot tell records apart`,
    });
  }
  const why = rejected.length > 0 ? rejected.map((entry) => `"${entry.column}" is ${entry.reason}`).join('; ') : 'no column is named like a record ID';
  return { column: undefined, reason: why, sourceId, rejected };
}

/** 0 for `ID` / `Record ID` (after the object's words), 1 for other ID-like names, undefined otherwise. */
function idNameRank(columnWords: readonly string[]): number | undefined {
  const own = columnWords.filter((word) => !OBJECT_WORDS.has(word));
  if (own.length === 0) return undefined;
  if (own.join(' ') === 'id' || own.join(' ') === 'record id') return 0;
  if (own.length === 1 && ID_WORD.test(own[0] ?? '') && isObjectPrefixed(own[0] ?? '')) return 1;
  if (own.every((word) => ID_NAME_WORDS.has(word)) && own.some((word) => ID_CORE_WORDS.has(word))) return 1;
  return undefined;
}

/** `potentialid` yes, `accountid` no: a one-word ID name counts when what precedes the ID word is the object or nothing. */
function isObjectPrefixed(word: string): boolean {
  const prefix = word.replace(/(?:id|nr|no|number|nummer)$/, '');
  return prefix === '' || OBJECT_WORDS.has(prefix) || ID_NAME_WORDS.has(prefix) || OBJECT_WORDS.has(`${prefix}s`);
}

/** A text field meant for the source record's ID (`Legacy ID`, `External ID`, or a unique text field). */
export function isLegacyIdField(key: string, definition: FieldDefinition): boolean {
  if (definition.valueType !== 'TEXT' || definition.readOnly === true) return false;
  const fieldWords = [...words(definition.label), ...words(key)];
  const legacyNamed = fieldWords.some((word) => LEGACY_WORDS.has(word)) && fieldWords.some((word) => ID_CORE_WORDS.has(word));
  return legacyNamed || definition.typeConfiguration.unique === true;
}
