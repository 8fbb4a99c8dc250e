// Shell injection, tried for real: `$(touch M)`, `` `touch M` `` and `; touch M` (M a marker file
// under /tmp) in folder paths, Compose labels, environment values and working directories, .env
// values, container names given to `cws`, settings (engine addresses, the Apple CLI path), the
// tunnel script's arguments and the Apple CLI's arguments — each through the real code path
// (detection, the Compose tool, dist/cws.js, workspace planning and creation, the tunnel scripts
// in a container, AppleRuntime on the fake CLI). After each, no marker exists, on this machine nor
// (where a container was involved) inside it: nothing was handed to a shell as code.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  clearComposeToolCache,
  composeInvocation,
  findComposeTool,
  runCompose,
  type ComposeTool,
} from '../../src/core/compose/composeTool';
import { detectDirectory } from '../../src/core/detection/detect';
import { AppleRuntime } from '../../src/core/runtime/apple/appleRuntime';
import { DockerRuntime } from '../../src/core/runtime/docker/dockerRuntime';
import { PodmanRuntime } from '../../src/core/runtime/docker/podmanRuntime';
import { RuntimeError } from '../../src/core/runtime/errors';
import { LABELS } from '../../src/core/runtime/labels';
import { createRuntime } from '../../src/core/runtime/select';
import type { ContainerRuntime } from '../../src/core/runtime/types';
import { startTunnel, stopTunnel, tunnelStatus } from '../../src/core/tunnels';
import { runScript } from '../../src/core/tunnels/exec';
import { START, STOP, SUPERVISOR, STATE_DIR } from '../../src/core/tunnels/scripts';
import { imageSource, planWorkspace, workspaceSources } from '../../src/core/workspace';
import {
  ENGINE_SOCKETS,
  TEST_IMAGE,
  removeTestContainers,
  requireEngine,
  runTestContainer,
  uniqueName,
  type EngineId,
} from '../support/engines';
import { removeFakeState } from '../support/appleFake';
import { repoRoot } from '../support/paths';
import { tryBadInput } from '../support/tally';
import { ensureTunnelImage } from '../support/tunnelImage';

const CWS = join(repoRoot, 'dist', 'cws.js');
const FAKE_CONTAINER = join(repoRoot, 'test/fakes/container');

/** A marker path nobody else uses; the payloads that would create it if run by a shell. */
let n = 0;
function marker(): string {
  return join('/tmp', `cws-pwned-${process.pid}-${Date.now().toString(36)}-${n++}`);
}
const KINDS = ['$()', 'backticks', ';'] as const;
type Kind = (typeof KINDS)[number];
function payload(kind: Kind, m: string): string {
  if (kind === '$()') return `$(touch ${m})`;
  if (kind === 'backticks') return `\`touch ${m}\``;
  return `; touch ${m}`;
}
/** All three payloads in one string, with their markers. */
function allPayloads(): { text: string; markers: string[] } {
  const markers = KINDS.map(() => marker());
  return { text: KINDS.map((k, i) => payload(k, markers[i])).join(' '), markers };
}

function assertNoMarker(markers: string[], where = 'on this machine'): void {
  for (const m of markers) assert.ok(!existsSync(m), `${m} exists ${where}: a payload was run by a shell`);
}

/** Markers inside a container (a payload run by a shell there would make them there). */
async function assertNoMarkerIn(rt: ContainerRuntime, id: string, markers: string[]): Promise<void> {
  const r = await rt.exec(id, { cmd: ['ls', '/tmp'] });
  assert.equal(r.exitCode, 0, r.stderr);
  for (const m of markers) assert.ok(!r.stdout.split('\n').includes(m.slice(5)), `${m} exists in the container`);
}

function cws(
  args: string[],
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CWS, ...args],
      { env: { ...process.env, ...env }, timeout: 45_000, signal },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** A folder whose path holds all three payloads (slashes make it nested), with container files in it. */
function hostileFolder(root: string, files: Record<string, string>): { dir: string; markers: string[] } {
  const { text, markers } = allPayloads();
  const dir = join(root, `app ${text}`);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  return { dir, markers };
}

