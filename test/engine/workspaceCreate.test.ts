// Creating (or reusing) a folder's workspace container against the real dockerd and Podman socket:
// from a dev container config (image), a Dockerfile (built from the local busybox), a Compose
// service, and a dev container build in a folder named `a b "c" $(touch pwned) ü`. Checked through
// the runtime (exec, inspect) and the engine's own CLI. Apple Containers through the fake CLI.
// Every folder is a copy under one temporary root; what was made for folders under it is removed.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from '../../src/cli/args';
import { create as createCommand } from '../../src/cli/commands/create';
import type { CliContext } from '../../src/cli/context';
import { detectDirectory } from '../../src/core/detection/detect';
import { AppleRuntime } from '../../src/core/runtime/apple/appleRuntime';
import {
  clearComposeToolCache,
  composeInvocation,
  findComposeTool,
  runCompose,
  type ComposeTool,
} from '../../src/core/compose/composeTool';
import { DockerRuntime } from '../../src/core/runtime/docker/dockerRuntime';
import { PodmanRuntime } from '../../src/core/runtime/docker/podmanRuntime';
import { LABELS } from '../../src/core/runtime/labels';
import { attachToWorkspaceContainer } from '../../src/core/workspace/attach';
import { composeOverrideDir } from '../../src/core/workspace/compose';
import type { ContainerRuntime } from '../../src/core/runtime/types';
import {
  createWorkspaceContainer,
  findWorkspaceContainer,
  imageSource,
  workspaceContainerName,
  workspaceImageTag,
  workspaceSources,
  type CreateWorkspaceOptions,
  type WorkspaceSource,
} from '../../src/core/workspace';
import {
  ENGINE_SOCKETS,
  TEST_IMAGE,
  TEST_LABEL,
  engineCli,
  requireEngine,
  uniqueName,
  type EngineId,
} from '../support/engines';
import { removeFakeState } from '../support/appleFake';
import { repoRoot } from '../support/paths';
import { isCode } from '../support/until';
import { ran, recordingHooks } from '../support/hooks';

const FIXTURES = join(repoRoot, 'test/fixtures/workspaces');
const ODD = 'a b "c" $(touch pwned) ü';
const labels = { [TEST_LABEL]: String(process.pid) };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function sourcesOf(folder: string): Promise<WorkspaceSource[]> {
  return workspaceSources(await detectDirectory(folder, { env: process.env }));
}

