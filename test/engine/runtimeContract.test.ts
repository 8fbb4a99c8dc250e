// The same contract, against the real dockerd and the real Podman socket, through our runtime layer.
// The engines' own CLIs are the oracle.
import * as assert from 'node:assert/strict';
import { DockerRuntime } from '../../src/runtime/docker/dockerRuntime';
import { RuntimeError } from '../../src/runtime/errors';
import type { ContainerRuntime } from '../../src/runtime/types';
import {
  ENGINE_SOCKETS, TEST_IMAGE, TEST_LABEL, engineCli, removeTestContainers, requireEngine, uniqueName, type EngineId,
} from '../support/engines';

for (const engine of ['docker', 'podman'] as EngineId[]) {
  describe(`runtime contract: ${engine} (real engine)`, function () {
    this.timeout(60_000);
    let rt: ContainerRuntime;

    before(function () {
      requireEngine(this, engine);
      rt = new DockerRuntime(engine, { url: `unix://${ENGINE_SOCKETS[engine]}`, socketPath: ENGINE_SOCKETS[engine] });
    });
    after(async () => {
      rt?.close();
      if (rt) await removeTestContainers(engine);
    });

    it('info reports the version the engine\'s CLI reports', async () => {
      const info = await rt.info();
      const cliVersion = await engineCli(engine, ['version', '--format', '{{.Server.Version}}']);
      assert.equal(info.version, cliVersion);
      assert.equal(info.runtime, engine);
      assert.match(info.apiVersion ?? '', /^\d+\.\d+/);
      assert.equal(info.name, engine === 'podman' ? 'Podman Engine' : info.name);
      await rt.ping();
    });

    it('a created container is listed, then follows start and stop, then is gone after remove', async () => {
      const name = uniqueName(`cws-contract-${engine}`);
      const id = await rt.createContainer({ image: TEST_IMAGE, name, cmd: ['sleep', '300'], labels: { [TEST_LABEL]: String(process.pid) } });
      const find = async () => (await rt.listContainers({ all: true })).find((c) => c.id === id);

      let c = await find();
      assert.ok(c, 'created container is listed');
      assert.equal(c.name, name);
      assert.equal(c.state, 'created');
      assert.equal(c.labels[TEST_LABEL], String(process.pid));
      assert.match(c.image, /cws-test\/busybox/);

      await rt.start(id);
      c = await find();
      assert.equal(c?.state, 'running');
      assert.equal(await engineCli(engine, ['inspect', '--format', '{{.State.Running}}', id]), 'true');
      assert.ok((await rt.listContainers({ all: false })).some((x) => x.id === id), 'running container is in the default list');
      await rt.start(id); // starting a running container is not an error

      await rt.stop(id, 1);
      c = await find();
      assert.equal(c?.state, 'exited');
      assert.ok(!(await rt.listContainers({ all: false })).some((x) => x.id === id), 'stopped container is not in the running list');

      await rt.remove(id);
      assert.equal(await find(), undefined);
    });

    it('removing a container that does not exist is a notFound error', async () => {
      await assert.rejects(rt.remove('cws-no-such-container-' + process.pid), (e: unknown) => e instanceof RuntimeError && e.code === 'notFound');
    });

    it('a name already in use is a conflict error', async () => {
      const name = uniqueName(`cws-dup-${engine}`);
      const labels = { [TEST_LABEL]: String(process.pid) };
      await rt.createContainer({ image: TEST_IMAGE, name, cmd: ['true'], labels });
      await assert.rejects(rt.createContainer({ image: TEST_IMAGE, name, cmd: ['true'], labels }),
        (e: unknown) => e instanceof RuntimeError && e.code === 'conflict');
    });
  });
}

describe('runtime contract: an engine that is not there', () => {
  it('is "unavailable" with a hint, quickly, for a socket that does not exist', async () => {
    const rt = new DockerRuntime('docker', { url: 'unix:///tmp/cws-no-engine.sock', socketPath: '/tmp/cws-no-engine.sock' });
    const t0 = Date.now();
    await assert.rejects(rt.info(), (e: unknown) => e instanceof RuntimeError && e.code === 'unavailable'
      && e.message === 'Docker is not running (unix:///tmp/cws-no-engine.sock).' && !!e.hint);
    assert.ok(Date.now() - t0 < 2000);
    rt.close();
  });
});
