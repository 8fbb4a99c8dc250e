// `cws` (the built dist/cws.js) against the real engines, compared with the engines' own CLIs.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { ENGINE_SOCKETS, TEST_IMAGE, TEST_LABEL, engineCli, engineCliList, removeTestContainers, requireEngine, uniqueName, type EngineId } from '../support/engines';

const CWS = join(__dirname, '..', '..', '..', 'dist', 'cws.js');

function cws(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CWS, ...args], { env: { ...process.env, ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

for (const engine of ['docker', 'podman'] as EngineId[]) {
  describe(`cws ls against ${engine} (real engine)`, function () {
    this.timeout(60_000);
    const env = engine === 'docker'
      ? { CONTAINER_RUNTIME: 'docker', DOCKER_HOST: `unix://${ENGINE_SOCKETS.docker}` }
      : { CONTAINER_RUNTIME: 'podman' };

    before(async function () {
      requireEngine(this, engine);
      const labels = ['--label', `${TEST_LABEL}=${process.pid}`];
      await engineCli(engine, ['create', '--name', uniqueName(`cws-cli-${engine}`), ...labels, TEST_IMAGE, 'sleep', '300']);
      await engineCli(engine, ['run', '-d', '--name', uniqueName(`cws-cli-run-${engine}`), ...labels, TEST_IMAGE, 'sleep', '300']);
    });
    after(async function () { await removeTestContainers(engine); });

    it('`cws ls --all --json` agrees with `ps -a` (ids, names, image, state)', async () => {
      const r = await cws(['ls', '--all', '--json'], env);
      assert.equal(r.code, 0, r.stderr);
      const ours = JSON.parse(r.stdout) as { id: string; name: string; image: string; state: string }[];
      const theirs = await engineCliList(engine);
      assert.ok(theirs.length >= 2);
      assert.deepEqual(ours.map((c) => c.id).sort(), theirs.map((t) => t.id).sort());
      for (const t of theirs) {
        const c = ours.find((o) => o.id === t.id)!;
        assert.deepEqual([c.name, c.image, c.state], [t.name, t.image, t.state]);
      }
    });

    it('`cws ls` without --all lists running containers only', async () => {
      const r = await cws(['ls', '--json'], env);
      const ours = JSON.parse(r.stdout) as { state: string }[];
      const running = (await engineCli(engine, ['ps', '-q'])).split('\n').filter(Boolean);
      assert.equal(ours.length, running.length);
      assert.ok(ours.every((c) => c.state === 'running'));
    });

    it('the table output shows the test containers by name', async () => {
      const r = await cws(['ls', '--all'], env);
      assert.equal(r.code, 0);
      assert.match(r.stdout.split('\n')[0], /^CONTAINER ID\s+NAME\s+IMAGE\s+STATE\s+STATUS$/);
      assert.match(r.stdout, new RegExp(`cws-cli-${engine}-${process.pid}`));
    });
  });
}

describe('cws errors and exit codes', () => {
  it('exit 1 with message and hint when the engine is not there', async () => {
    const r = await cws(['ls'], { CONTAINER_RUNTIME: 'docker', DOCKER_HOST: 'unix:///tmp/cws-no-engine.sock' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^cws: Docker is not running \(unix:\/\/\/tmp\/cws-no-engine.sock\)\.\nhint: /);
  });

  it('exit 2 for an unknown command, an unknown runtime, or no command', async () => {
    assert.equal((await cws(['frobnicate'])).code, 2);
    const r = await cws(['ls', '--runtime', 'lxc']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Use one of: auto, docker, podman, apple/);
    assert.equal((await cws([])).code, 2);
    assert.equal((await cws(['--help'])).code, 0);
  });
});
