// The live container list the views read, against the real dockerd and Podman (through a counting
// proxy, so engine traffic is counted) and the fake Apple CLI: changes arrive without a refresh,
// a released store makes no requests, and a dropped connection is re-established with back-off.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppleRuntime } from '../../src/core/runtime/apple/appleRuntime';
import { DockerRuntime } from '../../src/core/runtime/docker/dockerRuntime';
import { PodmanRuntime } from '../../src/core/runtime/docker/podmanRuntime';
import { ContainerStore, type StoreChange } from '../../src/core/live/containerStore';
import type { ContainerRuntime } from '../../src/core/runtime/types';
import { startCountingProxy, type CountingProxy } from '../support/countingProxy';
import {
  ENGINE_SOCKETS,
  TEST_IMAGE,
  TEST_LABEL,
  engineCli,
  removeTestContainers,
  requireEngine,
  uniqueName,
  type EngineId,
  runTestContainer,
} from '../support/engines';
import { removeFakeState } from '../support/appleFake';
import { repoRoot } from '../support/paths';
import { until } from '../support/until';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const engine of ['docker', 'podman'] as EngineId[]) {
  describe(`live container store: ${engine} (real engine, counted)`, function () {
    this.timeout(90_000);
    let proxy: CountingProxy;
    let rt: ContainerRuntime;
    let store: ContainerStore;
    let changes: StoreChange[] = [];

    before(async function () {
      requireEngine(this, engine);
      proxy = await startCountingProxy(ENGINE_SOCKETS[engine], engine);
      const ep = { url: proxy.url, socketPath: proxy.path };
      rt = engine === 'podman' ? new PodmanRuntime(ep) : new DockerRuntime('docker', ep);
      store = new ContainerStore({ backoffInitialMs: 200, backoffMaxMs: 1_000 });
      store.onDidChange((c) => changes.push(c));
      store.setRuntime(rt);
    });
    after(async () => {
      store?.dispose();
      void rt?.close();
      await proxy?.close();
      await removeTestContainers(engine).catch(() => undefined);
    });

    it('makes no request until held, then lists once and opens one event stream', async () => {
      await sleep(300);
      assert.equal(proxy.count(), 0, 'no traffic before anyone looks');
      const release = store.acquire();
      await store.whenSettled();
      assert.ok(store.loaded, store.error?.message);
      assert.equal(proxy.count(/\/containers\/json/), 1, proxy.requests.join('\n'));
      assert.equal(proxy.count(/\/events/), 1, proxy.requests.join('\n'));
      release();
    });

    it('a container created, stopped and removed on the engine shows up, changes and goes, without a refresh', async () => {
      const release = store.acquire();
      try {
        await store.whenSettled();
        changes = [];
        proxy.reset();
        const name = uniqueName(`cws-store-${engine}`);
        const id = await runTestContainer(engine, name, ['sleep', '300']);
        const fullId = (
          await until('it is listed', () => store.containers.find((c) => id.startsWith(c.id) || c.id.startsWith(id)))
        ).id;
        await until('running', () => (store.get(fullId)?.state === 'running' ? true : undefined));
        assert.equal(store.get(fullId)!.name, name);
        assert.ok(
          changes.some((c) => c.added.some((a) => a.id === fullId)),
          'an "added" change',
        );

        const beforeStop = changes.length;
        await engineCli(engine, ['stop', '-t', '0', fullId]);
        await until('exited', () => (store.get(fullId)?.state === 'exited' ? true : undefined));
        // From running to exited, with no odd state shown on the way (Podman says "stopping" first).
        const updates = changes.slice(beforeStop).flatMap((c) => c.updated.filter((u) => u.after.id === fullId));
        const states = updates.map((u) => `${u.before.state}→${u.after.state}`).join(', ');
        assert.equal(updates[0]?.before.state, 'running', states);
        assert.equal(updates.at(-1)?.after.state, 'exited', states);
        assert.ok(
          updates.every((u) => ['running', 'exited'].includes(u.after.state)),
          states,
        );

        await engineCli(engine, ['rm', fullId]);
        await until('gone', () => (store.get(fullId) ? undefined : true));
        assert.ok(changes.some((c) => c.removed.some((r) => r.id === fullId)));
        // Every change came from events and filtered lists: no full list.
        const lists = proxy.requests.filter((r) => r.includes('/containers/json'));
        assert.ok(lists.length > 0 && lists.every((r) => r.includes('filters=')), lists.join('\n'));
      } finally {
        release();
      }
    });

    it('released: the event stream is closed, and nothing is asked of the engine', async () => {
      const release = store.acquire();
      await store.whenSettled();
      release();
      // The event stream at once; idle keep-alive connections a few seconds later.
      await until('connections closed', () => (proxy.openConnections === 0 ? true : undefined), 8_000);
      proxy.reset();
      await engineCli(engine, ['run', '-d', '--label', `${TEST_LABEL}=${process.pid}`, TEST_IMAGE, 'true']);
      await sleep(1_500);
      assert.equal(proxy.count(), 0, proxy.requests.join('\n'));
      assert.equal(proxy.openConnections, 0);
    });

    it('an engine that goes away and comes back: reconnects with back-off and catches up on what happened meanwhile', async () => {
      const release = store.acquire();
      try {
        await store.whenSettled();
        proxy.setDown(true);
        proxy.dropAll();
        await until('the failure is seen', () => store.error, 5_000);
        const name = uniqueName(`cws-store-down-${engine}`);
        await runTestContainer(engine, name, ['sleep', '300']);
        await sleep(700);
        assert.ok(!store.containers.some((c) => c.name === name), 'not seen while the engine is unreachable');
        proxy.setDown(false);
        await until(
          'reconnected and caught up',
          () => store.containers.find((c) => c.name === name && c.state === 'running'),
          10_000,
        );
        assert.equal(store.error, undefined);
        assert.ok(store.streaming, 'the event stream is open again');
      } finally {
        release();
      }
    });
  });
}

describe('live container store: apple (fake container CLI, polled)', function () {
  this.timeout(60_000);
  const fake = join(repoRoot, 'test/fakes/container');
  let stateDir: string;
  let rt: AppleRuntime;
  let store: ContainerStore;
  const calls = () => {
    try {
      return readFileSync(join(stateDir, 'calls.log'), 'utf8').trim().split('\n').filter(Boolean).length;
    } catch {
      return 0;
    }
  };

  before(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'cws-apple-store-'));
    rt = new AppleRuntime({ cliPath: fake, env: { CWS_FAKE_CONTAINER_STATE: stateDir } });
    store = new ContainerStore({ pollMs: 300 });
    store.setRuntime(rt);
  });
  after(async () => {
    store?.dispose();
    await rt.remove('cws-apple-store', { force: true }).catch(() => undefined);
    await rt?.close(); // resolves once its CLI children have exited…
    await removeFakeState(stateDir); // …and this waits for the fake's own (supervisors) too
  });

  it('polls only while held: a container created with the CLI shows up; released, the CLI is not run', async () => {
    const release = store.acquire();
    await store.whenSettled();
    assert.ok(store.loaded, store.error?.message);
    const id = await rt.createContainer({
      image: 'docker.io/library/busybox:latest',
      name: 'cws-apple-store',
      cmd: ['sleep', '300'],
    });
    await until('listed', () => store.get(id), 5_000);
    await rt.start(id);
    await until('running', () => (store.get(id)?.state === 'running' ? true : undefined), 5_000);
    release();
    await sleep(400);
    const before = calls();
    await sleep(1_200);
    assert.equal(calls(), before, 'no CLI call while nobody holds the store');
  });
});
