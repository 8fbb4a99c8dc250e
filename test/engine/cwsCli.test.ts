// `cws` (the built dist/cws.js) against the real engines, compared with the engines' own CLIs.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ENGINE_SOCKETS,
  TEST_IMAGE,
  TEST_LABEL,
  engineCli,
  engineCliList,
  parseSize,
  removeTestContainers,
  requireEngine,
  uniqueName,
  type EngineId,
  runTestContainer,
} from '../support/engines';
import { until } from '../support/until';

const CWS = join(__dirname, '..', '..', '..', 'dist', 'cws.js');

function cws(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CWS, ...args],
      { env: { ...process.env, ...env }, timeout: 30_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

for (const engine of ['docker', 'podman'] as EngineId[]) {
  describe(`cws ls against ${engine} (real engine)`, function () {
    this.timeout(60_000);
    const env =
      engine === 'docker'
        ? { CONTAINER_RUNTIME: 'docker', DOCKER_HOST: `unix://${ENGINE_SOCKETS.docker}` }
        : { CONTAINER_RUNTIME: 'podman' };

    before(async function () {
      requireEngine(this, engine);
      const labels = ['--label', `${TEST_LABEL}=${process.pid}`];
      await engineCli(engine, [
        'create',
        '--name',
        uniqueName(`cws-cli-${engine}`),
        ...labels,
        TEST_IMAGE,
        'sleep',
        '300',
      ]);
      await engineCli(engine, [
        'run',
        '-d',
        '--name',
        uniqueName(`cws-cli-run-${engine}`),
        ...labels,
        TEST_IMAGE,
        'sleep',
        '300',
      ]);
    });
    after(async function () {
      await removeTestContainers(engine);
    });

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

for (const engine of ['docker', 'podman'] as EngineId[]) {
  describe(`cws commands against ${engine} (real engine)`, function () {
    this.timeout(60_000);
    const env = engine === 'docker' ? { CONTAINER_RUNTIME: 'docker' } : { CONTAINER_RUNTIME: 'podman' };
    let id = '';
    const name = uniqueName(`cws-cmd-${engine}`);

    before(async function () {
      requireEngine(this, engine);
      id = await runTestContainer(engine, name, ['sh', '-c', 'echo first; echo oops >&2; sleep 300']);
    });
    after(async function () {
      await removeTestContainers(engine);
    });

    it('`cws runtimes --json` reports this engine as running, with the version its CLI reports', async () => {
      const r = await cws(['runtimes', '--json'], env);
      assert.equal(r.code, 0, r.stderr);
      const rows = JSON.parse(r.stdout) as { id: string; available: boolean; active: boolean; version?: string }[];
      const me = rows.find((x) => x.id === engine)!;
      assert.equal(me.available, true);
      assert.equal(me.active, true);
      assert.equal(me.version, await engineCli(engine, ['version', '--format', '{{.Server.Version}}']));
      assert.deepEqual(rows.map((x) => x.id).sort(), ['apple', 'docker', 'podman']);
    });

    it('`cws inspect` prints normalised JSON without the raw document unless --raw', async () => {
      const r = await cws(['inspect', name], env);
      assert.equal(r.code, 0, r.stderr);
      const d = JSON.parse(r.stdout) as { id: string; name: string; state: string; raw?: unknown };
      assert.deepEqual([d.id, d.name, d.state, d.raw], [id, name, 'running', undefined]);
      const raw = JSON.parse((await cws(['inspect', '--raw', id], env)).stdout) as { raw?: { Id?: string } };
      assert.equal(raw.raw?.Id, id);
      const missing = await cws(['inspect', 'cws-nope-' + process.pid], env);
      assert.equal(missing.code, 1);
    });

    it('`cws logs` keeps stdout and stderr apart and tails with -n', async () => {
      const r = await cws(['logs', name], env);
      assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'first\n', 'oops\n']);
      assert.equal((await cws(['logs', '-n', '0', name], env)).stdout, '');
      assert.equal((await cws(['logs', '-n', 'x', name], env)).code, 2);
    });

    it("`cws exec` passes arguments untouched and exits with the command's code", async () => {
      const tricky = 'it\'s "$(rm -rf /)" `id` ; ü';
      const r = await cws(['exec', name, '--', 'echo', tricky], env);
      assert.deepEqual([r.code, r.stdout], [0, tricky + '\n']);
      const f = await cws(['exec', name, '--', 'sh', '-c', 'exit 42'], env);
      assert.equal(f.code, 42);
      assert.equal((await cws(['exec', name], env)).code, 2, 'no command is a usage error');
    });

    it("`cws stats --json` agrees with the engine's own stats on memory", async () => {
      const r = await cws(['stats', '--json', id], env);
      assert.equal(r.code, 0, r.stderr);
      const [s] = JSON.parse(r.stdout) as { id: string; memoryUsed: number; pids: number }[];
      assert.equal(s.id, id);
      assert.ok(s.pids >= 1);
      const theirs = await engineCli(engine, ['stats', '--no-stream', '--format', '{{.MemUsage}}', id]);
      const bytes = parseSize(theirs.split('/')[0]);
      assert.ok(
        Math.abs(s.memoryUsed - bytes) <= Math.max(bytes * 0.05, 64 * 1024),
        `ours ${s.memoryUsed} vs ${theirs}`,
      );
    });

    // Docker only: Podman's CLI averages CPU since the container started, ours is the last second.
    if (engine === 'docker')
      it('`cws stats --json` CPU % of a busy container agrees with `docker stats`', async function () {
        const busy = await engineCli(engine, [
          'run',
          '-d',
          '--label',
          `${TEST_LABEL}=${process.pid}`,
          TEST_IMAGE,
          'sh',
          '-c',
          'while true; do :; done',
        ]);
        // Busy by the engine's own measure before comparing.
        await until('the burner busy by docker stats', async () => {
          const cpu = await engineCli(engine, ['stats', '--no-stream', '--format', '{{.CPUPerc}}', busy]);
          return parseFloat(cpu) > 50 ? true : undefined;
        });
        // Both measured over the same seconds, until they agree: on a loaded machine the burner's
        // share of a core moves from one second to the next, so one pair can straddle a change.
        // Busy is a fifth of a core or more; figures that never meet fail.
        let ours = NaN;
        let theirs = NaN;
        const agree = () => ours > 20 && Math.abs(ours - theirs) < 15;
        const deadline = Date.now() + 60_000;
        while (!agree() && Date.now() < deadline) {
          const [r, cli] = await Promise.all([
            cws(['stats', '--json', busy], env),
            engineCli(engine, ['stats', '--no-stream', '--format', '{{.CPUPerc}}', busy]),
          ]);
          ours = (JSON.parse(r.stdout) as { cpuPercent: number }[])[0].cpuPercent;
          theirs = parseFloat(cli);
        }
        assert.ok(agree(), `ours ${ours.toFixed(1)} % vs docker stats ${theirs} %`);
      });

    it('`cws stop` / `start` / `rm` change the container and print its id', async () => {
      const stop = await cws(['stop', '-t', '0', name], env);
      assert.deepEqual([stop.code, stop.stdout.trim()], [0, name]);
      assert.equal(await engineCli(engine, ['inspect', '--format', '{{.State.Running}}', id]), 'false');
      assert.equal((await cws(['start', name], env)).code, 0);
      assert.equal(await engineCli(engine, ['inspect', '--format', '{{.State.Running}}', id]), 'true');
      const rm = await cws(['rm', name], env);
      assert.equal(rm.code, 1, 'a running container needs --force');
      assert.match(rm.stderr, /^cws: /);
      assert.equal((await cws(['rm', '--force', name], env)).code, 0);
      assert.equal((await cws(['inspect', id], env)).code, 1);
    });
  });
}

describe('cws exec --workspace (real dockerd, and the host runtime)', function () {
  this.timeout(90_000);
  let dir: string;
  before(function () {
    requireEngine(this, 'docker');
    dir = mkdtempSync(join(tmpdir(), 'cws exec ws "q" ü '));
    writeFileSync(join(dir, 'Dockerfile'), `FROM ${TEST_IMAGE}\n`);
  });
  after(async () => {
    const ids = (
      await engineCli('docker', ['ps', '-aq', '--filter', `label=dev.containerworkspaces.workspace=${dir}`]).catch(
        () => '',
      )
    )
      .split('\n')
      .filter(Boolean);
    if (ids.length) await engineCli('docker', ['rm', '-f', ...ids]);
    await engineCli('docker', [
      'rmi',
      '-f',
      ...(await engineCli('docker', ['images', '-q', '--filter', 'reference=cws-cws-exec-ws*']))
        .split('\n')
        .filter(Boolean),
    ]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs in the folder's workspace container, in its workspace folder, with the command's exit code", async () => {
    const none = await cws(['exec', '--workspace', dir, '--', 'true'], { CONTAINER_RUNTIME: 'docker' });
    assert.equal(none.code, 1);
    assert.match(none.stderr, /has no workspace container/);
    assert.match(none.stderr, /hint: Create it first: cws create/);
    const created = await cws(['create', dir, '--source', 'dockerfile', '--json'], { CONTAINER_RUNTIME: 'docker' });
    assert.equal(created.code, 0, created.stderr);
    const w = JSON.parse(created.stdout) as { workspaceFolder: string };
    const r = await cws(['exec', '--workspace', dir, '--', 'sh', '-c', 'pwd; exit 3'], { CONTAINER_RUNTIME: 'docker' });
    assert.equal(r.code, 3);
    assert.equal(r.stdout.trim(), w.workspaceFolder);
  });

  it('with --runtime host: runs here, in the folder', async () => {
    const r = await cws(['exec', '--runtime', 'host', '--workspace', dir, '--', 'sh', '-c', 'pwd; exit 4']);
    assert.equal(r.code, 4);
    assert.equal(r.stdout.trim(), dir);
  });
});

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
    assert.equal((await cws(['stop'])).code, 2, 'no id');
  });
});
