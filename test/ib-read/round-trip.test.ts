/**
 * emit(read(x)) = x (DESIGN §9): the package the emitter writes from the IR the reader
 * builds is the package that was read, byte for byte, for the §C.15 package, the golden
 * image-based package, and a package with per-plan patches and undocumented keys.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageFiles } from '../../packages/core/src/emit/ib.js';
import { readIbPackageTree } from '../../packages/core/src/read/ib.js';
import { repoRoot } from '../helpers.js';
import { edit, readFiles, specFiles, text, type Files } from './support.js';

async function roundTrip(files: Files): Promise<void> {
  const r = readIbPackageTree({ root: '/mem/demo_app', entries: files, issues: [] });
  expect(r.service).toBeDefined();
  const out = await packageFiles(r.service!);
  expect([...out.keys()].sort()).toEqual([...files.keys()].sort());
  for (const [path, bytes] of files) expect(text(out.get(path)!.bytes), path).toBe(text(bytes));
}

describe('emit(read(x)) = x', () => {
  it('the SPEC §C.15 package', () => roundTrip(specFiles()));

  it('the golden package of the image-based example', () => roundTrip(readFiles(join(repoRoot, 'test', 'fixtures', 'ib', 'golden', 'gitea'))));

  it('parameters_patch in both forms and undocumented keys, kept verbatim', async () => {
    const files = specFiles();
    edit(files, 'plans/basic/plan.yaml', '  billing_cycle_flat: 1 mons 0 days\n', '  billing_cycle_flat: 1 mons 0 days\nparameters_patch:\n  users:\n    schema.default: 2\n    billing.cost: 250\n  backup:\n    billing:\n      cost: 100\n');
    edit(files, 'service.yaml', '    - name: backup\n', '    - name: backup\nvendor_flag: on_request\n');
    // Undocumented keys come back after the documented ones (the emitter's order), so this one is written last.
    edit(files, 'plans/basic/display.yaml', '        size: {param: root_size}\n', '        size: {param: root_size}\n    image: almalinux9\n');
    await roundTrip(files);
  });
});
