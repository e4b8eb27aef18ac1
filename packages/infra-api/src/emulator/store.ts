import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EmulatorState, ManifestRecord, ServiceRecord, TestObjectRecord } from './types.js';

/** File name of the state file inside `dataDir`. */
export const STATE_FILE = 'state.json';

function emptyState(): EmulatorState {
  return { format_version: 1, uploads: [], services: [], archived: [], usages: [], manifests: [], objects: [] };
}

/**
 * The emulator's persistent state: plain JSON in `dataDir/state.json`, written atomically
 * (temporary file + rename) and serialised so that concurrent requests never interleave writes.
 * Lookups go through Maps (never through object keys), so names such as `__proto__` are safe.
 */
export class EmulatorStore {
  /** The state; mutate it, then call {@link EmulatorStore.persist}. */
  readonly state: EmulatorState;
  /** `id@revision` → service record. */
  readonly services = new Map<string, ServiceRecord>();
  /** Manifest name → record. */
  readonly manifests = new Map<string, ManifestRecord>();
  /** Object UUID (lower case) → record. */
  readonly objects = new Map<string, TestObjectRecord>();
  /** Absolute paths of the sub-directories. */
  readonly dirs: { root: string; packages: string; manifests: string; tmp: string };

  #chain: Promise<void> = Promise.resolve();
  #pending: Promise<void> | null = null;
  #seq = 0;

  private constructor(root: string, state: EmulatorState) {
    this.state = state;
    this.dirs = { root, packages: join(root, 'packages'), manifests: join(root, 'manifests'), tmp: join(root, 'tmp') };
    for (const s of state.services) this.services.set(EmulatorStore.serviceKey(s.id, s.revision), s);
    for (const m of state.manifests) this.manifests.set(m.name, m);
    for (const o of state.objects) this.objects.set(o.status.uuid.toLowerCase(), o);
  }

  /** Map key of a service revision. */
  static serviceKey(id: string, revision: string): string {
    return `${id.toLowerCase()}@${revision}`;
  }

  /**
   * Opens (or creates) the data directory, loads the state file if present and clears leftover
   * temporary files from an interrupted run.
   *
   * @param root - the data directory
   * @throws when the state file exists but is not a valid emulator state
   */
  static async open(root: string): Promise<EmulatorStore> {
    await mkdir(root, { recursive: true });
    let state = emptyState();
    let text: string | undefined;
    try {
      text = await readFile(join(root, STATE_FILE), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (text !== undefined) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new Error(`emulator state file ${join(root, STATE_FILE)} is not valid JSON; remove it or use another data directory`);
      }
      const p = parsed as Partial<EmulatorState> | null;
      if (p === null || typeof p !== 'object' || p.format_version !== 1) {
        throw new Error(`emulator state file ${join(root, STATE_FILE)} has an unknown format; remove it or use another data directory`);
      }
      state = { ...emptyState(), ...p, format_version: 1 };
    }
    const store = new EmulatorStore(root, state);
    await Promise.all([mkdir(store.dirs.packages, { recursive: true }), mkdir(store.dirs.manifests, { recursive: true })]);
    await rm(store.dirs.tmp, { recursive: true, force: true });
    await mkdir(store.dirs.tmp, { recursive: true });
    for (const name of await readdir(root)) {
      if (name.startsWith(`${STATE_FILE}.`) && name.endsWith('.tmp')) await rm(join(root, name), { force: true });
    }
    return store;
  }

  /** A fresh unique path in the temporary directory. */
  tmpPath(prefix: string): string {
    return join(this.dirs.tmp, `${prefix}-${process.pid}-${++this.#seq}-${randomBytes(6).toString('hex')}`);
  }

  /**
   * Writes the state file. Calls made while a write is queued share it; a call made while a write
   * is running queues one more, so the file always ends up reflecting every mutation made before
   * the returned promise resolves.
   */
  persist(): Promise<void> {
    if (this.#pending) return this.#pending;
    const run = this.#chain.then(async () => {
      this.#pending = null;
      const tmp = join(this.dirs.root, `${STATE_FILE}.${process.pid}.${++this.#seq}.tmp`);
      await writeFile(tmp, `${JSON.stringify(this.state, null, 2)}\n`, 'utf8');
      await rename(tmp, join(this.dirs.root, STATE_FILE));
    });
    this.#pending = run;
    this.#chain = run.catch(() => undefined);
    return run;
  }

  /** Resolves when every queued write has finished. */
  async flush(): Promise<void> {
    await this.#chain;
  }
}
