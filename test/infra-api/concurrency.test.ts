import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfraApiClient, MAX_PACKAGE_BYTES, type EmulatorHandle } from '../../packages/infra-api/src/index.js';
import { emulator, makeTokens, tempDir, writePaddedPackage } from './helpers.js';

const COUNT = 32;
const tokens = makeTokens();
let dir: string;
let cleanup: () => Promise<void>;
let emu: EmulatorHandle;

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  emu = await emulator(tokens, join(dir, 'data'));
});

afterAll(async () => {
  await emu.close();
  await cleanup();
});

describe('concurrent uploads', () => {
  it(`stores ${COUNT} concurrent 30 MB uploads byte for byte`, async () => {
    const sources: Array<{ path: string; sha256: string; id: string }> = [];
    for (let i = 0; i < COUNT; i++) {
      const path = join(dir, `pkg-${i}.zip`);
      const { sha256, id } = await writePaddedPackage(path, MAX_PACKAGE_BYTES, { revision: `r${i}` });
      sources.push({ path, sha256, id });
    }
    expect((await stat(sources[0]!.path)).size).toBe(MAX_PACKAGE_BYTES);

    const api = new InfraApiClient({ baseUrl: emu.baseUrl, serviceToken: tokens.service, env: {}, retries: 0 });
    const results = await Promise.all(sources.map((s) => api.uploadProduct({ path: s.path })));

    const state = emu.state();
    for (const [i, res] of results.entries()) {
      const src = sources[i]!;
      expect(res.status).toBe(204);
      expect(res.emulatorOutcome).toBe('accepted');
      expect(res.sha256).toBe(src.sha256);
      const entry = state.uploads.find((u) => u.id === res.emulatorUploadId)!;
      expect(entry).toMatchObject({ outcome: 'accepted', size: MAX_PACKAGE_BYTES, sha256: src.sha256, service: { id: src.id, revision: `r${i}` } });
      // Re-hash what is actually on disk, not just what the emulator claims.
      expect(await hashFile(join(dir, 'data', entry.packageFile!))).toBe(src.sha256);
    }
    expect(state.services).toHaveLength(COUNT);
    expect((await readdir(join(dir, 'data', 'packages'))).sort()).toEqual(sources.map((s) => `${s.sha256}.zip`).sort());
    expect(await readdir(join(dir, 'data', 'tmp'))).toEqual([]);
  }, 180_000);
});
