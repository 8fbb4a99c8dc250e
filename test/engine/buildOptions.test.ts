// A Dockerfile dev container's build.options and build.cacheFrom against the real dockerd and Podman
// socket: --build-arg (over build.args), --label, --no-cache, --target and --add-host take effect in
// the built image, cacheFrom reaches dockerd's /build (Podman: left out with a warning), --secret is
// a warning naming it, and unmet hostRequirements are warnings that do not stop the create. Apple
// Containers through the fake CLI: the `container build` argv has the flags it can take, the rest
// are warned. Every folder is written under one temporary root; what was made for it is removed.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectDirectory } from '../../src/core/detection/detect';
import type { AppleRuntime } from '../../src/core/runtime/apple/appleRuntime';
import { DockerRuntime } from '../../src/core/runtime/docker/dockerRuntime';
import { PodmanRuntime } from '../../src/core/runtime/docker/podmanRuntime';
import { LABELS } from '../../src/core/runtime/labels';
import type { ContainerRuntime } from '../../src/core/runtime/types';
import {
  createWorkspaceContainer,
  workspaceImageTag,
  workspaceSources,
  type CreateWorkspaceOptions,
  type WorkspaceSource,
} from '../../src/core/workspace';
import { FakeBed } from '../support/appleFake';
import { startCountingProxy, type CountingProxy } from '../support/countingProxy';
import { ENGINE_SOCKETS, TEST_IMAGE, TEST_LABEL, engineCli, requireEngine, type EngineId } from '../support/engines';

const labels = { [TEST_LABEL]: String(process.pid) };

const DOCKERFILE = `FROM ${TEST_IMAGE} AS base
ARG GREETING=from-dockerfile
RUN echo "$GREETING" > /greeting && cat /etc/hosts > /build-hosts

FROM base AS final
RUN echo final > /stage

FROM base AS after-final
RUN echo "the stage after the target was built" && exit 3
`;

const OPTIONS = [
  '--build-arg',
  'GREETING=from-options',
  '--label',
  'cws.test.opt=yes',
  '--no-cache',
  '--target',
  'final',
  '--add-host=cws-build-host:10.11.12.13',
  '--secret',
  'id=x',
];

function config(options: string[] = OPTIONS, cacheFrom: string[] = [TEST_IMAGE]): string {
  return JSON.stringify(
    {
      name: 'build options',
      build: { dockerfile: 'Dockerfile', args: { GREETING: 'from-args' }, options, cacheFrom },
      hostRequirements: { cpus: 100_000, gpu: true },
    },
    null,
    2,
  );
}

/** A dev container folder `<root>/<unique>/build-options` with the Dockerfile and config above. */
function writeFolder(root: string): string {
  const folder = join(mkdtempSync(join(root, 'f-')), 'build-options');
  mkdirSync(join(folder, '.devcontainer'), { recursive: true });
  writeFileSync(join(folder, '.devcontainer/Dockerfile'), DOCKERFILE);
  writeFileSync(join(folder, '.devcontainer/devcontainer.json'), config());
  return folder;
}

async function sourceOf(folder: string): Promise<WorkspaceSource> {
  const [source] = workspaceSources(await detectDirectory(folder, { env: process.env }));
  assert.equal(source?.devcontainer?.kind, 'build');
  return source;
}

