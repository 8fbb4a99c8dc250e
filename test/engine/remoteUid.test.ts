// updateRemoteUserUID on dockerd and Podman, on the Debian test image (awk, chown, a real passwd):
// oracle-build-users' remote user `dev` (UID 1000 in its Dockerfile) is given this machine's ids —
// injected here, as the suite runs as root, whose uid 0 means nothing is to be done — and its home
// with them; set false, or with a UID another user has, it keeps 1000; as root nothing is built.
import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectDirectory } from '../../src/core/detection/detect';
import { LABELS } from '../../src/core/runtime/labels';
import type { ContainerRuntime } from '../../src/core/runtime/types';
import { createWorkspaceContainer, workspaceSources, type CreateWorkspaceOptions } from '../../src/core/workspace';
import {
  ENGINE_SOCKETS,
  engineRuntime,
  TEST_LABEL,
  engineCli,
  requireDebianImage,
  requireEngine,
  type EngineId,
} from '../support/engines';
import { recordingHooks } from '../support/hooks';
import { repoRoot } from '../support/paths';

const FIXTURE = join(repoRoot, 'test/fixtures/workspaces/oracle-build-users');

for (const engine of ['docker', 'podman'] as EngineId[]) {
  describe(`updateRemoteUserUID on ${engine} (real engine, Debian image)`, function () {
    this.timeout(300_000);
    const root = mkdtempSync(join(tmpdir(), `cws-uid-${engine}-`));
    const endpointUrl = `unix://${ENGINE_SOCKETS[engine]}`;
    let rt: ContainerRuntime;
    const folders: string[] = [];

    before(async function () {
      requireEngine(this, engine);
      await requireDebianImage(this, engine);
      rt = engineRuntime(engine);
    });
    after(async function () {
      if (!rt) return;
      const ours = (await rt.listContainers({ all: true })).filter((c) => c.labels[LABELS.workspace]?.startsWith(root));
      await Promise.all(ours.map((c) => rt.remove(c.id, { force: true }).catch(() => undefined)));
      for (const dir of folders) {
        const ids = await engineCli(engine, ['images', '-q', '--filter', `label=${LABELS.workspace}=${dir}`]);
        for (const i of new Set(ids.split('\n').filter(Boolean)))
          await engineCli(engine, ['rmi', '-f', i]).catch(() => undefined);
      }
      void rt.close();
      rmSync(root, { recursive: true, force: true });
    });

    const create = async (
      name: string,
      more: Partial<CreateWorkspaceOptions>,
      edit?: (cfg: string) => string,
      editDockerfile?: (text: string) => string,
    ) => {
      const folder = join(mkdtempSync(join(root, 'f-')), name);
      cpSync(FIXTURE, folder, { recursive: true });
      folders.push(folder);
      const cfg = join(folder, '.devcontainer/devcontainer.json');
      if (edit) writeFileSync(cfg, edit(readFileSync(cfg, 'utf8')));
      const dockerfile = join(folder, '.devcontainer/Dockerfile');
      if (editDockerfile) writeFileSync(dockerfile, editDockerfile(readFileSync(dockerfile, 'utf8')));
      const [source] = workspaceSources(await detectDirectory(folder, { env: process.env }));
      const progress: string[] = [];
      const w = await createWorkspaceContainer(rt, {
        folder,
        source: source,
        endpointUrl,
        labels: { [TEST_LABEL]: String(process.pid) },
        onProgress: (p) => progress.push(p.message),
        hooks: recordingHooks(rt).runner,
        ...more,
      });
      assert.equal(await w.hooksDone, undefined);
      const sh = async (script: string) => {
        const r = await rt.exec(w.id, { cmd: ['sh', '-c', script] });
        assert.equal(r.exitCode, 0, r.stderr);
        return r.stdout.trim();
      };
      return { w, progress, sh, image: (await rt.inspect(w.id)).image };
    };

    it("the remote user gets this machine's UID and GID, and its home with them", async () => {
      const { progress, sh, image } = await create('uid-updated', { hostIds: { uid: 4242, gid: 4343 } });
      assert.equal(await sh('id -u dev; id -g dev'), '4242\n4343');
      assert.equal(await sh('stat -c %u:%g /home/dev'), '4242:4343');
      assert.match(image, /cws-uid-/);
      assert.ok(progress.includes('cws: dev now has UID 4242 and GID 4343'), progress.join('\n'));
      // The Feature and the hook ran as before (as `dev`, with its new id).
      assert.match(await sh('cat /tmp/post-create.txt'), /^dev\n\/home\/dev\nyes\nremote=dev /);
    });

    it("a primary group the user shares (Debian's users, 100) keeps its GID; only the UID changes", async () => {
      const { sh, progress } = await create('uid-shared-group', { hostIds: { uid: 4242, gid: 4343 } }, undefined, (t) =>
        t.replace('useradd -m -s /bin/bash dev', 'useradd -m -s /bin/bash -g users dev'),
      );
      assert.equal(await sh('id -u dev; id -g dev; getent group users | cut -d: -f3'), '4242\n100\n100');
      assert.equal(await sh('stat -c %u:%g /home/dev'), '4242:100');
      assert.ok(progress.includes("cws: dev's group 100 is shared; it keeps it"), progress.join('\n'));
    });

    it('"updateRemoteUserUID": false, a UID another user has, and root on this machine: dev keeps 1000', async () => {
      const off = await create('uid-off', { hostIds: { uid: 4242, gid: 4343 } }, (t) =>
        t.replace('"remoteUser"', '"updateRemoteUserUID": false,\n  "remoteUser"'),
      );
      assert.equal(await off.sh('id -u dev'), '1000');
      assert.doesNotMatch(off.image, /cws-uid-/);
      // UID 1 is Debian's `daemon`.
      const taken = await create('uid-taken', { hostIds: { uid: 1, gid: 1 } });
      assert.equal(await taken.sh('id -u dev'), '1000');
      assert.ok(
        taken.progress.includes('cws: UID 1 belongs to another user in the image; dev keeps 1000'),
        taken.progress.join('\n'),
      );
      const asRoot = await create('uid-root', { hostIds: { uid: 0, gid: 0 } });
      assert.equal(await asRoot.sh('id -u dev'), '1000');
      assert.doesNotMatch(asRoot.image, /cws-uid-/);
      assert.ok(!asRoot.progress.some((m) => /UID/.test(m)), asRoot.progress.join('\n'));
    });
  });
}
