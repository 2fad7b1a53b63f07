/** `lightfield-import emulator`: the local API emulator in the foreground until Ctrl-C. */
import { ImportError } from '../errors.js';
import { startEmulator } from '../emulator/index.js';
import type { EmulatorArguments } from './commands.js';

export function parseLatency(text: string | undefined): number | { min: number; max: number } | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (!match) throw new ImportError('usage', `--latency must be milliseconds like '200' or a range like '80-250', got '${text}'`);
  const min = Number(match[1]);
  const max = match[2] === undefined ? min : Number(match[2]);
  if (max < min) throw new ImportError('usage', `--latency range '${text}' ends below its start`);
  return min === max ? min : { min, max };
}

export async function runEmulatorCommand(args: EmulatorArguments, signal: AbortSignal): Promise<number> {
  if (args.faults !== undefined && !(args.faults >= 0 && args.faults <= 1)) {
    throw new ImportError('usage', `--faults must be a share between 0 and 1, got ${args.faults}`);
  }
  const latencyMs = parseLatency(args.latency);
  const emulator = await startEmulator({
    port: args.port,
    host: args.host,
    rate: args.rate,
    indexLagMs: args.indexLag,
    errorEnvelope: args.errorEnvelope,
    conflictType: args.conflictType,
    retryAfterMs: args.retryAfterMs,
    definitionExtras: args.definitionExtras,
    ...(latencyMs !== undefined ? { latencyMs } : {}),
    ...(args.apiKey !== undefined ? { apiKey: args.apiKey } : {}),
    ...(args.faults !== undefined && args.faults > 0
      ? { faults: { probability: args.faults, kinds: ['500', '503', 'commit_then_500', 'drop', 'commit_then_drop'], only: 'write' } }
      : {}),
  });
  process.stdout.write(
    `Lightfield API emulator listening on ${emulator.url}\n` +
      `  export LIGHTFIELD_BASE_URL=${emulator.url}\n` +
      `  export LIGHTFIELD_API_KEY=sk_lf_emulator_key   # any key starting sk_lf_ is accepted${args.apiKey ? ' (here: only the one given)' : ''}\n` +
      `  stats: ${emulator.url}/_emulator/stats — Ctrl-C to stop\n`,
  );
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await emulator.close();
  return 0;
}
