import { it, expect } from 'vitest';
import { compileProject } from '@vkmp/core';
it('compiles vk-testers in-process with file() resolved', async () => {
  const r = await compileProject({ cwd: 'examples/vk-testers' });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(r.model!.catalogs[0]!.services[0]!.full_description.text).toMatch(/баг-трекер/);
  const w = r.diagnostics.find((d) => d.code === 'BILL-019');
  expect(w!.span!.file).toMatch(/service\.ts$/);
});
