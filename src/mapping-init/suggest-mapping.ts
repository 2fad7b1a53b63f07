/**
 * `mapping init`'s core, pure: from a CSV header, sampled rows and the object's definitions to a
 * mapping and a report of what was matched, how surely, and what to check. No file, no network.
 *
 * Order matters: relationships first (a company or owner-email column is a lookup, not a text
 * field), then the identity, then fields, each column used once (the identity column may also
 * fill a legacy-ID field), then placeholders for whatever required key is still missing, so that
 * the mapping always compiles.
 */
import type { Definitions, FieldDefinition } from '../lightfield/types.js';
import { OBJECTS } from '../lightfield/objects.js';

/** What every opportunity needs (mapping init writes opportunity mappings). */
const REQUIRED_FIELDS = OBJECTS.opportunity.requiredFields;
const REQUIRED_RELATIONSHIPS = OBJECTS.opportunity.requiredRelationships;
import type { FieldSpec, MappingFile, RelationshipSpec } from '../mapping/types.js';
import { parseNumber } from '../mapping/convert-number.js';
import { examples, findNullMarkers, MOST, sampleColumns, shareOf, type ColumnSample } from './column-sample.js';
import { readField, type FileHints } from './field-reading.js';
import { guessIdentity, isLegacyIdField } from './identity.js';
import { confidenceOf, scoreName, type NameTarget } from './name-match.js';
import { guessRelationship } from './relationships.js';
import type { Confidence, InitMatch, InitReport, MappingInitInput, MappingSuggestion } from './types.js';
import { FIELD_SYNONYMS, words } from './vocabulary.js';

/** The `$account` placeholder: a lookup that finds nothing, so every row fails with this text until the mapping is fixed. */
export const ACCOUNT_PLACEHOLDER = 'no account column was found: edit relationships.$account in the mapping';

interface FieldChoice {
  key: string;
  spec: FieldSpec & { column: string };
  column: ColumnSample;
  score: number;
  reason: string;
  details: string[];
  toCheck: string[];
}

export function suggestMapping(input: MappingInitInput): MappingSuggestion {
  const { definitions } = input;
  const nullMarkers = findNullMarkers(input.rows);
  const columns = sampleColumns(input.header, input.rows, new Set(nullMarkers.map((entry) => entry.marker)));
  const report: InitReport = { rowsSampled: input.rows.length, nullValues: nullMarkers, matches: [], unmatched: [], toCheck: [] };
  const used = new Set<number>();
  /** Why a column named like something was not used for it, for the unmatched list. */
  const nearMisses = new Map<string, string>();

  const relationships = chooseRelationships(definitions, columns, used, report, nearMisses);
  const identity = guessIdentity(columns);
  for (const { column, reason } of identity.rejected) nearMisses.set(column, reason);
  if (identity.column === undefined) {
    report.toCheck.push(
      `identity: none guessed (${identity.reason}); rows are then told apart by every cell the mapping reads: add "identity": ["<ID column>"] if the export has a record ID`,
    );
  } else {
    report.matches.push({ target: 'identity', column: identity.column.name, confidence: 'high', reason: identity.reason, details: [] });
  }
  const hints: FileHints = { delimiter: input.delimiter, dayFirst: input.delimiter === ';' || hasDecimalCommas(columns) };
  const fields = chooseFields(definitions, columns, identity.sourceId, hints, used, report, nearMisses);

  for (const column of columns) {
    if (used.has(column.index) || column === identity.column) continue;
    report.unmatched.push({ column: column.name, reason: column.name === '' ? `column ${column.index + 1} has no name, so it cannot be mapped` : nearMisses.get(column.name) });
  }
  const mapping: MappingFile = {
    object: 'opportunity',
    namespace: input.namespace,
    ...(identity.column === undefined ? {} : { identity: [identity.column.name] }),
    ...(nullMarkers.length === 0 ? {} : { nullValues: nullMarkers.map((entry) => entry.marker) }),
    fields,
    relationships,
  };
  return { mapping, report };
}

