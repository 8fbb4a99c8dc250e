// The workspace container's plan without an engine: which sources a folder offers and in what
// order, the mount and in-container folder, names of odd folders, post-create argv forms, the
// Compose override.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { parseDevcontainer } from '../../src/core/detection/devcontainers';
import type { ComposeProject, DevcontainerConfig, FolderContext } from '../../src/core/detection/types';
import { LABELS } from '../../src/core/runtime/labels';
import { composeOverride, readComposeFacts } from '../../src/core/workspace/compose';
import { matchWorkspaceContainers } from '../../src/core/workspace/find';
import { parseMountString } from '../../src/core/workspace/mounts';
import { sanitizeName, workspaceContainerName, workspaceImageTag } from '../../src/core/workspace/name';
import {
  KEEP_ALIVE_CMD,
  KEEP_ALIVE_ENTRYPOINT,
  devcontainerProjectName,
  forwardedPorts,
  planWorkspace,
} from '../../src/core/workspace/plan';
import { imageSource, workspaceSources } from '../../src/core/workspace/sources';
import { substitute } from '../../src/core/workspace/substitute';
import type { ContainerSummary } from '../../src/core/runtime/types';

const FOLDER = '/home/me/proj';

function devcontainer(
  text: object | string,
  folder = FOLDER,
  rel = '.devcontainer/devcontainer.json',
): DevcontainerConfig {
  const r = parseDevcontainer(join(folder, rel), typeof text === 'string' ? text : JSON.stringify(text), folder);
  assert.ok(r.config, JSON.stringify(r.diagnostics));
  return r.config;
}

function project(
  name: string,
  dir: string,
  services: { name: string; image?: string; build?: boolean }[],
): ComposeProject {
  return {
    name,
    workingDir: dir,
    files: [join(dir, 'compose.yaml')],
    podmanLeaning: false,
    services: services.map((s) => ({
      name: s.name,
      image: s.image,
      build: s.build ? { context: dir } : undefined,
      ports: [],
      profiles: [],
      dependsOn: [],
      file: join(dir, 'compose.yaml'),
      line: 0,
    })),
  };
}

function context(parts: Partial<FolderContext>): FolderContext {
  return {
    folder: FOLDER,
    dockerfiles: [],
    composeProjects: [],
    devcontainers: [],
    podmanLeaning: false,
    diagnostics: [],
    kubernetes: { kustomizations: [], charts: [], resources: [] },
    ...parts,
  };
}