const root = mkdtempSync(join(tmpdir(), 'cws-injection-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('injection: detection and planning (no engine)', () => {
  it('detection of a folder whose path holds the payloads finds its Compose, Dockerfile and dev container', async () => {
    const { dir, markers } = hostileFolder(root, {
      'compose.yaml': 'services:\n  web:\n    image: busybox\n',
      Dockerfile: 'FROM busybox\n',
      '.devcontainer/devcontainer.json': '{ "image": "busybox" }\n',
    });
    const r = await tryBadInput('injection: detection of a folder path with $(), backticks and ;', (signal) =>
      detectDirectory(dir, { env: process.env, signal }),
    );
    const ctx = r.value!;
    assert.equal(ctx.composeProjects.length, 1, JSON.stringify(ctx.diagnostics));
    assert.equal(ctx.dockerfiles.length, 1);
    assert.equal(ctx.devcontainers.length, 1);
    assertNoMarker(markers);
  });

  for (const kind of KINDS) {
    it(`a .env value and an interpolated label holding ${kind} stay text`, async () => {
      const m = marker();
      const dir = mkdtempSync(join(root, 'env-'));
      writeFileSync(join(dir, '.env'), `EVIL=${payload(kind, m)}\n`);
      writeFileSync(
        join(dir, 'compose.yaml'),
        'services:\n  web:\n    image: busybox\n    labels:\n      evil: "${EVIL}"\n    working_dir: "/w/${EVIL:-x}"\n',
      );
      const r = await tryBadInput(`injection: .env value with ${kind} interpolated by detection`, (signal) =>
        detectDirectory(dir, { env: {}, signal }),
      );
      assert.equal(r.value!.composeProjects.length, 1, JSON.stringify(r.value!.diagnostics));
      assertNoMarker([m]);
    });
  }

  it('planning a workspace container for such a folder: a valid name, the path verbatim in labels and mount', async () => {
    const { dir, markers } = hostileFolder(root, { Dockerfile: 'FROM busybox\n' });
    const ctx = await detectDirectory(dir, { env: process.env });
    const r = await tryBadInput('injection: workspace plan for a folder path with payloads', () =>
      ['image', 'dockerfile'].map((k) =>
        planWorkspace(dir, k === 'image' ? imageSource('busybox') : workspaceSources(ctx)[0], { runtime: 'docker' }),
      ),
    );
    for (const plan of r.value!) {
      assert.match(plan.name, /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'the container name is one an engine takes');
      assert.equal(plan.labels[LABELS.workspace], dir);
      assert.equal(plan.mount?.source, dir);
      if (plan.image?.kind === 'build') assert.match(plan.image.tag, /^[a-z0-9][a-z0-9_./:-]*$/);
    }
    assertNoMarker(markers);
  });

  it('settings holding the payloads: an engine address and the Apple CLI path fail clearly, nothing runs', async () => {
    const { text, markers } = allPayloads();
    const docker = createRuntime('docker', { dockerHost: `unix:///tmp/${text}.sock` });
    const a = await tryBadInput('injection: docker host setting with payloads', (signal) => docker.ping(signal));
    assert.ok(a.error instanceof RuntimeError, String(a.error));
    void docker.close();
    const apple = new AppleRuntime({ cliPath: `/tmp/${text}` });
    const b = await tryBadInput('injection: Apple CLI path setting with payloads', (signal) => apple.ping(signal));
    assert.ok(b.error instanceof RuntimeError && b.error.code === 'unavailable', String(b.error));
    void apple.close();
    assertNoMarker(markers);
  });
});

