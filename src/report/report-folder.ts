/**
 * The report folder of a run, and the guarantee that no two runs write into one at once: a default
 * folder gets a name no other run has (created exclusively, with `-2`, `-3`… when a run started in
 * the same second took the name), and every run holds a lock file in its folder while it writes, so
 * that a second run given the same `--out` is refused instead of mixing two reports.
 *
 * A finished run leaves no lock: rerunning the same command with the same `--out` replaces its
 * report (that is how a stopped run resumes, and how a nightly job keeps one folder).
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { ImportError } from '../errors.js';

export interface ReportFiles {
  dir: string;
  results: string;
  failed: string;
  summary: string;
  problems: string;
}

/** File mode of every report file: they hold customer data, so the owner only. */
export const PRIVATE_FILE_MODE = 0o600;

/** Present while a run writes the folder. */
export const LOCK_FILE = '.lightfield-import.lock';

/** Default folders of runs started in the same second: the first free of `name`, `name-2`, `name-3`… */
const MAX_SAME_SECOND_RUNS = 1000;

/** How long an empty lock file is taken for one a run is writing right now. */
const FRESH_LOCK_MS = 10_000;

/** Folders this process is writing: a lock of its own pid in another folder was left by a set-up that failed. */
const lockedByThisProcess = new Set<string>();

interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
}

export function reportFiles(dir: string): ReportFiles {
  const absolute = resolve(dir);
  return {
    dir: absolute,
    results: join(absolute, 'results.csv'),
    failed: join(absolute, 'failed.csv'),
    summary: join(absolute, 'summary.json'),
    problems: join(absolute, 'problems.csv'),
  };
}

/** `./lightfield-import-report/<time>-<command>`: the default report folder's base name. */
export function defaultReportDir(command: string, now: Date): string {
  return join('lightfield-import-report', `${now.toISOString().replace(/\.\d+Z$/, '').replace(/:/g, '-')}-${command}`);
}

/**
 * Creates (or, for `unique`, picks a new) report folder and locks it for this run, before the run
 * sends anything (design.md: an unwritable `--out` is exit 2 with nothing written to Lightfield).
 * @param unique the folder is a default name: never reuse an existing folder, take the next free name.
 * @throws ImportError `output_in_use` when another run is writing the folder; `output_unwritable`.
 */
export async function prepareReportDir(dir: string, options: { unique?: boolean } = {}): Promise<ReportFiles> {
  let files = reportFiles(dir);
  if (!options.unique) refuseForeignFolder(files.dir);
  try {
    files = options.unique ? createUnique(files.dir) : (mkdirSync(files.dir, { recursive: true, mode: 0o700 }), files);
    await lock(files.dir);
    // An earlier run's files go: the new ones are created owner-only (an existing file would keep
    // its mode), and a stale summary.json cannot pass for this run's if this one is cut short.
    await Promise.all([files.results, files.failed, files.summary, files.problems].map((file) => rm(file, { force: true })));
    const probe = await open(files.results, 'w', PRIVATE_FILE_MODE);
    await probe.close();
  } catch (error) {
    if (error instanceof ImportError) throw error;
    await releaseReportDir(files);
    throw new ImportError('output_unwritable', `Cannot write the report folder ${files.dir}: ${(error as Error).message}`, {
      subject: files.dir,
      cause: error,
    });
  }
  return files;
}

/** What a report folder holds: an earlier report's files (replaced by the new run's) and its lock. */
const REPORT_FOLDER_FILES: ReadonlySet<string> = new Set(['results.csv', 'failed.csv', 'summary.json', 'problems.csv', 'verify.csv', LOCK_FILE]);

/**
 * An `--out` folder that holds anything but an earlier report (a project folder, a home folder) is
 * refused: the run would replace files there and mix its report with them.
 */
function refuseForeignFolder(dir: string): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return; // not there yet (or not a folder: creating it says why)
  }
  const foreign = entries.filter((name) => !REPORT_FOLDER_FILES.has(name) && !name.endsWith(TEMPORARY_SUFFIX));
  if (foreign.length === 0) return;
  const shown = foreign.slice(0, 5).map((name) => JSON.stringify(name)).join(', ');
  throw new ImportError(
    'usage',
    `${dir} holds files that are not a lightfield-import report (${shown}${foreign.length > 5 ? ', …' : ''}); give --out an empty or new folder, or an earlier report's`,
    { subject: dir },
  );
}

const TEMPORARY_SUFFIX = '.partial';

/** Writes a whole file or nothing: a run cut short never leaves a half-written summary.json. */
export async function writeFileAtomically(path: string, data: string): Promise<void> {
  const temporary = `${path}${TEMPORARY_SUFFIX}`;
  await writeFile(temporary, data, { mode: PRIVATE_FILE_MODE });
  await rename(temporary, path);
}

/** Removes this run's lock; the folder is free for the next run. Never throws. */
export async function releaseReportDir(files: ReportFiles): Promise<void> {
  if (!lockedByThisProcess.delete(files.dir)) return;
  await rm(join(files.dir, LOCK_FILE), { force: true }).catch(() => undefined);
}

function createUnique(base: string): ReportFiles {
  mkdirSync(join(base, '..'), { recursive: true, mode: 0o700 });
  for (let attempt = 1; attempt <= MAX_SAME_SECOND_RUNS; attempt += 1) {
    const dir = attempt === 1 ? base : `${base}-${attempt}`;
    try {
      // Not recursive: an existing folder is an error, so two runs can never both take one name.
      mkdirSync(dir, { mode: 0o700 });
      return reportFiles(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`${MAX_SAME_SECOND_RUNS} report folders named ${base}-… already exist; pass --out`);
}

async function lock(dir: string): Promise<void> {
  const path = join(dir, LOCK_FILE);
  const holder: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  for (;;) {
    try {
      const handle = await open(path, 'wx', PRIVATE_FILE_MODE);
      try {
        await handle.writeFile(JSON.stringify(holder));
      } finally {
        await handle.close();
      }
      lockedByThisProcess.add(dir);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const current = await readHolder(path);
    if (current !== undefined && isAlive(current, dir)) {
      throw new ImportError(
        'output_in_use',
        `${dir} is the report folder of a run in progress (process ${current.pid} on ${current.host}, started ${current.startedAt}); ` +
          `give another --out folder, or wait for that run to end${current.host === holder.host ? '' : ` (if it is gone, delete ${path})`}`,
        { subject: dir },
      );
    }
    // Left by a run that died (or a set-up of this process that failed): take the folder over.
    await rm(path, { force: true });
  }
}

/** The lock's holder; undefined when the lock is gone or unreadable and old (a run that died while taking it). */
async function readHolder(path: string): Promise<LockHolder | undefined> {
  let text: string;
  let modified: number;
  try {
    [text, modified] = await Promise.all([readFile(path, 'utf8'), stat(path).then((stats) => stats.mtimeMs)]);
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string') {
      return { pid: parsed.pid, host: parsed.host, startedAt: String(parsed.startedAt) };
    }
  } catch {
    // Not written yet, or cut short: see below.
  }
  // A run taking the lock this very moment has created the file but not yet written it.
  return Date.now() - modified < FRESH_LOCK_MS ? { pid: 0, host: '(a run starting now)', startedAt: new Date(modified).toISOString() } : undefined;
}

/** Whether the holder still runs. A holder on another host cannot be checked: it counts as alive. */
function isAlive(holder: LockHolder, dir: string): boolean {
  if (holder.pid === 0 || holder.host !== hostname()) return true;
  if (holder.pid === process.pid) return lockedByThisProcess.has(dir);
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