describe('workspace plan (src/core/workspace)', () => {
  describe('workspaceSources', () => {
    it('dev containers first, then Compose services, then Dockerfiles, whatever the primary kind says', () => {
      const ctx = context({
        dockerfiles: [
          { path: join(FOLDER, 'Dockerfile'), stages: [], podmanLeaning: false },
          { path: join(FOLDER, 'api/Containerfile'), stages: [], podmanLeaning: true },
        ],
        composeProjects: [
          project('proj', FOLDER, [
            { name: 'web', image: 'nginx' },
            { name: 'worker', build: true },
            { name: 'broken' },
          ]),
        ],
        devcontainers: [
          devcontainer({ name: 'Node', image: 'node:20' }),
          devcontainer({ build: { dockerfile: 'Dockerfile' } }, FOLDER, '.devcontainer/py/devcontainer.json'),
        ],
        primary: 'devcontainer',
      });
      const s = workspaceSources(ctx);
      assert.deepEqual(
        s.map((x) => [x.kind, x.label]),
        [
          ['devcontainer', 'Dev container: Node (image)'],
          ['devcontainer', 'Dev container: .devcontainer/py (build)'],
          ['compose', 'Compose service: web'],
          ['compose', 'Compose service: worker'],
          ['dockerfile', 'Dockerfile: Dockerfile'],
          ['dockerfile', 'Dockerfile: api/Containerfile'],
        ],
      );
      assert.equal(s[2].compose?.service, 'web');
      assert.equal(s[2].compose?.project.name, 'proj');
      assert.equal(s[4].dockerfile?.path, join(FOLDER, 'Dockerfile'));
    });

    it('names the project when there are several, and says which service a Compose dev container uses', () => {
      const ctx = context({
        composeProjects: [
          project('a', join(FOLDER, 'a'), [{ name: 'web', image: 'x' }]),
          project('b', join(FOLDER, 'b'), [{ name: 'web', image: 'y' }]),
        ],
        devcontainers: [devcontainer({ dockerComposeFile: 'compose.yaml', service: 'app', workspaceFolder: '/w' })],
      });
      assert.deepEqual(
        workspaceSources(ctx).map((x) => x.label),
        ['Dev container: .devcontainer (compose service app)', 'Compose service: web (a)', 'Compose service: web (b)'],
      );
      assert.deepEqual(workspaceSources(context({})), []);
      assert.deepEqual(imageSource('alpine:3'), { kind: 'image', label: 'Image: alpine:3', image: 'alpine:3' });
    });
  });

  describe('mount and workspace folder', () => {
    it('a dev container without workspaceMount: the folder bound at /workspaces/<name>, the keep-alive command, our labels', () => {
      const dc = devcontainer({
        image: 'node:20',
        forwardPorts: [3000, 'localhost:8080', 'db:5432', 3000],
        containerEnv: { A: '${localWorkspaceFolderBasename}-x' },
        remoteUser: 'node',
      });
      const p = planWorkspace(
        FOLDER,
        { kind: 'devcontainer', label: 'x', devcontainer: dc },
        { runtime: 'docker', labels: { extra: '1', [LABELS.workspace]: 'overridden' } },
      );
      assert.deepEqual(p.mount, { type: 'bind', source: FOLDER, target: '/workspaces/proj' });
      assert.equal(p.workspaceFolder, '/workspaces/proj');
      assert.deepEqual(p.image, { kind: 'pull', ref: 'node:20' });
      assert.equal(p.keepAlive, true);
      assert.deepEqual(p.env, { A: 'proj-x' });
      assert.equal(p.remoteUser, 'node');
      assert.equal(p.containerUser, undefined);
      assert.deepEqual(p.ports, [
        { containerPort: 3000, hostPort: 3000, hostIp: '127.0.0.1', protocol: 'tcp' },
        { containerPort: 8080, hostPort: 8080, hostIp: '127.0.0.1', protocol: 'tcp' },
      ]);
      assert.deepEqual(p.labels, {
        extra: '1',
        [LABELS.workspace]: FOLDER,
        [LABELS.workspaceSource]: 'devcontainer',
        [LABELS.workspaceTarget]: '/workspaces/proj',
        [LABELS.devcontainerLocalFolder]: FOLDER,
        [LABELS.devcontainerConfigFile]: join(FOLDER, '.devcontainer/devcontainer.json'),
      });
    });

    it('workspaceMount and workspaceFolder with ${localWorkspaceFolder} / ${localWorkspaceFolderBasename}; containerUser', () => {
      const dc = devcontainer({
        image: 'x',
        workspaceMount:
          'source=${localWorkspaceFolder},target=/src/${localWorkspaceFolderBasename},type=bind,consistency=cached',
        workspaceFolder: '/src/${localWorkspaceFolderBasename}',
        containerUser: 'app',
        containerEnv: { W: '${containerWorkspaceFolder}' },
      });
      const p = planWorkspace(FOLDER, { kind: 'devcontainer', label: 'x', devcontainer: dc }, { runtime: 'docker' });
      assert.deepEqual(p.mount, { type: 'bind', source: FOLDER, target: '/src/proj' });
      assert.equal(p.workspaceFolder, '/src/proj');
      assert.equal(p.labels[LABELS.workspaceTarget], '/src/proj');
      assert.equal(p.containerUser, 'app');
      assert.deepEqual(p.env, { W: '/src/proj' });
    });

    it('a folder path with "," "=" and quotes stays whole, in the default mount and in a written one', () => {
      const odd = '/tmp/a,b=c "d" $(e)';
      const dflt = planWorkspace(
        odd,
        { kind: 'devcontainer', label: 'x', devcontainer: devcontainer({ image: 'x' }, odd) },
        { runtime: 'docker' },
      );
      assert.deepEqual(dflt.mount, { type: 'bind', source: odd, target: '/workspaces/a,b=c "d" $(e)' });
      const written = devcontainer(
        { image: 'x', workspaceMount: 'type=bind,src=${localWorkspaceFolder},dst=/w,readonly' },
        odd,
      );
      const p = planWorkspace(odd, { kind: 'devcontainer', label: 'x', devcontainer: written }, { runtime: 'docker' });
      assert.deepEqual(p.mount, { type: 'bind', source: odd, target: '/w', readOnly: true });
      assert.equal(p.workspaceFolder, '/workspaces/a,b=c "d" $(e)');
    });

    it('mount strings: volumes, relative sources, and clear errors', () => {
      const c = { folder: FOLDER, env: {} };
      assert.deepEqual(parseMountString('source=cache,target=/workspaces,type=volume', c), {
        type: 'volume',
        source: 'cache',
        target: '/workspaces',
      });
      assert.deepEqual(parseMountString('source=sub,target=/w', c), {
        type: 'bind',
        source: join(FOLDER, 'sub'),
        target: '/w',
      });
      assert.throws(() => parseMountString('source=x', c), { code: 'invalidArgument', message: /absolute target/ });
      assert.throws(() => parseMountString('type=tmpfs,target=/t,source=x', c), {
        code: 'invalidArgument',
        message: /tmpfs/,
      });
      assert.throws(() => parseMountString('source=a,target=/b,bogus=1', c), {
        code: 'invalidArgument',
        message: /unknown field "bogus"/,
      });
    });

    it("image, Dockerfile and Compose sources: /workspaces/<name>; a build gets the folder's tag", () => {
      const img = planWorkspace(FOLDER, imageSource('alpine'), { runtime: 'docker' });
      assert.deepEqual(
        [img.workspaceFolder, img.mount?.target, img.keepAlive, img.labels[LABELS.workspaceSource]],
        ['/workspaces/proj', '/workspaces/proj', true, 'image'],
      );
      const df = planWorkspace(
        FOLDER,
        {
          kind: 'dockerfile',
          label: 'x',
          dockerfile: { path: join(FOLDER, 'api/Containerfile'), stages: [], podmanLeaning: true },
        },
        { runtime: 'podman' },
      );
      assert.deepEqual(df.image, {
        kind: 'build',
        tag: `localhost/${workspaceContainerName(FOLDER)}:latest`,
        context: join(FOLDER, 'api'),
        dockerfile: 'Containerfile',
        args: {},
      });
      const cp = planWorkspace(
        FOLDER,
        {
          kind: 'compose',
          label: 'x',
          compose: { project: project('proj', FOLDER, [{ name: 'web', image: 'x' }]), service: 'web' },
        },
        { runtime: 'docker' },
      );
      assert.equal(cp.keepAlive, false);
      assert.equal(cp.image, undefined);
      assert.deepEqual(cp.compose, {
        project: { name: 'proj', workingDir: FOLDER, files: [join(FOLDER, 'compose.yaml')] },
        service: 'web',
        alsoStart: [],
        fromDevcontainer: false,
      });
      assert.deepEqual(cp.mount, { type: 'bind', source: FOLDER, target: '/workspaces/proj' });
      assert.throws(() => planWorkspace(FOLDER, { kind: 'image', label: 'x' }, { runtime: 'docker' }), {
        code: 'invalidArgument',
      });
    });

    it('a dev container build: context and Dockerfile relative to it, build args', () => {
      const dc = devcontainer({ build: { dockerfile: 'Dockerfile', context: '..', args: { V: '1' }, target: 'dev' } });
      const p = planWorkspace(FOLDER, { kind: 'devcontainer', label: 'x', devcontainer: dc }, { runtime: 'docker' });
      assert.deepEqual(p.image, {
        kind: 'build',
        tag: `${workspaceContainerName(FOLDER)}:latest`,
        context: FOLDER,
        dockerfile: '.devcontainer/Dockerfile',
        target: 'dev',
        args: { V: '1' },
      });
    });

    it('a Compose dev container: its workspaceFolder, no keep-alive, no ports, the Dev Containers project name', () => {
      const dc = devcontainer({
        dockerComposeFile: ['compose.yaml'],
        service: 'app',
        runServices: ['app', 'db'],
        workspaceFolder: '/workspaces/${localWorkspaceFolderBasename}',
        forwardPorts: [3000],
      });
      const p = planWorkspace(
        FOLDER,
        { kind: 'devcontainer', label: 'x', devcontainer: dc },
        { runtime: 'docker', env: {} },
      );
      assert.equal(p.workspaceFolder, '/workspaces/proj');
      assert.deepEqual(p.mount, { type: 'bind', source: FOLDER, target: '/workspaces/proj' });
      assert.equal(p.keepAlive, false);
      assert.deepEqual(p.ports, []);
      assert.deepEqual(p.compose, {
        project: {
          name: 'proj_devcontainer',
          workingDir: join(FOLDER, '.devcontainer'),
          files: [join(FOLDER, '.devcontainer/compose.yaml')],
        },
        service: 'app',
        alsoStart: ['db'],
        fromDevcontainer: true,
      });
      assert.equal(devcontainerProjectName(['/x/My App/compose.yaml'], {}), 'myapp');
      assert.equal(
        devcontainerProjectName(['/x/My App/.devcontainer/compose.yaml'], { COMPOSE_PROJECT_NAME: 'Mine' }),
        'mine',
      );
    });
  });

  describe('names', () => {
    it('odd folder names give valid container names: spaces, quotes, $(), unicode', () => {
      const valid = /^[a-z0-9][a-z0-9-]*$/;
      const cases: [string, string][] = [
        ['/tmp/a b "c" $(touch pwned) ü', 'a-b-c-touch-pwned-u'],
        ["/tmp/it's `x`; rm -rf ~", 'it-s-x-rm-rf'],
        ['/tmp/Crème Brûlée', 'creme-brulee'],
        ['/tmp/日本語', 'workspace'],
        ['/tmp/---', 'workspace'],
        ['/tmp/My_App.v2', 'my-app-v2'],
      ];
      for (const [folder, base] of cases) {
        const name = workspaceContainerName(folder);
        assert.match(name, new RegExp(`^cws-${base}-[0-9a-f]{8}$`), folder);
        assert.match(name, valid);
        assert.match(workspaceImageTag('docker', folder), /^cws-[a-z0-9-]+:latest$/);
      }
      assert.equal(sanitizeName('x'.repeat(100)).length, 40);
      assert.notEqual(workspaceContainerName('/a/proj'), workspaceContainerName('/b/proj'));
      assert.equal(workspaceContainerName('/a/proj/'), workspaceContainerName('/a/proj'));
      assert.match(workspaceImageTag('podman', '/a/proj'), /^localhost\/cws-proj-[0-9a-f]{8}:latest$/);
    });
  });

  describe('postCreateCommand', () => {
    it("is kept in its own form (string, array, object) as the config's hook, variables substituted", () => {
      const plan = (postCreateCommand: unknown) =>
        planWorkspace(
          FOLDER,
          { kind: 'devcontainer', label: 'x', devcontainer: devcontainer({ image: 'x', postCreateCommand }) },
          { runtime: 'docker' },
        ).hooks.postCreateCommand;
      assert.equal(plan(undefined), undefined);
      assert.deepEqual(plan('npm ci && echo "$HOME"'), [
        { source: 'devcontainer.json', command: 'npm ci && echo "$HOME"' },
      ]);
      assert.deepEqual(plan(['touch', 'a b', '$(x)']), [
        { source: 'devcontainer.json', command: ['touch', 'a b', '$(x)'] },
      ]);
      assert.deepEqual(plan({ a: 'make ${containerWorkspaceFolder}', b: ['ls', '-l'] }), [
        { source: 'devcontainer.json', command: { a: `make /workspaces/${basename(FOLDER)}`, b: ['ls', '-l'] } },
      ]);
    });
  });

  describe('the rest', () => {
    it('keep-alive: busybox-safe, ends on TERM', () => {
      assert.deepEqual(KEEP_ALIVE_ENTRYPOINT, ['/bin/sh']);
      assert.equal(KEEP_ALIVE_CMD[0], '-c');
      assert.match(KEEP_ALIVE_CMD[1], /trap "exit 0" TERM/);
      assert.doesNotMatch(KEEP_ALIVE_CMD[1], /infinity/);
    });

    it('substitution: localEnv with a default, unknown variables left as written', () => {
      const c = { folder: '/w/p', env: { HOME: '/home/me' } };
      assert.equal(
        substitute('${localEnv:HOME}/x ${localEnv:NOPE:dflt} ${env:HOME} ${containerEnv:PATH} ${devcontainerId}', c),
        '/home/me/x dflt /home/me ${containerEnv:PATH} ${devcontainerId}',
      );
      assert.equal(forwardedPorts(['0.0.0.0:1', 70000, 'x']).length, 1);
    });

    it('the Compose override: labels, short-syntax bind (long when a path has a colon), environment, every $ escaped, the version of the first file', () => {
      const odd = '/tmp/a b "c" $(touch pwned) ü';
      const dc = devcontainer(
        {
          dockerComposeFile: 'compose.yaml',
          service: 'app',
          workspaceFolder: '/w/$HOME',
          containerEnv: { P: 'a$b', Y: 'yes' },
          containerUser: 'u',
        },
        odd,
      );
      const p = planWorkspace(
        odd,
        { kind: 'devcontainer', label: 'x', devcontainer: dc },
        { runtime: 'docker', env: {} },
      );
      const text = composeOverride(p, '2.4');
      const doc = parse(text) as {
        version: string;
        services: Record<
          string,
          { labels: Record<string, string>; volumes: object[]; environment: object; user: string }
        >;
      };
      assert.equal(doc.version, '2.4');
      const svc = doc.services.app;
      assert.equal(svc.labels[LABELS.workspace], '/tmp/a b "c" $$(touch pwned) ü');
      assert.equal(svc.labels[LABELS.workspaceTarget], '/w/$$HOME');
      assert.deepEqual(svc.volumes, ['/tmp/a b "c" $$(touch pwned) ü:/w/$$HOME']);
      const colon = planWorkspace(
        '/tmp/a:b',
        {
          kind: 'devcontainer',
          label: 'x',
          devcontainer: devcontainer(
            { dockerComposeFile: 'compose.yaml', service: 'app', workspaceFolder: '/w' },
            '/tmp/a:b',
          ),
        },
        { runtime: 'docker', env: {} },
      );
      assert.deepEqual((parse(composeOverride(colon)) as typeof doc).services.app.volumes, [
        { type: 'bind', source: '/tmp/a:b', target: '/w' },
      ]);
      assert.deepEqual(svc.environment, { P: 'a$$b', Y: 'yes' });
      // Compose v1 reads YAML 1.1: "yes" must stay a string there.
      assert.match(text, /Y: "yes"/);
      assert.equal(svc.user, 'u');
      assert.equal((parse(composeOverride(p)) as { version?: string }).version, undefined);
    });

    it("the Compose override with forwarding: its folder read-only, SSH_AUTH_SOCK and label on the service; the config's variable wins; the project's own files' variables are read", async () => {
      const dc = devcontainer(
        {
          dockerComposeFile: 'compose.yaml',
          service: 'app',
          workspaceFolder: '/w',
          containerEnv: { SSH_AUTH_SOCK: '/mine.sock' },
        },
        '/tmp/p',
      );
      const p = planWorkspace(
        '/tmp/p',
        { kind: 'devcontainer', label: 'x', devcontainer: dc },
        { runtime: 'docker', env: {} },
      );
      const forward = {
        state: { dir: '/home/u/.cache/cws-fwd/0123456789abcdef', items: ['sshAgent' as const] },
        mounts: [
          {
            type: 'bind' as const,
            source: '/home/u/.cache/cws-fwd/0123456789abcdef',
            target: '/run/cws',
            readOnly: true,
          },
        ],
        env: { SSH_AUTH_SOCK: '/run/cws/ssh-agent.sock', OTHER: 'o' },
        labels: { [LABELS.forward]: '{"dir":"x"}' },
      };
      const svc = (
        parse(composeOverride(p, undefined, forward)) as {
          services: {
            app: { labels: Record<string, string>; volumes: unknown[]; environment: Record<string, string> };
          };
        }
      ).services.app;
      assert.deepEqual(svc.volumes, ['/tmp/p:/w', '/home/u/.cache/cws-fwd/0123456789abcdef:/run/cws:ro']);
      assert.deepEqual(svc.environment, { SSH_AUTH_SOCK: '/mine.sock', OTHER: 'o' });
      assert.equal(svc.labels[LABELS.forward], '{"dir":"x"}');
      assert.equal(svc.labels[LABELS.workspace], '/tmp/p');
      const dir = mkdtempSync(join(tmpdir(), 'cws-facts-'));
      try {
        writeFileSync(join(dir, 'a.yaml'), 'services:\n  app:\n    environment: [SSH_AUTH_SOCK=/x, "B"]\n');
        writeFileSync(
          join(dir, 'b.yaml'),
          'services:\n  app:\n    environment: { C: c }\n  other:\n    environment: { D: d }\n',
        );
        const facts = await readComposeFacts([join(dir, 'a.yaml'), join(dir, 'b.yaml')], 'app');
        assert.deepEqual([...facts.serviceEnv!].sort(), ['B', 'C', 'SSH_AUTH_SOCK']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("finding a folder's containers: ours by label, the Dev Containers tooling's by local_folder; running first", () => {
      const c = (
        id: string,
        labels: Record<string, string>,
        state: ContainerSummary['state'] = 'running',
        created = 1,
      ): ContainerSummary => ({ id, name: id, names: [id], image: 'x', state, status: '', created, labels, ports: [] });
      const cfg = join(FOLDER, '.devcontainer/devcontainer.json');
      const list = [
        c('old', { [LABELS.workspace]: FOLDER }, 'exited', 5),
        c('other', { [LABELS.workspace]: '/elsewhere' }),
        c('theirs', { [LABELS.devcontainerLocalFolder]: FOLDER, [LABELS.devcontainerConfigFile]: cfg }, 'exited', 9),
        c('run', { [LABELS.workspace]: `${FOLDER}/`, [LABELS.devcontainerConfigFile]: cfg }, 'running', 1),
        c('oneoff', { [LABELS.workspace]: FOLDER, [LABELS.composeOneoff]: 'True' }),
      ];
      assert.deepEqual(
        matchWorkspaceContainers(list, FOLDER).map((x) => x.id),
        ['run', 'theirs', 'old'],
      );
      assert.deepEqual(
        matchWorkspaceContainers(list, FOLDER, cfg).map((x) => x.id),
        ['run', 'theirs'],
      );
    });
  });
});
