// OCI Features at create, from a real registry on loopback (Debian's docker-registry) on dockerd and
// Podman: a Feature published as the spec's OCI artifact that depends on another OCI Feature is
// fetched, installed after its dependency and its hooks run; a second create fetches the manifests
// again but builds nothing. Behind htpasswd it is fetched with the user's Docker credentials (the
// create's DOCKER_CONFIG). Without credentials, with broken metadata, from a registry that refuses
// the connection, and from one that accepts it and never answers (time-out, cancel), the create
// fails with a message naming the Feature and leaves no container, image or scratch folder.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectDirectory } from '../../src/core/detection/detect';
import { RuntimeError } from '../../src/core/runtime/errors';
import { LABELS } from '../../src/core/runtime/labels';
import type { ContainerRuntime } from '../../src/core/runtime/types';
import { createWorkspaceContainer, workspaceSources, type CreateWorkspaceOptions } from '../../src/core/workspace';
import {
  ENGINE_SOCKETS,
  engineRuntime,
  TEST_IMAGE,
  TEST_LABEL,
  engineCli,
  requireEngine,
  type EngineId,
} from '../support/engines';
import { recordingHooks } from '../support/hooks';
import { publishFeature } from '../support/ociPublish';
import { requireRegistryTools, startRegistry, type LocalRegistry } from '../support/registry';

const USER = { name: 'oci-dev', password: 'not a real secret 42' };
const labels = { [TEST_LABEL]: String(process.pid) };

/** A Feature folder: its metadata (as given) and an install.sh. */
function featureDir(root: string, metadata: Record<string, unknown>, install: string): string {
  const dir = mkdtempSync(join(root, 'feature-'));
  writeFileSync(join(dir, 'devcontainer-feature.json'), JSON.stringify(metadata));
  writeFileSync(join(dir, 'install.sh'), `#!/bin/sh\nset -e\n${install}\n`, { mode: 0o755 });
  return dir;
}

/** A workspace folder whose devcontainer.json has these Features and a postCreate hook. */
function workspace(root: string, name: string, features: Record<string, unknown>): string {
  const folder = join(mkdtempSync(join(root, 'ws-')), name);
  mkdirSync(join(folder, '.devcontainer'), { recursive: true });
  writeFileSync(
    join(folder, '.devcontainer/devcontainer.json'),
    JSON.stringify({
      image: TEST_IMAGE,
      features,
      remoteUser: 'root',
      postCreateCommand: 'echo postCreate >> hooks.log',
    }),
  );
  return folder;
}

/**
 * The create's scratch folders: made in os.tmpdir(), which these tests point at a folder of their
 * own (TMPDIR), so that another process's scratch folders never count.
 */
let scratchRoot = '';
const scratchFolders = () => readdirSync(scratchRoot).filter((n) => n.startsWith('cws-features-'));

/** A TCP server that accepts connections and never answers (a registry that hangs). */
function silentServer(): Promise<{ host: string; server: Server; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ host: `127.0.0.1:${(server.address() as AddressInfo).port}`, server, sockets }),
    ),
  );
}

