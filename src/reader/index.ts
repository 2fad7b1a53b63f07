/** The streaming CSV reader: `openCsv` and its types. */
export { isBlankRecord, openCsv } from './csv-reader.js';
export { CSV_ENCODINGS } from './decode.js';
export type { CsvEncoding, CsvReaderOptions, CsvRecord, CsvSource } from './types.js';
