/**
 * Runs measured child processes: the real CLI (`node bin/lightfield-import.js`). Reports wall time
 * (spawn to exit) and, when asked, the child's peak RSS.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'bin', 'lightfield-import.js');
const RSS_HOOK = fileURLToPath(new URL('./report-rss.js', import.meta.url));

/** The emulator accepts any `sk_lf_…` key. */
export const API_KEY = 'sk_lf_bench_key';

let rssFiles = 0;

/**
 * Spawns `node [--import report-rss] script ...args` and resolves when it exits.
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string, seconds: number, maxRssMb?: number }>}
 */
export function runNode(script, args, { measureRss = false, env = {} } = {}) {
  const rssFile = measureRss ? join(tmpdir(), `lightfield-bench-rss-${process.pid}-${rssFiles++}`) : undefined;
  const childEnv = { ...process.env };
  delete childEnv.LIGHTFIELD_API_KEY;
  delete childEnv.LIGHTFIELD_BASE_URL;
  Object.assign(childEnv, env);
  if (rssFile) childEnv.BENCH_RSS_FILE = rssFile;
  const nodeArgs = [...(rssFile ? ['--import', RSS_HOOK] : []), script, ...args];
  const startedAt = performance.now();
  const child = spawn(process.execPath, nodeArgs, { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => {
    // Logs can be long (one line per failed row): keep the end, which says how it finished.
    stderr = (stderr + chunk).slice(-20_000);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - startedAt) / 1000;
      const result = { code, stdout, stderr, seconds };
      if (rssFile) {
        try {
          result.maxRssMb = Number(readFileSync(rssFile, 'utf8')) / 1024;
        } catch {
          result.maxRssMb = Number.NaN;
        }
        rmSync(rssFile, { force: true });
      }
      resolve(result);
    });
  });
}

/**
 * Runs `lightfield-import <command> ... --json` and returns its parsed summary.
 * @param {string[]} args command and options, without --json
 */
export async function runCli(args, { baseUrl, measureRss = false, expectCodes = [0] } = {}) {
  const env = baseUrl ? { LIGHTFIELD_API_KEY: API_KEY, LIGHTFIELD_BASE_URL: baseUrl } : {};
  const result = await runNode(BIN, [...args, '--json', '--log-level', 'warn'], { measureRss, env });
  if (!expectCodes.includes(result.code)) {
    throw new Error(`lightfield-import ${args.join(' ')} exited ${result.code}\n${result.stdout.slice(0, 2000)}\n${result.stderr}`);
  }
  let summary;
  try {
    summary = JSON.parse(result.stdout);
  } catch {
    summary = undefined;
  }
  return { ...result, summary };
}