for (const engine of ['docker', 'podman'] as EngineId[]) {
  describe(`injection: cws and the Compose tool on ${engine} (real engine)`, function () {
    this.timeout(120_000);
    const endpointUrl = `unix://${ENGINE_SOCKETS[engine]}`;
    const env =
      engine === 'docker'
        ? { CONTAINER_RUNTIME: 'docker', DOCKER_HOST: endpointUrl }
        : { CONTAINER_RUNTIME: 'podman', CONTAINER_HOST: endpointUrl };
    let rt: ContainerRuntime;
    let name: string;
    let id: string;
    const labelled = allPayloads();

    before(async function () {
      requireEngine(this, engine);
      rt =
        engine === 'docker'
          ? new DockerRuntime('docker', { url: endpointUrl, socketPath: ENGINE_SOCKETS.docker })
          : new PodmanRuntime({ url: endpointUrl, socketPath: ENGINE_SOCKETS.podman });
      name = uniqueName(`cws-inj-${engine}`);
      // A container whose label, environment and output carry the payloads (printed by logs and inspect).
      id = await runTestContainer(engine, name, ['sh', '-c', 'echo "$EVIL"; sleep 300'], {
        flags: ['--network', 'none', '--label', `evil=${labelled.text}`, '-e', `EVIL=${labelled.text}`],
      });
    });

    after(async () => {
      if (!rt) return;
      await removeTestContainers(engine).catch(() => undefined);
      void rt.close();
    });

    it('cws ps, inspect and logs print the payloads as text', async () => {
      const r = await tryBadInput(
        `injection: cws ps/inspect/logs of a container with payload labels (${engine})`,
        (signal) =>
          Promise.all([
            cws(['ps', '--json'], env, signal),
            cws(['inspect', name], env, signal),
            cws(['logs', name], env, signal),
          ]),
      );
      const [ps, inspect, logs] = r.value!;
      assert.equal(ps.code, 0, ps.stderr);
      assert.ok(ps.stdout.includes(JSON.stringify(labelled.text).slice(1, -1)), 'ps shows the label');
      assert.equal(inspect.code, 0, inspect.stderr);
      assert.equal((JSON.parse(inspect.stdout) as { labels: Record<string, string> }).labels.evil, labelled.text);
      assert.equal(logs.code, 0, logs.stderr);
      assert.ok(logs.stdout.includes(labelled.text), logs.stdout);
      assertNoMarker(labelled.markers);
      await assertNoMarkerIn(rt, id, labelled.markers);
    });

    for (const kind of KINDS) {
      it(`cws inspect, logs and exec with a container "name" that is ${kind}: not found, nothing runs`, async () => {
        const m = marker();
        const bad = payload(kind, m);
        const r = await tryBadInput(`injection: cws with a container name ${kind} (${engine})`, (signal) =>
          Promise.all([
            cws(['inspect', bad], env, signal),
            cws(['logs', bad], env, signal),
            cws(['exec', bad, '--', 'true'], env, signal),
          ]),
        );
        for (const [i, res] of r.value!.entries()) {
          const what = ['inspect', 'logs', 'exec'][i];
          assert.equal(res.code, 1, `${what}: ${res.stdout}${res.stderr}`);
          assert.match(res.stderr, /not found|no such|No container/i, `${what}: ${res.stderr}`);
          assert.doesNotMatch(res.stderr, /TypeError|at .*\.js:\d+/, what);
        }
        assertNoMarker([m]);
      });
    }

    it('cws exec passes the payloads as argv (echoed back verbatim), also as -w', async () => {
      const { text, markers } = allPayloads();
      const r = await tryBadInput(`injection: cws exec with payload arguments (${engine})`, (signal) =>
        Promise.all([
          cws(['exec', name, '--', 'echo', text], env, signal),
          cws(['exec', name, '-w', `/tmp/${text}`, '--', 'true'], env, signal),
        ]),
      );
      const [echo, wd] = r.value!;
      assert.equal(echo.code, 0, echo.stderr);
      assert.equal(echo.stdout, `${text}\n`);
      assert.notEqual(wd.code, 0, 'a working directory that does not exist fails');
      assertNoMarker(markers);
      await assertNoMarkerIn(rt, id, markers);
    });

    it('cws --runtime and DOCKER_HOST holding a payload: usage error (2) and runtime error (1) naming the value', async () => {
      const m1 = marker();
      const m2 = marker();
      const r = await tryBadInput(`injection: cws --runtime / DOCKER_HOST with payloads (${engine})`, (signal) =>
        Promise.all([
          cws(['--runtime', payload('$()', m1), 'ps'], env, signal),
          cws(['ps'], { CONTAINER_RUNTIME: 'docker', DOCKER_HOST: `unix:///tmp/${payload(';', m2)}` }, signal),
        ]),
      );
      const [runtime, host] = r.value!;
      assert.equal(runtime.code, 2, runtime.stderr);
      assert.ok(runtime.stderr.includes('$(touch'), runtime.stderr);
      assert.equal(host.code, 1, host.stderr);
      assertNoMarker([m1, m2]);
    });

    it('the Compose tool on a project in such a folder, with payloads in labels, env and working_dir', async () => {
      clearComposeToolCache();
      const tool: ComposeTool | undefined = await findComposeTool(engine);
      assert.ok(tool, `a Compose tool for ${engine}`);
      const { text, markers } = allPayloads();
      const yaml =
        'services:\n  web:\n    image: busybox\n    labels:\n      evil: ' +
        JSON.stringify(text.replace(/\$/g, '$$$$')) +
        '\n    environment:\n      EVIL: ' +
        JSON.stringify(text.replace(/\$/g, '$$$$')) +
        '\n';
      const { dir, markers: pathMarkers } = hostileFolder(root, { 'compose.yaml': yaml });
      const ctx = await detectDirectory(dir, { env: process.env });
      const [project] = ctx.composeProjects;
      assert.ok(project, JSON.stringify(ctx.diagnostics));
      const lines: string[] = [];
      const onLine = (l: string) => void lines.push(l);
      const r = await tryBadInput(
        `injection: compose config/ps in a payload folder (${engine})`,
        async (signal) => {
          const ref = { name: project.name, workingDir: project.workingDir, files: project.files };
          const config = await runCompose(composeInvocation(tool, ref, ['config'], { endpointUrl }), {
            signal,
            onLine,
          });
          const ps = await runCompose(composeInvocation(tool, ref, ['ps'], { endpointUrl }), { signal, onLine });
          return { config, ps };
        },
        { limitMs: 60_000 },
      );
      assert.equal(r.value!.config.exitCode, 0, lines.join('\n'));
      assert.ok(
        lines.some((l) => l.includes(`touch ${markers[0]}`)),
        `config shows the payloads as values:\n${lines.join('\n')}`,
      );
      assert.equal(r.value!.ps.exitCode, 0, lines.join('\n'));
      assertNoMarker([...markers, ...pathMarkers]);
    });

    it('cws context and cws create on a folder whose path holds the payloads; exec --workspace finds it', async function () {
      this.timeout(120_000);
      const { dir, markers } = hostileFolder(root, { 'README.md': 'nothing\n' });
      const r = await tryBadInput(
        `injection: cws context/create/exec --workspace on a payload folder (${engine})`,
        async (signal) => {
          const context = await cws(['context', dir, '--json'], env, signal);
          const create = await cws(['create', dir, '--source', 'image', '--image', TEST_IMAGE], env, signal);
          const pwd = await cws(['exec', '--workspace', dir, '--', 'sh', '-c', 'pwd'], env, signal);
          return { context, create, pwd };
        },
        { limitMs: 90_000 },
      );
      const { context, create, pwd } = r.value!;
      try {
        assert.equal(context.code, 0, context.stderr);
        assert.equal(create.code, 0, create.stderr);
        assert.equal(pwd.code, 0, pwd.stderr);
        assert.match(pwd.stdout, /^\/workspaces\/.+/);
        assertNoMarker(markers);
      } finally {
        const list = await rt.listContainers({ all: true });
        for (const c of list.filter((x) => x.labels[LABELS.workspace] === dir))
          await rt.remove(c.id, { force: true }).catch(() => undefined);
      }
    });
  });
}

