/**
 * Hints for grouped problems, ready to paste into the mapping where they can be: a `values` block
 * for unknown select labels, the date formats that read every failing cell, `round` for amounts with
 * too many decimals, `create` for accounts a lookup did not find.
 */
import type { Definitions } from '../lightfield/types.js';
import { datetimeConverter } from '../mapping/convert-datetime.js';
import type { CompiledMapping } from '../mapping/types.js';
import { DATE_FORMATS } from '../mapping-init/detect-date.js';
import { guessOption } from '../mapping-init/select-values.js';
import type { GroupSample, HintFor } from '../report/problems.js';

export function problemHints(compiled: CompiledMapping, definitions: Definitions): HintFor {
  const fieldOf = (column: string): { key: string; path: string } | undefined => {
    const field = compiled.fields.find((candidate) => candidate.source.kind === 'column' && candidate.source.column === column);
    return field === undefined ? undefined : { key: field.key, path: `fields.${field.key}` };
  };
  const relationshipOf = (column: string): { key: string; object: string; by: string | undefined } | undefined => {
    const relationship = compiled.relationships.find((candidate) => candidate.source.kind === 'column' && candidate.source.column === column);
    return relationship === undefined ? undefined : { key: relationship.key, object: relationship.lookup?.object ?? relationship.objectType, by: relationship.lookup?.by };
  };
  return (group: GroupSample): string => {
    const field = fieldOf(group.column);
    switch (group.code) {
      case 'unknown_option':
        return field === undefined ? '' : valuesHint(field.key, field.path, group, definitions);
      case 'bad_date':
      case 'ambiguous_date':
        return field === undefined ? '' : dateHint(field.path, group);
      case 'too_many_decimals':
        return field === undefined ? '' : `add "round": 2 to ${field.path} to round half to even (each rounded cell is noted on its row), or fix the cells`;
      case 'lookup_not_found': {
        const relationship = relationshipOf(group.column);
        if (relationship === undefined) return '';
        const count = `${group.values.length}${group.values.length >= 100 ? '+' : ''} distinct ${relationship.object === 'member' ? 'values' : 'names'}`;
        if (relationship.object === 'account' || relationship.object === 'contact') {
          return `${count} not found: to create them, add "create": { "$name": "${group.column}" } to relationships.${relationship.key}.lookup (find-or-create), or import them first`;
        }
        if (relationship.object === 'member') {
          const [what, example] = relationship.by === '$name' ? ['full name', 'Jane Doe'] : ['email address', 'name@example.com'];
          return `${count} match no member: map them in relationships.${relationship.key}.values to a member's ${what} or ID, e.g. ${JSON.stringify({ [group.values[0] ?? 'jsmith']: example })}`;
        }
        return `${count} not found in Lightfield`;
      }
      case 'source_id_not_imported':
        return 'import the file those source IDs come from first (same --state), then run this one again';
      case 'not_an_id': {
        const relationship = relationshipOf(group.column);
        return relationship === undefined ? '' : `the cells are not Lightfield IDs: add a "lookup" to relationships.${relationship.key}`;
      }
      default:
        return '';
    }
  };
}

/** A `values` block mapping every unknown cell to its closest option (or a placeholder to choose). */
function valuesHint(key: string, path: string, group: GroupSample, definitions: Definitions): string {
  const options = definitions.fieldDefinitions[key]?.typeConfiguration.options ?? [];
  const values: Record<string, string> = {};
  for (const cell of group.values) {
    const guess = guessOption(cell, options);
    values[cell] = guess.placeholder ? `<one of: ${options.map((option) => option.label).join(' | ')}>` : guess.label;
  }
  return `add to ${path}: "values": ${JSON.stringify(values)}`;
}

/** The formats that read every failing cell; when none does, how each cell reads. */
function dateHint(path: string, group: GroupSample): string {
  const formats = DATE_FORMATS.filter((format): format is string => format !== undefined).map((format) => ({
    format,
    reads: datetimeConverter({ format, timezone: 'UTC', dateOnly: false }),
  }));
  const reading = formats.filter(({ reads }) => group.values.length > 0 && group.values.every((cell) => reads(cell).ok)).map(({ format }) => format);
  if (reading.length === 0) {
    const each = group.values.slice(0, 3).map((cell) => {
      const format = formats.find(({ reads }) => reads(cell).ok)?.format;
      return `${JSON.stringify(cell)} ${format === undefined ? 'is not a date in any common format' : `reads as "${format}"`}`;
    });
    return `no one date format reads all these cells (${each.join('; ')}): fix them in the file, or give "format" in Luxon tokens`;
  }
  if (reading.length === 1) return `set "format": "${reading[0]}" in ${path}`;
  return `these formats read every failing cell: ${reading.map((format) => `"${format}"`).join(', ')}; set the right one as "format" in ${path}`;
}
