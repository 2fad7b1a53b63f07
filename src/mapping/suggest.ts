/** "Did you mean …" for mapping errors, and the label normalisation select matching uses. */
import { quoteText } from '../quote-text.js';

/** Lower case with runs of whitespace collapsed to one space and the ends trimmed: how labels are compared. */
export function normalizeLabel(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Like {@link normalizeLabel}, also ignoring spaces, `_`, `-` and `$`, for near-miss suggestions. */
function looseForm(text: string): string {
  return text.toLowerCase().replace(/[\s_\-$]+/g, '');
}

/**
 * The candidates closest to `wanted`, best first: same text up to case and spacing, then small
 * edit distances (at most a third of the length, at least 2). Empty when nothing is close.
 */
export function closestMatches(wanted: string, candidates: Iterable<string>, limit = 3): string[] {
  const loose = looseForm(wanted);
  const scored: Array<{ candidate: string; score: number }> = [];
  const seen = new Set<string>();
  for (const candidate of candidates) {
    if (seen.has(candidate)) continue;
    seen.add(candidate);
    const candidateLoose = looseForm(candidate);
    if (candidateLoose === loose) {
      scored.push({ candidate, score: 0 });
      continue;
    }
    const allowed = Math.max(2, Math.floor(Math.max(loose.length, candidateLoose.length) / 3));
    const distance = editDistance(loose, candidateLoose, allowed);
    if (distance <= allowed) scored.push({ candidate, score: distance });
  }
  return scored
    .sort((left, right) => left.score - right.score || left.candidate.localeCompare(right.candidate))
    .slice(0, limit)
    .map((entry) => entry.candidate);
}

/** Levenshtein distance, giving up (returning `limit + 1`) once it exceeds `limit`. */
export function editDistance(left: string, right: string, limit = Number.MAX_SAFE_INTEGER): number {
  if (Math.abs(left.length - right.length) > limit) return limit + 1;
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let row = 1; row <= left.length; row++) {
    const current = [row];
    let rowMinimum = row;
    for (let column = 1; column <= right.length; column++) {
      const substitution = (previous[column - 1] ?? 0) + (left[row - 1] === right[column - 1] ? 0 : 1);
      const value = Math.min((previous[column] ?? 0) + 1, (current[column - 1] ?? 0) + 1, substitution);
      current.push(value);
      rowMinimum = Math.min(rowMinimum, value);
    }
    if (rowMinimum > limit) return limit + 1;
    previous = current;
  }
  return previous[right.length] ?? limit + 1;
}

/** `"a", "b" or "c"`: a list of quoted names for a message, shortened after `limit`. */
export function quotedList(items: readonly string[], limit = 20): string {
  const shown = items.slice(0, limit).map((item) => quoteText(item));
  const rest = items.length - shown.length;
  return rest > 0 ? `${shown.join(', ')} and ${rest} more` : shown.join(', ');
}

/** `$name (Name), amount (Amount)`: defined keys with their labels, for messages. */
export function describeKeys(entries: ReadonlyArray<readonly [string, { label: string }]>): string {
  return entries.map(([key, definition]) => `${key} (${definition.label})`).join(', ');
}
