// Dev container Features on Apple Containers, through the fake `container` CLI (test/fakes/container):
// the layered image goes through `container build` (its generated Dockerfile and context read as
// the runtime hands them over, its argv as the fake logged it), the container through `container
// create` with what the config and the Features ask, and every hook through `container exec`.
// What Apple's CLI has no flag for (capAdd, securityOpt, privileged, init, tmpfs) is left out with a
// warning that names the Feature that asked for it, never dropped silently. The fake runs exec
// commands on this host in the fake's state directory (the container's workspace folder does not
// exist here and the fake has no real mounts), so the hooks' files appear there.
import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { detectDirectory } from '../../src/core/detection/detect';
import type { AppleRuntime } from '../../src/core/runtime/apple/appleRuntime';
import { LABELS } from '../../src/core/runtime/labels';
import type { BuildOptions } from '../../src/core/runtime/types';
import {
  createWorkspaceContainer,
  workspaceContainerName,
  workspaceSources,
  type CreateWorkspaceOptions,
  type WorkspaceSource,
} from '../../src/core/workspace';
import { FakeBed, type FakeCall } from '../support/appleFake';
import { TEST_LABEL } from '../support/engines';
import { ran, recordingHooks } from '../support/hooks';
import { repoRoot } from '../support/paths';

const FIXTURE = join(repoRoot, 'test/fixtures/workspaces/create-features');
/** The fixture's base image (its devcontainer.json names it). */
const BASE = 'localhost/cws-test/busybox:latest';
const labels = { [TEST_LABEL]: String(process.pid) };

interface Build {
  options: BuildOptions;
  dockerfile: string;
  /** The build context's files (posix paths relative to it) and their text. */
  files: Record<string, string>;
}

function readTree(dir: string, base = dir, out: Record<string, string> = {}): Record<string, string> {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) readTree(p, base, out);
    else out[relative(base, p).split('\\').join('/')] = readFileSync(p, 'utf8');
  }
  return out;
}

/** Keeps what each buildImage call was given (the context is a scratch folder removed after the create). */
function recordBuilds(rt: AppleRuntime): Build[] {
  const builds: Build[] = [];
  const build = rt.buildImage.bind(rt);
  rt.buildImage = (o, onProgress) => {
    builds.push({
      options: o,
      dockerfile: readFileSync(join(o.context, o.dockerfile ?? 'Dockerfile'), 'utf8'),
      files: readTree(o.context),
    });
    return build(o, onProgress);
  };
  return builds;
}

/** The value after each occurrence of `flag` in an argv. */
function flagValues(args: readonly string[], flag: string): string[] {
  return args.flatMap((a, i) => (a === flag && i + 1 < args.length ? [args[i + 1]] : []));
}

/** The fake's invocations that change something (not the ls / inspect / image ls polling). */
function actions(calls: readonly FakeCall[]): string[][] {
  return calls
    .map((c) => c.args)
    .filter((a) => !['ls', 'list', 'inspect'].includes(a[0]) && !(a[0] === 'image' && a[1] === 'ls'));
}

