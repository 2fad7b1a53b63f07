/**
 * The emulator, started in the bench's own process (the importer runs in a child process, so the
 * two do not share an event loop), and a sampler of its write arrivals for rate measurements.
 */
import { startEmulator } from '../../dist/emulator/index.js';

export { startEmulator };

/** POST /_emulator/config, the way another process changes a running emulator. */
export async function configureOverHttp(emulator, change) {
  const response = await fetch(`${emulator.url}/_emulator/config`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(change),
  });
  if (!response.ok) throw new Error(`POST /_emulator/config answered ${response.status}: ${await response.text()}`);
}

/**
 * Samples the emulator's write-request and 429 counters every `intervalMs`: the arrival curve of
 * the importer's writes as the server saw it.
 */
export class ArrivalSampler {
  #emulator;
  #timer;
  /** @type {{ at: number, writes: number, rateLimited: number }[]} */
  samples = [];

  constructor(emulator, intervalMs = 10) {
    this.#emulator = emulator;
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), intervalMs);
  }

  #sample() {
    const stats = this.#emulator.stats();
    this.samples.push({ at: performance.now(), writes: stats.requests.write, rateLimited: stats.rateLimited });
  }

  stop() {
    clearInterval(this.#timer);
    this.#sample();
    return this.samples;
  }
}

/** Write arrivals counted in [from, to) by linear reading of the sampled curve (sample spacing ≪ window). */
export function writesBetween(samples, from, to) {
  return countAt(samples, to) - countAt(samples, from);
}

function countAt(samples, at) {
  let count = samples[0]?.writes ?? 0;
  for (const sample of samples) {
    if (sample.at > at) break;
    count = sample.writes;
  }
  return count;
}

/** Time of the last sample at which the write count changed. */
export function lastArrival(samples) {
  for (let index = samples.length - 1; index > 0; index -= 1) {
    if (samples[index].writes !== samples[index - 1].writes) return samples[index].at;
  }
  return samples[0]?.at ?? 0;
}

/** Time of the first sample with at least one write. */
export function firstArrival(samples) {
  return samples.find((sample) => sample.writes > 0)?.at ?? 0;
}

/**
 * One time per write arrival: each write is placed at the first sample that counted it, so a time is
 * at most one sampling interval late.
 */
export function arrivalTimes(samples) {
  const times = [];
  for (let index = 1; index < samples.length; index += 1) {
    for (let count = samples[index - 1].writes; count < samples[index].writes; count += 1) times.push(samples[index].at);
  }
  return times;
}

/** The most arrivals within any window of `windowMs` (half-open), over sorted times. */
export function busiestWindow(times, windowMs) {
  let most = 0;
  let start = 0;
  for (let end = 0; end < times.length; end += 1) {
    while (times[end] - times[start] >= windowMs) start += 1;
    most = Math.max(most, end - start + 1);
  }
  return most;
}
