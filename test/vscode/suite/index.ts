// The in-VS Code suite: runs inside the real extension host (code-server or desktop VS Code).
import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

// The reporter is a CommonJS module whose export is the class itself.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ResultsReporter = require('../../support/resultsReporter') as typeof Mocha.reporters.Base;

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: ResultsReporter });
  // CWS_GREP=text runs only the tests whose titles contain it (a developer's shortcut; CI runs all).
  if (process.env.CWS_GREP) mocha.grep(process.env.CWS_GREP);
  for (const f of readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort())
    mocha.addFile(join(__dirname, f));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} in-VS Code test(s) failed`)) : resolve()));
  });
}