describe('dev container Features on Apple Containers (fake CLI)', function () {
  this.timeout(120_000);
  let bed: FakeBed;
  let rt: AppleRuntime;
  let builds: Build[];
  const root = mkdtempSync(join(tmpdir(), 'cws-apple-features-'));

  /** A copy of create-features at <root>/<unique>/<name>, with `edit` applied to its files. */
  const copy = (name: string, edit: (folder: string) => void = () => undefined) => {
    const folder = join(mkdtempSync(join(root, 'f-')), name);
    cpSync(FIXTURE, folder, { recursive: true });
    edit(folder);
    return folder;
  };
  const editJson = (file: string, change: (text: string) => string) =>
    writeFileSync(file, change(readFileSync(file, 'utf8')));
  const greeterJson = (folder: string) => join(folder, '.devcontainer/greeter/devcontainer-feature.json');
  /** greeter's metadata with its capAdd and tmpfs mount replaced by `instead` (JSON members, or nothing). */
  const greeterAsking = (instead: string) => (folder: string) =>
    editJson(greeterJson(folder), (t) => {
      const out = t.replace(
        /"capAdd": \[[^\]]*\],\s*"mounts": \[[^\]]*\]/,
        instead || '"description": "no capAdd, no tmpfs"',
      );
      assert.notEqual(out, t, 'the fixture still has capAdd and mounts where this test expects them');
      return out;
    });
  const sourceOf = async (folder: string): Promise<WorkspaceSource> => {
    const [source] = workspaceSources(await detectDirectory(folder, { env: process.env }));
    assert.equal(source.kind, 'devcontainer');
    return source;
  };
  const opts = (folder: string, source: WorkspaceSource, more: Partial<CreateWorkspaceOptions> = {}) => ({
    folder,
    source,
    labels,
    ...more,
  });
  const ours = async (folder: string) =>
    (await rt.listContainers({ all: true })).filter((c) => c.labels[LABELS.workspace] === folder);

  /** Each describe below gets a fake of its own (its own images: the base is pulled once in each). */
  const freshBed = () => {
    before(() => {
      bed = new FakeBed();
      rt = bed.runtime();
      builds = recordBuilds(rt);
    });
    after(() => bed?.cleanup());
  };
  after(() => rmSync(root, { recursive: true, force: true }));

  describe('what Apple cannot do is left out with a warning naming who asked, never silently', () => {
    freshBed();
    // Apple's `container create` has -c, -m and --network, no capability, security, privilege,
    // init or tmpfs flag (reference: apple-container-cli.md).
    /** The `container create` argv of the last create. */
    const lastCreate = (from: number) => {
      const c = actions(bed.calls().slice(from)).find((a) => a[0] === 'create');
      assert.ok(c, 'a container is made');
      return c;
    };
    it('the fixture as it is (greeter asks for capAdd SYS_PTRACE and a tmpfs): made, one warning names both', async () => {
      const folder = copy('features-left-out');
      const before = bed.calls().length;
      const progress: string[] = [];
      const w = await createWorkspaceContainer(
        rt,
        opts(folder, await sourceOf(folder), { onProgress: (p) => progress.push(p.message) }),
      );
      assert.equal(w.created, true);
      const warnings = progress.filter((m) => /^Warning: Apple Containers cannot set/.test(m));
      assert.deepEqual(warnings, [
        'Warning: Apple Containers cannot set tmpfs, capAdd on a container; left out (asked by Feature ' +
          '"./greeter"). What needs them may not work there.',
      ]);
      const argv = lastCreate(before).join(' ');
      assert.doesNotMatch(argv, /SYS_PTRACE|tmpfs|--cap-add/);
      assert.equal((await ours(folder)).length, 1);
    });

    for (const [what, member] of [
      ['capAdd', '"capAdd": ["NET_ADMIN"]'],
      ['securityOpt', '"securityOpt": ["seccomp=unconfined"]'],
      ['privileged', '"privileged": true'],
      ['init', '"init": true'],
      ['tmpfs', '"mounts": ["type=tmpfs,target=/run/x"]'],
    ] as const) {
      it(`a Feature's ${what} alone: warned by name and left out of \`container create\``, async () => {
        const folder = copy(`features-${what.toLowerCase()}`, greeterAsking(member));
        const before = bed.calls().length;
        const progress: string[] = [];
        await createWorkspaceContainer(
          rt,
          opts(folder, await sourceOf(folder), { onProgress: (p) => progress.push(p.message) }),
        );
        assert.ok(
          progress.includes(
            `Warning: Apple Containers cannot set ${what} on a container; left out (asked by Feature "./greeter"). ` +
              'What needs them may not work there.',
          ),
          progress.join('\n'),
        );
        assert.equal(lastCreate(before)[0], 'create');
        assert.equal((await ours(folder)).length, 1);
      });
    }
  });

  describe('Features Apple can run (the fixture without capAdd and tmpfs, plus a containerEnv)', () => {
    let folder: string;
    let source: WorkspaceSource;
    let id: string;
    let tag: string;
    const target = '/workspaces/features-app';
    freshBed();

    before(async () => {
      folder = copy('features-app', (f) => {
        greeterAsking('')(f);
        editJson(join(f, '.devcontainer/devcontainer.json'), (t) =>
          t.replace(
            '"remoteUser"',
            '"containerEnv": { "FROM_CONFIG": "${localWorkspaceFolderBasename}" },\n  "remoteUser"',
          ),
        );
      });
      source = await sourceOf(folder);
    });

    it('builds the layer with `container build` FROM the base, hello before greeter, as root; creates with the config', async () => {
      const progress: string[] = [];
      const hooks = recordingHooks(rt);
      const before = bed.calls().length;
      const nBuilds = builds.length;
      const w = await createWorkspaceContainer(
        rt,
        opts(folder, source, { hooks: hooks.runner, onProgress: (p) => progress.push(p.message) }),
      );
      id = w.id;
      assert.equal(await w.hooksDone, undefined);
      const { hooksDone: _, ...shown } = w;
      assert.deepEqual(shown, {
        id: workspaceContainerName(folder),
        name: workspaceContainerName(folder),
        created: true,
        workspaceFolder: target,
        remoteUser: 'root',
      });
      // Apple's CLI does not say the image's USER: the layer ends as root, and the user is told.
      assert.deepEqual(
        progress.filter((m) => /^Warning/.test(m)),
        [
          `Warning: Apple Containers does not tell which user the image ${BASE} runs as: with Features installed ` +
            'the container runs as root. Set "containerUser" in devcontainer.json if it should not.',
        ],
      );

      // The base is pulled, the layer built, the container created and started, then the hooks exec'd.
      const done = actions(bed.calls().slice(before));
      assert.deepEqual(
        done.map((a) => (a[0] === 'image' ? `image ${a[1]}` : a[0])).filter((c, i, all) => c !== all[i - 1]),
        ['image pull', 'build', 'create', 'start', 'exec'],
      );
      assert.deepEqual(
        done.find((a) => a[0] === 'image'),
        ['image', 'pull', BASE],
      );

      // `container build`: the tag, the generated Dockerfile in its context, the build args, our label.
      assert.equal(builds.length, nBuilds + 1, 'one build');
      const b = builds[nBuilds];
      tag = b.options.tag!;
      assert.match(tag, /^container-workspaces-features:[0-9a-f]{32}$/);
      const ctx = b.options.context;
      assert.deepEqual(
        done.filter((a) => a[0] === 'build'),
        [
          [
            'build',
            '-t',
            tag,
            '-f',
            join(ctx, 'Dockerfile'),
            '--build-arg',
            `_CWS_BASE_IMAGE=${BASE}`,
            '--build-arg',
            '_CWS_IMAGE_USER=root',
            '--label',
            `${LABELS.workspace}=${folder}`,
            ctx,
          ],
        ],
      );
      // AppleRuntime has no imageUser (nothing of Apple's says the image's USER): root is assumed.
      assert.equal('imageUser' in rt, false);
      assert.equal(
        b.files['common/devcontainer-features.builtin.env'],
        "_CONTAINER_USER='root'\n_REMOTE_USER='root'\n",
      );

      // The Dockerfile: FROM the base (a build arg), hello's layer (with its containerEnv) before greeter's.
      const lines = b.dockerfile.split('\n');
      assert.deepEqual(lines.slice(1, 3), ['ARG _CWS_BASE_IMAGE', 'FROM $_CWS_BASE_IMAGE']);
      assert.equal(lines.filter((l) => /^FROM\b/.test(l)).length, 1, 'one stage');
      const hello = lines.indexOf('# hello');
      const greeter = lines.indexOf('# greeter');
      assert.ok(hello > 2 && greeter > hello, b.dockerfile);
      assert.deepEqual(
        lines.slice(hello, greeter).filter((l) => /^(ENV|COPY|RUN)\b/.test(l)),
        [
          'ENV HELLO_HOME="/opt/hello"',
          'COPY features/1_hello/ /tmp/dev-container-features/1_hello/',
          'RUN cd /tmp/dev-container-features/1_hello \\',
        ],
      );
      assert.ok(lines.slice(greeter).includes('COPY features/2_greeter/ /tmp/dev-container-features/2_greeter/'));
      assert.deepEqual(lines.slice(-2), ['USER $_CWS_IMAGE_USER', '']);
      assert.equal(
        b.files['features/1_hello/install.sh'],
        readFileSync(join(FIXTURE, '.devcontainer/hello/install.sh'), 'utf8'),
      );
      assert.equal(b.files['features/2_greeter/devcontainer-features.env'], "GREETING='hi there'\n");
      assert.ok(
        progress.some((m) => /^Installing Features: \.\/hello, \.\/greeter…$/.test(m)),
        progress.join('\n'),
      );

      // `container create`: the config's containerEnv, our labels, the folder's mount, the keep-alive, the layer.
      const creates = done.filter((a) => a[0] === 'create');
      assert.equal(creates.length, 1);
      const c = creates[0];
      assert.deepEqual(flagValues(c, '--name'), [w.name]);
      assert.deepEqual(flagValues(c, '-e'), ['FROM_CONFIG=features-app']);
      assert.deepEqual(flagValues(c, '-w'), [target]);
      assert.deepEqual(flagValues(c, '-u'), [], 'no containerUser: the image decides');
      assert.deepEqual(flagValues(c, '-v'), [`${folder}:${target}`]);
      assert.deepEqual(flagValues(c, '--entrypoint'), ['/bin/sh']);
      const l = Object.fromEntries(
        flagValues(c, '-l').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
      );
      assert.equal(l[LABELS.workspace], folder);
      assert.equal(l[LABELS.workspaceSource], 'devcontainer');
      assert.equal(l[LABELS.devcontainerConfigFile], join(folder, '.devcontainer/devcontainer.json'));
      assert.match(l[LABELS.configHash] ?? '', /^[0-9a-f]{32}$/);
      assert.deepEqual(JSON.parse(l[LABELS.featureHooks] ?? '{}'), {
        postStartCommand: [{ source: 'feature ./hello', command: 'echo feature-hello-postStart >> hooks.log' }],
      });
      assert.equal(c[c.indexOf('--entrypoint') + 2], tag, 'created from the layered image');
      // HELLO_HOME is the image's (an ENV line above), not a -e of the create.
      assert.ok(!c.some((a) => a.startsWith('HELLO_HOME=')), JSON.stringify(c));

      const d = await rt.inspect(id);
      assert.equal(d.state, 'running');
      assert.equal(d.image, `docker.io/library/${tag}`, 'Apple names a local tag by its fully qualified reference');
      assert.equal(d.labels[LABELS.workspaceTarget], target);
      assert.ok(
        d.mounts.some((m) => m.source === folder && m.destination === target),
        JSON.stringify(d.mounts),
      );

      // Every hook through `container exec`, as root in the workspace folder, with remoteEnv from the
      // Feature's containerEnv; the Features' commands first.
      const at = { workspaceFolder: target, user: 'root' };
      const calls = ran(hooks.calls);
      // postCreateCommand's object entries run in parallel: their order is not fixed.
      const byName = (a: { name?: string }, b: { name?: string }) => ((a.name ?? '') < (b.name ?? '') ? -1 : 1);
      assert.deepEqual(
        [...calls.slice(0, 3), ...calls.slice(3, 5).sort(byName), ...calls.slice(5)],
        [
          {
            hook: 'onCreateCommand',
            source: 'feature ./hello',
            argv: ['/bin/sh', '-c', 'echo feature-hello-onCreate >> hooks.log'],
            ...at,
          },
          {
            hook: 'onCreateCommand',
            source: 'devcontainer.json',
            argv: ['/bin/sh', '-c', 'echo onCreate >> hooks.log'],
            ...at,
          },
          {
            hook: 'updateContentCommand',
            source: 'devcontainer.json',
            argv: ['/bin/sh', '-c', 'echo updateContent >> hooks.log'],
            ...at,
          },
          {
            hook: 'postCreateCommand',
            source: 'devcontainer.json',
            name: 'a',
            argv: ['/bin/sh', '-c', 'echo postCreate-a >> hooks.log'],
            ...at,
          },
          {
            hook: 'postCreateCommand',
            source: 'devcontainer.json',
            name: 'env',
            argv: ['/bin/sh', '-c', 'echo "$CWS_REMOTE" > remote-env.txt'],
            ...at,
          },
          {
            hook: 'postStartCommand',
            source: 'feature ./hello',
            argv: ['/bin/sh', '-c', 'echo feature-hello-postStart >> hooks.log'],
            ...at,
          },
          {
            hook: 'postStartCommand',
            source: 'devcontainer.json',
            argv: ['/bin/sh', '-c', 'echo "postStart $CWS_REMOTE" >> hooks.log'],
            ...at,
          },
        ],
      );
      // One exec reads the container's environment (remoteEnv has ${containerEnv:…}), then the hooks.
      const environ = done.filter((a) => a[0] === 'exec' && a.includes('/proc/self/environ'));
      assert.equal(environ.length, 1);
      const execs = done.filter((a) => a[0] === 'exec' && !a.includes('/proc/self/environ'));
      assert.equal(execs.length, 7);
      for (const e of execs) {
        assert.deepEqual(
          [flagValues(e, '-e'), flagValues(e, '-w'), flagValues(e, '-u'), e[e.indexOf('root') + 1]],
          [['CWS_REMOTE=remote-/opt/hello'], [target], ['root'], w.name],
          JSON.stringify(e),
        );
      }
      assert.deepEqual(readFileSync(join(bed.dir, 'hooks.log'), 'utf8').trim().split('\n'), [
        'feature-hello-onCreate',
        'onCreate',
        'updateContent',
        'postCreate-a',
        'feature-hello-postStart',
        'postStart remote-/opt/hello',
      ]);
      assert.equal(readFileSync(join(bed.dir, 'remote-env.txt'), 'utf8'), 'remote-/opt/hello\n');
    });

    it('a second create builds nothing: reused while running, started after a stop (postStart only)', async () => {
      assert.ok(id, 'the create above made it');
      const hooks = recordingHooks(rt);
      let before = bed.calls().length;
      const nBuilds = builds.length;
      const again = await createWorkspaceContainer(rt, opts(folder, source, { hooks: hooks.runner }));
      assert.deepEqual([again.id, again.created, again.outOfDate, hooks.calls.length], [id, false, undefined, 0]);
      assert.deepEqual(actions(bed.calls().slice(before)), [], 'nothing built, created or run');

      await rt.stop(id, 2);
      before = bed.calls().length;
      const started = await createWorkspaceContainer(rt, opts(folder, source, { hooks: hooks.runner }));
      assert.equal(await started.hooksDone, undefined);
      assert.deepEqual([started.id, started.created], [id, false]);
      const afterStart = actions(bed.calls().slice(before));
      assert.deepEqual(
        afterStart.map((a) => a[0]),
        ['start', 'exec', 'exec', 'exec'],
      );
      // (The first exec reads the container's environment for remoteEnv; the fake runs it on this host,
      // so what it reads is not the container's: the real engines' tests check the value after a start.)
      assert.ok(afterStart[1].includes('/proc/self/environ'));
      assert.deepEqual(
        ran(hooks.calls).map((h) => [h.hook, h.source]),
        [
          ['postStartCommand', 'feature ./hello'],
          ['postStartCommand', 'devcontainer.json'],
        ],
      );
      assert.equal(builds.length, nBuilds);
    });

    it('a rebuild makes the container anew from the layer already in `container image ls`: no `container build`', async () => {
      assert.ok(await rt.imageExists(tag), `${tag} is in the fake's image list`);
      const progress: string[] = [];
      const before = bed.calls().length;
      const nBuilds = builds.length;
      const fresh = await createWorkspaceContainer(
        rt,
        opts(folder, source, { rebuild: true, onProgress: (p) => progress.push(p.message) }),
      );
      assert.equal(fresh.created, true);
      assert.ok(progress.includes(`Features are installed already (${tag}).`), progress.join('\n'));
      const done = actions(bed.calls().slice(before));
      assert.deepEqual(
        done.map((a) => a[0]),
        ['delete', 'create', 'start'],
      );
      assert.equal(done[1][done[1].indexOf('--entrypoint') + 2], tag);
      assert.equal(builds.length, nBuilds);
      assert.equal((await ours(folder)).length, 1);
    });
  });
});
