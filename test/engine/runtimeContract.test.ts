// One contract for every runtime: the real dockerd, the real Podman socket, and Apple's CLI (through
// a fake `container` executable). Everything goes through the ContainerRuntime interface.
import * as assert from 'node:assert/strict';
import type { ContainerRuntime, RuntimeEvent } from '../../src/core/runtime/types';
import { CONTRACT_TARGETS, TEST_LABEL } from '../support/contractTargets';
import { uniqueName } from '../support/engines';
import { isCode, until } from '../support/until';

for (const target of CONTRACT_TARGETS) {
  describe(`runtime contract: ${target.name}`, function () {
    this.timeout(90_000);
    let rt: ContainerRuntime;
    const labels = { [TEST_LABEL]: String(process.pid) };
    const create = (name: string, cmd = ['sleep', '300'], extra: object = {}) =>
      rt.createContainer({ image: target.image, name, cmd, labels, ...extra });

    before(function () {
      target.require(this);
      rt = target.make();
    });
    after(async () => {
      void rt?.close();
      if (rt) await target.cleanup();
    });

    it('info and ping answer, with the runtime id and capabilities', async () => {
      const info = await rt.info();
      assert.equal(info.runtime, target.runtimeId);
      assert.match(info.version, /^\d+\.\d+/);
      assert.deepEqual(info.capabilities, rt.capabilities);
      await rt.ping();
    });

    it('create → list → inspect keeps name, image, labels, env-free details', async () => {
      const name = uniqueName('cws-c');
      const id = await create(name, ['sleep', '300'], { workingDir: '/tmp', env: { CWS_SECRET: 'x' } });
      const listed = (await rt.listContainers({ all: true })).find((c) => c.id === id);
      assert.ok(listed, 'listed');
      assert.deepEqual([listed.name, listed.state, listed.labels[TEST_LABEL]], [name, 'created', String(process.pid)]);
      const d = await rt.inspect(id);
      assert.equal(d.id, id);
      assert.equal(d.name, name);
      assert.equal(d.workingDir, '/tmp');
      assert.deepEqual(d.command, ['sleep', '300']);
      assert.equal(d.labels[TEST_LABEL], String(process.pid));
      await assert.rejects(rt.inspect('cws-missing-' + process.pid), isCode('notFound'));
    });

    it('start, stop, restart and kill move the state; remove makes it gone', async () => {
      const id = await create(uniqueName('cws-life'));
      const state = async () => (await rt.listContainers({ all: true })).find((c) => c.id === id)?.state;
      await rt.start(id);
      assert.equal(await state(), 'running');
      assert.ok(
        (await rt.listContainers({ all: false })).some((c) => c.id === id),
        'in the running list',
      );
      await rt.start(id); // already running: not an error
      await rt.stop(id, 1);
      assert.equal(await state(), 'exited');
      assert.ok(!(await rt.listContainers({ all: false })).some((c) => c.id === id), 'not in the running list');
      await rt.restart(id, 1);
      assert.equal(await state(), 'running');
      await rt.kill(id);
      await until('exited after kill', async () => ((await state()) === 'exited' ? true : undefined));
      await rt.remove(id);
      assert.equal(await state(), undefined);
      await assert.rejects(rt.remove(id), isCode('notFound'));
    });

    it('pause and unpause where the runtime can; a clear error where it cannot', async () => {
      const id = await create(uniqueName('cws-pause'));
      await rt.start(id);
      if (rt.capabilities.pause) {
        await rt.pause(id);
        assert.equal((await rt.inspect(id)).state, 'paused');
        await rt.unpause(id);
        assert.equal((await rt.inspect(id)).state, 'running');
      } else {
        await assert.rejects(rt.pause(id), isCode('invalidArgument'));
      }
      await rt.remove(id, { force: true });
    });

    it('a name in use is a conflict; removing a running container needs force', async () => {
      const name = uniqueName('cws-dup');
      const id = await create(name);
      await assert.rejects(create(name), isCode('conflict'));
      await rt.start(id);
      await assert.rejects(rt.remove(id), isCode('conflict'));
      await rt.remove(id, { force: true });
    });

    it('exec returns output and exit code, passing arguments as-is (no shell)', async () => {
      const id = await create(uniqueName('cws-exec'));
      await rt.start(id);
      const tricky = 'a b "c" \'d\' $(echo no) `echo no` ü ;|&';
      const r = await rt.exec(id, { cmd: ['echo', tricky] });
      assert.equal(r.exitCode, 0);
      assert.equal(r.stdout, tricky + '\n');
      const fail = await rt.exec(id, { cmd: ['sh', '-c', 'echo oops >&2; exit 7'] });
      assert.equal(fail.exitCode, 7);
      assert.equal(fail.stderr, 'oops\n');
      const env = await rt.exec(id, { cmd: ['sh', '-c', 'echo "$CWS_X"'], env: { CWS_X: 'from exec' } });
      assert.equal(env.stdout, 'from exec\n');
      await rt.stop(id, 1);
      await assert.rejects(rt.exec(id, { cmd: ['true'] }));
    });

    it('wait resolves when the container stops, with its exit code where the runtime knows it', async () => {
      const id = await create(uniqueName('cws-wait'), ['sh', '-c', 'sleep 1; exit 3']);
      await rt.start(id);
      const code = await rt.wait(id);
      assert.equal((await rt.inspect(id)).state, 'exited');
      assert.equal(code, rt.capabilities.exitCodes ? 3 : -1);
    });

    it('events: create, start, die and destroy arrive while subscribed, none after close', async () => {
      const seen: RuntimeEvent[] = [];
      const sub = rt.subscribeEvents((e) => seen.push(e));
      // Connected (or, polled, past its first list) once a probe container is seen; a probe made
      // before the stream was open goes unseen, so another follows every 2 s.
      const probes: string[] = [];
      let lastProbe = 0;
      await until('the subscription sees a probe container', async () => {
        if (seen.some((e) => probes.includes(e.id))) return true;
        if (Date.now() - lastProbe > 2_000) {
          lastProbe = Date.now();
          probes.push(await create(uniqueName('cws-ev-probe')));
        }
        return undefined;
      });
      const name = uniqueName('cws-ev');
      const id = await create(name);
      await rt.start(id);
      await rt.remove(id, { force: true });
      for (const action of ['create', 'start', 'destroy'] as const) {
        await until(`${action} event`, () => (seen.some((e) => e.id === id && e.action === action) ? true : undefined));
      }
      assert.equal(seen.find((e) => e.id === id && e.action === 'create')?.name, name);
      sub.close();
      await sub.ended;
      const count = seen.length;
      await rt.remove(await create(uniqueName('cws-ev2')), { force: true });
      await new Promise((r) => setTimeout(r, rt.capabilities.eventsPushed ? 500 : 3000));
      assert.equal(seen.length, count, 'no events after close');
    });

    it('a stats snapshot of a running container has memory and pids', async () => {
      const id = await create(uniqueName('cws-stats'));
      await rt.start(id);
      const s = await rt.stats(id);
      assert.equal(s.id, id);
      assert.ok(s.memoryUsed > 0, `memoryUsed ${s.memoryUsed}`);
      assert.ok(s.pids >= 1, `pids ${s.pids}`);
      assert.ok(s.cpuPercent >= 0 && Number.isFinite(s.cpuPercent));
      await rt.remove(id, { force: true });
    });

    it('close() ends every open subscription', async () => {
      const other = target.make();
      const id = await create(uniqueName('cws-close'));
      await rt.start(id);
      const subs = [other.subscribeEvents(() => undefined), other.subscribeStats(id, () => undefined)];
      await new Promise((r) => setTimeout(r, 300));
      void other.close();
      await Promise.all(subs.map((s) => s.ended));
      await rt.remove(id, { force: true });
    });
  });
}