describe('injection: the tunnel scripts in a container (docker, real engine)', function () {
  this.timeout(120_000);
  const engine: EngineId = 'docker';
  let rt: ContainerRuntime;
  let id: string;

  before(async function () {
    requireEngine(this, engine);
    rt = new DockerRuntime('docker', { url: `unix://${ENGINE_SOCKETS.docker}`, socketPath: ENGINE_SOCKETS.docker });
    const image = await ensureTunnelImage(rt, engine);
    id = await runTestContainer(engine, uniqueName('cws-inj-tunnel'), ['sleep', '300'], {
      image,
      flags: ['--network', 'none'],
    });
  });

  after(async () => {
    if (!rt) return;
    await removeTestContainers(engine).catch(() => undefined);
    void rt.close();
  });

  for (const kind of KINDS) {
    it(`START gets a tunnel name that is ${kind} as a positional argument: stored verbatim, never run`, async () => {
      const m = marker();
      const bad = payload(kind, m);
      const r = await tryBadInput(`injection: tunnel START script with a name ${kind}`, async (signal) => {
        const start = await runScript(rt, id, START, [bad, SUPERVISOR], { signal });
        const stored = await rt.exec(id, { cmd: ['cat', `${STATE_DIR}/name`] });
        const stop = await runScript(rt, id, STOP, [], { signal });
        return { start, stored, stop };
      });
      const { start, stored, stop } = r.value!;
      assert.equal(start.exitCode, 0, `${start.stdout}${start.stderr}`);
      assert.match(start.stdout, /^started \d+/);
      assert.equal(stored.stdout, `${bad}\n`);
      assert.equal(stop.exitCode, 0, stop.stdout);
      await assertNoMarkerIn(rt, id, [m]);
      assertNoMarker([m]);
    });
  }

  it('startTunnel with a hostile folder name: sanitised to a valid tunnel name, nothing runs', async () => {
    const { text, markers } = allPayloads();
    const r = await tryBadInput('injection: startTunnel with a folder name with payloads', async (signal) => {
      const started = await startTunnel(rt, id, { name: text, signal });
      const status = await tunnelStatus(rt, id);
      await stopTunnel(rt, id);
      return { started, status };
    });
    assert.match(r.value!.started.name ?? '', /^[a-z0-9_-]{1,20}$/);
    assert.equal(r.value!.status.name, r.value!.started.name);
    await assertNoMarkerIn(rt, id, markers);
    assertNoMarker(markers);
  });
});

