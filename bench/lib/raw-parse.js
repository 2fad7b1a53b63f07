/**
 * The floor for local overhead: the same file through csv-parse alone (streamed, as the reader
 * does), counting records. Prints { rows }.
 *
 *   node bench/lib/raw-parse.js <file.csv> <delimiter>
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';

const [path, delimiter] = process.argv.slice(2);
let rows = -1; // the header
for await (const record of createReadStream(path).pipe(parse({ delimiter, relax_column_count: true }))) {
  if (record.length > 0) rows += 1;
}
process.stdout.write(`${JSON.stringify({ rows })}\n`);
