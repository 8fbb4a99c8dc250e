// A mocha reporter: the usual spec output, plus a JSON summary written to $CWS_RESULTS_FILE so the
// test orchestrator (scripts/test.mjs) can add every suite into one closing line.
import Mocha from 'mocha';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const { EVENT_RUN_END, EVENT_TEST_FAIL, EVENT_TEST_PASS, EVENT_TEST_PENDING } = Mocha.Runner.constants;

interface SuiteResults {
  passed: number;
  failed: number;
  skipped: number;
  failures: string[];
  tests: { title: string; state: string }[];
  skips: string[];
}

class ResultsReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const results: SuiteResults = { passed: 0, failed: 0, skipped: 0, failures: [], skips: [], tests: [] };
    runner.on(EVENT_TEST_PASS, (t) => {
      results.passed++;
      results.tests.push({ title: t.fullTitle(), state: 'passed' });
    });
    runner.on(EVENT_TEST_FAIL, (t, err) => {
      results.failed++;
      results.failures.push(`${t.fullTitle()}: ${(err as Error | undefined)?.message ?? err}`);
      results.tests.push({ title: t.fullTitle(), state: 'failed' });
    });
    runner.on(EVENT_TEST_PENDING, (t) => {
      results.skipped++;
      results.skips.push(t.fullTitle());
      results.tests.push({ title: t.fullTitle(), state: 'skipped' });
    });
    runner.once(EVENT_RUN_END, () => {
      const file = process.env.CWS_RESULTS_FILE;
      if (!file) return;
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(results, null, 2));
    });
  }
}

// mocha loads a reporter by require() and wants the constructor itself.
module.exports = ResultsReporter;
