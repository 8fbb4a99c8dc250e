import * as assert from 'node:assert/strict';
import { basename, join } from 'node:path';
import { detectFolderContext } from '../../src/core/detection/detect';
import { detectDevcontainers } from '../../src/core/detection/devcontainers';
import { detectDockerfiles } from '../../src/core/detection/dockerfiles';
import { detectKubernetes } from '../../src/core/detection/kubernetes';
import { fixturesDir, listFixture, read } from '../support/fixtures';

const ctxDir = (...p: string[]) => join(fixturesDir, 'context', ...p);

describe('Dockerfile detection', () => {
  it('stages with --platform, AS (any case), continuations and comments inside them', async () => {
    const dir = ctxDir('dockerfiles', 'multi');
    const { dockerfiles, diagnostics } = await detectDockerfiles(dir, listFixture(dir), read);
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(dockerfiles[0].stages, [
      { baseImage: 'node:${NODE}', name: 'deps', line: 3 },
      { baseImage: 'node:${NODE}-slim', name: 'runtime', line: 10 },
      { baseImage: 'runtime', name: undefined, line: 12 },
    ]);
  });

  it('the escape directive changes the continuation character', async () => {
    const dir = join(fixturesDir, 'compose', 'basic');
    const { dockerfiles } = await detectDockerfiles(dir, listFixture(dir), read);
    const db = dockerfiles.find((d) => d.path.endsWith('Db.Dockerfile'))!;
    assert.deepEqual(
      db.stages.map((s) => [s.name, s.baseImage, s.line]),
      [
        ['base', 'postgres:16', 1],
        ['runtime', 'base', 5],
      ],
    );
  });

  it('Containerfiles lean to Podman; Dockerfile.dev counts, Dockerfile.md does not', async () => {
    const dir = ctxDir('dockerfiles');
    const { dockerfiles } = await detectDockerfiles(dir, listFixture(dir), read);
    const names = dockerfiles.map((d) => d.path.slice(dir.length + 1));
    assert.ok(names.includes('podman/Containerfile') && names.includes('podman/Dockerfile.dev'));
    assert.ok(!names.includes('docs/Dockerfile.md'));
    assert.deepEqual(
      dockerfiles.filter((d) => d.podmanLeaning).map((d) => basename(d.path)),
      ['Containerfile'],
    );
  });

  it('a Dockerfile without FROM is a warning', async () => {
    const dir = ctxDir('dockerfiles', 'nofrom');
    const { diagnostics } = await detectDockerfiles(dir, listFixture(dir), read);
    assert.deepEqual(
      diagnostics.map((d) => [d.severity, d.range.line, d.source]),
      [['warning', 0, 'dockerfile']],
    );
  });
});

describe('dev container detection', () => {
  const detect = async (name: string) => {
    const dir = ctxDir('devcontainer', name);
    return { dir, ...(await detectDevcontainers(dir, listFixture(dir), read)) };
  };

  it('image config with JSONC comments and trailing commas, and the default workspace folder and mount', async () => {
    const { dir, configs, diagnostics } = await detect('image');
    assert.deepEqual(diagnostics, []);
    assert.equal(configs.length, 1);
    const c = configs[0];
    assert.deepEqual(
      [c.kind, c.name, c.image, c.remoteUser],
      ['image', 'Node image', 'mcr.microsoft.com/devcontainers/javascript-node:20', 'node'],
    );
    assert.deepEqual(c.forwardPorts, [3000, 'db:5432']);
    assert.deepEqual(c.containerEnv, { NODE_ENV: 'development' });
    assert.deepEqual(c.postCreateCommand, ['npm', 'ci']);
    assert.equal(c.workspaceFolder, '/workspaces/image');
    assert.equal(c.workspaceMount, `source=${dir},target=/workspaces/image,type=bind,consistency=cached`);
  });

  it('build config: Dockerfile and context relative to devcontainer.json, target, args as strings', async () => {
    const { dir, configs } = await detect('build');
    const c = configs[0];
    assert.equal(c.kind, 'build');
    assert.deepEqual(c.build, {
      dockerfile: join(dir, '.devcontainer/Dockerfile'),
      context: dir,
      target: 'dev',
      args: { VARIANT: '3.12', N: '2' },
    });
    assert.equal(c.workspaceFolder, '/src');
    assert.equal(c.workspaceMount, 'source=${localWorkspaceFolder},target=/src,type=bind');
    assert.deepEqual(c.postCreateCommand, {
      deps: 'pip install -r requirements.txt',
      hooks: ['pre-commit', 'install'],
    });
  });

  it('compose config: files relative to devcontainer.json, service, runServices', async () => {
    const { dir, configs, diagnostics } = await detect('compose');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(configs[0].compose, {
      files: [join(dir, 'docker-compose.yml'), join(dir, '.devcontainer/docker-compose.extend.yml')],
      service: 'app',
      runServices: ['app', 'db'],
    });
  });

  it('finds configs in sub-folders and at .devcontainer.json; a non-array forwardPorts is a warning', async () => {
    const multi = await detect('multi');
    assert.deepEqual(
      multi.configs.map((c) => c.image),
      ['node:20', 'python:3.12'],
    );
    assert.deepEqual(
      multi.diagnostics.map((d) => [d.severity, d.message]),
      [['warning', '"forwardPorts" should be an array of ports.']],
    );
    assert.deepEqual(
      (await detect('rootfile')).configs.map((c) => c.image),
      ['debian:12'],
    );
  });

  it('broken JSONC: an error at the right line, and what can be read still is', async () => {
    const { configs, diagnostics } = await detect('broken');
    assert.ok(diagnostics.length >= 1);
    assert.deepEqual(
      [diagnostics[0].severity, diagnostics[0].range.line, diagnostics[0].source],
      ['error', 3, 'devcontainer'],
    );
    assert.equal(configs[0]?.image, 'ubuntu:24.04');
  });

  it('a Compose config without workspaceFolder, or a config with nothing to run, is an error', async () => {
    assert.deepEqual(
      (await detect('nocompose')).diagnostics.map((d) => d.message),
      ['A Compose dev container needs "workspaceFolder".'],
    );
    const none = await detect('noimage');
    assert.deepEqual(
      [none.configs, none.diagnostics.map((d) => d.message)],
      [[], ['A dev container needs "image", "build.dockerfile" or "dockerComposeFile".']],
    );
  });
});

