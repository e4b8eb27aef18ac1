/**
 * Fuzz (fast-check): the SPEC §C.15 package with random damage — YAML keys deleted or given
 * values of other types, files truncated, lines dropped or doubled, bytes flipped, files
 * deleted, moved or added, files turned into directories, the zip archive corrupted — is read
 * and validated in-process with zero uncaught exceptions and zero rule crashes.
 *
 * VKMP_FUZZ_RUNS overrides the number of cases (default 10,000); VKMP_FUZZ_SEED replays a
 * run. The cases are in `fuzz-cases.ts`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzCase, runCase, type FuzzStats } from './fuzz-cases.js';

const RUNS = Number(process.env.VKMP_FUZZ_RUNS ?? 10_000);

describe('fuzz: damaged §C.15 packages', () => {
  it(`${RUNS} cases read and validate without an uncaught exception or a rule crash`, async () => {
    const started = Date.now();
    const stats: FuzzStats = { cases: 0, terraformParsed: 0 };
    await fc.assert(
      fc.asyncProperty(fuzzCase, ([mutations, damage, tfDice]) => runCase(mutations, damage, tfDice, stats)),
      { numRuns: RUNS, seed: process.env.VKMP_FUZZ_SEED ? Number(process.env.VKMP_FUZZ_SEED) : undefined },
    );
    console.info(`ib-read fuzz: ${RUNS} cases (${stats.terraformParsed} with Terraform parsed) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(stats.cases).toBeGreaterThanOrEqual(RUNS);
    expect(stats.terraformParsed).toBeGreaterThan(0);
  }, 600_000);
});