async function run(rt: ContainerRuntime, id: string, cmd: string[]): Promise<string> {
  const r = await rt.exec(id, { cmd });
  assert.equal(r.exitCode, 0, `${cmd.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

const warningsIn = (progress: string[]) => progress.filter((m) => m.startsWith('Warning: '));

for (const engine of ['docker', 'podman'] as EngineId[]) {
  describe(`build.options and build.cacheFrom on ${engine} (real engine)`, function () {
    this.timeout(240_000);
    const root = mkdtempSync(join(tmpdir(), `cws-build-options-${engine}-`));
    let proxy: CountingProxy;
    let rt: ContainerRuntime;
    let folder: string;
    let source: WorkspaceSource;
    let tag: string;
    /** Every image id built here (a rebuild leaves the one before untagged). */
    const built = new Set<string>();
    const opts = (more: Partial<CreateWorkspaceOptions> = {}): CreateWorkspaceOptions => ({
      folder,
      source,
      labels,
      ...more,
    });
    const imageId = async () => {
      const id = await engineCli(engine, ['image', 'inspect', '--format', '{{.Id}}', tag]);
      built.add(id);
      return id;
    };
    const rebuild = async (progress: string[] = []) => {
      const w = await createWorkspaceContainer(
        rt,
        opts({ rebuild: true, onProgress: (p) => progress.push(p.message) }),
      );
      assert.equal(w.created, true);
      return imageId();
    };

    before(async function () {
      requireEngine(this, engine);
      proxy = await startCountingProxy(ENGINE_SOCKETS[engine], `build-${engine}`);
      const ep = { url: proxy.url, socketPath: proxy.path };
      rt = engine === 'podman' ? new PodmanRuntime(ep) : new DockerRuntime('docker', ep);
      folder = writeFolder(root);
      source = await sourceOf(folder);
      tag = workspaceImageTag(engine, folder);
    });

    after(async function () {
      if (!rt) return;
      const list = await rt.listContainers({ all: true });
      for (const c of list.filter((x) => x.labels[LABELS.workspace]?.startsWith(root)))
        await rt.remove(c.id, { force: true }).catch(() => undefined);
      await engineCli(engine, ['rmi', '-f', tag]).catch(() => undefined);
      for (const id of built) await engineCli(engine, ['rmi', '-f', id]).catch(() => undefined);
      void rt.close();
      await proxy.close();
      rmSync(root, { recursive: true, force: true });
    });

    it('builds with them: the build arg (over build.args), the label, the target, the host; --secret is warned', async () => {
      const progress: string[] = [];
      proxy.reset();
      const w = await createWorkspaceContainer(rt, opts({ onProgress: (p) => progress.push(p.message) }));
      assert.equal(w.created, true);
      // --build-arg from build.options wins over build.args, as with the Dev Containers CLI.
      assert.equal(await run(rt, w.id, ['cat', '/greeting']), 'from-options');
      // --target final: the stage after it (which fails) was not built, and final's step ran.
      assert.equal(await run(rt, w.id, ['cat', '/stage']), 'final');
      assert.match(await run(rt, w.id, ['cat', '/build-hosts']), /^10\.11\.12\.13\s+cws-build-host$/m);
      const imageLabels = JSON.parse(
        await engineCli(engine, ['image', 'inspect', '--format', '{{json .Config.Labels}}', tag]),
      ) as Record<string, string>;
      assert.equal(imageLabels['cws.test.opt'], 'yes');
      assert.equal(imageLabels[LABELS.workspace], folder, 'our own label is there too');
      await imageId();

      const warnings = warningsIn(progress);
      assert.ok(
        warnings.some((m) => /^Warning: build\.options: --secret is not honoured/.test(m)),
        warnings.join('\n'),
      );
      for (const honoured of ['--build-arg', '--label', '--no-cache', '--target', '--add-host'])
        assert.ok(
          !warnings.some((m) => m.includes(honoured)),
          `${honoured} is not warned about:\n${warnings.join('\n')}`,
        );
      assert.ok(
        warnings.some((m) => /^Warning: hostRequirements: needs 100000 CPUs, this machine has \d+;/.test(m)),
        warnings.join('\n'),
      );
      assert.ok(
        warnings.includes('Warning: hostRequirements: needs a GPU; whether this machine has one is not checked.'),
        warnings.join('\n'),
      );

      const builds = proxy.requests.filter((r) => /^POST (\/v[\d.]+)?\/build\?/.test(r));
      assert.equal(builds.length, 1, proxy.requests.join('\n'));
      const query = new URL(`http://engine${builds[0].slice('POST '.length)}`).searchParams;
      assert.deepEqual([query.get('nocache'), query.get('target')], ['true', 'final']);
      if (engine === 'docker') {
        assert.deepEqual(JSON.parse(query.get('cachefrom') ?? 'null'), [TEST_IMAGE]);
        assert.deepEqual(query.getAll('extrahosts'), ['cws-build-host:10.11.12.13']);
        assert.ok(!warnings.some((m) => /cacheFrom/.test(m)), warnings.join('\n'));
      } else {
        assert.equal(query.get('cachefrom'), null, 'left out for Podman');
        assert.deepEqual(JSON.parse(query.get('extrahosts') ?? 'null'), ['cws-build-host:10.11.12.13']);
        assert.ok(
          warnings.some((m) =>
            /^Warning: Podman's Docker-compatible build does not honour cacheFrom \(Podman reads it as a registry/.test(
              m,
            ),
          ),
          warnings.join('\n'),
        );
      }
    });

    const rewrite = async (options: string[], cacheFrom: string[]) => {
      writeFileSync(join(folder, '.devcontainer/devcontainer.json'), config(options, cacheFrom));
      source = await sourceOf(folder);
    };
    const withoutNoCache = OPTIONS.filter((o) => o !== '--no-cache');

    it('--no-cache builds every step anew; without it (and cacheFrom) a rebuild reuses the layers', async () => {
      const first = await imageId();
      const again = await rebuild();
      assert.notEqual(again, first, 'with --no-cache a rebuild is a new image');
      await rewrite(withoutNoCache, []);
      const cached = await rebuild();
      assert.equal(await rebuild(), cached, 'without --no-cache the rebuild comes from the cache');
    });

    // Podman is not given cacheFrom (the first test shows it is left out with a warning).
    if (engine === 'docker')
      it('cacheFrom: dockerd takes its layer cache from the images named', async () => {
        const cached = await imageId();
        // The image built before, named: its layers are the cache.
        await rewrite(withoutNoCache, [tag]);
        assert.equal(await rebuild(), cached, 'cacheFrom names the image built before: its layers are reused');
        // Only busybox named: the layers built before are not taken (they are not in its history).
        await rewrite(withoutNoCache, [TEST_IMAGE]);
        assert.notEqual(await rebuild(), cached, 'cacheFrom names busybox only: the layers are built anew');
      });
  });
}

