// Images, volumes and networks on dockerd and Podman through the runtime layer and `cws`: what uses
// each (a real container made with them), dangling images apart, built-in networks marked; removal
// refused while in use (the container named) and for the engine's own networks, then done once the
// container is gone — checked against the engine's own CLI.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { imageInventory } from '../../src/core/inventory/images';
import { networkInventory } from '../../src/core/inventory/networks';
import { removeImageChecked, removeNetworkChecked, removeVolumeChecked } from '../../src/core/inventory/remove';
import { volumeInventory } from '../../src/core/inventory/volumes';
import type { ContainerRuntime } from '../../src/core/runtime/types';
import {
  ENGINE_SOCKETS,
  engineCli,
  engineRuntime,
  removeTestContainers,
  requireEngine,
  runTestContainer,
  TEST_IMAGE,
  TEST_LABEL,
  uniqueName,
  type EngineId,
} from '../support/engines';
import { repoRoot } from '../support/paths';

const run = promisify(execFile);
const CWS = join(repoRoot, 'dist', 'cws.js');

const isCode = (code: string, text?: RegExp) => (e: unknown) => {
  const err = e as { code?: string; message?: string };
  assert.equal(err.code, code, err.message);
  if (text) assert.match(err.message ?? '', text);
  return true;
};