for (const engine of ['docker', 'podman'] as EngineId[]) {
  describe(`OCI Features at create on ${engine} (real engine, docker-registry on loopback)`, function () {
    this.timeout(180_000);
    const root = mkdtempSync(join(tmpdir(), `cws-ocifeat-${engine}-`));
    const endpointUrl = `unix://${ENGINE_SOCKETS[engine]}`;
    let rt: ContainerRuntime;
    let open: LocalRegistry;
    let locked: LocalRegistry;
    const images = new Set<string>();
    let savedTmp: string | undefined;

    const opts = (folder: string, more: Partial<CreateWorkspaceOptions> = {}) =>
      sourcesOf(folder).then(([source]): CreateWorkspaceOptions => ({
        folder,
        source: source,
        labels,
        endpointUrl,
        ...more,
      }));
    const sourcesOf = async (folder: string) => workspaceSources(await detectDirectory(folder, { env: process.env }));
    /** What the engine holds for the folder: its containers and the images labelled with it. */
    const leftFor = async (folder: string) => ({
      containers: (await rt.listContainers({ all: true })).filter((c) => c.labels[LABELS.workspace] === folder).length,
      images: (
        await engineCli(engine, ['images', '-a', '-q', '--filter', `label=${LABELS.workspace}=${folder}`])
      ).trim(),
    });

    before(async function () {
      requireEngine(this, engine);
      await requireRegistryTools(this);
      rt = engineRuntime(engine);
      scratchRoot = mkdtempSync(join(root, 'tmp-'));
      savedTmp = process.env.TMPDIR;
      process.env.TMPDIR = scratchRoot;
      open = await startRegistry();
      locked = await startRegistry({ htpasswd: USER });
      const base = featureDir(
        root,
        { id: 'base', version: '1.0.0', containerEnv: { OCI_BASE: '/opt/oci-base' } },
        'mkdir -p /opt/oci-base\necho base > /opt/oci-base/installed',
      );
      await publishFeature(base, { url: open.url, repository: 'cws/features/base', tags: ['1', '1.0.0'] });
      const tool = featureDir(
        root,
        {
          id: 'tool',
          version: '2.1.0',
          options: { word: { type: 'string', default: 'plain' } },
          dependsOn: { [`${open.host}/cws/features/base:1`]: {} },
          postCreateCommand: 'echo feature-tool-postCreate >> hooks.log',
        },
        // Runs after base: it reads what base installed.
        'mkdir -p /opt\ncat /opt/oci-base/installed > /opt/oci-tool\necho "$WORD" >> /opt/oci-tool',
      );
      await publishFeature(tool, { url: open.url, repository: 'cws/features/tool', tags: ['2'], gzip: true });
      const secret = featureDir(
        root,
        { id: 'secret', version: '1.0.0' },
        'mkdir -p /opt && echo private > /opt/oci-secret',
      );
      await publishFeature(secret, { url: locked.url, repository: 'team/features/secret', tags: ['1'], user: USER });
      const failing = featureDir(
        root,
        { id: 'failing', version: '1.0.0', dependsOn: { [`${open.host}/cws/features/base:1`]: {} } },
        'echo "about to fail" >&2\nexit 7',
      );
      await publishFeature(failing, { url: open.url, repository: 'cws/features/failing', tags: ['1'] });
      const broken = featureDir(root, { id: 'broken', version: '1.0.0', containerEnv: 'not an object' }, 'true');
      await publishFeature(broken, { url: open.url, repository: 'cws/features/broken', tags: ['1'] });
    });

    after(async function () {
      if (scratchRoot) {
        if (savedTmp === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = savedTmp;
      }
      if (!rt) return;
      const ours = (await rt.listContainers({ all: true })).filter((c) => c.labels[LABELS.workspace]?.startsWith(root));
      await Promise.all(ours.map((c) => rt.remove(c.id, { force: true }).catch(() => undefined)));
      for (const i of images) await engineCli(engine, ['rmi', '-f', i]).catch(() => undefined);
      await open?.stop();
      await locked?.stop();
      void rt.close();
      rmSync(root, { recursive: true, force: true });
    });

    it('fetches an OCI Feature and its OCI dependency, installs them in order, runs its hook; again: builds nothing', async () => {
      const folder = workspace(root, 'oci-app', { [`${open.host}/cws/features/tool:2`]: { word: 'from-oci' } });
      const progress: string[] = [];
      const hooks = recordingHooks(rt);
      const w = await createWorkspaceContainer(
        rt,
        await opts(folder, { hooks: hooks.runner, onProgress: (p) => progress.push(p.message) }),
      );
      assert.equal(await w.hooksDone, undefined);
      const image = (await rt.inspect(w.id)).image;
      images.add(image);
      const cat = await rt.exec(w.id, { cmd: ['cat', '/opt/oci-tool'] });
      assert.deepEqual(cat.stdout.trim().split('\n'), ['base', 'from-oci'], 'base installed first; the option given');
      const env = await rt.exec(w.id, { cmd: ['env'] });
      assert.match(env.stdout, /^OCI_BASE=\/opt\/oci-base$/m, "the dependency's containerEnv");
      assert.deepEqual(readFileSync(join(folder, 'hooks.log'), 'utf8').trim().split('\n'), [
        'feature-tool-postCreate',
        'postCreate',
      ]);
      const fetched = progress.filter((m) => /^Fetching Feature/.test(m));
      assert.equal(fetched.length, 2, progress.join('\n'));
      assert.ok(
        progress.some((m) => new RegExp(`Installing Features: ${open.host}/cws/features/base:1, `).test(m)),
        progress.join('\n'),
      );

      await rt.remove(w.id, { force: true });
      const again: string[] = [];
      const w2 = await createWorkspaceContainer(rt, await opts(folder, { onProgress: (p) => again.push(p.message) }));
      assert.equal(w2.created, true);
      assert.equal((await rt.inspect(w2.id)).image, image, 'the same layered image');
      assert.ok(!again.some((m) => /Installing Features/.test(m)), again.join('\n'));
      assert.ok(
        again.some((m) => /Features are installed already/.test(m)),
        again.join('\n'),
      );
    });

    it("behind htpasswd: fetched with the create's Docker credentials; without them a sign-in message names it", async () => {
      const key = `${locked.host}/team/features/secret:1`;
      const folder = workspace(root, 'oci-private', { [key]: {} });
      const before = scratchFolders();
      const err = (await createWorkspaceContainer(
        rt,
        await opts(folder, { env: { ...process.env, DOCKER_CONFIG: mkdtempSync(join(root, 'no-auth-')) } }),
      ).catch((e: unknown) => e)) as RuntimeError;
      assert.ok(err instanceof RuntimeError, String(err));
      assert.equal(err.code, 'permission');
      assert.ok(err.message.includes(`Feature '${key}'`), err.message);
      assert.match(err.message, /sign in/);
      assert.ok((err.hint ?? '').includes(`docker login ${locked.host}`), err.hint);
      assert.deepEqual(await leftFor(folder), { containers: 0, images: '' });
      assert.deepEqual(scratchFolders(), before, 'the scratch folder is removed');

      const config = mkdtempSync(join(root, 'auth-'));
      const auth = Buffer.from(`${USER.name}:${USER.password}`).toString('base64');
      writeFileSync(join(config, 'config.json'), JSON.stringify({ auths: { [locked.host]: { auth } } }));
      const progress: string[] = [];
      const w = await createWorkspaceContainer(
        rt,
        await opts(folder, {
          env: { ...process.env, DOCKER_CONFIG: config },
          onProgress: (p) => progress.push(p.message),
        }),
      );
      images.add((await rt.inspect(w.id)).image);
      assert.equal((await rt.exec(w.id, { cmd: ['cat', '/opt/oci-secret'] })).stdout.trim(), 'private');
      assert.ok(!progress.join('\n').includes(USER.password), 'the password is in no progress line');
    });

    it('broken metadata in a published Feature is named, with the field; nothing is built', async () => {
      const key = `${open.host}/cws/features/broken:1`;
      const folder = workspace(root, 'oci-broken', { [key]: {} });
      await assert.rejects(
        opts(folder).then((o) => createWorkspaceContainer(rt, o)),
        (e: unknown) =>
          e instanceof RuntimeError &&
          e.message.includes(`Feature '${key}'`) &&
          /containerEnv/.test(e.message) &&
          !/\n/.test(e.message),
      );
      assert.deepEqual(await leftFor(folder), { containers: 0, images: '' });
    });

    it('an install.sh that fails is named with its exit code (not the first Feature: the one that failed)', async () => {
      const key = `${open.host}/cws/features/failing:1`;
      const folder = workspace(root, 'oci-failing', { [key]: {} });
      const progress: string[] = [];
      const err = (await createWorkspaceContainer(
        rt,
        await opts(folder, { onProgress: (p) => progress.push(p.message) }),
      ).catch((e: unknown) => e)) as RuntimeError;
      assert.ok(err instanceof RuntimeError, String(err));
      assert.equal(err.message, `Feature '${key}' failed to install: its install.sh exited with code 7.`);
      assert.ok(
        progress.some((m) => m.includes('about to fail')),
        'its output is in the progress lines',
      );
      assert.deepEqual(await leftFor(folder), { containers: 0, images: '' });
    });

    it('a registry that refuses the connection, or accepts it and never answers, is named; cancel is prompt', async () => {
      // A port nothing listens on: taken, then closed.
      const gone = await silentServer();
      const refusedHost = gone.host;
      await new Promise((r) => gone.server.close(r));
      const refusedKey = `${refusedHost}/cws/features/tool:2`;
      const refusedFolder = workspace(root, 'oci-refused', { [refusedKey]: {} });
      const before = scratchFolders();
      await assert.rejects(
        opts(refusedFolder).then((o) => createWorkspaceContainer(rt, o)),
        (e: unknown) =>
          e instanceof RuntimeError &&
          e.code === 'unavailable' &&
          e.message.includes(refusedKey) &&
          /refused the connection/.test(e.message),
      );
      assert.deepEqual(await leftFor(refusedFolder), { containers: 0, images: '' });

      const silent = await silentServer();
      try {
        const key = `${silent.host}/cws/features/tool:2`;
        const folder = workspace(root, 'oci-hangs', { [key]: {} });
        await assert.rejects(
          opts(folder, { registryTimeoutMs: 1500 }).then((o) => createWorkspaceContainer(rt, o)),
          (e: unknown) =>
            e instanceof RuntimeError &&
            e.code === 'timeout' &&
            e.message.includes(key) &&
            /did not finish answering within 2 s|sent nothing for 2 s/.test(e.message),
        );
        // Cancelled while it hangs (the default time-out is a minute): the create ends at once.
        const ac = new AbortController();
        const cancelled = opts(folder, {
          signal: ac.signal,
          onProgress: (p) => /^Fetching Feature/.test(p.message) && setImmediate(() => ac.abort()),
        }).then((o) => createWorkspaceContainer(rt, o));
        await assert.rejects(cancelled, (e: unknown) => e instanceof RuntimeError && e.code === 'cancelled');
        assert.deepEqual(await leftFor(folder), { containers: 0, images: '' });
      } finally {
        for (const s of silent.sockets) s.destroy();
        await new Promise((r) => silent.server.close(r));
      }
      assert.deepEqual(scratchFolders(), before, 'no scratch folder is left');
    });
  });
}