describe('Kubernetes detection', () => {
  it('multi-document manifests: kind/name/namespace, workloads with init and regular containers, CronJob, Pod; kustomization', async () => {
    const dir = ctxDir('kubernetes', 'app');
    const { info, diagnostics } = await detectKubernetes(dir, listFixture(dir), read);
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(info.kustomizations, [join(dir, 'kustomization.yaml')]);
    assert.deepEqual(
      info.resources.map((r) => [basename(r.file), r.line, r.kind, r.name, r.namespace ?? '']),
      [
        ['app.yaml', 0, 'ConfigMap', 'app-config', 'shop'],
        ['app.yaml', 8, 'Deployment', 'web', 'shop'],
        ['app.yaml', 26, 'Service', 'web', ''],
        ['cron.yml', 0, 'CronJob', 'nightly', ''],
        ['cron.yml', 15, 'Pod', 'debug', ''],
      ],
    );
    const web = info.resources.find((r) => r.kind === 'Deployment')!;
    assert.deepEqual(web.containers, [
      { name: 'migrate', image: 'example/migrate:1.4' },
      { name: 'web', image: 'example/web:1.4' },
      { name: 'sidecar', image: 'envoyproxy/envoy:v1.31' },
    ]);
    assert.deepEqual(info.resources.find((r) => r.kind === 'CronJob')!.containers, [
      { name: 'report', image: 'example/report:2' },
    ]);
  });

  it('Helm charts are reported and their templates are not parsed or flagged', async () => {
    const dir = ctxDir('kubernetes', 'chart');
    const { info, diagnostics } = await detectKubernetes(dir, listFixture(dir), read);
    assert.deepEqual(info.charts, [{ path: join(dir, 'mychart/Chart.yaml'), name: 'mychart', version: '0.3.1' }]);
    assert.deepEqual([info.resources, diagnostics], [[], []]);
  });

  it('a broken manifest is an error at its line; its valid documents still count', async () => {
    const dir = ctxDir('kubernetes', 'broken');
    const { info, diagnostics } = await detectKubernetes(dir, listFixture(dir), read);
    assert.deepEqual(
      info.resources.map((r) => r.name),
      ['ok'],
    );
    assert.equal(diagnostics.length >= 1, true);
    // `name: bad` followed by an over-indented key: YAML flags the mapping that starts on line 8.
    assert.deepEqual(
      [diagnostics[0].severity, diagnostics[0].range.line, diagnostics[0].source],
      ['error', 8, 'kubernetes'],
    );
  });
});

describe("a folder's context", () => {
  it('primary kind: devcontainer > compose > dockerfile > kubernetes', async () => {
    const compose = join(fixturesDir, 'compose', 'basic');
    assert.equal((await detectFolderContext(compose, listFixture(compose), read, {})).primary, 'compose');
    const k8s = ctxDir('kubernetes', 'app');
    assert.equal((await detectFolderContext(k8s, listFixture(k8s), read, {})).primary, 'kubernetes');
    const dev = ctxDir('devcontainer', 'image');
    assert.equal((await detectFolderContext(dev, listFixture(dev), read, {})).primary, 'devcontainer');
    const none = await detectFolderContext('/nowhere', ['README.md'], read, {});
    assert.deepEqual([none.primary, none.diagnostics], [undefined, []]);
  });

  it('Containerfile-only and podman-compose projects lean to Podman', async () => {
    const p = join(fixturesDir, 'compose', 'podman');
    assert.equal((await detectFolderContext(p, listFixture(p), read, {})).podmanLeaning, true);
    const d = ctxDir('dockerfiles', 'multi');
    assert.equal((await detectFolderContext(d, listFixture(d), read, {})).podmanLeaning, false);
  });

  it('a reader that throws is a warning on that file; the rest is still detected', async () => {
    const errors: string[] = [];
    const dir = join(fixturesDir, 'compose', 'basic');
    const flaky = async (p: string) => {
      if (p.endsWith('.yaml')) throw new Error('disk on fire');
      return read(p);
    };
    const c = await detectFolderContext(dir, listFixture(dir), flaky, {}, (what) => errors.push(what));
    assert.ok(c.dockerfiles.length >= 2);
    assert.deepEqual(c.composeProjects, []);
    assert.ok(
      c.diagnostics.some(
        (d) => d.file.endsWith('.yaml') && /was not read: it could not be read \(disk on fire\)/.test(d.message),
      ),
      JSON.stringify(c.diagnostics),
    );
    assert.deepEqual(errors, [], 'a failing read is no internal error');
  });
});
