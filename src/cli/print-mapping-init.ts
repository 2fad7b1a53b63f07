/** What `mapping init` prints: what it matched and how surely, what it could not, what to check, and the next command. */
import type { InitMatch } from '../mapping-init/index.js';
import type { MappingInitResult } from './mapping-init-command.js';
import { quoteText } from '../quote-text.js';

export function printMappingInit(result: MappingInitResult, csvPath: string, json: boolean): void {
  process.stdout.write(json ? `${JSON.stringify(mappingInitJson(result), null, 2)}\n` : mappingInitText(result, csvPath));
}

export function mappingInitJson(result: MappingInitResult): object {
  const { path, delimiter, encoding, encodingGuessed, report } = result;
  return { command: 'mapping init', exitCode: 0, mapping: path, delimiter, encoding, encodingGuessed, ...report };
}

export function mappingInitText(result: MappingInitResult, csvPath: string): string {
  const { report } = result;
  const lines: string[] = [];
  const encoding = result.encodingGuessed ? `${result.encoding} (the file is not UTF-8)` : result.encoding;
  lines.push(
    `Wrote ${result.path} from ${csvPath}: ${report.rowsSampled} ${report.rowsSampled === 1 ? 'row' : 'rows'} sampled, ` +
      `delimiter ${describeDelimiter(result.delimiter)}, encoding ${encoding}.`,
    '',
    'Matched:',
  );
  const width = Math.max(...report.matches.map((match) => match.target.length));
  const columnWidth = Math.max(...report.matches.map((match) => columnText(match).length));
  for (const match of report.matches) {
    lines.push(`  ${match.target.padEnd(width)}  ${columnText(match).padEnd(columnWidth)}  ${match.confidence.padEnd(6)}  ${match.reason}`);
    for (const detail of match.details) lines.push(`  ${' '.repeat(width)}      ${detail}`);
  }
  if (report.nullValues.length > 0) {
    lines.push('', `Null values ("nullValues"): ${report.nullValues.map(({ marker, count }) => `"${marker}" (${count} ${count === 1 ? 'cell' : 'cells'})`).join(', ')}`);
  }
  if (report.unmatched.length > 0) {
    lines.push('', 'Not matched (the mapping does not read these columns):');
    const unmatchedWidth = Math.max(...report.unmatched.map(({ column }) => quoteText(column).length));
    for (const { column, reason } of report.unmatched) {
      lines.push(`  ${quoteText(column).padEnd(unmatchedWidth)}  ${reason ?? 'no field or relationship has a similar name'}`);
    }
  }
  if (report.toCheck.length > 0) {
    lines.push('', 'Check before importing:');
    for (const item of report.toCheck) lines.push(`  - ${item}`);
  }
  const readingFlags = result.encoding === 'utf8' ? '' : ` --encoding ${result.encoding}`;
  lines.push('', `Next: lightfield-import plan ${quoteArgument(csvPath)} -m ${quoteArgument(result.path)}${readingFlags}`, '');
  return lines.join('\n');
}

function columnText(match: InitMatch): string {
  return match.column === undefined ? '(placeholder)' : `← "${match.column}"`;
}

function describeDelimiter(delimiter: string): string {
  return delimiter === '\t' ? 'tab' : `"${delimiter}"`;
}

/** Quotes a path for a POSIX shell when it holds more than plain characters. */
function quoteArgument(text: string): string {
  return /^[\w./@:-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
