// The Restricted Mode suite: runs inside the real extension host of a workbench whose folder is not
// trusted (test/vscode/runUntrusted.ts opens it so). Its own folder: the main suite runs trusted.
import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

// The reporter is a CommonJS module whose export is the class itself.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ResultsReporter = require('../../support/resultsReporter') as typeof Mocha.reporters.Base;

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: ResultsReporter });
  for (const f of readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort())
    mocha.addFile(join(__dirname, f));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} Restricted Mode test(s) failed`)) : resolve()));
  });
}