/** The container's environment (the test image's busybox has no printenv). */
async function envOf(rt: ContainerRuntime, id: string): Promise<Record<string, string>> {
  const out = await run(rt, id, ['env']);
  return Object.fromEntries(out.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

async function run(rt: ContainerRuntime, id: string, cmd: string[]): Promise<string> {
  const r = await rt.exec(id, { cmd });
  assert.equal(r.exitCode, 0, `${cmd.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/**
 * Removes what was made for folders under root (by our workspace label), and the Compose networks
 * of those projects.
 */
async function cleanUp(rt: ContainerRuntime, root: string): Promise<void> {
  const list = await rt.listContainers({ all: true });
  const ours = list.filter(
    (c) =>
      c.labels[LABELS.workspace]?.startsWith(root) ||
      (c.labels[TEST_LABEL] === String(process.pid) && c.name.startsWith('cws-')),
  );
  await Promise.all(ours.map((c) => rt.remove(c.id, { force: true }).catch(() => undefined)));
}

for (const engine of ['docker', 'podman'] as EngineId[]) {
  describe(`workspace container on ${engine} (real engine)`, function () {
    this.timeout(180_000);
    const root = mkdtempSync(join(tmpdir(), `cws-create-${engine}-`));
    const endpointUrl = `unix://${ENGINE_SOCKETS[engine]}`;
    let rt: ContainerRuntime;
    let tool: ComposeTool | undefined;
    const composeProjects: { name: string; workingDir: string; files: string[] }[] = [];
    /** Folders whose Compose override files are removed at the end. */
    const composeFolders: string[] = [];
    const images: string[] = [];

    /** A copy of a fixture folder under the root (the folder's name gets a unique suffix). */
    const copy = (fixture: string, name = fixture) => {
      const dir = join(mkdtempSync(join(root, 'f-')), name);
      cpSync(join(FIXTURES, fixture), dir, { recursive: true });
      return dir;
    };
    const opts = (
      folder: string,
      source: WorkspaceSource,
      more: Partial<CreateWorkspaceOptions> = {},
    ): CreateWorkspaceOptions => ({ folder, source, labels, composeTool: tool, endpointUrl, ...more });

    before(async function () {
      requireEngine(this, engine);
      rt =
        engine === 'docker'
          ? new DockerRuntime('docker', { url: endpointUrl, socketPath: ENGINE_SOCKETS.docker })
          : new PodmanRuntime({ url: endpointUrl, socketPath: ENGINE_SOCKETS.podman });
      clearComposeToolCache();
      tool = await findComposeTool(engine);
    });

    after(async function () {
      if (!rt) return;
      await cleanUp(rt, root);
      for (const p of composeProjects) {
        if (tool)
          await runCompose(composeInvocation(tool, p, ['down', '--timeout', '0'], { endpointUrl })).catch(
            () => undefined,
          );
      }
      for (const i of images) await engineCli(engine, ['rmi', '-f', i]).catch(() => undefined);
      const overrides = existsSync(composeOverrideDir()) ? readdirSync(composeOverrideDir()) : [];
      for (const f of composeFolders) {
        for (const file of overrides.filter((o) => o.startsWith(`${workspaceContainerName(f)}-`)))
          rmSync(join(composeOverrideDir(), file), { force: true });
      }
      void rt.close();
      rmSync(root, { recursive: true, force: true });
    });

    describe('from a dev container config (image)', () => {
      let folder: string;
      let source: WorkspaceSource;
      let id: string;
      let target: string;

      before(async () => {
        folder = copy('create-devcontainer', 'devcontainer-app');
        [source] = await sourcesOf(folder);
        target = `/src/${'devcontainer-app'}`;
      });

      it("creates it: labels, the mount at workspaceMount's target, env, remoteUser, postCreateCommand once", async () => {
        assert.equal(source.kind, 'devcontainer');
        assert.equal(source.label, 'Dev container: Busybox (image)');
        const progress: string[] = [];
        const hooks = recordingHooks(rt);
        const w = await createWorkspaceContainer(
          rt,
          opts(folder, source, { onProgress: (p) => progress.push(p.message), hooks: hooks.runner }),
        );
        id = w.id;
        // postCreateCommand comes after the default waitFor (updateContentCommand): it runs on.
        assert.equal(await w.hooksDone, undefined);
        const { hooksDone: _, ...shown } = w;
        assert.deepEqual(
          { ...shown, id: '' },
          { id: '', name: workspaceContainerName(folder), created: true, workspaceFolder: target, remoteUser: 'root' },
        );
        assert.deepEqual(ran(hooks.calls), [
          {
            hook: 'postCreateCommand',
            source: 'devcontainer.json',
            argv: ['/bin/sh', '-c', 'echo ran >> post-create.log'],
            workspaceFolder: target,
            user: 'root',
          },
        ]);
        assert.ok(
          progress.some((m) => /Creating container/.test(m)),
          progress.join('\n'),
        );
        assert.equal(readFileSync(join(folder, 'post-create.log'), 'utf8'), 'ran\n');

        const d = await rt.inspect(id);
        assert.equal(d.state, 'running');
        assert.equal(d.labels[LABELS.workspace], folder);
        assert.equal(d.labels[LABELS.workspaceTarget], target);
        assert.equal(d.labels[LABELS.workspaceSource], 'devcontainer');
        assert.equal(d.labels[LABELS.devcontainerLocalFolder], folder);
        assert.equal(d.labels[LABELS.devcontainerConfigFile], join(folder, '.devcontainer/devcontainer.json'));
        assert.equal(d.labels[TEST_LABEL], String(process.pid));
        assert.ok(
          d.mounts.some((m) => m.type === 'bind' && m.source === folder && m.destination === target),
          JSON.stringify(d.mounts),
        );
        assert.deepEqual(d.entrypoint, ['/bin/sh']);
        // The engine's own CLI sees the same labels.
        assert.equal(
          await engineCli(engine, ['inspect', '--format', `{{ index .Config.Labels "${LABELS.workspace}" }}`, id]),
          folder,
        );

        writeFileSync(join(folder, 'hello.txt'), 'from the host\n');
        assert.equal(await run(rt, id, ['cat', `${target}/hello.txt`]), 'from the host');
        assert.equal((await envOf(rt, id)).CWS_GREETING, 'hello from devcontainer-app');
        assert.equal(await run(rt, id, ['sh', '-c', 'pwd']), target);
      });

      it('a second create reuses it (same id, created: false) and does not run postCreateCommand again', async () => {
        const hooks = recordingHooks(rt);
        const w = await createWorkspaceContainer(rt, opts(folder, source, { hooks: hooks.runner }));
        assert.deepEqual([w.id, w.created, w.workspaceFolder, hooks.calls.length], [id, false, target, 0]);
        assert.equal((await findWorkspaceContainer(rt, folder))?.id, id);
        assert.equal(
          (await findWorkspaceContainer(rt, folder, { configFile: join(folder, '.devcontainer/devcontainer.json') }))
            ?.id,
          id,
        );
        assert.equal(await findWorkspaceContainer(rt, folder, { configFile: join(folder, 'other.json') }), undefined);
        assert.equal(readFileSync(join(folder, 'post-create.log'), 'utf8'), 'ran\n');
      });

      it('the keep-alive stops at once on `stop`, and a stopped one is started again on create', async () => {
        // A 30 s grace: ignored, SIGTERM would leave the keep-alive running until the engine's
        // SIGKILL at 30 s; handled, it ends at once. 20 s tells the two apart however loaded the
        // machine is. (The exit code cannot: Podman 4.3's API reports 137 even for a handled one.)
        const t0 = Date.now();
        await rt.stop(id, 30);
        assert.ok(Date.now() - t0 < 20_000, `stop took ${Date.now() - t0} ms: SIGTERM was not handled`);
        const stopped = await rt.inspect(id);
        assert.notEqual(stopped.state, 'running');
        if (engine === 'docker') assert.equal(stopped.exitCode, 0, 'the trap exits 0');
        const hooks = recordingHooks(rt);
        const w = await createWorkspaceContainer(rt, opts(folder, source, { hooks: hooks.runner }));
        assert.equal(await w.hooksDone, undefined);
        assert.deepEqual([w.id, w.created, hooks.calls.length], [id, false, 0], 'this config has no postStartCommand');
        assert.equal((await rt.inspect(id)).state, 'running');
        const all = (await rt.listContainers({ all: true })).filter((c) => c.labels[LABELS.workspace] === folder);
        assert.equal(all.length, 1, 'never a second container');
      });

      it('another source for the same folder is a clear conflict, not a second container', async () => {
        await assert.rejects(
          createWorkspaceContainer(rt, opts(folder, imageSource(TEST_IMAGE))),
          (e: Error & { code?: string; hint?: string }) =>
            e.code === 'conflict' && /already has a workspace container/.test(e.message) && /cws rm/.test(e.hint ?? ''),
        );
      });
    });

    describe('from a Dockerfile', () => {
      it('builds FROM the local busybox, tags it for the folder, mounts the folder at /workspaces/<name>', async () => {
        const folder = copy('create-dockerfile', 'dockerfile-app');
        const [source] = await sourcesOf(folder);
        assert.deepEqual([source.kind, source.label], ['dockerfile', 'Dockerfile: Dockerfile']);
        const tag = workspaceImageTag(engine, folder);
        images.push(tag);
        const progress: string[] = [];
        const w = await createWorkspaceContainer(
          rt,
          opts(folder, source, { onProgress: (p) => progress.push(p.message) }),
        );
        assert.equal(w.created, true);
        assert.equal(w.workspaceFolder, '/workspaces/dockerfile-app');
        assert.ok(
          progress.some((m) => /step/i.test(m)),
          `build steps in the progress:\n${progress.join('\n')}`,
        );
        assert.equal(await run(rt, w.id, ['cat', '/built.txt']), 'built');
        assert.equal((await envOf(rt, w.id)).FROM_DOCKERFILE, 'yes');
        assert.equal(
          await run(rt, w.id, ['cat', '/workspaces/dockerfile-app/README.md']),
          readFileSync(join(folder, 'README.md'), 'utf8').trim(),
        );
        const d = await rt.inspect(w.id);
        assert.equal(d.labels[LABELS.workspaceSource], 'dockerfile');
        assert.equal(d.labels[LABELS.devcontainerConfigFile], undefined);
        assert.ok(await rt.imageExists(tag));
        const again = await createWorkspaceContainer(rt, opts(folder, source));
        assert.deepEqual([again.id, again.created], [w.id, false]);
      });

      it('a cancelled build leaves no container behind', async () => {
        const folder = join(mkdtempSync(join(root, 'f-')), 'slow-build');
        mkdirSync(folder);
        writeFileSync(join(folder, 'Dockerfile'), `FROM ${TEST_IMAGE}\nRUN sleep 120\n`);
        images.push(workspaceImageTag(engine, folder));
        const [source] = await sourcesOf(folder);
        const ac = new AbortController();
        const t0 = Date.now();
        setTimeout(() => ac.abort(), 1_500);
        await assert.rejects(
          createWorkspaceContainer(rt, opts(folder, source, { signal: ac.signal })),
          isCode('cancelled'),
        );
        assert.ok(Date.now() - t0 < 60_000, 'cancelling ends the build long before its 120 s RUN would');
        assert.equal(await findWorkspaceContainer(rt, folder), undefined);
        assert.ok(!(await rt.listContainers({ all: true })).some((c) => c.name === workspaceContainerName(folder)));
        await assert.rejects(
          createWorkspaceContainer(rt, opts(folder, imageSource(TEST_IMAGE), { signal: AbortSignal.abort() })),
          isCode('cancelled'),
        );
      });
    });

    describe('with Features and every hook', () => {
      it('installs the Features in dependency order, runs the hooks in order; a second create builds nothing', async () => {
        const folder = copy('create-features', 'features-app');
        const [source] = await sourcesOf(folder);
        const progress: string[] = [];
        const hooks = recordingHooks(rt);
        const w = await createWorkspaceContainer(
          rt,
          opts(folder, source, { hooks: hooks.runner, onProgress: (p) => progress.push(p.message) }),
        );
        assert.equal(await w.hooksDone, undefined);
        const d = await rt.inspect(w.id);
        images.push(d.image);
        assert.match(d.image, /container-workspaces-features/);
        assert.equal(await run(rt, w.id, ['cat', '/opt/hello/installed']), 'installed by hello as 0');
        assert.equal(await run(rt, w.id, ['cat', '/opt/hello/greeting']), 'hi there');
        assert.equal((await envOf(rt, w.id)).HELLO_HOME, '/opt/hello', "the Feature's containerEnv");
        assert.equal(
          await engineCli(engine, ['inspect', '--format', '{{json .HostConfig.CapAdd}}', w.id]).then((t) =>
            /SYS_PTRACE/.test(t),
          ),
          true,
          "the Feature's capAdd",
        );
        assert.match(
          await run(rt, w.id, ['sh', '-c', 'grep " /run/greeter " /proc/mounts']),
          /^tmpfs \/run\/greeter tmpfs /,
          "the Feature's tmpfs mount",
        );
        // The spec's order: each hook's Feature commands first, then the config's.
        assert.deepEqual(readFileSync(join(folder, 'hooks.log'), 'utf8').trim().split('\n'), [
          'feature-hello-onCreate',
          'onCreate',
          'updateContent',
          'postCreate-a',
          'feature-hello-postStart',
          'postStart remote-/opt/hello',
        ]);
        assert.equal(readFileSync(join(folder, 'remote-env.txt'), 'utf8').trim(), 'remote-/opt/hello', 'remoteEnv');
        assert.ok(
          progress.some((m) => /Installing Features: \.\/hello, \.\/greeter/.test(m)),
          progress.join('\n'),
        );

        // Again after a stop: reused, nothing built, only postStart (the Feature's, then the config's).
        await rt.stop(w.id, 5);
        const again: string[] = [];
        const w2 = await createWorkspaceContainer(
          rt,
          opts(folder, source, { hooks: hooks.runner, onProgress: (p) => again.push(p.message) }),
        );
        assert.equal(await w2.hooksDone, undefined);
        assert.deepEqual([w2.id, w2.created, w2.outOfDate], [w.id, false, undefined]);
        assert.ok(!again.some((m) => /Installing Features/.test(m)), again.join('\n'));
        assert.deepEqual(readFileSync(join(folder, 'hooks.log'), 'utf8').trim().split('\n').slice(6), [
          'feature-hello-postStart',
          'postStart remote-/opt/hello',
        ]);

        // A changed config marks it out of date; a rebuild makes it anew from the layered image already built.
        const cfg = join(folder, '.devcontainer/devcontainer.json');
        writeFileSync(
          cfg,
          readFileSync(cfg, 'utf8').replace('"remoteUser"', '"containerEnv": { "X": "1" },\n  "remoteUser"'),
        );
        const [changed] = await sourcesOf(folder);
        const stale = await createWorkspaceContainer(rt, opts(folder, changed));
        assert.deepEqual([stale.id, stale.outOfDate], [w.id, true]);
        const rebuilt: string[] = [];
        const fresh = await createWorkspaceContainer(
          rt,
          opts(folder, changed, { rebuild: true, onProgress: (p) => rebuilt.push(p.message) }),
        );
        assert.notEqual(fresh.id, w.id);
        assert.equal(fresh.created, true);
        assert.ok(
          rebuilt.some((m) => /Features are installed already/.test(m)),
          rebuilt.join('\n'),
        );
        assert.equal((await envOf(rt, fresh.id)).X, '1');
        assert.equal(
          (await rt.listContainers({ all: true })).filter((c) => c.labels[LABELS.workspace] === folder).length,
          1,
        );
      });

      it('attaching (a shell, a tunnel): remoteEnv from the live container, postAttach (the Feature first) each time', async () => {
        const folder = copy('create-features', 'features-attach');
        const edit = (file: string, from: string, to: string) => {
          const text = readFileSync(join(folder, file), 'utf8');
          assert.ok(text.includes(from), `${file} has ${from}`);
          writeFileSync(join(folder, file), text.replace(from, to));
        };
        edit(
          '.devcontainer/devcontainer.json',
          '"postStartCommand"',
          '"postAttachCommand": "echo \\"postAttach $CWS_REMOTE\\" >> hooks.log",\n  "postStartCommand"',
        );
        edit(
          '.devcontainer/hello/devcontainer-feature.json',
          '"postStartCommand"',
          '"postAttachCommand": "echo feature-hello-postAttach >> hooks.log",\n  "postStartCommand"',
        );
        const [source] = await sourcesOf(folder);
        const w = await createWorkspaceContainer(rt, opts(folder, source, { hooks: recordingHooks(rt).runner }));
        assert.equal(await w.hooksDone, undefined);
        const log = () => readFileSync(join(folder, 'hooks.log'), 'utf8').trim().split('\n');
        assert.ok(!log().some((l) => /postAttach/.test(l)), 'a create is no attach');
        const c = (await rt.listContainers({ all: true })).find((x) => x.id === w.id)!;
        for (const round of [1, 2]) {
          const hooks = recordingHooks(rt);
          const a = await attachToWorkspaceContainer(rt, c, {
            folder,
            devcontainer: source.devcontainer!,
            hooks: hooks.runner,
          });
          assert.deepEqual(a.env, { CWS_REMOTE: 'remote-/opt/hello' }, 'remoteEnv from the container');
          assert.equal(await a.hooksDone, undefined);
          assert.deepEqual(
            hooks.calls.map((h) => [h.hook, h.source, h.workspaceFolder]),
            [
              ['postAttachCommand', 'feature ./hello', w.workspaceFolder],
              ['postAttachCommand', 'devcontainer.json', w.workspaceFolder],
            ],
          );
          assert.deepEqual(
            log().slice(-2),
            ['feature-hello-postAttach', 'postAttach remote-/opt/hello'],
            `round ${round}`,
          );
        }
        // A task attaches without hooks: the environment only.
        const quiet = await attachToWorkspaceContainer(rt, c, { folder, devcontainer: source.devcontainer! });
        assert.deepEqual(quiet.env, { CWS_REMOTE: 'remote-/opt/hello' });
        assert.equal(log().filter((l) => /postAttach/.test(l)).length, 4);
      });

      it('a Feature that is missing or whose hook fails is named, and nothing is left behind', async () => {
        const folder = copy('create-features', 'features-broken');
        const cfg = join(folder, '.devcontainer/devcontainer.json');
        const text = readFileSync(cfg, 'utf8');
        writeFileSync(cfg, text.replace('"./greeter"', '"./nowhere"'));
        const [missing] = await sourcesOf(folder);
        await assert.rejects(createWorkspaceContainer(rt, opts(folder, missing)), /\.\/nowhere/);
        writeFileSync(cfg, text.replace('"echo onCreate >> hooks.log"', '"exit 3"'));
        const [failing] = await sourcesOf(folder);
        await assert.rejects(
          createWorkspaceContainer(rt, opts(folder, failing, { hooks: recordingHooks(rt).runner })),
          /onCreateCommand \(from devcontainer.json\) failed with exit code 3/,
        );
        assert.equal(
          (await rt.listContainers({ all: true })).filter((c) => c.labels[LABELS.workspace] === folder).length,
          0,
          'the container whose onCreateCommand failed was removed',
        );
      });
    });

    describe('from a Compose service', () => {
      it('runs `up -d web` with our override: labels, the bind mount, its environment; then reuses it', async function () {
        if (!tool) this.skip();
        const folder = copy('create-compose', 'compose-app');
        const sources = await sourcesOf(folder);
        const source = sources[0];
        assert.deepEqual([source.kind, source.label], ['compose', 'Compose service: web']);
        composeProjects.push(source.compose!.project);
        composeFolders.push(folder);
        const hooks = recordingHooks(rt);
        const w = await createWorkspaceContainer(rt, opts(folder, source, { hooks: hooks.runner }));
        assert.equal(w.created, true);
        assert.equal(hooks.calls.length, 0, 'a Compose service has no postCreateCommand');
        assert.equal(w.workspaceFolder, '/workspaces/compose-app');
        const d = await rt.inspect(w.id);
        assert.equal(d.labels[LABELS.composeService], 'web');
        assert.equal(d.labels[LABELS.composeProject], source.compose!.project.name);
        assert.equal(d.labels[LABELS.workspace], folder);
        assert.equal(d.labels[LABELS.workspaceSource], 'compose');
        assert.equal(d.labels[TEST_LABEL], String(process.pid));
        writeFileSync(join(folder, 'hello.txt'), 'compose\n');
        assert.equal(await run(rt, w.id, ['cat', '/workspaces/compose-app/hello.txt']), 'compose');
        assert.equal((await envOf(rt, w.id)).FROM_COMPOSE, 'yes');

        const again = await createWorkspaceContainer(rt, opts(folder, source));
        assert.deepEqual([again.id, again.created], [w.id, false]);
        await rt.stop(w.id, 2);
        const started = await createWorkspaceContainer(rt, opts(folder, source));
        assert.deepEqual([started.id, started.created], [w.id, false]);
        assert.equal((await rt.inspect(w.id)).state, 'running');
      });
    });

    describe('from a Compose dev container', () => {
      it('brings up its service as "<folder>_devcontainer", with containerEnv, the mount at workspaceFolder, postCreateCommand once', async function () {
        if (!tool) this.skip();
        const name = uniqueName('dccompose');
        const folder = copy('create-devcontainer-compose', name);
        const [source] = await sourcesOf(folder);
        assert.deepEqual([source.kind, source.devcontainer?.kind], ['devcontainer', 'compose']);
        const projectName = `${name}_devcontainer`;
        composeProjects.push({
          name: projectName,
          workingDir: join(folder, '.devcontainer'),
          files: [join(folder, '.devcontainer/compose.yaml')],
        });
        composeFolders.push(folder);
        const target = `/workspaces/${name}`;
        const hooks = recordingHooks(rt);
        const w = await createWorkspaceContainer(rt, opts(folder, source, { hooks: hooks.runner }));
        assert.equal(await w.hooksDone, undefined);
        assert.deepEqual([w.created, w.workspaceFolder, hooks.calls.length], [true, target, 1]);
        assert.ok(existsSync(join(folder, 'post-created')));
        const d = await rt.inspect(w.id);
        assert.equal(d.labels[LABELS.composeProject], projectName);
        assert.equal(d.labels[LABELS.composeService], 'app');
        assert.equal(d.labels[LABELS.devcontainerConfigFile], join(folder, '.devcontainer/devcontainer.json'));
        assert.equal(d.labels[LABELS.workspaceSource], 'devcontainer');
        assert.equal((await envOf(rt, w.id)).FROM_DEVCONTAINER, 'yes');
        assert.equal(
          await run(rt, w.id, ['cat', `${target}/README.md`]),
          readFileSync(join(folder, 'README.md'), 'utf8').trim(),
        );
        const again = await createWorkspaceContainer(rt, opts(folder, source, { hooks: hooks.runner }));
        assert.deepEqual([again.id, again.created, hooks.calls.length], [w.id, false, 1]);
      });
    });

    describe('names and odd folders', () => {
      it('a taken name is a clear conflict', async () => {
        const folder = join(mkdtempSync(join(root, 'f-')), 'taken');
        mkdirSync(folder);
        const name = workspaceContainerName(folder);
        await engineCli(engine, [
          'create',
          '--name',
          name,
          '--label',
          `${TEST_LABEL}=${process.pid}`,
          TEST_IMAGE,
          'true',
        ]);
        await assert.rejects(
          createWorkspaceContainer(rt, opts(folder, imageSource(TEST_IMAGE))),
          (e: Error & { code?: string; hint?: string }) =>
            e.code === 'conflict' &&
            e.message === `The name "${name}" is taken by another container.` &&
            /Remove or rename/.test(e.hint ?? ''),
        );
        await engineCli(engine, ['rm', '-f', name]);
      });

      const odd = ODD;
      it(`a dev container build in "${odd}": mount, ports, post-create forms; nothing unintended runs`, async () => {
        const parent = mkdtempSync(join(root, 'odd-'));
        const folder = join(parent, odd);
        mkdirSync(join(folder, '.devcontainer'), { recursive: true });
        const port = await freePort();
        writeFileSync(join(folder, '.devcontainer/Dockerfile'), `FROM ${TEST_IMAGE}\nRUN touch /made-by-build\n`);
        writeFileSync(
          join(folder, '.devcontainer/devcontainer.json'),
          JSON.stringify({
            build: { dockerfile: 'Dockerfile' },
            forwardPorts: [port],
            containerEnv: { WHERE: '${localWorkspaceFolder}' },
            postCreateCommand: { where: 'pwd > where.txt', touch: ['touch', 'two $(x).txt'] },
          }),
        );
        images.push(workspaceImageTag(engine, folder));
        const [source] = await sourcesOf(folder);
        assert.equal(source.devcontainer?.kind, 'build');
        const target = `/workspaces/${odd}`;
        const hooks = recordingHooks(rt);
        const w = await createWorkspaceContainer(rt, opts(folder, source, { hooks: hooks.runner }));
        assert.equal(await w.hooksDone, undefined);
        assert.equal(w.workspaceFolder, target);
        assert.match(w.name, /^cws-a-b-c-touch-pwned-u-[0-9a-f]{8}$/);
        // The object form: its entries run in parallel, each named by its key.
        assert.deepEqual(
          ran(hooks.calls)
            .map((c) => [c.name, c.argv])
            .sort(),
          [
            ['touch', ['touch', 'two $(x).txt']],
            ['where', ['/bin/sh', '-c', 'pwd > where.txt']],
          ],
        );
        assert.equal(readFileSync(join(folder, 'where.txt'), 'utf8').trim(), target);
        assert.ok(existsSync(join(folder, 'two $(x).txt')));
        assert.equal((await envOf(rt, w.id)).WHERE, folder);
        assert.equal(await run(rt, w.id, ['ls', '/made-by-build']), '/made-by-build');
        const d = await rt.inspect(w.id);
        assert.equal(d.labels[LABELS.workspace], folder);
        assert.equal(d.labels[LABELS.workspaceTarget], target);
        assert.ok(
          d.mounts.some((m) => m.source === folder && m.destination === target),
          JSON.stringify(d.mounts),
        );
        assert.ok(
          d.ports.some((p) => p.containerPort === port && p.hostPort === port),
          JSON.stringify(d.ports),
        );

        // `$(touch pwned)` was never run by a shell: not on the host, not in the container.
        for (const dir of [folder, parent, root, process.cwd(), join(folder, '.devcontainer')]) {
          assert.ok(!readdirSync(dir).includes('pwned'), `pwned in ${dir}`);
        }
        for (const dir of ['/', '/workspaces', target, '/tmp']) {
          assert.ok(
            !(await run(rt, w.id, ['ls', '-a', dir])).split('\n').includes('pwned'),
            `pwned in the container's ${dir}`,
          );
        }

        const again = await createWorkspaceContainer(rt, opts(folder, source, { hooks: hooks.runner }));
        assert.deepEqual([again.id, again.created, hooks.calls.length], [w.id, false, 2]);
      });

      it(`a Compose service in "${odd}": the override escapes every $, the bind holds the whole path`, async function () {
        if (!tool) this.skip();
        const parent = mkdtempSync(join(root, 'odd-compose-'));
        const folder = join(parent, odd);
        cpSync(join(FIXTURES, 'create-compose'), folder, { recursive: true });
        writeFileSync(join(folder, '.env'), `COMPOSE_PROJECT_NAME=${uniqueName('cwsodd')}\n`);
        const [source] = await sourcesOf(folder);
        assert.equal(source.kind, 'compose');
        composeProjects.push(source.compose!.project);
        composeFolders.push(folder);
        const w = await createWorkspaceContainer(rt, opts(folder, source));
        const target = `/workspaces/${odd}`;
        assert.equal(w.workspaceFolder, target);
        const d = await rt.inspect(w.id);
        assert.equal(d.labels[LABELS.workspace], folder);
        assert.equal(d.labels[LABELS.workspaceTarget], target);
        writeFileSync(join(folder, 'hello.txt'), 'odd\n');
        assert.equal(await run(rt, w.id, ['cat', `${target}/hello.txt`]), 'odd');
        for (const dir of [folder, parent, root, process.cwd()])
          assert.ok(!readdirSync(dir).includes('pwned'), `pwned in ${dir}`);
        for (const dir of ['/', '/workspaces', target]) {
          assert.ok(
            !(await run(rt, w.id, ['ls', '-a', dir])).split('\n').includes('pwned'),
            `pwned in the container's ${dir}`,
          );
        }
      });

      if (engine === 'podman') {
        const COLON = 'a:b "c"';
        it(`Podman: a folder named '${COLON}' (a colon and a quote: neither a bind nor a mount) is refused clearly before anything is made`, async () => {
          const parent = mkdtempSync(join(root, 'odd-'));
          const folder = join(parent, COLON);
          mkdirSync(folder);
          await assert.rejects(
            createWorkspaceContainer(rt, opts(folder, imageSource(TEST_IMAGE))),
            (e: Error & { code?: string }) =>
              e.code === 'invalidArgument' && /Podman cannot mount a path holding both a colon/.test(e.message),
          );
          assert.equal(await findWorkspaceContainer(rt, folder), undefined);
          assert.deepEqual(readdirSync(parent), [COLON]);
        });
      }
    });

    describe('cws create', () => {
      const cli = async (argv: string[]) => {
        const out: string[] = [];
        const err: string[] = [];
        const ctx: CliContext = {
          args: parseArgs(['create', ...argv], new Set(['runtime', 'source', 'image'])),
          out: (s) => out.push(s),
          err: (s) => err.push(s),
          runtime: () => Promise.resolve(rt),
        };
        await createCommand(ctx);
        return { out: out.join('\n'), err: err.join('\n') };
      };

      it('creates from an image with --json, then reuses; --no-post-create skips the command', async () => {
        const folder = join(mkdtempSync(join(root, 'f-')), 'cli-image');
        mkdirSync(folder);
        const first = JSON.parse(
          (await cli([folder, '--source', 'image', '--image', TEST_IMAGE, '--json'])).out,
        ) as Record<string, unknown>;
        assert.deepEqual(
          { ...first, id: '' },
          { id: '', name: workspaceContainerName(folder), created: true, workspaceFolder: '/workspaces/cli-image' },
        );
        const second = JSON.parse((await cli([folder, '--image', TEST_IMAGE, '--json'])).out) as Record<
          string,
          unknown
        >;
        assert.deepEqual([second.id, second.created], [first.id, false]);

        const dc = copy('create-devcontainer', 'cli-devcontainer');
        const r = await cli([dc, '--no-post-create']);
        assert.match(r.out, new RegExp(`^${workspaceContainerName(dc)} [0-9a-f]{12,}$`));
        assert.match(r.err, /Created/);
        assert.ok(!existsSync(join(dc, 'post-create.log')), 'postCreateCommand did not run');

        const dc2 = copy('create-devcontainer', 'cli-post-create');
        const r2 = await cli([dc2]);
        assert.match(r2.err, /postCreateCommand \(devcontainer.json\): \/bin\/sh -c "echo ran >> post-create.log"/);
        assert.equal(readFileSync(join(dc2, 'post-create.log'), 'utf8'), 'ran\n');
      });
    });
  });
}

describe('workspace container on Apple Containers (fake CLI)', function () {
  this.timeout(60_000);
  const FAKE = join(repoRoot, 'test/fakes/container');
  const IMAGE = 'docker.io/library/busybox:latest';
  const state = mkdtempSync(join(tmpdir(), 'cws-create-apple-'));
  const folder = join(state, 'work space ü');
  let rt: AppleRuntime;

  before(() => {
    mkdirSync(folder);
    rt = new AppleRuntime({ cliPath: FAKE, env: { CWS_FAKE_CONTAINER_STATE: join(state, 'fake') } });
  });
  after(async () => {
    await rt?.close();
    await new Promise<void>((done) =>
      execFile(
        FAKE,
        ['delete', '--all', '--force'],
        { env: { ...process.env, CWS_FAKE_CONTAINER_STATE: join(state, 'fake') }, timeout: 30_000 },
        () => done(),
      ),
    );
    await removeFakeState(join(state, 'fake')); // once nothing of the fake still writes there
    rmSync(state, { recursive: true, force: true });
  });

  it('creates from an image through `container create` (mount, labels, keep-alive), then reuses it', async () => {
    const w = await createWorkspaceContainer(rt, { folder, source: imageSource(IMAGE), labels });
    assert.deepEqual(
      { ...w, id: '' },
      { id: '', name: workspaceContainerName(folder), created: true, workspaceFolder: '/workspaces/work space ü' },
    );
    assert.equal(w.id, w.name, 'Apple ids are the names');
    const d = await rt.inspect(w.id);
    assert.equal(d.state, 'running');
    assert.equal(d.labels[LABELS.workspace], folder);
    assert.equal(d.labels[LABELS.workspaceTarget], '/workspaces/work space ü');
    assert.equal(d.labels[LABELS.workspaceSource], 'image');
    assert.ok(
      d.mounts.some((m) => m.source === folder && m.destination === '/workspaces/work space ü'),
      JSON.stringify(d.mounts),
    );
    const again = await createWorkspaceContainer(rt, { folder, source: imageSource(IMAGE), labels });
    assert.deepEqual([again.id, again.created], [w.id, false]);
    await rt.stop(w.id, 2);
    const started = await createWorkspaceContainer(rt, { folder, source: imageSource(IMAGE), labels });
    assert.deepEqual([started.id, started.created], [w.id, false]);
    assert.equal((await rt.inspect(w.id)).state, 'running');
  });

  it('forwardPorts are published on 127.0.0.1', async () => {
    const dir = join(state, 'ports');
    mkdirSync(join(dir, '.devcontainer'), { recursive: true });
    const port = await freePort();
    writeFileSync(join(dir, '.devcontainer/devcontainer.json'), JSON.stringify({ image: IMAGE, forwardPorts: [port] }));
    const [source] = workspaceSources(await detectDirectory(dir, { env: process.env }));
    const w = await createWorkspaceContainer(rt, { folder: dir, source, labels });
    const d = await rt.inspect(w.id);
    assert.ok(
      d.ports.some((p) => p.containerPort === port && p.hostPort === port && p.hostIp === '127.0.0.1'),
      JSON.stringify(d.ports),
    );
  });

  it('a Compose source is refused with a hint to switch', async () => {
    const project = {
      name: uniqueName('p'),
      workingDir: folder,
      files: [join(folder, 'compose.yaml')],
      services: [],
      podmanLeaning: false,
    };
    await assert.rejects(
      createWorkspaceContainer(rt, {
        folder,
        source: { kind: 'compose', label: 'Compose service: web', compose: { project, service: 'web' } },
      }),
      (e: Error & { code?: string; hint?: string }) =>
        e.code === 'invalidArgument' && /Compose needs Docker or Podman/.test(e.message) && /Switch/.test(e.hint ?? ''),
    );
  });
});
