/**
 * The short fuzz run of `npm test`: each target for a fixed seed and a small count, and each
 * pathological case at its smallest size. Nothing here is timed: hangs and superlinear growth are
 * for the long run (`npm run fuzz`), which prints them.
 */
import { expect } from 'chai';
import { fuzzTargets } from './fuzz-targets.js';
import { formatReport, runTarget } from './fuzz-runner.js';

/** Inputs per target: a few seconds in all on a loaded 2-CPU machine. */
const counts: Record<string, number> = {
  'unit-file': 200,
  'environment-file': 2000,
  specifiers: 2000,
  'notify-datagram': 200,
  'control-request': 200,
  'control-socket': 60,
};

describe('fuzz (fixed seed, short)', function () {
  this.timeout(60_000);
  for (const target of fuzzTargets) {
    it(`${target.name}: no crash`, async () => {
      const report = await runTarget(target, { seed: 20261201, count: counts[target.name] ?? 100, hangMs: Infinity, pathologicalSizes: 1 });
      expect(report.tried).to.be.greaterThan(0);
      expect(report.crashes.map((c) => c.error), formatReport(report)).to.deep.equal([]);
    });
  }
});
