// `cws context` (the built dist/cws.js): the detected model as JSON, and a readable summary.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fixturesDir } from '../support/fixtures';
import { repoRoot } from '../support/paths';

function cws(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(repoRoot, 'dist/cws.js'), ...args], { timeout: 30_000 }, (err, stdout) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout }),
    );
  });
}

describe('cws context', () => {
  it('--json prints the detected model of a directory', async () => {
    const dir = join(fixturesDir, 'workspaces/sample');
    const r = await cws(['context', dir, '--json']);
    assert.equal(r.code, 0);
    const c = JSON.parse(r.stdout) as {
      folder: string;
      primary: string;
      composeProjects: { name: string; services: { name: string }[] }[];
    };
    assert.deepEqual([c.folder, c.primary], [dir, 'compose']);
    assert.deepEqual(
      c.composeProjects.map((p) => [p.name, p.services.map((s) => s.name)]),
      [['cws-sample', ['app', 'worker']]],
    );
  });

  it('the summary names what it found and the problems, with file:line:column', async () => {
    const r = await cws(['context', join(fixturesDir, 'workspaces/broken-compose')]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /\(primary: dockerfile\)/);
    assert.match(r.stdout, /error\s+compose\.yaml:8:12: Missing closing double quote/);
  });
});
