/** `mapping init`: a first mapping suggested from a CSV sample and the object's definitions (pure; the command does the I/O). */
export { suggestMapping, ACCOUNT_PLACEHOLDER } from './suggest-mapping.js';
export type { Confidence, InitMatch, InitReport, MappingInitInput, MappingSuggestion } from './types.js';
