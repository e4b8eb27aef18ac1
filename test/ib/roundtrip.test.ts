/**
 * emit(read(x)) = x (DESIGN §2): a package read by the IB reader and emitted again gives the
 * same files: the same bytes for everything vkmp writes in its own style (the SPEC §C.15
 * package and the golden example), and the same parsed values in any case.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { packageFiles } from '../../packages/core/src/emit/ib.js';
import { readArtifacts } from '../../packages/core/src/read/artifacts.js';
import { fixturesDir, listFiles } from './helpers.js';

const packages = { 'SPEC §C.15': join(fixturesDir, 'spec-c15', 'demo_app'), 'golden example': join(fixturesDir, 'golden', 'gitea') };

describe('read → emit round trip', () => {
  for (const [label, dir] of Object.entries(packages)) {
    it(`${label}: every file comes back byte for byte`, async () => {
      const { model, diagnostics } = await readArtifacts([dir]);
      expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(model.packages).toHaveLength(1);
      const files = await packageFiles(model.packages[0]!);
      expect([...files.keys()].sort()).toEqual(listFiles(dir));
      for (const f of listFiles(dir)) {
        const original = readFileSync(join(dir, f));
        const emitted = Buffer.from(files.get(f)!.bytes);
        if (f.endsWith('.yaml')) expect(parse(emitted.toString('utf8')), f).toEqual(parse(original.toString('utf8')));
        expect(emitted.toString('utf8'), f).toBe(original.toString('utf8'));
      }
    });
  }
});
