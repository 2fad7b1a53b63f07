/**
 * The usual frame of an end-to-end test file: one emulator for the file, reset before each test,
 * and a fresh temporary workspace per test (optionally prepared, e.g. with a mapping file).
 */
import { afterAll, afterEach, beforeAll, beforeEach } from '@jest/globals';
import { startEmulator } from '../../src/emulator/index.js';
import type { EmulatorOptions, RunningEmulator } from '../../src/emulator/options.js';
import { createWorkspace, type Workspace } from './workspace.js';

export interface EmulatorWorkspace {
  readonly emulator: RunningEmulator;
  readonly workspace: Workspace;
}

/** An emulator fast enough that pacing never slows a test down. */
export const FAST_EMULATOR: EmulatorOptions = { rate: 1000, readRate: 1000, searchRate: 1000 };

/**
 * Registers the hooks of a file that needs only the emulator: one for the file, reset before each test.
 * Returns a getter, since the emulator starts in `beforeAll`.
 */
export function useEmulator(options: EmulatorOptions = FAST_EMULATOR): () => RunningEmulator {
  let emulator: RunningEmulator | undefined;
  beforeAll(async () => {
    emulator = await startEmulator(options);
  });
  afterAll(async () => {
    await emulator?.close();
  });
  beforeEach(() => {
    emulator?.reset();
  });
  return () => {
    if (!emulator) throw new Error('the emulator starts in beforeAll');
    return emulator;
  };
}

/** Registers the jest hooks; read `emulator` and `workspace` inside tests. */
export function useEmulatorWorkspace(
  options: EmulatorOptions = FAST_EMULATOR,
  prepare?: (workspace: Workspace) => void,
): EmulatorWorkspace {
  const emulator = useEmulator(options);
  let workspace: Workspace | undefined;
  beforeEach(() => {
    workspace = createWorkspace();
    prepare?.(workspace);
  });
  afterEach(() => {
    workspace?.remove();
  });
  return {
    get emulator() {
      return emulator();
    },
    get workspace() {
      if (!workspace) throw new Error('the workspace is made in beforeEach');
      return workspace;
    },
  };
}
