// Prune on dockerd and Podman: the preview lists exactly what the engine then no longer has —
// stopped containers, the dangling image, the unused anonymous volume and the unused network, all
// of this test's (by label) — and what is in use (a running container's image, volume and network)
// or named (a named volume, unless asked) stays. Checked with the engine's own CLI afterwards.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executePrune, prunePlan, PRUNE_KINDS } from '../../src/core/inventory/prune';
import type { ContainerRuntime } from '../../src/core/runtime/types';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { repoRoot } from '../support/paths';
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

for (const engine of ['docker', 'podman'] as EngineId[]) {
  describe(`prune with a preview on ${engine} (real engine)`, function () {
    this.timeout(240_000);
    let rt: ContainerRuntime;
    const name = uniqueName('cws-prune');
    const label = `${TEST_LABEL}.prune=${name}`;
    const repo = `localhost/cws-test/${name}`;
    let danglingId = '';
    let anonymous = '';
    const named = `${name}-named`;
    const usedVolume = `${name}-used`;
    const unusedNet = `${name}-net-unused`;
    const usedNet = `${name}-net-used`;
    let stopped = '';
    let running = '';
    const cli = (args: string[]) => engineCli(engine, args).then((s) => s.trim());
    const exists = async (args: string[]) =>
      await cli(args).then(
        () => true,
        () => false,
      );

    before(async function () {
      requireEngine(this, engine);
      rt = engineRuntime(engine);
      const ctx = mkdtempSync(join(tmpdir(), 'cws-prune-'));
      try {
        const build = async (n: number) => {
          writeFileSync(join(ctx, 'Dockerfile'), `FROM ${TEST_IMAGE}\nLABEL ${TEST_LABEL}.build=${name}-${n}\n`);
          return rt.buildImage({ context: ctx, tag: `${repo}:x`, labels: { [`${TEST_LABEL}.prune`]: name } });
        };
        danglingId = await build(1);
        await build(2); // the tag moves: the first build is dangling
      } finally {
        rmSync(ctx, { recursive: true, force: true });
      }
      anonymous = await cli(['volume', 'create', '--label', label]);
      await cli(['volume', 'create', '--label', label, named]);
      await cli(['volume', 'create', '--label', label, usedVolume]);
      await cli(['network', 'create', '--label', label, unusedNet]);
      await cli(['network', 'create', '--label', label, usedNet]);
      stopped = await runTestContainer(engine, `${name}-stopped`, ['true'], { flags: ['--label', label] });
      await cli(['wait', stopped]);
      running = await runTestContainer(engine, `${name}-running`, ['sleep', '600'], {
        image: `${repo}:x`,
        flags: ['--label', label, '-v', `${usedVolume}:/data`, '--network', usedNet],
      });
    });

    after(async () => {
      if (!rt) return;
      await removeTestContainers(engine);
      for (const n of [unusedNet, usedNet]) await cli(['network', 'rm', n]).catch(() => undefined);
      for (const v of [anonymous, named, usedVolume].filter(Boolean))
        await cli(['volume', 'rm', v]).catch(() => undefined);
      for (const i of [`${repo}:x`, danglingId].filter(Boolean)) await cli(['rmi', '-f', i]).catch(() => undefined);
      void rt.close();
    });

    it('the preview: exactly the stopped container, the dangling image, the anonymous volume and the unused network', async () => {
      const plan = await prunePlan(rt, { kinds: PRUNE_KINDS, label });
      const got = plan.items
        .map((i) => `${i.kind}:${i.kind === 'images' ? i.id.replace(/^sha256:/, '') : i.name}`)
        .sort();
      assert.deepEqual(
        got,
        [
          `containers:${name}-stopped`,
          `images:${danglingId.replace(/^sha256:/, '')}`,
          `networks:${unusedNet}`,
          `volumes:${anonymous}`,
        ].sort(),
      );
      assert.ok(plan.items.every((i) => i.kind !== 'containers' || i.id === stopped || i.id.startsWith(stopped)));
      // Named volumes only when asked for; in use never.
      const all = await prunePlan(rt, { kinds: ['volumes'], label, allVolumes: true });
      assert.deepEqual(all.items.map((i) => i.name).sort(), [anonymous, named].sort());
    });

    it('cws prune without --yes previews the same and removes nothing', async () => {
      const env = {
        ...process.env,
        CONTAINER_RUNTIME: engine,
        ...(engine === 'docker' ? { DOCKER_HOST: `unix://${ENGINE_SOCKETS.docker}` } : {}),
      };
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [join(repoRoot, 'dist', 'cws.js'), 'prune', '--label', label],
        { env, timeout: 60_000 },
      );
      assert.match(stdout, /^KIND\s+NAME\s+SIZE$/m);
      assert.match(stdout, new RegExp(`^containers\\s+${name}-stopped\\s`, 'm'));
      assert.match(stdout, /^4 to remove, (at least )?[\d.]+\w*B freed\.$/m);
      assert.match(stdout, /Nothing was removed: run again with --yes/);
      assert.equal(await exists(['container', 'inspect', stopped]), true);
    });

    it('pruned: the engine no longer has exactly those; what is in use or named is still there', async () => {
      const plan = await prunePlan(rt, { kinds: PRUNE_KINDS, label });
      const r = await executePrune(rt, plan);
      assert.deepEqual(r.kept, []);
      assert.equal(r.removed.length, plan.items.length);
      assert.equal(await exists(['container', 'inspect', stopped]), false, 'the stopped container is gone');
      assert.equal(await exists(['image', 'inspect', danglingId]), false, 'the dangling image is gone');
      assert.equal(await exists(['volume', 'inspect', anonymous]), false, 'the anonymous volume is gone');
      assert.equal(await exists(['network', 'inspect', unusedNet]), false, 'the unused network is gone');
      for (const [what, args] of [
        ['the running container', ['container', 'inspect', running]],
        ['its image', ['image', 'inspect', `${repo}:x`]],
        ['its volume', ['volume', 'inspect', usedVolume]],
        ['its network', ['network', 'inspect', usedNet]],
        ['the named volume', ['volume', 'inspect', named]],
      ] as [string, string[]][])
        assert.equal(await exists(args), true, `${what} is kept`);
      // Nothing of ours is left to prune.
      assert.deepEqual((await prunePlan(rt, { kinds: PRUNE_KINDS, label })).items, []);
    });
  });
}
