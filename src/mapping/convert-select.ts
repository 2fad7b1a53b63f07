/**
 * SINGLE_SELECT and MULTI_SELECT cells: the text (after the mapping's `values` aliases) is
 * matched to an option label (case-insensitive, whitespace-collapsed) or an option ID and sent as
 * the option ID. Two options with the same normalised label are never chosen between silently.
 */
import type { SelectOption } from '../lightfield/types.js';
import { normalizeLabel, quotedList } from './suggest.js';
import type { Conversion } from './types.js';
import { quoteText } from '../quote-text.js';

/** Labels listed in an "unknown option" message at most. */
const MAX_LABELS_SHOWN = 25;

export type OptionMatch =
  | { ok: true; id: string }
  | {
      ok: false;
      code: 'unknown_option' | 'ambiguous_option';
      /** The valid labels (unknown) or the candidates (ambiguous), for the message. */
      detail: string;
    };

/** Option lookup tables of one select field, built once per mapping. */
export class OptionIndex {
  readonly #byId = new Map<string, SelectOption>();
  readonly #byLabel = new Map<string, SelectOption[]>();
  readonly #labels: string[];
  readonly fieldKey: string;

  constructor(fieldKey: string, options: readonly SelectOption[]) {
    this.fieldKey = fieldKey;
    for (const option of options) {
      this.#byId.set(option.id, option);
      const label = normalizeLabel(option.label);
      const list = this.#byLabel.get(label) ?? [];
      list.push(option);
      this.#byLabel.set(label, list);
    }
    this.#labels = options.map((option) => option.label);
  }

  /** Matches a label or an option ID. */
  match(text: string): OptionMatch {
    const byId = this.#byId.get(text.trim());
    if (byId !== undefined) return { ok: true, id: byId.id };
    const candidates = this.#byLabel.get(normalizeLabel(text)) ?? [];
    const [only] = candidates;
    if (candidates.length === 1 && only !== undefined) return { ok: true, id: only.id };
    if (candidates.length > 1) {
      const listed = candidates.map((option) => `${JSON.stringify(option.label)} = ${option.id}`).join(', ');
      return {
        ok: false,
        code: 'ambiguous_option',
        detail: `several options have this label: ${listed}; map it to one option ID with "values"`,
      };
    }
    return {
      ok: false,
      code: 'unknown_option',
      detail: this.#labels.length === 0 ? 'the field has no options' : `options: ${quotedList(this.#labels, MAX_LABELS_SHOWN)}`,
    };
  }
}

/**
 * Reads one select value: `values` aliases first (keys compared like labels), then labels and IDs.
 * `aliases` maps a normalised alias to the option ID it was resolved to when the mapping compiled.
 */
export function selectOne(text: string, options: OptionIndex, aliases: ReadonlyMap<string, string>): Conversion {
  const aliased = aliases.get(normalizeLabel(text));
  if (aliased !== undefined) return { ok: true, value: aliased };
  const match = options.match(text);
  if (match.ok) return { ok: true, value: match.id };
  const what = match.code === 'unknown_option' ? 'an option' : 'exactly one option';
  return { ok: false, code: match.code, expected: `${what} of ${options.fieldKey} (${match.detail})` };
}

/** Reads several select values, keeping the first occurrence of each option. */
export function selectMany(
  items: readonly string[],
  options: OptionIndex,
  aliases: ReadonlyMap<string, string>,
): Conversion {
  const ids: string[] = [];
  for (const item of items) {
    const aliased = aliases.get(normalizeLabel(item));
    const match: OptionMatch = aliased !== undefined ? { ok: true, id: aliased } : options.match(item);
    if (!match.ok) {
      const problem = match.code === 'unknown_option' ? 'is unknown' : 'is ambiguous';
      return {
        ok: false,
        code: match.code,
        expected: `a list of options of ${options.fieldKey} (${quoteText(item)} ${problem}; ${match.detail})`,
      };
    }
    if (!ids.includes(match.id)) ids.push(match.id);
  }
  return { ok: true, value: ids };
}
