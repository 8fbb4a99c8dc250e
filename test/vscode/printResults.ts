import { existsSync, readFileSync } from 'node:fs';

interface Results {
  passed: number;
  failed: number;
  skipped: number;
  failures: string[];
  tests: { title: string; state: string }[];
}

/** Prints a results file the in-VS Code suite wrote; returns it, or undefined when there is none. */
export function printResults(file: string): Results | undefined {
  if (!existsSync(file)) return undefined;
  const r = JSON.parse(readFileSync(file, 'utf8')) as Results;
  const mark: Record<string, string> = { passed: '  ✔', failed: '  ✖', skipped: '  -' };
  for (const t of r.tests) console.log(`${mark[t.state] ?? '  ?'} ${t.title}`);
  for (const f of r.failures) console.log(`\n  FAILED: ${f}`);
  console.log(`\n  ${r.passed} passing, ${r.failed} failing, ${r.skipped} pending (inside VS Code)`);
  return r;
}
