/**
 * The baselines the importer is measured against: the same LightfieldClient (and RateLimiter) as the
 * importer, creating opportunities in a bare loop with `concurrency` workers, no CSV, mapping,
 * ledger or report. Run as its own process, like the CLI, so both pay the same process costs.
 *
 *   node bench/lib/client-loop.js <rows> <concurrency> <rate> <accountId>
 *
 * Base URL and key come from LIGHTFIELD_BASE_URL / LIGHTFIELD_API_KEY. Prints one JSON line:
 * { rows, seconds, rowsPerSecond, rateLimited }.
 */
import { randomUUID } from 'node:crypto';
import { LightfieldClient } from '../../dist/lightfield/client.js';
import { RateLimiter } from '../../dist/pacing/rate-limiter.js';

const [rowsText, concurrencyText, rateText, accountId] = process.argv.slice(2);
const rows = Number(rowsText);
const concurrency = Number(concurrencyText);
const rate = Number(rateText);
const pacer = new RateLimiter({ rate });
const client = new LightfieldClient({ pacer });
const run = randomUUID();

let next = 0;
async function worker() {
  for (let index = next++; index < rows; index = next++) {
    await client.createOpportunity(
      { fields: { $name: `Baseline deal ${index}`, $stage: 'Prospecting', amount: 1000 + index }, relationships: { $account: accountId } },
      { idempotencyKey: `bench:${run}:${index}` },
    );
  }
}

const startedAt = performance.now();
await Promise.all(Array.from({ length: concurrency }, () => worker()));
const seconds = (performance.now() - startedAt) / 1000;
process.stdout.write(`${JSON.stringify({ rows, seconds, rowsPerSecond: rows / seconds, rateLimited: pacer.rateLimited })}\n`);