describe('injection: Apple Containers through the fake CLI', function () {
  this.timeout(60_000);
  const state = mkdtempSync(join(tmpdir(), 'cws-inj-apple-'));
  const rt = new AppleRuntime({ cliPath: FAKE_CONTAINER, env: { CWS_FAKE_CONTAINER_STATE: state } });
  after(async () => {
    await rt.close();
    await removeFakeState(state);
  });

  it('labels, env, working dir and exec arguments holding the payloads reach the CLI as single arguments', async () => {
    const { text, markers } = allPayloads();
    const r = await tryBadInput('injection: Apple CLI create/exec with payloads', async () => {
      const cid = await rt.createContainer({
        image: 'docker.io/library/busybox:latest',
        name: 'inj',
        cmd: ['sleep', '60'],
        labels: { evil: text },
        env: { EVIL: text },
      });
      await rt.start(cid).catch(() => undefined);
      const echo = await rt.exec(cid, { cmd: ['echo', text] });
      const details = await rt.inspect(cid);
      await rt.remove(cid, { force: true });
      return { echo, details };
    });
    assert.equal(r.value!.echo.stdout, `${text}\n`);
    assert.equal(r.value!.details.labels.evil, text);
    // The fake logs each invocation's argv: the payload arrived as one argument, unsplit.
    const calls = readFileSync(join(state, 'calls.log'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { args: string[] }).args);
    assert.ok(
      calls.some((a) => a.includes(`evil=${text}`)),
      'the label is one argument',
    );
    assert.ok(
      calls.some((a) => a[0] === 'exec' && a.at(-1) === text),
      'the exec argument is one argument',
    );
    assertNoMarker(markers);
  });

  for (const kind of KINDS) {
    it(`a container id that is ${kind}: notFound from inspect, logs and exec, nothing runs`, async () => {
      const m = marker();
      const bad = payload(kind, m);
      for (const [what, call] of [
        ['inspect', () => rt.inspect(bad)],
        ['exec', () => rt.exec(bad, { cmd: ['true'] })],
        ['logs', () => rt.logs(bad, {}, () => undefined)],
      ] as [string, () => Promise<unknown>][]) {
        const res = await tryBadInput(`injection: Apple ${what} with an id ${kind}`, () => call());
        // exec reports a CLI failure as its exit code and stderr unless it recognises the text.
        const said =
          res.error instanceof RuntimeError ? res.error : (res.value as { exitCode: number; stderr: string });
        if (said instanceof RuntimeError) assert.equal(said.code, 'notFound', `${what}: ${said.message}`);
        else {
          assert.notEqual(said.exitCode, 0, what);
          assert.ok(said.stderr.includes(bad) && /not found/.test(said.stderr), `${what}: ${said.stderr}`);
        }
      }
      assertNoMarker([m]);
    });
  }
});