function chooseRelationships(
  definitions: Definitions,
  columns: readonly ColumnSample[],
  used: Set<number>,
  report: InitReport,
  nearMisses: Map<string, string>,
): Record<string, RelationshipSpec> {
  const relationships: Record<string, RelationshipSpec> = {};
  for (const [key, definition] of Object.entries(definitions.relationshipDefinitions)) {
    if (definition.readOnly === true) continue;
    const free = columns.filter((column) => !used.has(column.index));
    const outcome = guessRelationship(key, definition, singularObjectType(definition.objectType), free);
    if (outcome === undefined) continue;
    if ('refused' in outcome) {
      nearMisses.set(outcome.refused.column, outcome.refused.reason);
      continue;
    }
    const { guess } = outcome;
    used.add(guess.column.index);
    relationships[key] = { column: guess.column.name, lookup: guess.lookup };
    if (guess.alternative !== undefined) {
      nearMisses.set(guess.alternative, `could be relationships.${key} instead (lookup by ${guess.lookup.by === '$website' ? '$name' : '$website'})`);
    }
    report.matches.push({
      target: `relationships.${key}`,
      column: guess.column.name,
      confidence: guess.confidence,
      reason: guess.reason,
      details: [`lookup ${guess.lookup.object} by ${guess.lookup.by}`],
    });
  }
  for (const key of REQUIRED_RELATIONSHIPS) {
    if (relationships[key] !== undefined) continue;
    relationships[key] = { value: ACCOUNT_PLACEHOLDER, lookup: { object: 'account', by: '$name' } };
    report.matches.push({ target: `relationships.${key}`, column: undefined, confidence: 'low', reason: 'no column is named like a company or account', details: ['placeholder'] });
    report.toCheck.push(
      `relationships.${key}: no company or account column was found; every row fails its lookup until you set "column" to the column of account names (or websites, with "by": "$website")`,
    );
  }
  return relationships;
}

function chooseFields(
  definitions: Definitions,
  columns: readonly ColumnSample[],
  sourceId: ColumnSample | undefined,
  hints: FileHints,
  used: Set<number>,
  report: InitReport,
  nearMisses: Map<string, string>,
): Record<string, string | FieldSpec> {
  const writable = Object.entries(definitions.fieldDefinitions).filter(([, definition]) => definition.readOnly !== true);
  const candidates: FieldChoice[] = [];
  for (const [key, definition] of writable) {
    const target = fieldTarget(key, definition);
    for (const column of columns) {
      if (used.has(column.index)) continue;
      const named = scoreName(column, target);
      if (named === undefined) continue;
      const reading = readField(key, definition, column, hints);
      if (!reading.ok) {
        nearMisses.set(column.name, reading.reason);
        continue;
      }
      candidates.push({ key, column, score: named.score, reason: named.reason, spec: reading.spec, details: reading.details, toCheck: reading.toCheck });
    }
  }
  candidates.sort((left, right) => right.score - left.score || left.column.index - right.column.index);
  const chosen = new Map<string, FieldChoice>();
  for (const candidate of candidates) {
    if (chosen.has(candidate.key) || used.has(candidate.column.index)) continue;
    chosen.set(candidate.key, candidate);
    used.add(candidate.column.index);
  }

  const usedAsField = (column: ColumnSample): boolean => [...chosen.values()].some((choice) => choice.column === column);
  if (sourceId !== undefined && !usedAsField(sourceId)) {
    const legacy = writable.find(([key, definition]) => !chosen.has(key) && isLegacyIdField(key, definition));
    if (legacy !== undefined) {
      const [key] = legacy;
      used.add(sourceId.index);
      chosen.set(key, {
        key,
        column: sourceId,
        score: 0.7,
        reason: 'the source record ID: kept on the record, it lets a later run find a record whose create was left in flight',
        spec: { column: sourceId.name },
        details: [],
        toCheck: [],
      });
    }
  }

  const fields: Record<string, string | FieldSpec> = {};
  const addChoice = (choice: FieldChoice): void => {
    fields[choice.key] = Object.keys(choice.spec).length === 1 ? choice.spec.column : choice.spec;
    report.matches.push({
      target: `fields.${choice.key}`,
      column: choice.column.name,
      confidence: confidenceOf(choice.score),
      reason: choice.reason,
      details: choice.details,
    });
    report.toCheck.push(...choice.toCheck);
  };
  for (const key of REQUIRED_FIELDS) {
    const choice = chosen.get(key);
    if (choice !== undefined) {
      addChoice(choice);
      continue;
    }
    const placeholder = requiredPlaceholder(key, definitions.fieldDefinitions[key], columns, used);
    fields[key] = placeholder.spec;
    report.matches.push(placeholder.match);
    report.toCheck.push(placeholder.toCheck);
  }
  const others = [...chosen.values()].filter((choice) => !REQUIRED_FIELDS.includes(choice.key));
  for (const choice of others.sort((left, right) => left.column.index - right.column.index)) addChoice(choice);
  return fields;
}

