import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fsReader } from '../../src/core/detection/detect';
import { repoRoot } from './paths';

export const fixturesDir = join(repoRoot, 'test/fixtures');

/** A fixture folder's listing as detection gets it: relative POSIX paths of every file. */
export function listFixture(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split('\\').join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

export const read = fsReader();
