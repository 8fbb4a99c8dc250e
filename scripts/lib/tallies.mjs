// Reads the records the tests keep in test-results/tally (test/support/tally.ts): one JSON object
// per line, faults.jsonl ({name, recovered}) and inputs.jsonl ({name, outcome}).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function lines(file) {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .flatMap((l) => {
        try {
          return [JSON.parse(l)];
        } catch {
          return [];
        }
      });
  } catch {
    return [];
  }
}

export function readTallies(dir) {
  return { faults: lines(join(dir, 'faults.jsonl')), inputs: lines(join(dir, 'inputs.jsonl')) };
}
