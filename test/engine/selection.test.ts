// Runtime selection against real engines: `auto` takes the first that answers; detection is parallel.
import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectRuntimes, resolveRuntimeId } from '../../src/core/runtime/select';
import { fakeCalls, removeFakeState } from '../support/appleFake';
import { ENGINE_SOCKETS, requireEngine } from '../support/engines';

const NO_ENGINE = 'unix:///tmp/cws-no-engine.sock';
/** No Apple CLI on this machine's PATH, whatever it has. */
const noApple = { appleCliPath: '/nonexistent/container' };
/** The fake is a Node script run two or three times per probe: on a busy machine 2 s is not enough. */
const FAKE_DEADLINE_MS = 10_000;
/** These tests are about the order of preference; a loaded Podman service may take over 2 s to answer. */
const ENGINE_DEADLINE_MS = 10_000;

describe('runtime selection (real engines)', function () {
  this.timeout(30_000);

  it('auto takes Docker when it answers', async function () {
    requireEngine(this, 'docker');
    assert.equal(
      await resolveRuntimeId(
        { env: {}, platform: 'linux', dockerHost: `unix://${ENGINE_SOCKETS.docker}`, ...noApple },
        ENGINE_DEADLINE_MS,
      ),
      'docker',
    );
  });

  it('auto falls back to Podman when Docker does not answer', async function () {
    requireEngine(this, 'podman');
    assert.equal(
      await resolveRuntimeId(
        {
          env: {},
          platform: 'linux',
          dockerHost: NO_ENGINE,
          podmanHost: `unix://${ENGINE_SOCKETS.podman}`,
          ...noApple,
        },
        ENGINE_DEADLINE_MS,
      ),
      'podman',
    );
  });

  it('auto with nothing answering is Docker (whose messages say how to start it)', async () => {
    assert.equal(
      await resolveRuntimeId({
        env: {},
        platform: 'linux',
        dockerHost: NO_ENGINE,
        podmanHost: 'unix:///tmp/cws-no-podman.sock',
        ...noApple,
      }),
      'docker',
    );
  });

  describe('Apple Containers (fake `container` CLI)', () => {
    const fake = join(__dirname, '..', '..', '..', 'test', 'fakes', 'container');
    let state: string;
    let saved: string | undefined;
    before(() => {
      state = mkdtempSync(join(tmpdir(), 'cws-sel-apple-'));
      saved = process.env.CWS_FAKE_CONTAINER_STATE;
      process.env.CWS_FAKE_CONTAINER_STATE = state;
    });
    after(async () => {
      if (saved === undefined) delete process.env.CWS_FAKE_CONTAINER_STATE;
      else process.env.CWS_FAKE_CONTAINER_STATE = saved;
      await removeFakeState(state);
    });

    it('auto prefers Apple on an Apple silicon Mac when its CLI is there and its service runs', async () => {
      assert.equal(
        await resolveRuntimeId(
          {
            env: {},
            platform: 'darwin',
            arch: 'arm64',
            appleCliPath: fake,
            dockerHost: `unix://${ENGINE_SOCKETS.docker}`,
          },
          FAKE_DEADLINE_MS,
        ),
        'apple',
      );
    });

    it('auto does not pick Apple off macOS, nor when its service is stopped', async () => {
      const others = {
        env: {},
        dockerHost: NO_ENGINE,
        podmanHost: 'unix:///tmp/cws-no-podman.sock',
        appleCliPath: fake,
      };
      const before = fakeCalls(state).length;
      assert.equal(await resolveRuntimeId({ ...others, platform: 'linux' }, FAKE_DEADLINE_MS), 'docker');
      assert.equal(await resolveRuntimeId({ ...others, platform: 'darwin', arch: 'x64' }, FAKE_DEADLINE_MS), 'docker');
      assert.equal(fakeCalls(state).length, before, 'auto did not even run the CLI where Apple Containers cannot be');
      process.env.CWS_FAKE_CONTAINER_DOWN = '1';
      try {
        const found = await detectRuntimes({ ...others, platform: 'darwin', arch: 'arm64' }, FAKE_DEADLINE_MS);
        const apple = found.find((r) => r.id === 'apple')!;
        assert.equal(apple.available, false);
        assert.match(apple.error?.hint ?? '', /container system start/);
        assert.equal(
          await resolveRuntimeId({ ...others, platform: 'darwin', arch: 'arm64' }, FAKE_DEADLINE_MS),
          'docker',
        );
      } finally {
        delete process.env.CWS_FAKE_CONTAINER_DOWN;
      }
    });
  });

  it('an explicit choice is kept even when that runtime is down', async () => {
    assert.equal(
      await resolveRuntimeId({ setting: 'podman', env: {}, podmanHost: 'unix:///tmp/cws-no-podman.sock' }),
      'podman',
    );
  });

  describe('with engines that accept connections but never answer', () => {
    let dir: string;
    const servers: Server[] = [];
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'cws-hang-'));
      for (const name of ['docker.sock', 'podman.sock']) {
        const s = createServer(() => undefined); // accepts, never replies
        await new Promise<void>((r) => s.listen(join(dir, name), r));
        servers.push(s);
      }
    });
    after(() => {
      servers.forEach((s) => s.close());
      rmSync(dir, { recursive: true, force: true });
    });

    it('detection checks all runtimes in parallel, each with a short time-out', async () => {
      const t0 = Date.now();
      const found = await detectRuntimes(
        {
          env: {},
          dockerHost: `unix://${join(dir, 'docker.sock')}`,
          podmanHost: `unix://${join(dir, 'podman.sock')}`,
          ...noApple,
        },
        800,
      );
      const took = Date.now() - t0;
      assert.ok(took < 1500, `took ${took} ms (two 800 ms time-outs in a row would be 1600+)`);
      const byId = Object.fromEntries(found.map((r) => [r.id, r]));
      assert.deepEqual([byId.docker.available, byId.podman.available, byId.apple.available], [false, false, false]);
      assert.equal(byId.docker.error?.code, 'timeout');
      assert.equal(byId.podman.error?.code, 'timeout');
      assert.ok(byId.apple.error?.hint, 'a missing Apple CLI comes with a hint');
    });
  });
});