for (const engine of ['docker', 'podman'] as EngineId[]) {
  describe(`images, volumes and networks on ${engine} (real engine)`, function () {
    this.timeout(180_000);
    let rt: ContainerRuntime;
    const name = uniqueName('cws-inv');
    const repo = `localhost/cws-test/${name}`;
    const tag = `${repo}:one`;
    const tag2 = `${repo}:two`;
    const volume = `${name}-vol`;
    const network = `${name}-net`;
    let container = '';
    const cwsEnv = () => ({
      ...process.env,
      CONTAINER_RUNTIME: engine,
      ...(engine === 'docker' ? { DOCKER_HOST: `unix://${ENGINE_SOCKETS.docker}` } : {}),
    });
    const cws = (args: string[]) =>
      run(process.execPath, [CWS, ...args], { env: cwsEnv(), timeout: 60_000 }).then(
        (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
        (e: { code?: number; stdout?: string; stderr?: string }) => ({
          code: e.code ?? 1,
          stdout: e.stdout ?? '',
          stderr: e.stderr ?? '',
        }),
      );

    before(async function () {
      requireEngine(this, engine);
      rt = engineRuntime(engine);
      // An image of its own (the test image's id is shared with every other test's containers).
      const ctx = mkdtempSync(join(tmpdir(), 'cws-inv-ctx-'));
      try {
        writeFileSync(join(ctx, 'Dockerfile'), `FROM ${TEST_IMAGE}\nLABEL ${TEST_LABEL}.name=${name}\n`);
        await rt.buildImage({ context: ctx, tag, labels: { [TEST_LABEL]: String(process.pid) } });
      } finally {
        rmSync(ctx, { recursive: true, force: true });
      }
      await engineCli(engine, ['volume', 'create', '--label', `${TEST_LABEL}=${process.pid}`, volume]);
      await engineCli(engine, ['network', 'create', '--label', `${TEST_LABEL}=${process.pid}`, network]);
      container = (
        await runTestContainer(engine, name, ['sleep', '600'], {
          image: tag,
          flags: ['-v', `${volume}:/data`, '--network', network],
        })
      ).trim();
    });

    after(async () => {
      if (!rt) return;
      await removeTestContainers(engine);
      await engineCli(engine, ['network', 'rm', network]).catch(() => undefined);
      await engineCli(engine, ['volume', 'rm', volume]).catch(() => undefined);
      for (const t of [tag, tag2, `${repo}:moved`]) await engineCli(engine, ['rmi', t]).catch(() => undefined);
      void rt.close();
    });

    it('the image row (by repository and tag) names the container made from it; a second tag is the same image', async () => {
      await rt.tagImage(tag, tag2);
      const inv = imageInventory(await rt.listImages(), await rt.listContainers({ all: true }));
      const group = inv.groups.find((g) => g.repository === repo);
      assert.ok(group, `a group for ${repo}`);
      assert.deepEqual(group.rows.map((r) => r.tag).sort(), ['one', 'two']);
      for (const r of group.rows) {
        assert.deepEqual(
          r.usedBy.map((c) => c.name),
          [name],
        );
        assert.ok(r.image.size > 0);
      }
      // The engine's own CLI agrees on the id.
      const id = (await engineCli(engine, ['image', 'inspect', '--format', '{{.Id}}', tag])).trim();
      assert.equal(group.rows[0].image.id.replace(/^sha256:/, ''), id.replace(/^sha256:/, ''));
    });

    it('the volume names the container that mounts it; the network the container attached, its own networks marked built in', async () => {
      const containers = await rt.listContainers({ all: true });
      const v = volumeInventory(await rt.listVolumes(), containers).find((r) => r.volume.name === volume);
      assert.ok(v, 'the volume is listed');
      assert.deepEqual(
        v.usedBy.map((c) => c.name),
        [name],
      );
      assert.equal(v.volume.driver, 'local');
      assert.equal(v.volume.labels[TEST_LABEL], String(process.pid));
      const nets = networkInventory(engine, await rt.listNetworks(), containers);
      const n = nets.find((r) => r.network.name === network);
      assert.ok(n, 'the network is listed');
      assert.deepEqual([n.attached.map((c) => c.name), n.builtIn, n.network.driver], [[name], false, 'bridge']);
      const own = engine === 'docker' ? 'bridge' : 'podman';
      assert.equal(nets.find((r) => r.network.name === own)?.builtIn, true, `${own} is built in`);
      assert.ok(nets[0].builtIn, 'built-in networks first');
    });

    it('removal while in use is refused with the container named; the engine still has each', async () => {
      await assert.rejects(removeImageChecked(rt, `${repo}:absent`), isCode('notFound'));
      // With two tags, one is only untagged: allowed even in use.
      await removeImageChecked(rt, tag2);
      assert.equal(await rt.imageExists(tag2), false);
      await assert.rejects(removeImageChecked(rt, tag), isCode('conflict', new RegExp(`used by container ${name}`)));
      await assert.rejects(removeVolumeChecked(rt, volume), isCode('conflict', new RegExp(`container ${name}`)));
      const net = (await rt.listNetworks()).find((x) => x.name === network)!;
      await assert.rejects(removeNetworkChecked(rt, net), isCode('conflict', new RegExp(`${name} attached`)));
      const own = (await rt.listNetworks()).find((x) => x.name === (engine === 'docker' ? 'bridge' : 'podman'))!;
      await assert.rejects(removeNetworkChecked(rt, own), isCode('invalidArgument', /own networks/));
      // cws says the same, exit 1, and the engine still has them.
      const r = await cws(['volumes', 'rm', volume]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`Volume ${volume} is used by container ${name}`));
      assert.equal((await engineCli(engine, ['volume', 'ls', '-q'])).split('\n').includes(volume), true);
      assert.equal(await rt.imageExists(tag), true);
    });

    it('cws images|volumes|networks --json: the same rows, with what uses each', async () => {
      const images = JSON.parse((await cws(['images', '--json'])).stdout) as {
        ref: string;
        usedBy: { name: string }[];
        dangling: boolean;
      }[];
      const row = images.find((i) => i.ref === tag || i.ref === tag.replace(/^localhost\//, ''));
      assert.deepEqual([row?.usedBy.map((c) => c.name), row?.dangling], [[name], false]);
      const vols = JSON.parse((await cws(['volumes', '--json'])).stdout) as {
        name: string;
        usedBy: { name: string }[];
      }[];
      assert.deepEqual(
        vols.find((v) => v.name === volume)?.usedBy.map((c) => c.name),
        [name],
      );
      const nets = JSON.parse((await cws(['networks', '--json'])).stdout) as { name: string; builtIn: boolean }[];
      assert.deepEqual(
        nets
          .filter((n) => n.builtIn)
          .map((n) => n.name)
          .sort(),
        engine === 'docker' ? ['bridge', 'host', 'none'] : ['podman'],
      );
      const text = (await cws(['images'])).stdout;
      assert.match(text, /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE\s+USED BY$/m);
    });

    it('an image whose tag moved to a newer build is dangling, listed apart; once the container is gone all three go', async () => {
      const ctx = mkdtempSync(join(tmpdir(), 'cws-inv-ctx-'));
      try {
        writeFileSync(join(ctx, 'Dockerfile'), `FROM ${TEST_IMAGE}\nLABEL ${TEST_LABEL}.build=1\n`);
        const first = await rt.buildImage({ context: ctx, tag: `${repo}:moved`, labels: { [TEST_LABEL]: 'inv' } });
        writeFileSync(join(ctx, 'Dockerfile'), `FROM ${TEST_IMAGE}\nLABEL ${TEST_LABEL}.build=2\n`);
        await rt.buildImage({ context: ctx, tag: `${repo}:moved`, labels: { [TEST_LABEL]: 'inv' } });
        const inv = imageInventory(await rt.listImages(), await rt.listContainers({ all: true }));
        const bare = first.replace(/^sha256:/, '');
        const dangling = inv.dangling.find((r) => r.image.id.replace(/^sha256:/, '') === bare);
        assert.ok(dangling, 'the first build is dangling');
        assert.deepEqual([dangling.repository, dangling.tag, dangling.usedBy.length], ['<none>', '<none>', 0]);
        await removeImageChecked(rt, dangling.ref);
        await removeImageChecked(rt, `${repo}:moved`);
      } finally {
        rmSync(ctx, { recursive: true, force: true });
      }
      await rt.remove(container, { force: true });
      await removeImageChecked(rt, tag);
      await removeVolumeChecked(rt, volume);
      await removeNetworkChecked(
        rt,
        (await rt.listNetworks()).find((x) => x.name === network)!,
      );
      assert.equal(await rt.imageExists(tag), false);
      assert.equal((await engineCli(engine, ['volume', 'ls', '-q'])).split('\n').includes(volume), false);
      assert.equal(
        (await engineCli(engine, ['network', 'ls', '--format', '{{.Name}}'])).split('\n').includes(network),
        false,
      );
    });
  });
}
