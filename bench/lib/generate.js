/**
 * Generates CSV files shaped like the bundled HubSpot demo export (mappings/demo.json): `;`
 * delimiter, `1.234,50` amounts, `dd/MM/yyyy` dates, a select, a split tag list. Each row has its own
 * `Record ID` (the mapping's identity); companies and owners come from a handful of seeded accounts
 * and members, so that every lookup after the first few is answered from the run's cache.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** Seeded accounts with exactly one active match by name. */
export const COMPANIES = ['Acme Solar', 'Initech', 'Hooli', 'Pied Piper', 'Stark Industries', 'Wayne Enterprises'];
/** Seeded members. */
export const OWNERS = ['ada.lovelace@example.com', 'grace.hopper@example.com', 'alan.turing@example.com'];
const STAGES = ['appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'contractsent', 'closedwon'];
const PRIORITIES = ['Low', 'Medium', 'High'];
const TAGS = ['Partner;SMB', 'Enterprise', 'Renewal', ''];

export const HEADER = 'Record ID;Deal Name;Deal Stage;Amount;Close Date;Company;Deal Owner;Priority;Tags;Next Step';

/** The data line of row `index` (0-based). */
export function rowLine(index) {
  const company = COMPANIES[index % COMPANIES.length];
  const thousands = 1 + ((index * 7) % 97);
  const cents = String((index * 13) % 100).padStart(2, '0');
  const day = String(1 + (index % 28)).padStart(2, '0');
  const month = String(1 + (index % 12)).padStart(2, '0');
  const tags = TAGS[index % TAGS.length];
  return [
    String(9_000_000 + index),
    `${company} – Deal ${index}`,
    STAGES[index % STAGES.length],
    `${thousands}.${String((index * 31) % 1000).padStart(3, '0')},${cents}`,
    `${day}/${month}/2026`,
    company,
    OWNERS[index % OWNERS.length],
    PRIORITIES[index % PRIORITIES.length],
    tags.includes(';') ? `"${tags}"` : tags,
    `Call back on day ${index % 30}`,
  ].join(';');
}

/**
 * Writes `rows` data rows to `path`, rows `first` … `first + rows - 1` (files for importers running
 * side by side get disjoint identities); resolves with the file's size in bytes.
 */
export async function generateCsv(path, rows, first = 0) {
  const out = createWriteStream(path);
  out.write(`${HEADER}\n`);
  let chunk = '';
  for (let index = first; index < first + rows; index += 1) {
    chunk += `${rowLine(index)}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return out.bytesWritten;
}