/** `$name` from the first free column of text (or any free column); `$stage` as a constant first option. Either way the report says to check it. */
function requiredPlaceholder(
  key: string,
  definition: FieldDefinition | undefined,
  columns: readonly ColumnSample[],
  used: Set<number>,
): { spec: string | FieldSpec; match: InitMatch; toCheck: string } {
  const low: Confidence = 'low';
  if (key === '$stage' || definition?.valueType === 'SINGLE_SELECT') {
    const label = definition?.typeConfiguration.options?.[0]?.label ?? '';
    return {
      spec: { value: label },
      match: { target: `fields.${key}`, column: undefined, confidence: low, reason: 'no column is named like a stage', details: [`every row gets "${label}"`] },
      toCheck: `fields.${key}: no stage column was found; every row gets the stage "${label}": map the column that holds the stage if there is one`,
    };
  }
  const free = columns.filter((column) => !used.has(column.index));
  // Any free column rather than a constant: a mapping that reads no column cannot tell rows apart.
  const text = free.find((column) => column.values.length > 0 && shareOf(column, (cell) => !parseNumber(cell, '.').ok) >= MOST) ?? free[0];
  if (text !== undefined) {
    used.add(text.index);
    return {
      spec: text.name,
      match: { target: `fields.${key}`, column: text.name, confidence: low, reason: 'no column is named like a name: the first column of text', details: text.values.length === 0 ? [] : [`e.g. ${examples(text, 2)}`] },
      toCheck: `fields.${key}: "${text.name}" is only a guess (no column is named like a name): map the column that names each record`,
    };
  }
  return {
    spec: { value: 'Imported opportunity' },
    match: { target: `fields.${key}`, column: undefined, confidence: low, reason: 'no column of text was found', details: ['placeholder'] },
    toCheck: `fields.${key}: no column could name the records, so every one is called "Imported opportunity": map a column`,
  };
}

function fieldTarget(key: string, definition: FieldDefinition): NameTarget {
  const label = words(definition.label).join(' ');
  const keyWords = words(key).join(' ');
  return {
    label: definition.label,
    names: [...new Set([label, keyWords])],
    synonyms: FIELD_SYNONYMS[label] ?? FIELD_SYNONYMS[keyWords] ?? [],
  };
}

/** `accounts`, `Account` → `account`. */
function singularObjectType(objectType: string): string {
  const lower = objectType.trim().toLowerCase();
  return lower.endsWith('s') ? lower.slice(0, -1) : lower;
}

/** Whether some column holds numbers written with a decimal comma (`1.234,56`): the export is European. */
function hasDecimalCommas(columns: readonly ColumnSample[]): boolean {
  return columns.some(
    (column) =>
      column.values.length > 0 &&
      shareOf(column, (cell) => parseNumber(cell, ',').ok) >= MOST &&
      shareOf(column, (cell) => parseNumber(cell, '.').ok) < MOST,
  );
}
