// Our Compose services agree with Debian's docker-compose (v1, 1.29.2) `config --services` on every
// fixture project it accepts. `config` needs no engine, only the docker-compose program.
import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { detectCompose } from '../../src/context/compose';
import { isCI } from '../support/engines';
import { fixturesDir, listFixture, read } from '../support/fixtures';

function hasDockerCompose(): boolean {
  try {
    execFileSync('docker-compose', ['version', '--short'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function composeServices(cwd: string): Promise<{ ok: boolean; services: string[]; error: string }> {
  return new Promise((resolve) => {
    // A controlled environment: what the fixtures' own .env files say, nothing from this machine.
    execFile('docker-compose', ['config', '--services'], { cwd, env: { PATH: process.env.PATH ?? '' }, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ ok: !err, services: stdout.split('\n').filter(Boolean), error: stderr.split('\n').map((l) => l.trim()).filter(Boolean).slice(0, 2).join(' ') });
    });
  });
}

describe('Compose services agree with docker-compose v1 `config --services`', function () {
  this.timeout(120_000);
  const root = join(fixturesDir, 'compose');

  before(function () {
    if (hasDockerCompose()) return;
    const why = 'docker-compose (v1) is not installed (apt-get install docker-compose)';
    if (isCI) throw new Error(`${why}; CI needs it.`);
    console.log(`      skipping: ${why}`);
    this.skip();
  });

  it('on every fixture project docker-compose accepts (and those it rejects are listed)', async () => {
    const compared: string[] = [];
    const rejected: string[] = [];
    for (const fixture of readdirSync(root).sort()) {
      const dir = join(root, fixture);
      const { projects } = await detectCompose(dir, listFixture(dir), read, {});
      for (const p of projects) {
        const theirs = await composeServices(p.workingDir);
        const label = p.workingDir.slice(root.length + 1);
        if (!theirs.ok) { rejected.push(`${label} (${theirs.error})`); continue; }
        assert.deepEqual(p.services.map((s) => s.name).sort(), theirs.services.sort(), label);
        compared.push(label);
      }
    }
    console.log(`      compared: ${compared.join(', ')}`);
    console.log(`      docker-compose v1 rejects: ${rejected.join('; ') || 'none'}`);
    assert.ok(compared.length >= 7, `only ${compared.length} projects compared`);
  });
});