describe('build.options on Apple Containers (fake CLI)', function () {
  this.timeout(120_000);
  const root = mkdtempSync(join(tmpdir(), 'cws-build-options-apple-'));
  let bed: FakeBed;
  let rt: AppleRuntime;

  before(() => {
    bed = new FakeBed();
    rt = bed.runtime();
  });
  after(async () => {
    await bed?.cleanup();
    rmSync(root, { recursive: true, force: true });
  });

  it('`container build` gets --build-arg, --label, --no-cache, --target; --add-host and cacheFrom are warned', async () => {
    const folder = writeFolder(root);
    const progress: string[] = [];
    const before = bed.calls().length;
    const w = await createWorkspaceContainer(rt, {
      folder,
      source: await sourceOf(folder),
      labels,
      onProgress: (p) => progress.push(p.message),
    });
    assert.equal(w.created, true);
    const build = bed
      .calls()
      .slice(before)
      .map((c) => c.args)
      .find((a) => a[0] === 'build');
    assert.ok(build, 'a `container build` was run');
    const pairs = build.slice(0, -1).flatMap((a, i) => (a.startsWith('--') ? [`${a} ${build[i + 1]}`] : []));
    assert.ok(pairs.includes('--build-arg GREETING=from-options'), build.join(' '));
    assert.ok(pairs.includes('--label cws.test.opt=yes'), build.join(' '));
    assert.ok(pairs.includes('--target final'), build.join(' '));
    assert.ok(build.includes('--no-cache'), build.join(' '));
    assert.equal(
      build.filter((a) => a === '--build-arg').length,
      1,
      `GREETING is passed once, from the options: ${build.join(' ')}`,
    );
    assert.doesNotMatch(build.join(' '), /--add-host|--secret|cache-from|10\.11\.12\.13/);
    const warnings = warningsIn(progress);
    assert.ok(
      warnings.includes(
        "Warning: Apple Containers' `container build` has no flag for --add-host, cacheFrom; the image is built without them.",
      ),
      warnings.join('\n'),
    );
    assert.ok(
      warnings.some((m) => /^Warning: build\.options: --secret is not honoured/.test(m)),
      warnings.join('\n'),
    );
  });
});
